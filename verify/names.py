r"""Names of the checker's own letters: probes, moments of the state, losses at a point.

Every internal name starts with ``#``, which no declared symbol can (a declared name is a letter
or a Greek macro with an optional subscript), so a file's ``u``, ``v``, ``m`` or ``S`` never
meets a probe vector or a moment.

A moment records the states it is a moment of and the learning rate of its law: E_{P_r} x is
``mean_name(x, r)`` and E_{P_r} x yᵀ is ``second_name(x, y, r)``; the moments of L(2η) are those
of P_{2η}, not of P_η.

>>> from sympy import Symbol
>>> eta = Symbol("eta", positive=True)
>>> second_name(r"\Delta\Phi", "v", 2 * eta)
'#S|\\Delta\\Phi|v|2*eta'
>>> parse_moment(second_name(r"\Delta\Phi", "v", 2 * eta))
('S', ('\\Delta\\Phi', 'v'), '2*eta')
>>> transpose_name(second_name(r"\Delta\Phi", "v", eta))
'#S|v|\\Delta\\Phi|eta'
>>> is_internal("#u"), is_internal("u")
(True, False)
"""

from __future__ import annotations

from sympy import Basic, srepr, sstr

__all__ = [
    "LOSS_AT_OPTIMUM",
    "display_name",
    "is_internal",
    "loss_name",
    "mean_name",
    "parse_moment",
    "probe_name",
    "second_name",
    "transpose_name",
]

LOSS_AT_OPTIMUM = "#L_b"


def is_internal(name: str) -> bool:
    """Is this the name of one of the checker's own letters?"""
    return name.startswith("#")


def probe_name(label: str) -> str:
    """A probe vector (a placeholder end of an open vector or matrix expression)."""
    return "#" + label


def mean_name(state: str, rate: Basic) -> str:
    """E_{P_r} x for the state x."""
    return f"#m|{state}|{sstr(rate)}"


def second_name(left: str, right: str, rate: Basic) -> str:
    """E_{P_r} x yᵀ for the states x (left) and y (right)."""
    return f"#S|{left}|{right}|{sstr(rate)}"


_LOSS_LATEX: dict[str, str] = {}


def loss_name(offset: Basic) -> str:
    """L_b(Φ* + x), an unexpanded loss: the point x (exactly, as srepr) is part of the name."""
    from derive.printing import lecture_latex

    name = f"#L_b({srepr(offset)})"
    _LOSS_LATEX.setdefault(name, r"\mathcal{L}_b(\Phi^* + " + lecture_latex(offset) + ")")
    return name


def display_name(name: str, state: str = r"\Delta\Phi", rate: str = "eta", *,
                 rate_name: str | None = None, index: str = "b") -> str:
    """LaTeX for an internal name: m, S (with the states or the rate when they are not the
    setting's ``state`` and ``rate``; the rate printed as ``rate_name``, default η), the probes
    as bold u, v, and a loss at its point (with the setting's example ``index``)."""
    from sympy import Symbol, latex, sympify

    from derive.printing import subscript

    if name == LOSS_AT_OPTIMUM:
        return r"\mathcal{L}_" + subscript(index) + r"(\Phi^*)"
    if name in _LOSS_LATEX:
        return _LOSS_LATEX[name]
    parsed = parse_moment(name)
    if parsed is None:
        return r"\mathbf{" + name.lstrip("#") + "}" if is_internal(name) else name
    kind, states, at = parsed
    subs = [] if all(x == state for x in states) else [" ".join(states)]
    if at != rate:
        eta = Symbol("eta", positive=True)
        subs.append(latex(sympify(at, locals={"eta": eta}), symbol_names={eta: rate_name or r"\eta"}))
    return kind + ("_{" + ", ".join(subs) + "}" if subs else "")


def parse_moment(name: str) -> tuple[str, tuple[str, ...], str] | None:
    """('m' or 'S', the states, the rate) of a moment's name; None for any other name."""
    if not (name.startswith("#m|") or name.startswith("#S|")):
        return None
    parts = name[1:].split("|")
    return parts[0], tuple(parts[1:-1]), parts[-1]


def transpose_name(name: str) -> str:
    """(E x yᵀ)ᵀ = E y xᵀ; every other matrix letter is symmetric."""
    parsed = parse_moment(name)
    if parsed is None or parsed[0] != "S":
        return name
    (left, right), rate = parsed[1], parsed[2]
    return f"#S|{right}|{left}|{rate}"

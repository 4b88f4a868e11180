r"""LaTeX for canonical polys: the reduced residual that a refutation shows.

Moments of ΔΦ print as m = E_{ΔΦ∼P_η} ΔΦ and S = E_{ΔΦ∼P_η} ΔΦ ΔΦᵀ (with a subscript for the
law at another rate, S_{2η}, or for another state, S_{ΔΦ v}); the probe vectors of a vector- or
matrix-valued line print as bold **u**, **v**. A monomial with several averages prints them with
separate indices b_1, b_2, ….

>>> from derive.symbols import H_b, DeltaPhi
>>> from derive.expectation import E_b, E_P
>>> from derive.scalar import quadratic_form
>>> from derive.hypotheses import HYPOTHESES
>>> from verify.canonical import canonical
>>> from verify.context import Context
>>> ctx = Context.build((), HYPOTHESES)
>>> render_poly(canonical(E_P(quadratic_form(DeltaPhi, E_b(H_b))), ctx))
'E_{b} \\operatorname{tr}\\left(S H_{b}\\right)'
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from derive.printing import latex, lecture_latex
from verify.names import display_name
from verify.poly import Poly

if TYPE_CHECKING:
    from derive.parse.notation import Notation

__all__ = ["MOMENT_LEGEND", "RATE_NOTE", "moment_legend", "moment_math", "render_in", "render_poly"]


RATE_NOTE = " (S_r, m_r: at the rate r)"


def moment_math(state: str = r"\Delta\Phi", law: str = r"P_\eta") -> str:
    """m and S as math, in the setting's names of the state and the law."""
    return (rf"m = E_{{{state} \sim {law}}} {state},\quad "
            rf"S = E_{{{state} \sim {law}}} {state} {state}^\top")


def moment_legend(state: str = r"\Delta\Phi", law: str = r"P_\eta") -> str:
    """What m and S stand for in a residual, in the setting's names of the state and the law."""
    return moment_math(state, law) + RATE_NOTE


MOMENT_LEGEND = moment_legend()

def _letter(letter: tuple[Hashable, ...], index: dict[int, str], names: _Names) -> str:
    """A letter, its example index (the setting's) renamed to its average's index."""
    name, _kind, per_example, _random, moment, label = letter
    b = names.index
    sub = index.get(label, b) if isinstance(label, int) and label >= 0 else b
    base = display_name(str(name), names.state, rate_name=names.rate_name, index=b)
    if moment or not per_example:
        return base
    if base.endswith("_" + b):
        return base[:-len(b) - 1] + "_{" + sub + "}"
    return base.replace("_{" + b + "}", "_{" + sub + "}")


def _component(comp: tuple[Hashable, ...], index: dict[int, str], names: _Names) -> str:
    kind, body = comp
    if kind == "o":
        return r"\lim_{" + (names.rate_name or r"\eta") + r" \rightarrow 0}(\cdots)"
    letters = [_letter(x, index, names) for x in body]
    if kind == "s":
        return letters[0]
    if kind == "c":
        return r"\operatorname{tr}\left(" + " ".join(letters) + r"\right)"
    return letters[0] + r"^\top " + " ".join(letters[1:])


def _monomial(key: tuple[Hashable, ...], names: _Names) -> str:
    b = names.index
    labels = sorted(
        {x[5] for comp in key if comp[0] != "o" for x in comp[1] if x[5] >= 0}
    )
    index = {lab: (b if len(labels) == 1 else f"{b}_{i + 1}") for i, lab in enumerate(labels)}
    prefix = "".join(f"E_{{{index[lab]}}} " for lab in labels)
    return prefix + " ".join(_component(c, index, names) for c in key)


@dataclass(frozen=True)
class _Names:
    """The setting's names: example index, state, and the rate's LaTeX (None: η)."""

    index: str = "b"
    state: str = r"\Delta\Phi"
    rate_name: str | None = None


def render_poly(p: Poly, *, index_name: str | None = None, rate_name: str | None = None,
                state_name: str = r"\Delta\Phi") -> str:
    """LaTeX for Σ coefficient · monomial (``0`` for the zero poly).

    ``index_name``, ``rate_name`` and ``state_name`` are the setting's names of the example
    index, the learning rate and the state (None: the lecture's b and η), as in
    :attr:`derive.parse.notation.Notation.printing`: then S and m are the moments of the
    setting's state.
    """
    if p.is_zero():
        return "0"
    names = _Names(index_name or "b", state_name, rate_name)
    out = ""
    for key, c in p.items():
        mono = _monomial(key, names)
        negative = c.could_extract_minus_sign()
        size = -c if negative else c
        text = latex(size) if rate_name is None else lecture_latex(size, rate_name=rate_name)
        if size.is_Add:
            text = r"\left(" + text + r"\right)"
        term = mono if (size == 1 and mono) else (text + " " + mono).strip()
        sign = "- " if negative else ("+ " if out else "")
        out += (" " if out else "") + sign + term
    return out


def render_in(p: Poly, notation: Notation) -> str:
    """:func:`render_poly` in a setting's names (index, rate and state)."""
    return render_poly(p, index_name=notation.printing["index_name"],
                       rate_name=notation.printing["rate_name"], state_name=notation.state_name)

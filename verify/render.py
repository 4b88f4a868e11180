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

from derive.parse.notation import LECTURE, Notation
from derive.printing import latex, lecture_latex
from verify.names import display_name
from verify.poly import Poly

__all__ = ["MOMENT_LEGEND", "RATE_NOTE", "moment_legend", "render_poly"]


RATE_NOTE = " (S_r, m_r: at the rate r)"


def moment_legend(state: str = r"\Delta\Phi", law: str = r"P_\eta") -> str:
    """What m and S stand for in a residual, in the setting's names of the state and the law
    (math, then :data:`RATE_NOTE`)."""
    return (rf"m = E_{{{state} \sim {law}}} {state},\quad "
            rf"S = E_{{{state} \sim {law}}} {state} {state}^\top" + RATE_NOTE)


MOMENT_LEGEND = moment_legend()

def _letter(letter: tuple[Hashable, ...], index: dict[int, str], notation: Notation) -> str:
    """A letter, its example index (the setting's) renamed to its average's index."""
    name, _kind, per_example, _random, moment, label = letter
    b = notation.index
    sub = index.get(label, b) if isinstance(label, int) and label >= 0 else b
    base = display_name(str(name), notation.state_name, rate_name=notation.printing["rate_name"], index=b)
    if moment or not per_example:
        return base
    if base.endswith("_" + b):
        return base[:-len(b) - 1] + "_{" + sub + "}"
    return base.replace("_{" + b + "}", "_{" + sub + "}")


def _component(comp: tuple[Hashable, ...], index: dict[int, str], notation: Notation) -> str:
    kind, body = comp
    if kind == "o":
        return r"\lim_{" + notation.rate_name + r" \rightarrow 0}(\cdots)"
    letters = [_letter(x, index, notation) for x in body]
    if kind == "s":
        return letters[0]
    if kind == "c":
        return r"\operatorname{tr}\left(" + " ".join(letters) + r"\right)"
    return letters[0] + r"^\top " + " ".join(letters[1:])


def _monomial(key: tuple[Hashable, ...], notation: Notation) -> str:
    b = notation.index
    labels = sorted(
        {x[5] for comp in key if comp[0] != "o" for x in comp[1] if x[5] >= 0}
    )
    index = {lab: (b if len(labels) == 1 else f"{b}_{i + 1}") for i, lab in enumerate(labels)}
    prefix = "".join(f"E_{{{index[lab]}}} " for lab in labels)
    return prefix + " ".join(_component(c, index, notation) for c in key)


def render_poly(p: Poly, notation: Notation = LECTURE) -> str:
    """LaTeX for Σ coefficient · monomial (``0`` for the zero poly), in the setting's names of the
    example index, the learning rate and the state (S and m are the moments of that state)."""
    if p.is_zero():
        return "0"
    rate_name = notation.printing["rate_name"]
    out = ""
    for key, c in p.items():
        mono = _monomial(key, notation)
        negative = c.could_extract_minus_sign()
        size = -c if negative else c
        text = latex(size) if rate_name is None else lecture_latex(size, rate_name=rate_name)
        if size.is_Add:
            text = r"\left(" + text + r"\right)"
        term = mono if (size == 1 and mono) else (text + " " + mono).strip()
        sign = "- " if negative else ("+ " if out else "")
        out += (" " if out else "") + sign + term
    return out


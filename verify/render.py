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

from derive.printing import latex
from verify.names import display_name
from verify.poly import Poly

__all__ = ["MOMENT_LEGEND", "render_poly"]

MOMENT_LEGEND = (
    r"m = E_{\Delta\Phi \sim P_\eta} \Delta\Phi,\quad "
    r"S = E_{\Delta\Phi \sim P_\eta} \Delta\Phi \Delta\Phi^\top"
    r" (S_r, m_r: under P_r)"
)

def _letter(letter: tuple[Hashable, ...], index: dict[int, str]) -> str:
    name, _kind, per_example, _random, moment, label = letter
    sub = index.get(label, "b") if isinstance(label, int) and label >= 0 else "b"
    base = display_name(str(name))
    if moment:
        return base
    if per_example and base.endswith("_b"):
        return base[:-2] + "_{" + sub + "}"
    if per_example:
        return base.replace("_{b}", "_{" + sub + "}").replace("_b", "_{" + sub + "}")
    return base


def _component(comp: tuple[Hashable, ...], index: dict[int, str]) -> str:
    kind, body = comp
    if kind == "o":
        return r"\lim_{\eta \rightarrow 0}(\cdots)"
    letters = [_letter(x, index) for x in body]
    if kind == "s":
        return letters[0]
    if kind == "c":
        return r"\operatorname{tr}\left(" + " ".join(letters) + r"\right)"
    return letters[0] + r"^\top " + " ".join(letters[1:])


def _monomial(key: tuple[Hashable, ...]) -> str:
    labels = sorted(
        {x[5] for comp in key if comp[0] != "o" for x in comp[1] if x[5] >= 0}
    )
    index = {lab: ("b" if len(labels) == 1 else f"b_{i + 1}") for i, lab in enumerate(labels)}
    prefix = "".join(f"E_{{{index[lab]}}} " for lab in labels)
    return prefix + " ".join(_component(c, index) for c in key)


def render_poly(p: Poly) -> str:
    """LaTeX for Σ coefficient · monomial (``0`` for the zero poly)."""
    if p.is_zero():
        return "0"
    out = ""
    for key, c in p.items():
        mono = _monomial(key)
        negative = c.could_extract_minus_sign()
        size = -c if negative else c
        text = latex(size)
        if size.is_Add:
            text = r"\left(" + text + r"\right)"
        term = mono if (size == 1 and mono) else (text + " " + mono).strip()
        sign = "- " if negative else ("+ " if out else "")
        out += (" " if out else "") + sign + term
    return out

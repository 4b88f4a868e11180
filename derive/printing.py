r"""LaTeX in the lecture's notation.

Every class of :mod:`derive` prints its own LaTeX (``_latex``); this printer adds the lecture's
conventions for SymPy's own matrix classes: ``^\\top`` for transposes, and sums kept readable.

>>> from derive.symbols import g_b, H_b, DeltaPhi, eta
>>> from derive.printing import latex
>>> latex((H_b * DeltaPhi).T * g_b)
'\\Delta\\Phi^\\top H_{b} g_{b}'
>>> latex(eta / 4)
'\\frac{\\eta}{4}'
"""

from __future__ import annotations

from typing import Any

from sympy import Basic, MatMul, Mul, Transpose
from sympy.printing.latex import LatexPrinter

__all__ = ["HeatcapLatexPrinter", "latex"]


class HeatcapLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the lecture's transpose ``^\\top``."""

    def _print_Transpose(self, expr: Transpose) -> str:
        arg = expr.arg
        text = self._print(arg)
        if not arg.is_symbol:
            text = r"\left(" + text + r"\right)"
        return text + r"^\top"


    def _print_MatMul(self, expr: MatMul) -> str:
        """A product; an averaged matrix factor is parenthesized as in ``ΔΦᵀ (E_b H_b) ΔΦ``."""
        from derive.expectation import ExampleMean, StationaryMean

        parts = []
        for arg in expr.args:
            text = self._print(arg)
            if isinstance(arg, ExampleMean | StationaryMean) or arg.is_Add:
                text = r"\left(" + text + r"\right)"
            elif arg == -1:
                text = "-"
            parts.append(text)
        return " ".join(parts).replace("- ", "-", 1) if parts[0] == "-" else " ".join(parts)

    def _print_Mul(self, expr: Mul) -> str:
        """``\\frac{\\eta}{4} E[...]``: plain coefficients first, then the heatcap factors."""
        plain = [a for a in expr.args if _is_plain(a)]
        rich = [a for a in expr.args if not _is_plain(a)]
        if not plain or not rich:
            return super()._print_Mul(expr)
        coeff = Mul(*plain)
        body = " ".join(self._print_factor(a) for a in rich)
        if coeff == -1:
            return "- " + body
        head = self._print(coeff)
        if coeff.is_Add:
            head = r"\left(" + head + r"\right)"
        return head + " " + body

    def _print_factor(self, arg: Basic) -> str:
        text = self._print(arg)
        return r"\left(" + text + r"\right)" if arg.is_Add else text


def _is_plain(arg: Basic) -> bool:
    """A factor made of numbers and ordinary symbols only."""
    return all(type(node).__module__.startswith("sympy.") for node in arg.atoms(Basic) | {arg})


def latex(expr: Basic, **settings: Any) -> str:
    """LaTeX for a heatcap expression, in the lecture's notation."""
    return HeatcapLatexPrinter(settings).doprint(expr)

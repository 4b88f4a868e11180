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

from sympy import Basic, Transpose
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


def latex(expr: Basic, **settings: Any) -> str:
    """LaTeX for a heatcap expression, in the lecture's notation."""
    return HeatcapLatexPrinter(settings).doprint(expr)

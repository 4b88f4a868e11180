r"""LaTeX in: the lecture's notation read into the SymPy objects of :mod:`derive`.

>>> from derive.parse import parse_expression, parse_equation
>>> from derive.expectation import E_P, E_b
>>> from derive.scalar import SquaredNorm
>>> from derive.symbols import g_b, H_b, DeltaPhi
>>> noise = parse_expression(r"E_{\Delta\Phi \sim P_\eta} E_b \|(g_b + H_b\Delta\Phi)\|^2")
>>> noise == E_P(E_b(SquaredNorm(g_b + H_b * DeltaPhi)))
True
>>> parse_equation(r"E_b g_b = 0").rhs
0
"""

from derive.parse.display import Relation, Row, parse_display, parse_equation, parse_row, split_rows
from derive.parse.errors import LatexError, ProofFileError
from derive.parse.expression import parse_expression
from derive.parse.notation import LECTURE, Declaration, Notation, normalize

__all__ = [
    "LECTURE",
    "Declaration",
    "LatexError",
    "Notation",
    "ProofFileError",
    "Relation",
    "Row",
    "normalize",
    "parse_display",
    "parse_equation",
    "parse_expression",
    "parse_row",
    "split_rows",
]

r"""The limit η → 0 and the derivative at η = 0, as unevaluated objects.

The lecture defines L(0) ≐ lim_{η→0} L(η); the derivative at zero is the one-sided difference
quotient  dL/dη|_{η=0} = lim_{η→0⁺} (L(η) − L(0)) / η.

>>> from derive.limits import LimitAtZero, DerivativeAtZero
>>> from derive.losses import ConvergedLoss
>>> from derive.printing import latex
>>> latex(LimitAtZero(ConvergedLoss()))
'\\lim_{\\eta \\rightarrow 0} \\mathcal{L}(\\eta)'
>>> latex(DerivativeAtZero(ConvergedLoss()))
'\\left.\\frac{\\partial \\mathcal{L}(\\eta)}{\\partial \\eta}\\right|_{\\eta=0}'
>>> from sympy import Symbol
>>> x = Symbol('x', positive=True)
>>> DerivativeAtZero(x**2 + 3*x, x).as_sympy().doit()
3
"""

from __future__ import annotations

from typing import Any

from sympy import Basic, Derivative, Expr, Limit, Subs, Symbol, sympify

from derive.symbols import eta

__all__ = ["DerivativeAtZero", "LimitAtZero"]


class LimitAtZero(Expr):
    """lim_{η→0⁺} X(η); ``args = (X, η)``."""

    is_commutative = True

    def __new__(cls, expr: Expr, rate: Symbol = eta) -> LimitAtZero:
        return Basic.__new__(cls, sympify(expr), rate)

    @property
    def expr(self) -> Expr:
        return self.args[0]

    @property
    def rate(self) -> Symbol:
        return self.args[1]

    def as_sympy(self) -> Limit:
        """The same limit as SymPy's own ``Limit`` (for concrete expressions)."""
        return Limit(self.expr, self.rate, 0, "+")

    def _latex(self, printer: Any) -> str:
        rate = printer._print(self.rate)
        return rf"\lim_{{{rate} \rightarrow 0}} " + printer._print(self.expr)


class DerivativeAtZero(Expr):
    """dX/dη at η = 0, i.e. lim_{η→0⁺} (X(η) − X(0))/η; ``args = (X, η)``."""

    is_commutative = True

    def __new__(cls, expr: Expr, rate: Symbol = eta) -> DerivativeAtZero:
        return Basic.__new__(cls, sympify(expr), rate)

    @property
    def expr(self) -> Expr:
        return self.args[0]

    @property
    def rate(self) -> Symbol:
        return self.args[1]

    def as_sympy(self) -> Subs:
        """The same derivative as SymPy's ``Subs(Derivative(X, η), η, 0)``."""
        return Subs(Derivative(self.expr, self.rate), self.rate, 0)

    def _latex(self, printer: Any) -> str:
        rate = printer._print(self.rate)
        top = printer._print(self.expr)
        return (
            rf"\left.\frac{{\partial {top}}}{{\partial {rate}}}\right|_{{{rate}=0}}"
        )

r"""The losses of the lecture.

* ``L_b(Φ* + D)`` — :class:`ExampleLoss`, the loss on example b at parameters Φ* + D;
* ``L(Φ* + D) = E_b L_b(Φ* + D)`` — :class:`TrainingLoss` (a definition);
* ``L(η) = E_{ΔΦ∼P_η} L(Φ* + ΔΦ)`` — :class:`ConvergedLoss`, the loss SGD converges to at
  learning rate η (a definition; the lecture's 𝓛(η)).

>>> from derive.losses import ExampleLoss, TrainingLoss, ConvergedLoss
>>> from derive.symbols import DeltaPhi, eta
>>> from derive.printing import latex
>>> latex(ExampleLoss(DeltaPhi)), latex(TrainingLoss()), latex(ConvergedLoss(eta))
('\\mathcal{L}_{b}(\\Phi^* + \\Delta\\Phi)', '\\mathcal{L}(\\Phi^*)', '\\mathcal{L}(\\eta)')
>>> TrainingLoss(DeltaPhi).doit()
ExampleMean(ExampleLoss(\Delta\Phi))
"""

from __future__ import annotations

from typing import Any

from sympy import Basic, Expr, ZeroMatrix, sympify
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.expectation import E_P, E_b
from derive.symbols import DeltaPhi, d, eta

__all__ = ["ConvergedLoss", "ExampleLoss", "TrainingLoss", "optimal_loss"]


def _offset(offset: MatrixExpr | None) -> MatrixExpr:
    return ZeroMatrix(d, 1) if offset is None else offset


def _point_latex(printer: Any, offset: MatrixExpr) -> str:
    if isinstance(offset, ZeroMatrix):
        return r"\Phi^*"
    return r"\Phi^* + " + printer._print(offset)


class ExampleLoss(Expr):
    """L_b(Φ* + D): the loss on training example b; ``args = (D,)`` (D = 0 means Φ*)."""

    is_commutative = True

    def __new__(cls, offset: MatrixExpr | None = None) -> ExampleLoss:
        return Basic.__new__(cls, _offset(offset))

    @property
    def offset(self) -> MatrixExpr:
        return self.args[0]

    @property
    def at_optimum(self) -> bool:
        return isinstance(self.offset, ZeroMatrix)

    def _latex(self, printer: Any) -> str:
        return r"\mathcal{L}_{b}(" + _point_latex(printer, self.offset) + ")"


class TrainingLoss(Expr):
    """L(Φ* + D) = E_b L_b(Φ* + D): the training loss; ``args = (D,)``."""

    is_commutative = True

    def __new__(cls, offset: MatrixExpr | None = None) -> TrainingLoss:
        return Basic.__new__(cls, _offset(offset))

    @property
    def offset(self) -> MatrixExpr:
        return self.args[0]

    def doit(self, **hints: Any) -> Expr:
        return E_b(ExampleLoss(self.offset))

    def _latex(self, printer: Any) -> str:
        return r"\mathcal{L}(" + _point_latex(printer, self.offset) + ")"


class ConvergedLoss(Expr):
    """L(r) = E_{ΔΦ∼P_r} L(Φ* + ΔΦ): the converged loss at learning rate r; ``args = (r, ΔΦ)``.

    The rate is kept: L(2η) is the loss at the stationary law P_{2η}, and L(0) is the lecture's
    definition L(0) ≐ lim_{η→0} L(η) (``doit`` returns that limit). The state is the setting's
    (ΔΦ by default): its law is the one L(r) averages over.
    """

    is_commutative = True

    def __new__(cls, rate: Expr = eta, state: MatrixExpr = DeltaPhi) -> ConvergedLoss:
        return Basic.__new__(cls, sympify(rate), state)

    @property
    def rate(self) -> Expr:
        return self.args[0]

    @property
    def state(self) -> MatrixExpr:
        return self.args[1]

    def doit(self, **hints: Any) -> Expr:
        if self.rate == 0:
            from derive.limits import LimitAtZero

            return LimitAtZero(ConvergedLoss(eta, self.state), eta)
        return E_P(TrainingLoss(self.state), self.state, self.rate)

    def _latex(self, printer: Any) -> str:
        return r"\mathcal{L}(" + printer._print(self.rate) + ")"


def optimal_loss() -> TrainingLoss:
    """L(Φ*) = E_b L_b(Φ*): the training loss at the optimum."""
    return TrainingLoss()

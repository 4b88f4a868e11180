r"""The objects the proof is about: the expansion, the SGD step, stationarity.

>>> from derive.sgd import sgd_step, second_order_expansion, stationarity_condition
>>> from derive.printing import latex
>>> latex(sgd_step())
'- \\eta \\left(H_{b} \\Delta\\Phi + g_{b}\\right) + \\Delta\\Phi'
>>> print(second_order_expansion().latex())  # doctest: +NORMALIZE_WHITESPACE
\mathcal{L}_b(\Phi^* + \Delta\Phi) = \mathcal{L}_b(\Phi^*) + g_b^\top \Delta\Phi
 + \frac{1}{2} \Delta\Phi^\top H_b \Delta\Phi
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Basic, Rational, ZeroMatrix
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.expectation import E_P, E_b
from derive.losses import ExampleLoss
from derive.printing import lecture_latex
from derive.scalar import SquaredNorm, inner, quadratic_form
from derive.symbols import DeltaPhi, H_b, d, eta, g_b

__all__ = [
    "Equation",
    "mean_gradient_zero",
    "second_order_expansion",
    "sgd_step",
    "stationarity_condition",
]


@dataclass(frozen=True)
class Equation:
    """``lhs = rhs`` between two heatcap expressions (scalars, vectors or matrices)."""

    lhs: Basic
    rhs: Basic

    def latex(self, **names: str | None) -> str:
        """``lhs = rhs`` in the lecture's notation (``names``: the setting's ``rate_name``, ``law_name``)."""
        return f"{lecture_latex(self.lhs, **names)} = {lecture_latex(self.rhs, **names)}"


def sgd_step(state: MatrixExpr = DeltaPhi) -> MatrixExpr:
    """ΔΦ' = ΔΦ − η (g_b + H_b ΔΦ): one SGD step on example b (the gradient of the expansion)."""
    return state - eta * (g_b + H_b * state)


def second_order_expansion(state: MatrixExpr = DeltaPhi) -> Equation:
    """L_b(Φ* + ΔΦ) = L_b(Φ*) + g_bᵀΔΦ + ½ ΔΦᵀ H_b ΔΦ (exact for quadratic losses)."""
    rhs = ExampleLoss() + inner(g_b, state) + Rational(1, 2) * quadratic_form(state, H_b)
    return Equation(ExampleLoss(state), rhs)


def mean_gradient_zero() -> Equation:
    """E_b g_b = 0: Φ* is a stationary point of the training loss."""
    return Equation(E_b(g_b), ZeroMatrix(d, 1))


def stationarity_condition(state: MatrixExpr = DeltaPhi) -> Equation:
    """E_{ΔΦ∼P_η} E_b ‖ΔΦ'‖² = E_{ΔΦ∼P_η} ‖ΔΦ‖²: the second moment is stationary."""
    return Equation(E_P(E_b(SquaredNorm(sgd_step(state)))), E_P(SquaredNorm(state)))

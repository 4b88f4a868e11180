"""Building blocks for the tests: the lecture's recurring expressions."""

from __future__ import annotations

from sympy import Rational, ZeroMatrix

from derive.expectation import E_P, E_b
from derive.losses import ExampleLoss
from derive.scalar import SquaredNorm, inner, quadratic_form
from derive.symbols import DeltaPhi, H_b, d, eta, g_b

D, g, H = DeltaPhi, g_b, H_b
HALF, QUARTER = Rational(1, 2), Rational(1, 4)
ZERO_VECTOR = ZeroMatrix(d, 1)


def noise() -> object:
    """E_{ΔΦ∼P_η} E_b ‖g_b + H_b ΔΦ‖²."""
    return E_P(E_b(SquaredNorm(g + H * D)))


def mean_quadratic() -> object:
    """E_{ΔΦ∼P_η}[½ ΔΦᵀ (E_b H_b) ΔΦ]."""
    return E_P(HALF * quadratic_form(D, E_b(H)))


def expanded_loss() -> object:
    """L_b(Φ*) + g_bᵀΔΦ + ½ ΔΦᵀ H_b ΔΦ."""
    return ExampleLoss() + inner(g, D) + HALF * quadratic_form(D, H)


__all__ = ["HALF", "QUARTER", "ZERO_VECTOR", "D", "H", "eta", "expanded_loss", "g", "mean_quadratic", "noise"]

"""Certified digits are truly certified: against exact rationals, and η_c against the sign of an
exact determinant (the stationary equation is singular exactly at η_c)."""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np
import pytest
from numeric_instances import random_least_squares

from verify.numeric import LeastSquaresData, QuadraticData, analyze
from verify.numeric.backends import ExactBackend
from verify.numeric.digits import agree_digits, as_fraction
from verify.numeric.model import exact_model

NUMBERS = ("excess_loss", "slope_at_zero", "second_derivative_at_zero", "loss_star")


def det_sign(data: LeastSquaresData | QuadraticData, eta: Fraction) -> int:
    """sign det(L − ηM) on the d(d+1)/2 coordinates S_ij, i ≤ j (exact rationals)."""
    backend = ExactBackend(exact_model(data))
    d = data.d
    upper = [(i, j) for i in range(d) for j in range(i, d)]
    det = (backend._matrix("lyapunov", upper)
           - backend._matrix("sandwich", upper) * flint.fmpq(eta.numerator, eta.denominator)).det()
    return (det > 0) - (det < 0)


@pytest.mark.parametrize(("seed", "n", "d"), [(11, 12, 3), (12, 20, 4)])
def test_eta_crit_brackets_the_exact_singularity(seed: int, n: int, d: int) -> None:
    data = random_least_squares(seed, n, d)
    report = analyze(data, Fraction(1, 10 ** 6), mode="mp", dps=40, crossval=False)
    assert report.eta_crit_digits >= 38
    eta_c = as_fraction(report.eta_crit.eta_crit)
    below, above = eta_c * (1 - Fraction(1, 10 ** 37)), eta_c * (1 + Fraction(1, 10 ** 37))
    assert det_sign(data, Fraction(0)) == det_sign(data, below) == -det_sign(data, above)


def test_multiple_top_eigenvalue() -> None:
    """H_b = c_b I: M(S) = E c_b² S, so every mode is critical, η_c = 2 E c_b / E c_b²."""
    c = [Fraction(1), Fraction(2), Fraction(7, 2)]
    g = [[1, -1], [-2, 3], [1, -2]]
    data = QuadraticData.from_arrays(g, [[[v, 0], [0, v]] for v in c])
    report = analyze(data, Fraction(1, 100), mode="mp", dps=30, crossval=False)
    exact = 2 * sum(c) / sum(v * v for v in c)
    assert report.eta_crit_digits >= 28
    assert agree_digits(report.eta_crit.eta_crit, exact, 30) >= 28


def ill_conditioned(seed: int) -> LeastSquaresData:
    """Two nearly collinear columns: cond(H) ~ 1e12, so each refinement step gains little."""
    rng = np.random.default_rng(seed)
    x1 = rng.integers(-100, 100, 15)
    x2 = x1 * 10 ** 6 + rng.integers(-1, 2, 15)
    x = [[Fraction(int(a)), Fraction(int(b), 10 ** 6)] for a, b in zip(x1, x2, strict=True)]
    y = [Fraction(int(v), 7) for v in rng.integers(-50, 50, 15)]
    return LeastSquaresData.from_arrays(x, y)


@pytest.mark.parametrize("data", [random_least_squares(21, 10, 3), ill_conditioned(1),
                                  ill_conditioned(2)], ids=["plain", "ill-1", "ill-2"])
@pytest.mark.parametrize("dps", [15, 30, 60])
def test_certified_digits_hold_against_exact(data: LeastSquaresData, dps: int) -> None:
    eta = Fraction(1, 10 ** 5)
    mp = analyze(data, eta, mode="mp", dps=dps, crossval=False)
    exact = analyze(data, eta, mode="exact", dps=dps, crossval=False)
    for name in NUMBERS:
        assert agree_digits(getattr(mp, name), getattr(exact, name), dps) >= mp.certified_digits - 1
    for a, b in zip(mp.taylor, exact.taylor, strict=True):
        assert agree_digits(a, b, dps) >= mp.certified_digits - 1

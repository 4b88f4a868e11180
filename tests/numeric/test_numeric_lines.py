"""Every numbered line of the proof, evaluated in balls at the stationary law, on least squares
data and on general quadratic losses; the slope against an independent exact ¼ tr C."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from sympy import Matrix, Rational

from verify.numeric import LeastSquaresData, QuadraticData, analyze

NUMBERED = 13


def _least_squares(seed: int, n: int, d: int) -> LeastSquaresData:
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, size=(n, d)) / Fraction(7)
    y = rng.integers(-9, 10, size=n) / Fraction(3)
    return LeastSquaresData.from_arrays(x.tolist(), y.tolist())


def _quarter_trace_c(data: LeastSquaresData) -> Rational:
    """¼ tr C = ¼ E_b ‖x_b r_b‖², from the normal equations solved by SymPy (exact)."""
    X = Matrix([[Rational(v.numerator, v.denominator) for v in row] for row in data.features])
    y = Matrix([Rational(v.numerator, v.denominator) for v in data.targets])
    r = X * (X.T * X).solve(X.T * y) - y
    return sum((r[b] ** 2 * (X.row(b) * X.row(b).T)[0] for b in range(X.rows)), Rational(0)) / (
        4 * X.rows
    )


@pytest.mark.parametrize("mode", ["mp", "exact"])
def test_every_line_agrees_on_least_squares(mode: str) -> None:
    data = _least_squares(3, 40, 5)
    report = analyze(data, Fraction(1, 200), mode=mode, dps=30)
    numbered = [r for r in report.crossval if isinstance(r["line"], int)]
    assert len(numbered) == NUMBERED
    assert min(r["agree_digits"] for r in numbered) >= 28
    slope = next(r for r in numbered if (r["step"], r["line"]) == ("step-4", 3))
    exact = _quarter_trace_c(data)
    assert abs(Fraction(slope["rhs"]) - Fraction(int(exact.p), int(exact.q))) < Fraction(1, 10**27)


def test_every_line_agrees_on_general_quadratic_losses() -> None:
    g = [[1, -2, 0], [-1, 1, 1], [0, 1, -1]]
    h = [np.diag([2, 1, 3]).tolist(), [[2, 1, 0], [1, 2, 0], [0, 0, 1]], [[1, 0, 1], [0, 3, 0], [1, 0, 2]]]
    data = QuadraticData.from_arrays(g, h, [1, 2, 3])
    report = analyze(data, Fraction(1, 20), mode="mp", dps=25)
    numbered = [r for r in report.crossval if isinstance(r["line"], int)]
    assert len(numbered) == NUMBERED
    assert min(r["agree_digits"] for r in numbered) >= 23


def test_a_wrong_second_moment_is_caught() -> None:
    from verify.numeric.backends import ExactBackend
    from verify.numeric.lines import proof_line_rows
    from verify.numeric.model import exact_model
    from verify.numeric.series import stationary_law, taylor_coefficients

    data = _least_squares(5, 30, 4)
    backend = ExactBackend(exact_model(data))
    law = stationary_law(backend, Fraction(1, 100))
    _, terms = taylor_coefficients(backend, 3)
    wrong = law.second_moment * 2  # not the stationary law: stationarity lines must fail
    rows = proof_line_rows(data, wrong, terms, Fraction(1, 100), 20)
    step3 = [r["agree_digits"] for r in rows if r["step"] == "step-3"]
    assert max(step3[:3]) < 5

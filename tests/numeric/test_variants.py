"""Variants of SGD against independent brute-force computations (plain Fractions/sympy/numpy).

The reference numbers are built here from the per-example (g_b, H_b) by
enumerating every batch / every epoch order and solving the stationary
moment equations of the *unreduced* random linear recursion with sympy.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

from verify.numeric import LeastSquaresData, analyze
from verify.numeric.digits import agree_digits
from verify.numeric.variants import Variant, analyze_variant, critical_rate, excess_loss

F = Fraction
X4 = [[1, 0], [0, 1], [1, 1], [2, 1]]
Y4 = [1, 0, 2, 2]
P2 = ((F(2), F(1)), (F(1), F(3)))
ZERO = F(0)


def per_example(x: list[list[object]], y: list[object]) -> tuple[sympy.Matrix, list, list, sympy.Matrix]:
    """H, g_b (columns), H_b and C by sympy rationals (normal equations)."""
    xs = sympy.Matrix([[sympy.Rational(str(v)) for v in r] for r in x])
    ys = sympy.Matrix([sympy.Rational(str(v)) for v in y])
    n = xs.rows
    phi = (xs.T * xs).solve(xs.T * ys)
    r = xs * phi - ys
    g = [xs[b, :].T * r[b] for b in range(n)]
    hb = [xs[b, :].T * xs[b, :] for b in range(n)]
    h = sum(hb, sympy.zeros(xs.cols)) / n
    c = sum((v * v.T for v in g), sympy.zeros(xs.cols)) / n
    return h, g, hb, c


def stationary_moment(outcomes: list[tuple[sympy.Matrix, sympy.Matrix]]) -> tuple[sympy.Matrix,
                                                                                 sympy.Matrix]:
    """(m, Σ) of x' = A x + c with (A, c) uniform over ``outcomes``: Σ = E[x xᵀ] (uncentred)."""
    k, n = outcomes[0][0].rows, len(outcomes)
    a_bar = sum((a for a, _ in outcomes), sympy.zeros(k)) / n
    c_bar = sum((c for _, c in outcomes), sympy.zeros(k, 1)) / n
    m = (sympy.eye(k) - a_bar).solve(c_bar)
    syms = sympy.symbols(f"s0:{k * k}")
    s = sympy.Matrix(k, k, syms)
    s = (s + s.T) / 2
    rhs = sum((a * s * a.T + a * m * c.T + c * m.T * a.T + c * c.T for a, c in outcomes),
              sympy.zeros(k)) / n
    sol = sympy.solve(list(s - rhs), syms, dict=True)[0]
    return m, s.subs(sol)


def batches(n: int, size: int, sampling: str) -> list[tuple[int, ...]]:
    if sampling == "with-replacement":
        return list(itertools.product(range(n), repeat=size))
    return list(itertools.combinations(range(n), size))


def brute(eta: Fraction, size: int = 1, sampling: str = "with-replacement", beta: Fraction = ZERO,
          p: tuple | None = None) -> dict[str, sympy.Rational]:
    """L − L*, E‖v‖² terms and the identity right-hand sides from the unreduced recursion."""
    h, g, hb, _ = per_example(X4, Y4)
    d, e, bt = 2, sympy.Rational(str(eta)), sympy.Rational(str(beta))
    pm = sympy.eye(d) if p is None else sympy.Matrix([[sympy.Rational(str(v)) for v in r] for r in p])
    outcomes = []
    for batch in batches(len(g), size, sampling):
        gbar = sum((g[b] for b in batch), sympy.zeros(d, 1)) / size
        hbar = sum((hb[b] for b in batch), sympy.zeros(d)) / size
        if beta == 0:
            outcomes.append((sympy.eye(d) - e * pm * hbar, -e * pm * gbar))
        else:
            top = (sympy.eye(d) - e * pm * hbar).row_join(bt * sympy.eye(d))
            bottom = (-e * pm * hbar).row_join(bt * sympy.eye(d))
            outcomes.append((top.col_join(bottom), (-e * pm * gbar).col_join(-e * pm * gbar)))
    _, sigma = stationary_moment(outcomes)
    s = sigma[:d, :d]
    out = {"excess": (h * s).trace() / 2}
    if beta != 0:
        out["v_term"] = (1 + bt) / (4 * e) * (pm.inv() * sigma[d:, d:]).trace()
    return out


def exact_report(variant: Variant, eta: str = "1/100", dps: int = 30):
    data = LeastSquaresData.from_arrays(X4, Y4)
    return analyze_variant(data, eta, variant, mode="exact", dps=dps)


def frac(x: object) -> Fraction:
    return Fraction(str(x))


CASES = [
    Variant(),
    Variant(batch_size=2),
    Variant(batch_size=3, sampling="without-replacement"),
    Variant(preconditioner=P2),
    Variant(momentum=F(1, 2)),
    Variant(batch_size=2, sampling="without-replacement", momentum=F(3, 10), preconditioner=P2),
]


@pytest.mark.parametrize("variant", CASES, ids=lambda v: str(v.describe()))
def test_excess_loss_equals_brute_force(variant: Variant) -> None:
    eta = F(1, 50)
    report = exact_report(variant, "1/50")
    ref = brute(eta, variant.batch_size, variant.sampling, variant.momentum, variant.preconditioner)
    assert report.excess_loss == frac(ref["excess"])
    assert all(r["agree_digits"] == 30 for r in report.crossval if r["line"] != "richardson")
    if variant.momentum:
        identity = next(r for r in report.crossval if r["line"] == "identity")
        assert agree_digits(F(identity["rhs"]), frac(ref["v_term"]), 30) >= 29


@pytest.mark.parametrize("eta", ["1/1000", "1/50", "1/8"])
@pytest.mark.parametrize("variant", CASES[1:], ids=lambda v: str(v.describe()))
def test_identities_at_several_rates(variant: Variant, eta: str) -> None:
    report = exact_report(variant, eta, dps=25)
    assert report.eta < frac(report.eta_crit)
    for r in report.crossval:
        assert r["agree_digits"] >= (10 if r["line"] == "richardson" else 25), r


def test_d1_minibatch_closed_form() -> None:
    x, y = [1, 2, 3, 5], [1, 2, 2, 4]
    data = LeastSquaresData.from_arrays([[v] for v in x], y)
    n = len(x)
    h = F(sum(v * v for v in x), n)
    phi = F(sum(a * b for a, b in zip(x, y, strict=True)), sum(v * v for v in x))
    r = [a * phi - b for a, b in zip(x, y, strict=True)]
    c = sum(a * a * e * e for a, e in zip(x, r, strict=True)) / n
    h4 = F(sum(v ** 4 for v in x), n)
    eta = F(1, 40)
    for size, sampling, cb in [(2, "with-replacement", F(1, 2)),
                               (3, "without-replacement", F(n - 3, 3 * (n - 1)))]:
        s = eta * cb * c / (2 * h - eta * ((1 - cb) * h * h + cb * h4))
        report = analyze_variant(data, eta, Variant(batch_size=size, sampling=sampling), mode="exact")
        assert report.excess_loss == h * s / 2
        assert report.slope_at_zero == cb * c / 4


def test_d1_momentum_closed_form() -> None:
    """d = 1: L'(0) = C/(4(1 − β)) and L''(0) = [E h_b² S₁ − β/(1+β) h C]/(2(1 − β)²), S₁ = C/(2h)."""
    x, y = [1, 2, 3], [1, 2, 2]
    data = LeastSquaresData.from_arrays([[v] for v in x], y)
    h, c, h4 = F(14, 3), F(9, 14), F(98, 3)
    for beta in (F(0), F(1, 3), F(9, 10)):
        report = analyze_variant(data, "1/1000", Variant(momentum=beta), mode="exact", dps=30)
        assert report.slope_at_zero == c / (4 * (1 - beta))
        s1 = c / (2 * h)
        assert report.second_derivative_at_zero == (h4 * s1 - beta / (1 + beta) * h * c) / (
            2 * (1 - beta) ** 2)
        # deterministic heavy ball bound: η_c ≤ 2(1 + β)/h
        assert frac(report.eta_crit) <= 2 * (1 + beta) / h


def test_momentum_second_derivative_numpy() -> None:
    """d = 2, numpy: L''(0) from the brief's formula with a Kronecker Lyapunov solve."""
    x = np.array(X4, dtype=float)
    yv = np.array(Y4, dtype=float)
    r = x @ np.linalg.lstsq(x, yv, rcond=None)[0] - yv
    h = x.T @ x / 4
    c = x.T @ (r[:, None] ** 2 * x) / 4
    s1 = np.linalg.solve(np.kron(np.eye(2), h) + np.kron(h, np.eye(2)), c.ravel()).reshape(2, 2)
    ehs = np.mean([np.trace(np.outer(v, v) @ np.outer(v, v) @ s1) for v in x])
    beta = 0.5
    expected = (ehs - beta / (1 + beta) * np.trace(h @ c)) / (2 * (1 - beta) ** 2)
    report = exact_report(Variant(momentum=F(1, 2)))
    assert float(report.second_derivative_at_zero) == pytest.approx(expected, rel=1e-12)
    assert float(report.slope_at_zero) == pytest.approx(np.trace(c) / (4 * (1 - beta)), rel=1e-14)


def test_preconditioner_slope_numpy() -> None:
    x = np.array(X4, dtype=float)
    yv = np.array(Y4, dtype=float)
    r = x @ np.linalg.lstsq(x, yv, rcond=None)[0] - yv
    c = x.T @ (r[:, None] ** 2 * x) / 4
    p = np.array(P2, dtype=float)
    report = exact_report(Variant(preconditioner=P2, batch_size=2))
    assert float(report.slope_at_zero) == pytest.approx(np.trace(p @ c) / 8, rel=1e-14)


def test_full_batch_without_replacement_is_gradient_descent() -> None:
    report = exact_report(Variant(batch_size=4, sampling="without-replacement"), "1/3")
    assert report.excess_loss == 0 and report.slope_at_zero == 0
    x = np.array(X4, dtype=float)
    assert float(report.eta_crit) == pytest.approx(2 / np.linalg.eigvalsh(x.T @ x / 4)[-1], rel=1e-12)


@pytest.mark.parametrize("variant", [Variant(), Variant(batch_size=1), Variant(momentum=F(0)),
                                     Variant(preconditioner=((F(1), F(0)), (F(0), F(1))))])
def test_plain_special_cases_agree_with_analyze(variant: Variant) -> None:
    data = LeastSquaresData.from_arrays(X4, Y4)
    plain = analyze(data, "1/50", mode="mp", dps=40)
    report = analyze_variant(data, "1/50", variant, mode="mp", dps=40)
    assert agree_digits(report.excess_loss, plain.excess_loss, 40) >= 39
    assert agree_digits(report.eta_crit, plain.eta_crit.eta_crit, 40) >= 38
    assert agree_digits(report.second_derivative_at_zero, plain.second_derivative_at_zero, 40) >= 39
    assert report.certified_digits >= 38


def test_mp_and_float64_modes_agree_with_exact() -> None:
    variant = CASES[-1]
    exact = exact_report(variant, dps=40)
    data = LeastSquaresData.from_arrays(X4, Y4)
    mp = analyze_variant(data, "1/100", variant, mode="mp", dps=40)
    fl = analyze_variant(data, "1/100", variant, mode="float64", dps=40)
    assert agree_digits(mp.excess_loss, exact.excess_loss, 40) >= 39
    assert agree_digits(fl.excess_loss, exact.excess_loss, 40) >= 12
    assert mp.certified_digits >= 38
    assert all(r["agree_digits"] >= 12 for r in fl.crossval)


def second_moment_radius(eta: float, beta: float) -> float:
    """ρ of Σ ↦ E_b[A_b Σ A_bᵀ] for heavy ball on X4 (numpy, Kronecker products)."""
    x = np.array(X4, dtype=float)
    mats = []
    for v in x:
        hb = np.outer(v, v)
        a = np.block([[np.eye(2) - eta * hb, beta * np.eye(2)], [-eta * hb, beta * np.eye(2)]])
        mats.append(np.kron(a, a))
    return float(max(abs(np.linalg.eigvals(np.mean(mats, axis=0)))))


def test_momentum_critical_rate_brute_force() -> None:
    data = LeastSquaresData.from_arrays(X4, Y4)
    eta_c = critical_rate(data, Variant(momentum=F(1, 2)))
    assert second_moment_radius(eta_c * (1 - 1e-6), 0.5) < 1 < second_moment_radius(eta_c * (1 + 1e-6), 0.5)
    report = analyze_variant(data, "1/100", Variant(momentum=F(1, 2)), mode="mp", dps=30)
    low, high = (frac(b) for b in report.eta_crit_bounds)
    assert low <= frac(report.eta_crit) <= high
    assert float(report.eta_crit) == pytest.approx(eta_c, rel=1e-12)


def test_excess_loss_api_matches_brute_force() -> None:
    data = LeastSquaresData.from_arrays(X4, Y4)
    variant = Variant(batch_size=2, preconditioner=P2)
    value = excess_loss(data, "1/50", variant, dps=30)
    ref = brute(F(1, 50), 2, "with-replacement", F(0), P2)["excess"]
    assert agree_digits(value, frac(ref), 30) >= 29


# ---- reshuffling ---------------------------------------------------------------------------

def reshuffle_brute(eta: Fraction) -> sympy.Rational:
    """Periodic stationary L − L* for n = 4 by enumerating the 24 orders (sympy)."""
    h, g, hb, _ = per_example(X4, Y4)
    e, n = sympy.Rational(str(eta)), 4
    epochs, paths = [], []
    for order in itertools.permutations(range(n)):
        a, c, path = sympy.eye(2), sympy.zeros(2, 1), []
        for b in order:
            path.append((a, c))
            a, c = (sympy.eye(2) - e * hb[b]) * a, (sympy.eye(2) - e * hb[b]) * c - e * g[b]
        epochs.append((a, c))
        paths.append(path)
    m, s = stationary_moment(epochs)
    total = sum(((h * (a * s * a.T + a * m * c.T + c * m.T * a.T + c * c.T)).trace() / 2
                 for path in paths for a, c in path), sympy.Integer(0))
    return total / (n * math.factorial(n))


def test_reshuffle_excess_loss_brute_force_and_slope() -> None:
    data = LeastSquaresData.from_arrays(X4, Y4)
    report = analyze_variant(data, "1/20", Variant(reshuffle=True), mode="exact", dps=30)
    assert report.excess_loss == frac(reshuffle_brute(F(1, 20)))
    # L(η) − L* = O(η²): the brute-force ratio (L − L*)/η shrinks linearly with η
    ratios = [reshuffle_brute(h) / sympy.Rational(str(h)) for h in (F(1, 200), F(1, 400))]
    assert float(ratios[1] / ratios[0]) == pytest.approx(0.5, abs=0.01)
    assert abs(float(report.slope_at_zero)) < 1e-12 < float(report.theorem_slope) / 10
    assert all(r["agree_digits"] >= 12 for r in report.crossval)


def test_reshuffle_second_derivative_numpy() -> None:
    """L''(0) = ¼ uᵀH⁻¹u + (n + 1)/6 tr(HC), u = E_b H_b g_b (numpy)."""
    x = np.array(X4, dtype=float)
    yv = np.array(Y4, dtype=float)
    r = x @ np.linalg.lstsq(x, yv, rcond=None)[0] - yv
    h = x.T @ x / 4
    c = x.T @ (r[:, None] ** 2 * x) / 4
    u = np.mean([np.outer(v, v) @ (v * e) for v, e in zip(x, r, strict=True)], axis=0)
    expected = u @ np.linalg.solve(h, u) / 4 + 5 / 6 * np.trace(h @ c)
    data = LeastSquaresData.from_arrays(X4, Y4)
    report = analyze_variant(data, "1/20", Variant(reshuffle=True), mode="mp", dps=20)
    assert float(report.second_derivative_at_zero) == pytest.approx(expected, rel=1e-10)

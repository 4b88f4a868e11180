"""The solvers against independent computations: exact residuals, brute force, other paths."""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np
import pytest
from numeric_instances import Reference, random_least_squares

from verify.numeric import LeastSquaresData, analyze
from verify.numeric.backends import MpBackend
from verify.numeric.digits import agree_digits, as_fraction
from verify.numeric.floatsolve import FloatModel
from verify.numeric.model import integer_model
from verify.numeric.refine import solve_refined


def reference(data: LeastSquaresData) -> Reference:
    return Reference(data.features.tolist(), data.targets.tolist(), data.ridge)


@pytest.fixture(scope="module")
def small_data() -> LeastSquaresData:
    return random_least_squares(7, 12, 3)


def brute_force_critical(x: np.ndarray) -> float:
    """1/ρ(A⁻¹B) with the full d²×d² Kronecker matrices (numpy eigvals)."""
    n, d = x.shape
    h = x.T @ x / n
    a = np.kron(np.eye(d), h) + np.kron(h, np.eye(d))
    b = sum(np.kron(np.outer(v, v), np.outer(v, v)) for v in x) / n
    return 1 / max(abs(np.linalg.eigvals(np.linalg.solve(a, b))))


def test_mp_solution_has_tiny_exact_residual(small_data: LeastSquaresData) -> None:
    """S refined to 40 digits; the residual recomputed exactly from explicit H_b (Reference)."""
    model = integer_model(small_data)
    eta = Fraction(1, 20)
    refined = solve_refined(model, FloatModel.of(small_data).solver(dense=True), eta,
                            model.noise.times(flint.fmpq(1, 20)), 40)
    s = [[as_fraction(refined.solution[i, j]) for j in range(model.d)] for i in range(model.d)]
    ref = reference(small_data)
    t = ref.operator(eta, s)
    residual = [t[i][j] - eta * ref.noise[i][j] for i in range(ref.d) for j in range(ref.d)]
    size = max(abs(eta * v) for row in ref.noise for v in row)
    assert refined.converged and max(abs(v) for v in residual) < size * Fraction(1, 10 ** 38)
    # the residual the solver kept is exactly this one
    kept = refined.residual
    assert all(as_fraction(kept[i, j]) == -residual[i * ref.d + j]
               for i in range(ref.d) for j in range(ref.d))


def test_integer_model_against_reference(small_data: LeastSquaresData) -> None:
    model, ref = integer_model(small_data), reference(small_data)
    for name in ("hessian", "noise"):
        got = getattr(model, name)
        assert [[as_fraction(got[i, j]) for j in range(ref.d)] for i in range(ref.d)] == \
            getattr(ref, name)
    assert as_fraction(model.loss_star) == ref.loss_star


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_three_paths_agree(seed: int) -> None:
    data = random_least_squares(seed, 10, 3)
    eta = Fraction(1, 50)
    exact = analyze(data, eta, mode="exact", dps=40, crossval=False)
    mp = analyze(data, eta, mode="mp", dps=40, crossval=False)
    flt = analyze(data, eta, mode="float64", dps=40, crossval=False)
    for name in ("excess_loss", "slope_at_zero", "second_derivative_at_zero", "loss_star"):
        assert agree_digits(getattr(mp, name), getattr(exact, name), 40) >= 38, name
        assert agree_digits(getattr(flt, name), getattr(exact, name), 40) >= 11, name
    for a, b in zip(mp.taylor, exact.taylor, strict=True):
        assert agree_digits(a, b, 40) >= 38
    assert agree_digits(flt.eta_crit.eta_crit, mp.eta_crit.eta_crit, 40) >= 11


@pytest.mark.parametrize(("seed", "n", "d"), [(4, 8, 2), (5, 15, 4)])
def test_critical_rate_against_brute_force_and_bounds(seed: int, n: int, d: int) -> None:
    data = random_least_squares(seed, n, d)
    report = analyze(data, Fraction(1, 1000), mode="mp", dps=30, crossval=False)
    rate = report.eta_crit
    brute = brute_force_critical(data.features.astype(float))
    assert agree_digits(rate.eta_crit, brute, 30) >= 11
    assert as_fraction(rate.lower) <= as_fraction(rate.eta_crit) <= as_fraction(rate.upper)
    assert report.eta_crit_digits >= 28


def test_large_d_float_path_matches_dense() -> None:
    """The matrix-free (PCG + Lanczos) float64 path against the dense one."""
    data = random_least_squares(6, 30, 5)
    model = FloatModel.of(data)
    eta = 0.9 * model.solver().critical_rate()
    dense = model.solver(dense=True).solve(eta, eta * model.noise)
    sparse = model.solver(dense=False)
    assert np.allclose(sparse.solve(eta, eta * model.noise), dense, rtol=1e-9, atol=0)
    assert abs(sparse.critical_rate() / eta * 0.9 - 1) < 1e-10


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_step3_identity_up_to_near_critical(small_data: LeastSquaresData, fraction: float) -> None:
    mp = analyze(small_data, Fraction(1, 1000), mode="mp", dps=30, crossval=False)
    eta = Fraction(fraction) * as_fraction(mp.eta_crit.eta_crit)
    eta = eta.limit_denominator(10 ** 12)
    backend = MpBackend(integer_model(small_data), FloatModel.of(small_data).solver(dense=True), 36)
    from verify.numeric import stationary_law

    law = stationary_law(backend, eta)
    assert agree_digits(law.excess_loss, law.identity_rhs, 40) >= 32
    exact = analyze(small_data, eta, mode="exact", dps=30, crossval=False)
    assert agree_digits(law.excess_loss, exact.excess_loss, 40) >= 30
    d = small_data.d
    s = np.array([[float(law.second_moment[i, j]) for j in range(d)] for i in range(d)])
    assert np.linalg.eigvalsh(s).min() > 0  # a second moment: positive definite


def test_crossval_rows_format_and_agreement(small_data: LeastSquaresData) -> None:
    report = analyze(small_data, Fraction(1, 100), mode="mp", dps=30)
    rows = list(report.crossval)
    lines = [(r["step"], r["line"]) for r in rows if isinstance(r["line"], int)]
    assert lines == [("step-1", 1), ("step-1", 2), ("step-1", 3), ("step-2", 1), ("step-2", 2),
                     ("step-2", 3), ("step-3", 1), ("step-3", 2), ("step-3", 3), ("step-3", 4),
                     ("step-4", 1), ("step-4", 2), ("step-4", 3)]
    extra = [(r["step"], r["line"]) for r in rows if not isinstance(r["line"], int)]
    assert extra == [("step-3", "identity"), ("step-4", "taylor"), ("step-4", "richardson"),
                     ("step-4", "second-derivative")]
    for r in rows:
        assert set(r) == {"step", "line", "lhs", "rhs", "agree_digits"}
        if r["rhs"] != "0":
            assert agree_digits(Fraction(str(r["lhs"])), Fraction(str(r["rhs"])), 30) >= 18
    numbered = [r for r in rows if isinstance(r["line"], int)]
    assert min(r["agree_digits"] for r in numbered) >= report.certified_digits - 2
    # the slope of Step 4 (series of the solver's S_k) is the closed form ¼ tr C
    slope = next(r for r in numbered if (r["step"], r["line"]) == ("step-4", 2))
    assert agree_digits(Fraction(slope["rhs"]), Fraction(str(report.slope_at_zero)), 30) >= 28
    assert extra and rows[-4]["agree_digits"] >= 28 and rows[-3]["agree_digits"] == 30


def test_global_mpmath_precision_untouched(small_data: LeastSquaresData) -> None:
    import mpmath

    before = mpmath.mp.prec
    analyze(small_data, Fraction(1, 100), mode="mp", dps=60, crossval=False)
    assert mpmath.mp.prec == before


@pytest.mark.parametrize("seed", [7, 8])
def test_krylov_float_path_matches_dense(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """float64 at large d (one Krylov space: S(η), Richardson, Taylor, η_c) against the dense
    spectral path, which solves each equation separately."""
    import verify.numeric.floatsolve as fs

    data = random_least_squares(seed, 40, 6)
    eta = Fraction(1, 200)
    dense = analyze(data, eta, mode="float64", dps=16)
    monkeypatch.setattr(fs, "FLOAT_DENSE_LIMIT", 0)
    krylov = analyze(data, eta, mode="float64", dps=16)
    for name in ("excess_loss", "second_derivative_at_zero"):
        assert agree_digits(getattr(krylov, name), getattr(dense, name), 16) >= 12, name
    assert agree_digits(krylov.eta_crit.eta_crit, dense.eta_crit.eta_crit, 16) >= 12
    for a, b in zip(krylov.taylor, dense.taylor, strict=True):
        assert agree_digits(a, b, 16) >= 11
    assert [r["agree_digits"] >= 11 for r in krylov.crossval] == [True] * len(krylov.crossval)

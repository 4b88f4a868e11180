"""The critical learning rate of a variant and two cheap bounds on it.

Equation (V) of :mod:`~verify.numeric.variants.equation` is
(𝓛 − η𝓝)(S) = ηY.  Up to the congruence S = R Z Rᵀ (P = R Rᵀ) both 𝓛 and 𝓝
are self-adjoint on Sym(d) and 𝓛 is positive definite, so the pencil has
real eigenvalues μ (𝓝 V = μ 𝓛 V) and the second moment is finite exactly for

    0 < η < η_c = 1/μ_max.

(For momentum the 2d-dimensional second-moment map of (D, v) has eigenvalue 1
exactly when 𝓛 − η𝓝 is singular, so its first crossing of 1 is at 1/μ_max.)

Bounds, with λ(·) the top eigenvalue:

    (1 − β) · 2/max_b λ(P H_b)  ≤  η_c  ≤  2(1 + β)/λ(P H).

Upper: the mean E[D] follows deterministic preconditioned heavy ball, stable
only for η λ(PH) < 2(1 + β).  Lower: every batch Hessian has
λ(P H̄) ≤ max_b λ(P H_b), so preconditioned minibatch SGD is non-expansive in
the P⁻¹-norm below 2/max_b λ(P H_b); and since the momentum part of 𝓝 is
−c_β·(a positive operator), μ_max ≤ μ_max(β = 0)/(1 − β).

>>> from verify.numeric import LeastSquaresData
>>> from verify.numeric.variants.spec import Variant, resolve
>>> from verify.numeric.variants.equation import VariantEquation
>>> data = LeastSquaresData.from_arrays([[1], [2], [3]], [1, 2, 2])
>>> eq = VariantEquation.of(data, resolve(data, Variant()))
>>> round(critical_float(eq), 12) == round(2 * (14 / 3) / (98 / 3), 12)
True
"""

from __future__ import annotations

from fractions import Fraction

import flint
import mpmath
import numpy as np

from .equation import VariantEquation, _from_upper, _max_abs, _to_upper, from_float, q

__all__ = ["critical_bounds", "critical_float", "critical_refined", "top_mode"]


def top_mode(eq: VariantEquation) -> tuple[float, np.ndarray]:
    """(μ_max, V) in float64: the largest eigenvalue of 𝓛⁻¹𝓝 and its eigenvector (i ≤ j coordinates)."""
    lf, nf = eq.float_matrices()
    values, vectors = np.linalg.eig(np.linalg.solve(lf, nf))
    k = int(np.argmax(values.real))
    v = vectors[:, k].real
    return float(values[k].real), v / v[np.argmax(np.abs(v))]


def critical_float(eq: VariantEquation) -> float:
    """η_c = 1/μ_max in float64 (cached on the equation)."""
    if "eta_c" not in eq._cache:
        mu, _ = top_mode(eq)
        eq._cache["eta_c"] = 1 / mu if mu > 0 else float("inf")
    return eq._cache["eta_c"]  # type: ignore[return-value]


def critical_refined(eq: VariantEquation, digits: int) -> Fraction:
    """μ_max to ~``digits`` digits, as a rational (η_c = 1/μ_max).

    Newton's method on the bordered system 𝓝V − μ𝓛V = 0, ⟨w, V⟩ = 1 with the
    float64 Jacobian frozen at the float eigenpair and exact residuals.
    """
    mu0, v0 = top_mode(eq)
    lf, nf = eq.float_matrices()
    m = v0.size
    jac = np.zeros((m + 1, m + 1))
    jac[:m, :m] = nf - mu0 * lf
    jac[:m, m] = -(lf @ v0)
    jac[m, :m] = v0
    jinv = np.linalg.pinv(jac, rcond=1e-13)
    d = eq.d
    w = from_float(v0[None, :])
    v = from_float(_from_upper(v0, d))
    mu = Fraction(mu0)
    tol = Fraction(1, 10 ** digits)
    upper = [(i, j) for i in range(d) for j in range(i, d)]
    for _ in range(80):
        f1 = eq.curvature(v) - eq.lyap(v) * q(mu)
        f2 = sum((w[0, k] * v[i, j] for k, (i, j) in enumerate(upper)), flint.fmpq(0)) - 1
        big = max(_max_abs(f1), abs(Fraction(int(f2.p), int(f2.q))))
        if big == 0:
            break
        e = big.numerator.bit_length() - big.denominator.bit_length()
        scale = Fraction(2) ** (-e)
        rhs = np.append(_to_upper(np.array([[float(Fraction(int(x.p), int(x.q)) * scale)
                                             for x in row] for row in _entries(f1)])),
                        float(Fraction(int(f2.p), int(f2.q)) * scale))
        delta = -jinv @ rhs
        v = v + from_float(_from_upper(delta[:-1], d), e)
        step = Fraction(float(delta[-1])) * Fraction(2) ** e
        mu += step
        if abs(step) <= tol * abs(mu):
            break
    return mu


def _entries(a: flint.fmpq_mat) -> list[list[flint.fmpq]]:
    return [[a[i, j] for j in range(a.ncols())] for i in range(a.nrows())]


def critical_bounds(eq: VariantEquation, ctx: object | None = None) -> tuple[object, object]:
    """(lower, upper) as in the module docstring; mpf of ``ctx``, or floats if ``ctx`` is None."""
    beta = eq.resolved.momentum
    if ctx is None:
        p, h = eq.p_f, eq.h_f
        top_h = float(np.max(np.linalg.eigvals(p @ h).real))
        if eq.features_f is not None:
            top_b = float(np.max(np.einsum("bi,ij,bj->b", eq.features_f, p, eq.features_f)))
        else:
            assert eq.hessians_f is not None
            top_b = max(float(np.max(np.linalg.eigvals(p @ hb).real)) for hb in eq.hessians_f)
        return float(1 - beta) * 2 / top_b, float(1 + beta) * 2 / top_h
    c: mpmath.ctx_mp.MPContext = ctx  # type: ignore[assignment]
    low = c.cholesky(_mp(c, eq.p))

    def top(a: flint.fmpq_mat) -> object:
        m = low.T * _mp(c, a) * low
        return max(c.eigsy((m + m.T) / 2, eigvals_only=True))

    if eq.model.features is not None:
        x = eq.model.features
        quad = x * eq.p * x.transpose()
        big = max(_frac(quad[b, b]) for b in range(x.nrows()))
        top_b = c.mpf(big.numerator) / big.denominator
    else:
        assert eq.model.hessians is not None
        top_b = max(top(hb) for hb in eq.model.hessians)
    low_num, up_num = 2 * (1 - beta), 2 * (1 + beta)
    lower = c.mpf(low_num.numerator) / low_num.denominator / top_b
    return lower, c.mpf(up_num.numerator) / up_num.denominator / top(eq.hessian)


def _frac(v: flint.fmpq) -> Fraction:
    return Fraction(int(v.p), int(v.q))


def _mp(c: mpmath.ctx_mp.MPContext, a: flint.fmpq_mat) -> object:
    return c.matrix([[c.mpf(int(v.p)) / int(v.q) for v in row] for row in _entries(a)])

"""Heavy-ball momentum: the joint second moment of (D, v), solved without reduction.

The step is  v' = β v − η P(ḡ + H̄ D),  D' = D + v', i.e. x = (D, v) moves by

    x' = A x − η (Pḡ; Pḡ),    A = A₀ − η K_B,
    A₀ = [[I, βI], [0, βI]],  K_B = [[P H̄, 0], [P H̄, 0]],

so the stationary Σ = E[x xᵀ] (2d × 2d) solves

    Σ − A₀ Σ A₀ᵀ + η (K Σ A₀ᵀ + A₀ Σ Kᵀ) − η² J ⊗ P M_B(Σ_DD) P = η² J ⊗ c_B P C P,

with K = E K_B (H̄ → H) and J the 2 × 2 matrix of ones.  This is an
independent route to the stationary law: :mod:`~verify.numeric.variants.api`
checks ½ tr(H Σ_DD) against the reduced equation (V) and the exact identity

    L(η) − L* = (1 + β)/(4η) · E[vᵀ P⁻¹ v] = (1 + β)/(4η) · tr(P⁻¹ Σ_vv).

(From the D-v and D-D blocks: (1 + β) E[v vᵀ] = η (P H S + S H P).)

Closed forms (P = I, B = 1): L'(0) = tr C/(4(1 − β)) and
L''(0) = [E_b tr(H_b² S₁) − β/(1 + β) tr(H C)]/(2(1 − β)²), H S₁ + S₁ H = C.

>>> from fractions import Fraction
>>> from verify.numeric import LeastSquaresData
>>> from verify.numeric.variants.spec import Variant, resolve
>>> from verify.numeric.variants.equation import VariantEquation
>>> data = LeastSquaresData.from_arrays([[1], [2], [3]], [1, 2, 2])
>>> eq = VariantEquation.of(data, resolve(data, Variant(momentum=Fraction(1, 2))))
>>> eta = Fraction(1, 20)
>>> s = eq.solve(eta, eq.scaled_rhs(eta))
>>> sigma = joint_moment(eq, eta)
>>> sigma[0, 0] == s[0, 0], joint_identity_rhs(eq, eta, sigma) == eq.excess(s)
(True, True)
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np

from .equation import (
    VariantEquation,
    _from_upper,
    _to_upper,
    q,
    refine,
    sym_matrix,
    to_float,
    trace,
)

__all__ = ["EXACT_JOINT_MAX_D", "float_joint_moment", "joint_identity_rhs", "joint_moment"]

EXACT_JOINT_MAX_D = 6


def _blocks(eq: VariantEquation) -> tuple[flint.fmpq_mat, flint.fmpq_mat]:
    d, beta = eq.d, eq.beta
    a0 = flint.fmpq_mat(2 * d, 2 * d)
    k = flint.fmpq_mat(2 * d, 2 * d)
    for i in range(d):
        a0[i, i] = 1
        a0[i, d + i] = beta
        a0[d + i, d + i] = beta
        for j in range(d):
            k[i, j] = k[d + i, j] = eq.g[i, j]
    return a0, k


def _ones(x: flint.fmpq_mat) -> flint.fmpq_mat:
    d = x.nrows()
    out = flint.fmpq_mat(2 * d, 2 * d)
    for i in range(2 * d):
        for j in range(2 * d):
            out[i, j] = x[i % d, j % d]
    return out


def _operator(eq: VariantEquation, eta: Fraction, sigma: flint.fmpq_mat) -> flint.fmpq_mat:
    a0, k = _blocks(eq)
    d, e = eq.d, q(eta)
    s = flint.fmpq_mat(d, d, [sigma[i, j] for i in range(d) for j in range(d)])
    ksa = k * sigma * a0.transpose()
    return (sigma - a0 * sigma * a0.transpose() + (ksa + ksa.transpose()) * e
            - _ones(eq.p * eq.batch_sandwich(s) * eq.p) * (e * e))


def _float_operator(eq: VariantEquation, eta: float) -> object:
    d, beta = eq.d, float(eq.resolved.momentum)
    a0 = np.block([[np.eye(d), beta * np.eye(d)], [np.zeros((d, d)), beta * np.eye(d)]])
    g = eq.p_f @ eq.h_f
    k = np.block([[g, np.zeros((d, d))], [g, np.zeros((d, d))]])
    c = float(eq.resolved.batch_factor)

    def apply(sigma: np.ndarray) -> np.ndarray:
        s = sigma[:d, :d]
        mb = c * eq.float_sandwich(s) + (1 - c) * eq.h_f @ s @ eq.h_f
        ksa = k @ sigma @ a0.T
        return (sigma - a0 @ sigma @ a0.T + eta * (ksa + ksa.T)
                - eta * eta * np.tile(eq.p_f @ mb @ eq.p_f, (2, 2)))

    return apply


def joint_moment(eq: VariantEquation, eta: Fraction, digits: int | None = None) -> flint.fmpq_mat:
    """Σ = E[(D, v)(D, v)ᵀ] at the stationary law: exact (``digits`` None, d ≤ EXACT_JOINT_MAX_D)
    or by exact-residual refinement to ~``digits`` digits."""
    e = q(eta)
    rhs = _ones(eq.rhs()) * (e * e)
    if digits is None and eq.d <= EXACT_JOINT_MAX_D:
        k = 2 * eq.d
        upper = [(i, j) for i in range(k) for j in range(i, k)]
        system = sym_matrix(lambda s: _operator(eq, eta, s), k, exact=True)
        x = system.solve(flint.fmpq_mat(len(upper), 1, [rhs[i, j] for i, j in upper]))
        out = flint.fmpq_mat(k, k)
        for n, (i, j) in enumerate(upper):
            out[i, j] = out[j, i] = x[n, 0]
        return out
    inverse = np.linalg.inv(sym_matrix(_float_operator(eq, float(eta)), 2 * eq.d, exact=False))
    return refine(lambda s: _operator(eq, eta, s), inverse, 2 * eq.d, rhs, digits or 60)


def joint_identity_rhs(eq: VariantEquation, eta: Fraction, sigma: flint.fmpq_mat) -> flint.fmpq:
    """(1 + β)/(4η) · tr(P⁻¹ Σ_vv)."""
    d = eq.d
    vv = flint.fmpq_mat(d, d, [sigma[d + i, d + j] for i in range(d) for j in range(d)])
    return trace(eq.p.inv() * vv) * (1 + eq.beta) / (4 * q(eta))


def float_joint_moment(eq: VariantEquation, eta: float) -> np.ndarray:
    """Σ in float64."""
    k = 2 * eq.d
    y = float(eq.resolved.batch_factor) * eq.p_f @ to_float(eq.noise) @ eq.p_f
    rhs = float(eta) ** 2 * np.tile(y, (2, 2))
    matrix = sym_matrix(_float_operator(eq, eta), k, exact=False)
    return _from_upper(np.linalg.solve(matrix, _to_upper(rhs)), k)

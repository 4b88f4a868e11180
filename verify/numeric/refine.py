"""Mixed-precision iterative refinement: float64 solves, high-precision residuals.

To solve the generalized Lyapunov equation

    T_η(S) = H S + S H − η E_b[H_b S H_b] = Y                           (1)

to p bits, start from S = 0 and repeat

    R = Y − T_η(S)          (residual, at p bits, in the original basis)
    S = S + T_η⁻¹(R)        (correction, float64, in the eigenbasis of H)

Each step multiplies the error by about κ·2⁻⁵³, so it gains some 15 digits
when the float64 system is well conditioned.  R is scaled by its largest
entry before it is rounded to float64, so tiny residuals do not underflow.

The critical rate η_c = 1/μ is refined the same way: Newton's method on the
bordered system  M(V) − μ L(V) = 0, ⟨V₀, V⟩ = 1  with the float64 Jacobian
frozen at the float64 eigenpair (V₀, μ₀).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .floatsolve import EigenSolver
from .model import MpModel
from .symmetric import smat, svec, svec_weights

__all__ = ["refine_critical_mode", "solve_refined"]


def _scaled_float(ctx: object, a: np.ndarray) -> tuple[np.ndarray, object]:
    """(a / s as float64, s) with s the largest |entry| of a (s = 0 for a = 0)."""
    scale = max(abs(v) for v in a.ravel())
    if not scale:
        return np.zeros(a.shape), scale
    return np.array([float(v / scale) for v in a.ravel()]).reshape(a.shape), scale


def _lift(ctx: object, a: np.ndarray, scale: object) -> np.ndarray:
    """The float64 array ``a`` times ``scale``, as ctx.mpf."""
    return np.array([ctx.mpf(float(v)) * scale for v in a.ravel()], dtype=object).reshape(a.shape)


def _frobenius(ctx: object, a: np.ndarray) -> object:
    return ctx.sqrt(ctx.fsum(v * v for v in a.ravel()))


def solve_refined(model: MpModel, solver: EigenSolver, eta: Fraction,
                  rhs: np.ndarray) -> tuple[np.ndarray, object]:
    """S solving (1) to the precision of ``model.ctx``; returns (S, ‖Y − T_η(S)‖_F)."""
    ctx, eta_mp = model.ctx, model.number(eta)
    s = np.full(rhs.shape, ctx.zero, dtype=object)
    residual, previous = rhs, None
    for _ in range(ctx.prec // 30 + 4):
        r, scale = _scaled_float(ctx, residual)
        if not scale:
            break
        c = solver.solve(float(eta), r)
        correction = _lift(ctx, (c + c.T) / 2, scale)
        s = s + correction
        residual = rhs - _operator(model, eta_mp, s)
        size = _frobenius(ctx, correction)
        if size <= ctx.ldexp(_frobenius(ctx, s), 4 - ctx.prec) or (
                previous is not None and size > previous / 8):
            break  # converged, or stagnating at the rounding level of the residual
        previous = size
    return s, _frobenius(ctx, residual)


def _operator(model: MpModel, eta: object, s: np.ndarray) -> np.ndarray:
    out = model.lyapunov(s)
    return out - eta * model.sandwich(s) if eta else out


def refine_critical_mode(model: MpModel, solver: EigenSolver) -> object:
    """μ = 1/η_c, the largest μ with E_b[H_b V H_b] = μ (H V + V H), at ctx precision.

    Falls back to the float64 value when the dense Jacobian would be too large.
    """
    ctx = model.ctx
    mu0, v0t = solver.top_mode()
    if not solver.dense:
        return ctx.mpf(mu0)
    jinv = _bordered_inverse(solver, mu0, v0t)
    v = _lift(ctx, solver.from_eigenbasis(v0t), ctx.one)
    anchor, mu = v.copy(), ctx.mpf(mu0)
    for _ in range(ctx.prec // 25 + 4):
        f1 = model.sandwich(v) - mu * model.lyapunov(v)
        f2 = ctx.fsum(a * b for a, b in zip(anchor.ravel(), v.ravel(), strict=True)) - 1
        f1f, scale = _scaled_float(ctx, np.append(f1.ravel(), f2))
        if not scale:
            break
        f1m = f1f[:-1].reshape(f1.shape)
        rhs = np.append(svec(solver.to_eigenbasis((f1m + f1m.T) / 2)), f1f[-1])
        delta = -jinv @ rhs
        dv = solver.from_eigenbasis(smat(delta[:-1], solver.d))
        v = v + _lift(ctx, (dv + dv.T) / 2, scale)
        step = ctx.mpf(float(delta[-1])) * scale
        mu += step
        if abs(step) <= ctx.ldexp(abs(mu), 4 - ctx.prec):
            break
    return mu


def _bordered_inverse(solver: EigenSolver, mu: float, vt: np.ndarray) -> np.ndarray:
    a = np.diag(svec(solver.pair_sums) / svec_weights(solver.d))
    v = svec(vt)
    m = v.size
    j = np.zeros((m + 1, m + 1))
    j[:m, :m] = solver.sandwich_matrix - mu * a
    j[:m, m] = -(a @ v)
    j[m, :m] = v
    return np.linalg.pinv(j, rcond=1e-12)  # pinv: a multiple top eigenvalue makes j singular

"""The critical learning rate η_c and its bounds.

The second moment of SGD is finite exactly for 0 < η < η_c with

    η_c = 1/ρ(A⁻¹B),   A = I⊗H + H⊗I,   B = E_b H_b⊗H_b,

and  2/max_b λ_max(H_b) ≤ η_c ≤ 2/λ_max(H).  (Upper: take S = v vᵀ for the top
eigenvector v of H; by Jensen, ⟨S, B S⟩ ≥ λ_max(H)² = ½ λ_max(H)·⟨S, A S⟩.
Lower: M(S) ⪯ max_b λ_max(H_b)·½ L(S) in the Loewner order on PSD S.)

In the multiprecision mode the lower bound is exact (max_b ‖x_b‖² + λ for least squares) and
the upper bound is 2/(vᵀHv/vᵀv) for the float64 top eigenvector v of H, taken exactly: the
Rayleigh quotient never exceeds λ_max(H), so the bound stays an upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
import numpy as np

from .floatsolve import EigenSolver, FloatModel
from .krylov import KrylovSpace
from .model import IntegerModel
from .refine import CriticalMode, refine_critical_mode
from .scaled import dyadic

__all__ = ["FLOAT_ETA_DIGITS", "CriticalRate", "critical_rate_float", "critical_rate_mp"]

FLOAT_ETA_DIGITS = 12  # digits of η_c from Lanczos (float64) when the problem is too large to refine


@dataclass(frozen=True)
class CriticalRate:
    """η_c with its bounds 2/max_b λ_max(H_b) ≤ η_c ≤ 2/λ_max(H)."""

    eta_crit: object
    lower: object
    upper: object


def critical_rate_mp(model: IntegerModel, solver: EigenSolver, digits: int,
                     start: CriticalMode | None = None) -> tuple[CriticalRate, CriticalMode | None]:
    """η_c (refined to about ``digits`` digits when the solver is dense) and exact bounds."""
    bounds = _bounds_exact(model, solver)
    if not solver.dense:
        return CriticalRate(flint.fmpq(1) / _fmpq(solver.top_mode()[0]), *bounds), None
    mode = refine_critical_mode(model, solver, digits, start)
    return CriticalRate(1 / mode.mu, *bounds), mode


def _fmpq(x: float) -> flint.fmpq:
    p, q = float(x).as_integer_ratio()
    return flint.fmpq(p, q)


def _bounds_exact(model: IntegerModel, solver: EigenSolver) -> tuple[object, object]:
    v = dyadic(solver.basis[:, -1:], flint.fmpq(1))
    rayleigh = (v.transpose() @ model.hessian @ v)[0, 0] / (v.transpose() @ v)[0, 0]
    top_b = model.max_example_curvature()
    if top_b is None:
        assert model.hessians is not None
        tops = [float(np.linalg.eigvalsh(np.array(h.tolist(), dtype=float))[-1]) for h in model.hessians]
        top_b = _fmpq(max(tops)) * model.hessian_scale
    return 2 / top_b, 2 / rayleigh


def critical_rate_float(model: FloatModel, solver: EigenSolver,
                        space: KrylovSpace | None = None) -> CriticalRate:
    """η_c and the bounds in float64 (η_c from ``space`` when given: its top Ritz value)."""
    if model.features is not None:
        top = float(np.max(np.einsum("bi,bi->b", model.features, model.features))) + model.ridge
    else:
        assert model.hessians is not None
        top = float(np.max(np.linalg.eigvalsh(model.hessians)))
    eta_c = solver.critical_rate() if space is None else 1 / space.top()[0]
    return CriticalRate(eta_c, 2 / top, 2 / float(solver.eigenvalues[-1]))

"""The critical learning rate η_c and its bounds.

The second moment of SGD is finite exactly for 0 < η < η_c with

    η_c = 1/ρ(A⁻¹B),   A = I⊗H + H⊗I,   B = E_b H_b⊗H_b,

and  2/max_b λ_max(H_b) ≤ η_c ≤ 2/λ_max(H).  (Upper: take S = v vᵀ for the top
eigenvector v of H; by Jensen, ⟨S, B S⟩ ≥ λ_max(H)² = ½ λ_max(H)·⟨S, A S⟩.
Lower: M(S) ⪯ max_b λ_max(H_b)·½ L(S) in the Loewner order on PSD S.)
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
import numpy as np

from .floatsolve import EigenSolver, FloatModel
from .model import MpModel
from .refine import refine_critical_mode

__all__ = ["CriticalRate", "critical_rate_float", "critical_rate_mp"]


@dataclass(frozen=True)
class CriticalRate:
    """η_c with its bounds 2/max_b λ_max(H_b) ≤ η_c ≤ 2/λ_max(H)."""

    eta_crit: object
    lower: object
    upper: object


def critical_rate_mp(model: MpModel, solver: EigenSolver) -> CriticalRate:
    """η_c and the bounds at the precision of ``model.ctx``."""
    ctx = model.ctx
    eta_c = 1 / refine_critical_mode(model, solver)
    upper = 2 / max(ctx.eigsy(ctx.matrix(model.hessian.tolist()), eigvals_only=True))
    return CriticalRate(eta_c, _lower_mp(model), upper)


def _lower_mp(model: MpModel) -> object:
    ctx, x = model.ctx, model.exact.features
    if x is not None:
        d = x.ncols()
        top = max(sum((x[b, j] ** 2 for j in range(d)), flint.fmpq(0)) for b in range(x.nrows()))
        return ctx.mpf(2 * int(top.q)) / int(top.p)
    assert model.hessians is not None
    tops = [max(ctx.eigsy(ctx.matrix(h.tolist()), eigvals_only=True)) for h in model.hessians]
    return 2 / max(tops)


def critical_rate_float(model: FloatModel, solver: EigenSolver) -> CriticalRate:
    """η_c and the bounds in float64."""
    if model.features is not None:
        top = float(np.max(np.einsum("bi,bi->b", model.features, model.features)))
    else:
        assert model.hessians is not None
        top = float(np.max(np.linalg.eigvalsh(model.hessians)))
    return CriticalRate(solver.critical_rate(), 2 / top,
                        2 / float(np.linalg.eigvalsh(model.hessian)[-1]))

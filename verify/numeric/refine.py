"""Mixed-precision iterative refinement with exact residuals: float64 solves, exact corrections.

To solve the generalized Lyapunov equation

    T_η(S) = H S + S H − η E_b[H_b S H_b] = Y                           (1)

to a relative accuracy 10⁻ᵖ, start from S = 0 (or from a seed) and repeat

    C = T_η⁻¹(R) in float64 (in the eigenbasis of H),  rounded to an exact dyadic matrix,
    S = S + C,   R = R − T_η(C)                           (exact: integer matrices)

until ‖C‖ ≤ 10⁻ᵖ‖S‖.  The residual R = Y − T_η(S) is kept exactly (python-flint integer
matrices, :mod:`verify.numeric.scaled`), so the only limit is the float64 solve: each step
multiplies the error by about κ·2⁻⁵³.  T_η is linear, so T_η(C) is computed on the small
correction (53-bit integers), never on the growing S.

The critical rate η_c = 1/μ is refined the same way.  μ is the largest eigenvalue of the
pencil M(V) = μ L(V) (L(V) = HV + VH); with the float64 spectral decomposition
K = A^{-1/2}BA^{-1/2} = UΘUᵀ of the dense problem, each step corrects the eigenvectors
V_1..V_k of the top cluster (θ within a relative 10⁻⁸ of θ_max; k = 1 unless the top eigenvalue
is (nearly) multiple) by δw = −Σ_{j ∉ cluster} u_j u_jᵀ A^{-1/2}F / (θ_j − μ), F = M(V) − L(V)N,
and μ is the top Ritz value of the k×k pencil (⟨V_i, M V_j⟩, ⟨V_i, L V_j⟩), exact for k = 1
(the Rayleigh quotient, whose error is the square of the eigenvector's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import flint
import mpmath
import numpy as np

from .floatsolve import EigenSolver
from .model import IntegerModel
from .scaled import Scaled, dyadic, fmpq_of, frexp_fmpq
from .symmetric import smat, svec

__all__ = ["CriticalMode", "Refined", "refine_critical_mode", "solve_refined"]

CLUSTER = 1e-8  # relative gap below which top eigenvalues are refined together
STAGNATION = 4  # a step must shrink the correction by this factor, or refinement stops


@dataclass(frozen=True, eq=False)
class Refined:
    """A refined solution of (1): S, the exact residual Y − T_η(S), and how it went."""

    solution: Scaled
    residual: Scaled
    steps: int
    converged: bool


def _log2_norm(f: np.ndarray, sigma: flint.fmpq) -> float:
    """log2 ‖σ f‖_F (−inf for 0)."""
    norm = float(np.linalg.norm(f))
    if norm == 0 or sigma == 0:
        return -math.inf
    m, e = frexp_fmpq(sigma)
    return math.log2(norm * abs(m)) + e


def solve_refined(model: IntegerModel, solver: EigenSolver, eta: Fraction, rhs: Scaled,
                  digits: int, start: Scaled | None = None) -> Refined:
    """S solving (1) to about ``digits`` digits, from ``start`` (default 0)."""
    e = fmpq_of(eta)
    d = model.d
    s = start if start is not None else Scaled.zeros(d, d)
    residual = rhs - model.operator(e, s) if start is not None else rhs
    whole = None if start is None else _log2_norm(*s.to_float())
    target = -digits * math.log2(10)
    previous, steps = math.inf, 0
    for steps in range(1, 4 * digits + 12):
        f, sigma = residual.to_float()
        if sigma == 0:
            return Refined(s, residual, steps - 1, True)
        c = solver.solve(float(eta), (f + f.T) / 2)
        correction = dyadic((c + c.T) / 2, sigma)
        s = s + correction
        residual = residual - model.operator(e, correction)
        size = _log2_norm(c, sigma)
        whole = size if whole is None or whole == -math.inf else whole
        if size - whole <= target:
            return Refined(s, residual, steps, True)
        if size > previous - math.log2(STAGNATION):
            break
        previous = size
    return Refined(s, residual, steps, False)


@dataclass(frozen=True, eq=False)
class CriticalMode:
    """The top eigenpair(s) of M(V) = μ L(V): ``mu`` (fmpq for a simple top eigenvalue,
    else an mpf), the vectors V_1..V_k (exact), and whether refinement converged."""

    mu: object
    vectors: tuple[Scaled, ...]
    steps: int
    converged: bool


def _ritz(vectors: list[Scaled], mv: list[Scaled], lv: list[Scaled],
          prec: int) -> tuple[object, list[list[flint.fmpq]] | None]:
    """(μ, N): the top Ritz value and, for k = 1, N = [[μ]] exactly (None for k > 1: the
    block residual then uses the k×k matrix returned by :func:`_block_matrix`)."""
    if len(vectors) == 1:
        mu = vectors[0].inner(mv[0]) / vectors[0].inner(lv[0])
        return mu, [[mu]]
    ctx = mpmath.MPContext()
    ctx.prec = prec
    a, b = (ctx.matrix([[ctx.mpf(int(x.p)) / int(x.q) for x in row] for row in g])
            for g in _grams(vectors, mv, lv))
    low = ctx.cholesky(b)
    inv = ctx.inverse(low)
    vals = ctx.eigsy(inv * a * inv.T, eigvals_only=True)
    return max(vals), None


def _grams(vectors: list[Scaled], mv: list[Scaled],
           lv: list[Scaled]) -> tuple[list[list[flint.fmpq]], list[list[flint.fmpq]]]:
    k = len(vectors)
    return ([[vectors[i].inner(mv[j]) for j in range(k)] for i in range(k)],
            [[vectors[i].inner(lv[j]) for j in range(k)] for i in range(k)])


def _block_matrix(vectors: list[Scaled], mv: list[Scaled], lv: list[Scaled]) -> flint.fmpq_mat:
    """N = B̂⁻¹Â, so that F_i = M V_i − Σ_j L V_j N_ji vanishes on an invariant subspace."""
    a, b = _grams(vectors, mv, lv)
    return flint.fmpq_mat(b).solve(flint.fmpq_mat(a))


def refine_critical_mode(model: IntegerModel, solver: EigenSolver, digits: int,
                         start: CriticalMode | None = None) -> CriticalMode:
    """μ = 1/η_c to about ``digits`` digits (dense solvers; see the module docstring)."""
    root, theta, u = solver.spectrum
    top = float(theta[-1])
    cluster = np.flatnonzero(theta >= top - CLUSTER * abs(top))
    vectors = list(start.vectors) if start is not None else [
        dyadic(_from_w(solver, u[:, j] / root), flint.fmpq(1)) for j in cluster]
    mv = [model.sandwich(v) for v in vectors]
    lv = [model.lyapunov(v) for v in vectors]
    prec = math.ceil((digits + 10) * math.log2(10))
    target = -(digits + 4) / 2 * math.log2(10)
    outside = np.ones(theta.size, dtype=bool)
    outside[cluster] = False
    previous, steps, converged = math.inf, 0, False
    for step in range(1, 2 * digits + 12):
        steps = step
        mu, exact_n = _ritz(vectors, mv, lv, prec)
        n = flint.fmpq_mat(exact_n) if exact_n is not None else _block_matrix(vectors, mv, lv)
        worst = -math.inf
        for i, v in enumerate(vectors):
            f = mv[i]
            for j in range(len(vectors)):
                f = f - lv[j].times(n[j, i])
            ff, sigma = f.to_float()
            if sigma == 0:
                continue
            w = svec(solver.to_eigenbasis((ff + ff.T) / 2)) / root
            coeff = np.where(outside, u.T @ w, 0.0) / np.where(outside, theta - float(mu), 1.0)
            dv = _from_w(solver, -(u @ coeff) / root)
            correction = dyadic(dv, sigma)
            vectors[i] = v + correction
            mv[i] = mv[i] + model.sandwich(correction)
            lv[i] = lv[i] + model.lyapunov(correction)
            worst = max(worst, _log2_norm(dv, sigma) - _log2_norm(*v.to_float()))
        if worst <= target:
            converged = True
            break
        if worst > previous - math.log2(STAGNATION):
            break
        previous = worst
    mu, _ = _ritz(vectors, mv, lv, prec)
    return CriticalMode(mu, tuple(vectors), steps, converged)


def _from_w(solver: EigenSolver, v: np.ndarray) -> np.ndarray:
    """The symmetric matrix (original basis) with eigenbasis svec coordinates ``v``."""
    m = solver.from_eigenbasis(smat(v, solver.d))
    return (m + m.T) / 2

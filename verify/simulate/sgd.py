r"""Real SGD on least squares, vectorized over K independent chains.

For L_b(Φ) = ½ (x_bᵀΦ − y_b)² write Φ = Φ* + D and r_b = x_bᵀΦ* − y_b.  The
per-example gradient at Φ is

    g_b + H_b D = x_b (x_bᵀ(Φ* + D) − y_b) = x_b (r_b + x_bᵀ D),

and one step with a minibatch b_1..b_B (uniform, with or without replacement)
and heavy-ball momentum β (β = 0: plain SGD) is

    V' = β V − (η/B) Σ_i x_{b_i} (r_{b_i} + x_{b_i}ᵀ D),     D' = D + V'.

The excess loss of a state is exactly quadratic, L(Φ* + D) − L* = ½ DᵀHD
with H = (1/n) Σ_b x_b x_bᵀ (the linear term vanishes: Σ_b g_b = 0).  All K
chains are advanced together: D and V are arrays of shape (K, d).

Time scale.  The second moment S_t = E[D_t D_tᵀ] obeys
S_{t+1} − S = (I − η T_η)(S_t − S) with T_η(S) = HS + SH − η E_b[H_b S H_b]
(for B = 1, β = 0); T_η is self-adjoint with ⟨S, T_η S⟩ ≥ (1 − η/η_c) 2λ_min(H) ‖S‖²,
so the excess loss relaxes at least as fast as exp(−t/τ) with

    τ = 1 / (2 η λ_min(H) (1 − η/η_c)),

which sets the default burn-in (8τ) and run length (8τ + 40τ); with momentum
the time scale is divided by 1/(1 − β) (the effective rate η/(1 − β)).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from verify.numeric.data import FeatureShape, LeastSquaresData

__all__ = [
    "BURN_IN_TIMES",
    "RUN_TIMES",
    "SAMPLINGS",
    "ChainRun",
    "LinearProblem",
    "relaxation_time",
    "run_chains",
]

BURN_IN_TIMES = 8
RUN_TIMES = 40
SUBBATCHES = 128
BLOCK = 512
SAMPLINGS = ("with-replacement", "without-replacement")
Progress = Callable[[float], None]


@dataclass(frozen=True, eq=False)
class LinearProblem(FeatureShape):
    """Least squares in float64: x_b (rows of ``features``), r_b = x_bᵀΦ* − y_b, H, L*."""

    features: np.ndarray
    residuals: np.ndarray
    optimum: np.ndarray
    hessian: np.ndarray
    loss_star: float

    @classmethod
    def of(cls, data: LeastSquaresData) -> LinearProblem:
        """Φ* by ``numpy.linalg.lstsq``; H = XᵀX/n; L* = ‖r‖²/(2n)."""
        x, y = data.features.astype(float), data.targets.astype(float)
        phi = np.linalg.lstsq(x, y, rcond=None)[0]
        r = x @ phi - y
        return cls(x, r, phi, x.T @ x / data.n, float(r @ r / (2 * data.n)))


    @property
    def lambda_min(self) -> float:
        return float(np.linalg.eigvalsh(self.hessian)[0])

    def excess(self, deltas: np.ndarray) -> np.ndarray:
        """½ DᵀHD for each row D of ``deltas`` (shape (K, d))."""
        return 0.5 * np.einsum("kd,kd->k", deltas @ self.hessian, deltas)


def relaxation_time(problem: LinearProblem, eta: float, eta_crit: float, *, batch_size: int = 1,
                    momentum: float = 0.0) -> float:
    """τ = 1/(2 η_eff λ_min(H)(1 − η/η_c)) steps, η_eff = η/(1 − β) (bounded below by 1)."""
    effective = eta / (1 - momentum)
    margin = max(1 - eta / eta_crit, 1e-3)
    return max(1.0, 1 / (2 * effective * problem.lambda_min * margin))


@dataclass(frozen=True, eq=False)
class ChainRun:
    """Excess losses ½ D_tᵀHD_t after burn-in, averaged over consecutive sub-batches of steps.

    ``samples`` has shape (K, m): sample (k, j) is the mean of the excess loss of
    chain k over steps burn_in + j·ℓ + 1 … burn_in + (j+1)·ℓ, ℓ = ``subbatch``.
    ``final`` is the state D of every chain after the last step (``velocity``: V).
    With ``trace_every`` = k, ``trace`` has one row per k-th step t:
    (t, mean over chains of ½ D_tᵀHD_t, ½ D_tᵀHD_t of chain 0).
    """

    samples: np.ndarray
    subbatch: int
    burn_in: int
    steps: int
    final: np.ndarray
    velocity: np.ndarray
    trace: np.ndarray | None = None


def run_chains(problem: LinearProblem, eta: float, *, chains: int, steps: int, burn_in: int,
               seed: int | None = None, start: np.ndarray | None = None, batch_size: int = 1,
               sampling: str = "with-replacement", momentum: float = 0.0,
               progress: Progress | None = None, velocity: np.ndarray | None = None,
               trace_every: int | None = None) -> ChainRun:
    """Run K = ``chains`` chains for ``steps`` steps from Φ* + D₀ (D₀ = ``start`` − Φ*, or 0).

    ``start`` is one Φ₀ (shape (d,)) or one per chain (shape (K, d)); ``velocity``
    the initial V (default 0).
    The excess losses of steps burn_in+1 … steps are kept as ≤ 128 sub-batch
    means per chain (memory O(K), whatever the number of steps).
    """
    if sampling not in SAMPLINGS:
        raise ValueError(f"unknown sampling {sampling!r}; expected one of {', '.join(SAMPLINGS)}")
    rng = np.random.default_rng(seed)
    n, d = problem.n, problem.d
    x, r = problem.features, problem.residuals
    delta = np.zeros((chains, d))
    if start is not None:
        delta += np.asarray(start, dtype=float) - problem.optimum
    velocity = np.zeros((chains, d)) if velocity is None else np.array(velocity, dtype=float)
    rows: list[tuple[float, float, float]] = []
    kept = steps - burn_in
    slots = min(SUBBATCHES, kept)
    subbatch = kept // slots
    first_kept = steps - slots * subbatch  # steps before it are burn-in (a few extra if needed)
    sums = np.zeros((chains, slots))
    step = 0
    per_block = BLOCK if sampling == "with-replacement" else max(1, 2**20 // (chains * n))
    while step < steps:
        block = min(per_block, steps - step)
        picks = _draw(rng, n, (block, chains, batch_size), sampling)
        for i in range(block):
            xb = x[picks[i]]                                     # (K, B, d)
            res = r[picks[i]] + np.einsum("kbd,kd->kb", xb, delta)  # r_b + x_bᵀD
            grad = np.einsum("kb,kbd->kd", res, xb) / batch_size
            if momentum:
                velocity = momentum * velocity - eta * grad
                delta = delta + velocity
            else:
                delta = delta - eta * grad
            if trace_every is not None and (step + i + 1) % trace_every == 0:
                loss = problem.excess(delta)
                rows.append((step + i + 1, float(loss.mean()), float(loss[0])))
            if step + i >= first_kept:
                sums[:, (step + i - first_kept) // subbatch] += problem.excess(delta)
        step += block
        if progress is not None:
            progress(step / steps)
    trace = np.array(rows).reshape(-1, 3) if trace_every is not None else None
    return ChainRun(sums / subbatch, subbatch, first_kept, steps, delta, velocity, trace)


def _draw(rng: np.random.Generator, n: int, shape: tuple[int, int, int], sampling: str) -> np.ndarray:
    """Example indices of shape (steps, K, B): uniform, with or without replacement within a batch."""
    if sampling == "with-replacement" or shape[2] == 1:
        return rng.integers(n, size=shape)
    keys = rng.random((*shape[:2], n))
    return np.argpartition(keys, shape[2] - 1, axis=2)[:, :, : shape[2]]


def default_lengths(tau: float, steps: int | None, burn_in: int | None) -> tuple[int, int]:
    """(steps, burn_in): burn_in = ⌈8τ⌉ and steps = burn_in + ⌈40τ⌉ unless given."""
    b = math.ceil(BURN_IN_TIMES * tau) if burn_in is None else burn_in
    t = b + math.ceil(RUN_TIMES * tau) if steps is None else steps
    return t, b

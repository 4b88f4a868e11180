r"""Standard errors of Monte Carlo averages of autocorrelated chains.

K independent chains each give a stationary series X_{k,1..T}.  The estimate
of μ = E[X] is the grand mean X̄ = (1/KT) Σ_{k,t} X_{k,t}.  Its variance is

    Var X̄ = σ²_∞ / (K T),   σ²_∞ = γ₀ (1 + 2 Σ_{j≥1} ρ_j) = γ₀ τ_int,

with γ₀ = Var X, ρ_j the autocorrelation at lag j and τ_int the integrated
autocorrelation time; the naive γ₀/(KT) is too small by the factor τ_int.

**Batch means.**  Cut each chain into b contiguous batches of length ℓ = T/b
and let Y_{k,i} be their means.  When ℓ ≫ τ_int the K·b batch means are
nearly independent with variance σ²_∞/ℓ, so

    SE² = s²_Y / (K b),   s²_Y = (1/(Kb − 1)) Σ_{k,i} (Y_{k,i} − X̄)².

With b = 1 the batches are the chains themselves, which are exactly
independent: the estimator is then unbiased whatever τ_int is (only the
burn-in matters).  The number of batches is chosen so that ℓ ≥ 50 τ̂_int.

**τ_int** is estimated by Geyer's initial positive sequence: with the
autocovariances γ̂_j averaged over chains (about the grand mean), sum the
pairs Γ_m = γ̂_{2m} + γ̂_{2m+1} while they are positive,
τ̂_int = (−γ̂₀ + 2 Σ_m Γ_m)/γ̂₀.  The effective sample size is KT/τ̂_int.

>>> import numpy as np
>>> x = np.random.default_rng(0).standard_normal((4, 1000))
>>> result = batch_means(x)
>>> abs(result.tau_int - 1) < 0.2, result.batches_per_chain   # ℓ ≈ 50 τ̂
(True, 19)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["MAX_BATCHES", "BatchMeans", "batch_means", "integrated_autocorrelation_time"]

MAX_BATCHES = 32
BATCH_OVER_TAU = 50


@dataclass(frozen=True)
class BatchMeans:
    """Grand mean X̄ with its batch-means standard error.

    ``tau_int`` is τ̂_int in units of the samples; ``ess`` = K T / τ̂_int;
    ``batch_length`` = ℓ samples; ``degrees_of_freedom`` = K b − 1.
    """

    mean: float
    standard_error: float
    chains: int
    samples_per_chain: int
    batches_per_chain: int
    batch_length: int
    tau_int: float
    ess: float

    @property
    def degrees_of_freedom(self) -> int:
        return self.chains * self.batches_per_chain - 1


def integrated_autocorrelation_time(samples: np.ndarray) -> float:
    """τ̂_int of the rows of ``samples`` (shape (K, T)) by Geyer's initial positive sequence.

    γ̂_j = (1/(K T)) Σ_k Σ_{t=1}^{T−j} (X_{k,t} − X̄)(X_{k,t+j} − X̄) by FFT;
    τ̂ = (−γ̂₀ + 2 Σ_{m<M} (γ̂_{2m} + γ̂_{2m+1}))/γ̂₀ where M is the first pair that is ≤ 0.
    Returns 1.0 for a constant series.
    """
    x = np.atleast_2d(np.asarray(samples, dtype=float))
    k, t = x.shape
    centred = x - x.mean()
    size = 1 << (2 * t - 1).bit_length()
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    gamma = np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :t].sum(axis=0) / (k * t)
    if gamma[0] <= 0:
        return 1.0
    pairs = gamma[: 2 * (t // 2)].reshape(-1, 2).sum(axis=1)
    stop = np.flatnonzero(pairs <= 0)
    positive = pairs[: stop[0]] if stop.size else pairs
    return max(1.0, float((-gamma[0] + 2 * positive.sum()) / gamma[0]))


def batch_means(samples: np.ndarray, batches_per_chain: int | None = None) -> BatchMeans:
    """X̄ and SE² = s²_Y/(K b) from the rows (chains) of ``samples``, shape (K, T).

    ``batches_per_chain`` = b; by default the largest b ≤ MAX_BATCHES with
    ℓ = ⌊T/b⌋ ≥ 10 τ̂_int (at least 2 batches in all when K = 1).  The first
    T − b ℓ samples of each chain are dropped (they are the oldest).
    """
    x = np.atleast_2d(np.asarray(samples, dtype=float))
    k, t = x.shape
    if not np.all(np.isfinite(x)):
        raise ValueError("the samples are not all finite (the chains diverged)")
    tau = integrated_autocorrelation_time(x)
    if batches_per_chain is None:
        b = max(1, min(MAX_BATCHES, int(t / (BATCH_OVER_TAU * tau))))
    else:
        b = batches_per_chain
    b = max(b, 2 if k == 1 else 1)
    if b > t:
        raise ValueError(f"cannot cut {t} samples per chain into {b} batches")
    length = t // b
    means = x[:, t - b * length:].reshape(k, b, length).mean(axis=2)
    grand = float(means.mean())
    spread = float(means.var(ddof=1)) if means.size > 1 else math.inf
    return BatchMeans(grand, math.sqrt(spread / means.size), k, t, b, length, tau, k * t / tau)

r"""Monte Carlo estimate of L(η) − L* for least squares, against the exact value.

K chains of real SGD (:func:`verify.simulate.sgd.run_chains`) give, after the
burn-in, the excess losses ½ D_tᵀHD_t; their grand mean estimates
L(η) − L* = ½ tr(H S), with a batch-means standard error
(:func:`verify.simulate.stats.batch_means`).  The exact value comes from the
numeric backend (:mod:`verify.simulate.exact`) and

    z = (MC − exact) / SE,

which is approximately standard normal when everything is right (|z| < 4
with overwhelming probability).

>>> from verify.numeric import LeastSquaresData
>>> data = LeastSquaresData.from_arrays([[1, 0], [0, 1], [1, 1], [2, 1], ["0.5", -1]],
...                                     [1, 0, 2, 2, "0.25"])
>>> result = simulate(data, "0.05", chains=64, seed=1, exact_mode="float64")
>>> abs(result.z) < 4 and result.standard_error < 0.05 * result.excess_loss
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from fractions import Fraction

import numpy as np

from verify.numeric.data import LeastSquaresData, parse_eta, parse_number
from verify.numeric.errors import NumericInputError

from .exact import ExactValue, exact_excess
from .sgd import SAMPLINGS, LinearProblem, default_lengths, relaxation_time, run_chains
from .stats import batch_means

__all__ = ["DEFAULT_CHAINS", "Simulation", "check_seed", "simulate"]

DEFAULT_CHAINS = 200
MAX_CHAIN_STEPS = 2 * 10**9


@dataclass(frozen=True)
class Simulation:
    """One Monte Carlo run and its comparison with the exact stationary law.

    ``excess_loss`` ± ``standard_error`` is the MC estimate of L(η) − L*;
    ``exact_excess_loss`` is the numeric backend's value (None if unavailable),
    ``z`` = (excess_loss − exact_excess_loss)/standard_error; ``tau_int`` is in
    steps; ``relaxation_time`` is τ of :mod:`verify.simulate.sgd`.
    """

    eta: float
    chains: int
    steps: int
    burn_in: int
    seed: int | None
    batch_size: int
    sampling: str
    momentum: float
    excess_loss: float
    standard_error: float
    relative_error: float
    exact_excess_loss: float | None
    z: float | None
    eta_crit: float | None
    slope_at_zero: float | None
    exact_source: str
    tau_int: float
    ess: float
    batches: int
    relaxation_time: float
    loss_star: float

    def to_json(self) -> dict[str, object]:
        """The ``--json`` object (floats; NaN never occurs, missing values are null)."""
        return asdict(self)


def simulate(data: LeastSquaresData, eta: str | Fraction | float, *, chains: int = DEFAULT_CHAINS,
             steps: int | None = None, burn_in: int | None = None, seed: int | None = 0,
             start: np.ndarray | None = None, batch_size: int = 1,
             sampling: str = "with-replacement", momentum: str | Fraction | float = 0,
             exact_mode: str = "auto", dps: int = 20,
             progress: Callable[[float], None] | None = None) -> Simulation:
    """Monte Carlo L(η) − L* with its standard error, and z against the exact value.

    Defaults: burn-in ⌈8τ⌉ and steps = burn-in + ⌈40τ⌉ with
    τ = 1/(2 η_eff λ_min(H)(1 − η/η_c)) (:func:`verify.simulate.sgd.relaxation_time`).
    Raises :class:`NumericInputError` on bad input (η ≥ η_c, bad counts, …).
    """
    rate = parse_eta(eta if isinstance(eta, str | Fraction) else Fraction(eta))
    beta = _momentum(momentum)
    _check_counts(data, chains, steps, burn_in, batch_size, sampling)
    check_seed(seed)
    exact = exact_excess(data, rate, batch_size=batch_size, sampling=sampling, momentum=beta,
                         mode=exact_mode, dps=dps)
    problem = LinearProblem.of(data)
    if start is not None:
        start = _start(start, data.d)
    eta_crit = exact.eta_crit if exact.eta_crit is not None else math.inf
    tau = relaxation_time(problem, float(rate), eta_crit, momentum=float(beta))
    total, burn = default_lengths(tau, steps, burn_in)
    if total <= burn:
        raise NumericInputError(f"--steps ({total}) must exceed --burn-in ({burn})")
    if total * chains > MAX_CHAIN_STEPS:
        raise NumericInputError(f"{total} steps × {chains} chains is too long a run; "
                                "give --steps or a larger η")
    run = run_chains(problem, float(rate), chains=chains, steps=total, burn_in=burn, seed=seed,
                     start=start, batch_size=batch_size, sampling=sampling, momentum=float(beta),
                     progress=progress)
    try:
        stats = batch_means(run.samples)
    except ValueError as exc:
        raise NumericInputError(f"{exc}; η = {rate} is too large for a stable simulation") from None
    return _result(float(rate), chains, total, run.burn_in, seed, batch_size, sampling, float(beta),
                   stats.mean, stats.standard_error, exact, stats.tau_int * run.subbatch,
                   stats.ess, stats.chains * stats.batches_per_chain, tau, problem.loss_star)


def _result(eta: float, chains: int, steps: int, burn: int, seed: int | None, batch_size: int,
            sampling: str, beta: float, mean: float, se: float, exact: ExactValue, tau_int: float,
            ess: float, batches: int, tau: float, loss_star: float) -> Simulation:
    z = None
    if exact.excess_loss is not None and se > 0:
        z = (mean - exact.excess_loss) / se
    return Simulation(eta, chains, steps, burn, seed, batch_size, sampling, beta, mean, se,
                      se / mean if mean else math.inf, exact.excess_loss, z, exact.eta_crit,
                      exact.slope_at_zero, exact.source, tau_int, ess, batches, tau, loss_star)


def _momentum(value: str | Fraction | float) -> Fraction:
    beta = parse_number(value, "(momentum)") if isinstance(value, str) else Fraction(value)
    if not 0 <= beta < 1:
        raise NumericInputError(f"the momentum must satisfy 0 ≤ β < 1; got {beta}")
    return beta


def check_seed(seed: int | None) -> None:
    """A seed is None or a non-negative integer (numpy's rule), else a one-line error."""
    if seed is not None and seed < 0:
        raise NumericInputError(f"--seed must be a non-negative integer; got {seed}")


def _check_counts(data: LeastSquaresData, chains: int, steps: int | None, burn_in: int | None,
                  batch_size: int, sampling: str) -> None:
    if chains < 1:
        raise NumericInputError(f"--chains must be at least 1; got {chains}")
    if steps is not None and steps < 2:
        raise NumericInputError(f"--steps must be at least 2; got {steps}")
    if burn_in is not None and burn_in < 0:
        raise NumericInputError(f"--burn-in must be non-negative; got {burn_in}")
    if not 1 <= batch_size <= data.n:
        raise NumericInputError(f"--batch-size must be between 1 and n = {data.n}; got {batch_size}")
    if sampling not in SAMPLINGS:
        raise NumericInputError(f"unknown sampling {sampling!r}; expected {' or '.join(SAMPLINGS)}")


def _start(start: np.ndarray, d: int) -> np.ndarray:
    phi = np.asarray(start, dtype=float)
    if phi.shape != (d,):
        raise NumericInputError(f"the start Φ₀ has shape {phi.shape}; expected ({d},)")
    if not np.all(np.isfinite(phi)):
        raise NumericInputError("the start Φ₀ is not finite")
    return phi

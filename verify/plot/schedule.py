r"""The ``schedule`` figure: the lecture's learning-rate drops.

The ResNet training curves of the lecture drop η twice, each time by a factor
of 2, and the loss falls to a new plateau after each drop.  Here K chains of
real SGD on least squares start from Φ₀ (default Φ = 0, an untrained model)
and run ``phase_steps`` steps at each of η₀, η₀/2, η₀/4.  Each plateau is
compared with its exact level L(ηᵢ) = L* + ½ tr(H S(ηᵢ)): the plateau
estimate is the mean of the excess loss ½ DᵀHD over the chains and over the
last part of the phase (after 8τᵢ steps, τᵢ = 1/(2ηᵢλ_min(H)(1 − ηᵢ/η_c))),
with a batch-means standard error.  Since L(η) − L* ≈ η·¼ tr C, each drop
roughly halves the excess loss.

JSON: ``L_star``, ``eta_crit``, ``phases`` (rows ``eta``, ``start_step``,
``end_step``, ``plateau_from``, ``exact_excess_loss``, ``exact_loss``,
``plateau_excess_loss``, ``plateau_standard_error``, ``z``) and ``trace``
(``step``, ``mean_loss``, ``chain_loss``: the loss L(Φ_t) averaged over the
chains and of chain 0, every ``trace_every`` steps).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from verify.numeric.analysis import analyze
from verify.numeric.data import LeastSquaresData
from verify.numeric.errors import NumericInputError

from .common import new_figure

__all__ = ["MAX_CHAIN_STEPS", "MAX_TRACE_POINTS", "draw_schedule", "schedule_payload"]

MAX_TRACE_POINTS = 1500
#: chains × phases × steps per phase of one schedule (about 20 s of SGD on a small data set).
MAX_CHAIN_STEPS = 2 * 10**8


def schedule_payload(data: LeastSquaresData, eta0: Fraction, *, drops: int = 2, factor: int = 2,
                     chains: int = 200, phase_steps: int | None = None, seed: int = 0,
                     start: np.ndarray | None = None, mode: str = "float64", dps: int = 20,
                     progress: Callable[[float], None] | None = None) -> dict[str, object]:
    """Run the schedule η₀, η₀/f, …, η₀/f^drops and collect the figure's numbers."""
    from verify.simulate.sgd import BURN_IN_TIMES, RUN_TIMES, LinearProblem, relaxation_time, run_chains
    from verify.simulate.stats import batch_means

    if drops < 0 or factor < 2:
        raise NumericInputError("need --drops ≥ 0 and an integer --factor ≥ 2")
    if chains < 1:
        raise NumericInputError(f"--chains must be at least 1; got {chains}")
    rates = [Fraction(eta0) / factor**k for k in range(drops + 1)]
    reports = [analyze(data, eta, mode=mode, dps=dps, crossval=False) for eta in rates]
    eta_crit = float(reports[0].eta_crit.eta_crit)  # type: ignore[arg-type]
    loss_star = float(reports[0].loss_star)  # type: ignore[arg-type]
    problem = LinearProblem.of(data)
    taus = [relaxation_time(problem, float(eta), eta_crit) for eta in rates]
    length = math.ceil((BURN_IN_TIMES + RUN_TIMES) * max(taus)) if phase_steps is None else phase_steps
    burns = [min(math.ceil(BURN_IN_TIMES * tau), length // 2) for tau in taus]
    if length < 4:
        raise NumericInputError(f"--steps per phase must be at least 4; got {length}")
    if chains * len(rates) * length > MAX_CHAIN_STEPS:
        raise NumericInputError(
            f"the schedule needs {chains} chains × {len(rates)} phases × {length} steps, more than the "
            f"limit of {MAX_CHAIN_STEPS:.0e} chain steps; use fewer --drops, --chains or --steps")
    every = max(1, (length * len(rates)) // MAX_TRACE_POINTS)
    phi0 = np.zeros(data.d) if start is None else np.asarray(start, dtype=float)
    if phi0.shape != (data.d,) or not np.all(np.isfinite(phi0)):
        raise NumericInputError(f"the start Φ₀ must be {data.d} finite numbers")
    rng_seeds = np.random.SeedSequence(seed).spawn(len(rates))
    state: np.ndarray = phi0
    phases, traces = [], []
    for k, (eta, report, burn) in enumerate(zip(rates, reports, burns, strict=True)):
        def part(fraction: float, k: int = k) -> None:
            if progress is not None:
                progress((k + fraction) / len(rates))

        run = run_chains(problem, float(eta), chains=chains, steps=length, burn_in=burn,
                         seed=int(rng_seeds[k].generate_state(1)[0]), start=state,
                         progress=part, trace_every=every)
        state = problem.optimum + run.final
        stats = batch_means(run.samples)
        exact = float(report.excess_loss)  # type: ignore[arg-type]
        offset = k * length
        phases.append({
            "eta": float(eta), "start_step": offset, "end_step": offset + length,
            "plateau_from": offset + run.burn_in, "exact_excess_loss": exact,
            "exact_loss": loss_star + exact, "plateau_excess_loss": stats.mean,
            "plateau_standard_error": stats.standard_error,
            "z": (stats.mean - exact) / stats.standard_error,
        })
        assert run.trace is not None
        trace = run.trace.copy()
        trace[:, 0] += offset
        traces.append(trace)
    table = np.concatenate(traces)
    return {"kind": "schedule", "n": data.n, "d": data.d, "mode": mode, "L_star": loss_star,
            "eta_crit": eta_crit, "factor": factor, "drops": drops, "chains": chains, "seed": seed,
            "phase_steps": length, "trace_every": every, "phases": phases,
            "trace": {"step": [int(s) for s in table[:, 0]],
                      "mean_loss": (loss_star + table[:, 1]).tolist(),
                      "chain_loss": (loss_star + table[:, 2]).tolist()}}


def draw_schedule(payload: dict[str, object]) -> object:
    """The Figure: the loss trace (log scale of L − L*) with each plateau's exact level."""
    fig = new_figure()
    ax = fig.add_subplot()
    loss_star = float(payload["L_star"])  # type: ignore[arg-type]
    trace = payload["trace"]
    steps = np.array(trace["step"])  # type: ignore[index]
    ax.plot(steps, np.array(trace["chain_loss"]) - loss_star, color="C0", lw=0.6, alpha=0.5,  # type: ignore[index]
            label="one SGD run")
    ax.plot(steps, np.array(trace["mean_loss"]) - loss_star, color="C0", lw=2,  # type: ignore[index]
            label=f"mean of {payload['chains']} runs")
    for i, phase in enumerate(payload["phases"]):  # type: ignore[attr-defined]
        ax.hlines(phase["exact_excess_loss"], phase["start_step"], phase["end_step"], colors="C3",
                  linestyles="--", lw=1.5, label=r"exact $L(\eta) - L^*$" if i == 0 else None)
        ax.errorbar((phase["plateau_from"] + phase["end_step"]) / 2, phase["plateau_excess_loss"],
                    yerr=2 * phase["plateau_standard_error"], fmt="s", color="k", ms=4, capsize=3,
                    label="plateau ±2 SE" if i == 0 else None)
        if i:
            ax.axvline(phase["start_step"], color="0.6", lw=0.8)
        ax.annotate(rf"$\eta$ = {phase['eta']:.3g}", (phase["start_step"], phase["exact_excess_loss"]),
                    textcoords="offset points", xytext=(4, 6), fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel("SGD step")
    ax.set_ylabel(r"$L(\Phi_t) - L^*$")
    ax.set_title(rf"$\eta$ reduced {payload['drops']} times, each time by a factor of {payload['factor']}")
    ax.legend(loc="upper right", fontsize=8)
    return fig

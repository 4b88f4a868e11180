"""Monte Carlo SGD: real runs of SGD compared with the exact stationary law.

Modules: :mod:`~verify.simulate.sgd` (least-squares SGD vectorized over K chains),
:mod:`~verify.simulate.stats` (batch means, integrated autocorrelation time),
:mod:`~verify.simulate.exact` (the exact values: numeric backend, variants, minibatch
closed form), :mod:`~verify.simulate.montecarlo` (:func:`simulate`),
:mod:`~verify.simulate.logistic` (the nonlinear case: slope of L(η) at η → 0),
:mod:`~verify.simulate.command` (``heatcap simulate``).  See docs/simulate.md.
"""

from importlib import import_module
from typing import Any

_HOMES = {
    "BatchMeans": "stats",
    "batch_means": "stats",
    "integrated_autocorrelation_time": "stats",
    "ChainRun": "sgd",
    "LinearProblem": "sgd",
    "relaxation_time": "sgd",
    "run_chains": "sgd",
    "ExactValue": "exact",
    "exact_excess": "exact",
    "minibatch_critical_rate": "exact",
    "minibatch_excess_loss": "exact",
    "Simulation": "montecarlo",
    "simulate": "montecarlo",
    "LogisticProblem": "logistic",
    "SlopeEstimate": "logistic",
    "builtin_logistic": "logistic",
    "estimate_slope": "logistic",
}


def __getattr__(name: str) -> Any:
    """Import the public names lazily (the CLI registers commands without numpy)."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOMES[name]}", __name__), name)


__all__ = sorted(_HOMES)

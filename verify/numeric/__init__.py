"""Numeric backend of heatcap: the stationary law of SGD on quadratic losses.

For per-example quadratic losses with gradients g_b and Hessians H_b at the
optimum (Σ_b g_b = 0, H = E_b H_b ≻ 0, C = E_b g_b g_bᵀ), single-example SGD
with learning rate η has a stationary second moment S solving the
generalized Lyapunov equation

    H S + S H − η E_b[H_b S H_b] = η C,

finite exactly for 0 < η < η_c, and the converged excess loss is
L(η) − L* = ½ tr(H S) = (η/4)[tr C + E_b tr(H_b² S)], so L'(0) = ¼ tr C.

Modules: :mod:`~verify.numeric.data` (exact input), :mod:`~verify.numeric.scaled`
(exact integer matrices with a rational scale), :mod:`~verify.numeric.model`
(H, C, M exactly), :mod:`~verify.numeric.floatsolve`
(float64 eigenbasis solvers), :mod:`~verify.numeric.krylov` (one Krylov space for the
float64 mode at large d), :mod:`~verify.numeric.refine` (mixed-precision
refinement with exact residuals), :mod:`~verify.numeric.backends`, :mod:`~verify.numeric.series`,
:mod:`~verify.numeric.critical`, :mod:`~verify.numeric.crossval`,
:mod:`~verify.numeric.analysis`, :mod:`~verify.numeric.command` (CLI).
See docs/numeric.md.
"""

from importlib import import_module
from typing import Any

_HOMES = {
    "Report": "analysis",
    "analyze": "analysis",
    "CriticalRate": "critical",
    "crossval_rows": "crossval",
    "richardson_limit": "crossval",
    "LeastSquaresData": "data",
    "QuadraticData": "data",
    "parse_eta": "data",
    "read_csv": "data",
    "NumericInputError": "errors",
    "expect_shape": "errors",
    "ExactModel": "model",
    "IntegerModel": "model",
    "exact_model": "model",
    "integer_model": "model",
    "StationaryLaw": "series",
    "stationary_law": "series",
    "taylor_coefficients": "series",
}


def __getattr__(name: str) -> Any:
    """Import the public names lazily: ``heatcap check`` does not pay for numpy and flint."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOMES[name]}", __name__), name)


__all__ = [
    "CriticalRate",
    "ExactModel",
    "IntegerModel",
    "LeastSquaresData",
    "NumericInputError",
    "QuadraticData",
    "Report",
    "StationaryLaw",
    "analyze",
    "crossval_rows",
    "exact_model",
    "expect_shape",
    "integer_model",
    "parse_eta",
    "read_csv",
    "richardson_limit",
    "stationary_law",
    "taylor_coefficients",
]

"""Numeric backend of heatcap: the stationary law of SGD on quadratic losses.

For per-example quadratic losses with gradients g_b and Hessians H_b at the
optimum (Σ_b g_b = 0, H = E_b H_b ≻ 0, C = E_b g_b g_bᵀ), single-example SGD
with learning rate η has a stationary second moment S solving the
generalized Lyapunov equation

    H S + S H − η E_b[H_b S H_b] = η C,

finite exactly for 0 < η < η_c, and the converged excess loss is
L(η) − L* = ½ tr(H S) = (η/4)[tr C + E_b tr(H_b² S)], so L'(0) = ¼ tr C.

Modules: :mod:`~verify.numeric.data` (exact input), :mod:`~verify.numeric.model`
(H, C, M in exact and multiprecision arithmetic), :mod:`~verify.numeric.floatsolve`
(float64 eigenbasis solvers), :mod:`~verify.numeric.refine` (mixed-precision
refinement), :mod:`~verify.numeric.backends`, :mod:`~verify.numeric.series`,
:mod:`~verify.numeric.critical`, :mod:`~verify.numeric.crossval`,
:mod:`~verify.numeric.analysis`, :mod:`~verify.numeric.command` (CLI).
See docs/numeric.md.
"""

from .analysis import Report, analyze
from .critical import CriticalRate
from .crossval import crossval_rows, richardson_limit
from .data import LeastSquaresData, QuadraticData, parse_eta, read_csv
from .errors import NumericInputError, expect_shape
from .model import ExactModel, MpModel, exact_model
from .series import StationaryLaw, stationary_law, taylor_coefficients

__all__ = [
    "CriticalRate",
    "ExactModel",
    "LeastSquaresData",
    "MpModel",
    "NumericInputError",
    "QuadraticData",
    "Report",
    "StationaryLaw",
    "analyze",
    "crossval_rows",
    "exact_model",
    "expect_shape",
    "parse_eta",
    "read_csv",
    "richardson_limit",
    "stationary_law",
    "taylor_coefficients",
]

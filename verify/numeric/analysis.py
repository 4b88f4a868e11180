"""Everything about one instance at one η, with certified digits.

:func:`analyze` is the library entry point behind ``heatcap numeric``:

>>> from verify.numeric import LeastSquaresData, analyze
>>> data = LeastSquaresData.from_arrays([[1, 0], [0, 1], [1, 1], [2, 1]], [1, 0, 2, 2])
>>> report = analyze(data, "1/100", mode="exact", dps=20)
>>> report.slope_at_zero == report.taylor[0]
True

Modes:

* ``"mp"`` (default): mpmath at ``dps`` digits plus guard digits.  The whole
  computation is done twice, at dps + 10 and at dps + 25 digits, in private
  mpmath contexts; ``certified_digits`` is the number of leading digits on
  which the two runs agree for every reported quantity (capped at dps), and
  the reported values are those of the more precise run.
* ``"exact"``: rationals.  L*, L(η) − L*, ¼ tr C and the Taylor coefficients
  are exact (``certified_digits`` = dps: the decimals are correctly rounded);
  η_c is irrational in general and is computed in multiprecision, with its
  own ``eta_crit_digits``.
* ``"float64"``: numpy; ``certified_digits`` is an a-priori estimate
  ⌊15.5 − log10 κ⌋ with κ = cond(H)/(1 − η/η_c).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from heatcap.reprs import html_method, repr_method

from .backends import Backend, ExactBackend, FloatBackend, MpBackend
from .critical import CriticalRate, critical_rate_float, critical_rate_mp
from .crossval import crossval_rows
from .data import LeastSquaresData, QuadraticData, parse_eta
from .digits import agree_digits, as_fraction, decimal_string
from .errors import NumericInputError, check_dps
from .floatsolve import FloatModel
from .lines import proof_line_rows
from .model import ExactModel, MpModel, exact_model
from .series import stationary_law, taylor_coefficients

__all__ = ["Report", "analyze"]

GUARD_DIGITS = 10
FLOAT_LINE_ROWS_MAX_D = 60
CHECK_DIGITS = 15
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Report:
    """All reported numbers for one instance at one learning rate η.

    ``taylor[k-1]`` = c_k = L^{(k)}(0)/k!;  ``second_derivative_at_zero`` = 2 c₂;
    ``crossval`` are the rows of :func:`verify.numeric.crossval.crossval_rows`.
    Numbers are Fractions (exact mode), ``mpf`` (mp mode) or floats.
    """

    __repr__ = repr_method  # short; the notebook display is heatcap/display.py
    _repr_html_ = html_method

    mode: str
    n: int
    d: int
    eta: Fraction
    dps: int
    loss_star: object
    excess_loss: object
    slope_at_zero: object
    second_derivative_at_zero: object
    eta_crit: CriticalRate
    taylor: tuple[object, ...]
    certified_digits: int
    eta_crit_digits: int
    crossval: tuple[dict[str, object], ...] = field(default=())


def analyze(data: LeastSquaresData | QuadraticData, eta: str | Fraction, *, mode: str = "mp",
            dps: int = 50, order: int = 4, crossval: bool = True,
            progress: Progress | None = None) -> Report:
    """Stationary law, Taylor series, η_c and cross-validation of one instance."""
    eta, dps, say = parse_eta(eta), check_dps(dps), progress or (lambda _: None)
    if order < 2:
        raise NumericInputError(f"--order must be at least 2; got {order}")
    float_model = FloatModel.of(data)
    if mode == "float64":
        return _analyze_float(float_model, data, eta, dps, order, crossval, say)
    say("exact model")
    exact = exact_model(data)
    runs = [_mp_run(exact, float_model, eta, dps + extra, order, say, exact_mode=mode == "exact")
            for extra in (GUARD_DIGITS, GUARD_DIGITS + CHECK_DIGITS)]
    eta_digits = agree_digits(runs[0][1].eta_crit, runs[1][1].eta_crit, dps)
    if mode == "exact":
        say("exact solve")
        backend = ExactBackend(exact)
        return _report("exact", backend, exact, eta, dps, order, runs[1][1], dps, eta_digits,
                       data if crossval else None)
    if mode != "mp":
        raise NumericInputError(f"unknown mode {mode!r}; expected 'mp', 'exact' or 'float64'")
    (_, _, low_numbers), (high, rate, high_numbers) = runs
    digits = min([dps, eta_digits] + [agree_digits(a, b, dps)
                                      for a, b in zip(low_numbers, high_numbers, strict=True)])
    return _report("mp", high, exact, eta, dps, order, rate, digits, eta_digits,
                   data if crossval else None)


def _mp_run(exact: ExactModel, float_model: FloatModel, eta: Fraction, digits: int, order: int,
            say: Progress, *, exact_mode: bool) -> tuple[MpBackend, CriticalRate, list[object]]:
    """One multiprecision pass at ``digits`` digits: (backend, η_c, key numbers)."""
    model = MpModel.of(exact, math.ceil(digits * math.log2(10)))
    backend = MpBackend(model, float_model.solver())
    say(f"critical rate at {digits} digits")
    rate = critical_rate_mp(model, backend.solver)
    _check_below_critical(eta, rate.eta_crit, digits)
    if exact_mode:
        return backend, rate, []
    say(f"stationary law at {digits} digits")
    law = stationary_law(backend, eta)
    taylor, _ = taylor_coefficients(backend, order)
    return backend, rate, [law.excess_loss, law.identity_rhs, model.loss_star, *taylor]


def _check_below_critical(eta: Fraction, eta_crit: object, digits: int) -> None:
    if as_fraction(eta) >= as_fraction(eta_crit):
        raise NumericInputError(
            f"η = {eta} is at or beyond the critical learning rate η_c = "
            f"{decimal_string(eta_crit, min(digits, 20))}; the stationary second moment is infinite"
        )


def _report(mode: str, backend: Backend, exact: ExactModel, eta: Fraction, dps: int, order: int,
            rate: CriticalRate, digits: int, eta_digits: int,
            data: LeastSquaresData | QuadraticData | None) -> Report:
    """The report; with ``data``, the cross-validation rows: every line of the proof, then
    the Step-3 identity and Step 4 by the Taylor coefficient and by Richardson extrapolation."""
    law = stationary_law(backend, eta)
    taylor, terms = taylor_coefficients(backend, order)
    rows = []
    if data is not None:
        rows = proof_line_rows(data, law.second_moment, terms, eta, digits)
        rows += crossval_rows(backend, law, taylor, terms, float(as_fraction(rate.eta_crit)), dps)
    return Report(mode, exact.n, exact.d, eta, dps, backend.loss_star, law.excess_loss,
                  backend.trace(backend.noise) / 4, 2 * taylor[1], rate, tuple(taylor[:order]),
                  digits, eta_digits, tuple(rows))


def _analyze_float(model: FloatModel, data: LeastSquaresData | QuadraticData, eta: Fraction,
                   dps: int, order: int, crossval: bool, say: Progress) -> Report:
    import numpy as np

    say("float64 solve")
    solver = model.solver()
    if np.linalg.matrix_rank(model.hessian) < model.d:
        exact_model(data)  # raises the singular-Hessian error with the exact rank
    rate = critical_rate_float(model, solver)
    _check_below_critical(eta, rate.eta_crit, 16)
    cond = float(np.linalg.cond(model.hessian)) / (1 - float(eta) / rate.eta_crit)
    digits = max(0, min(dps, math.floor(15.5 - math.log10(cond))))
    backend = FloatBackend(model, solver)
    law = stationary_law(backend, eta)
    taylor, terms = taylor_coefficients(backend, order)
    rows = []
    if crossval:
        if model.d <= FLOAT_LINE_ROWS_MAX_D:  # every proof line in balls: O(n d²) per letter
            rows = proof_line_rows(data, law.second_moment, terms, eta, min(dps, 16))
        rows += crossval_rows(backend, law, taylor, terms, rate.eta_crit, min(dps, 16), levels=4)
    return Report("float64", model.n, model.d, eta, dps, model.loss_star, law.excess_loss,
                  backend.trace(model.noise) / 4, 2 * taylor[1], rate, tuple(taylor), digits,
                  digits, tuple(rows))

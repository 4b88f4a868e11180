"""Everything about one instance at one η, with certified digits.

:func:`analyze` is the library entry point behind ``heatcap numeric``:

>>> from verify.numeric import LeastSquaresData, analyze
>>> data = LeastSquaresData.from_arrays([[1, 0], [0, 1], [1, 1], [2, 1]], [1, 0, 2, 2])
>>> report = analyze(data, "1/100", mode="exact", dps=20)
>>> report.slope_at_zero == report.taylor[0]
True

Modes:

* ``"mp"`` (default): every solve is refined with exact residuals
  (:mod:`verify.numeric.refine`) to dps + 10 digits, then refined further to
  dps + 25 digits starting from the first result; ``certified_digits`` is the
  number of leading digits on which the two agree for every reported quantity
  except η_c (capped at dps), η_c has its own ``eta_crit_digits``, and the
  reported values (``mpf`` of a private mpmath context) are the more precise ones.
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
from .critical import FLOAT_ETA_DIGITS, CriticalRate, critical_rate_float, critical_rate_mp
from .crossval import RICHARDSON_DIGITS, crossval_rows
from .data import LeastSquaresData, QuadraticData, parse_eta
from .digits import agree_digits, as_fraction, decimal_string
from .errors import NumericInputError, check_dps, check_order, check_size
from .floatsolve import EigenSolver, FloatModel
from .model import IntegerModel, integer_model
from .scaled import Scaled
from .series import StationaryLaw, stationary_law, taylor_coefficients

__all__ = ["Report", "analyze"]

GUARD_DIGITS = 10
FLOAT_LINE_ROWS_MAX_D = 60
CHECK_DIGITS = 15
RICHARDSON_GUARD = 3  # the extrapolation amplifies errors by less than 10
MODES = ("mp", "exact", "float64")
Progress = Callable[[str], None]
Data = LeastSquaresData | QuadraticData


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


@dataclass(frozen=True, eq=False)
class _Series:
    """The stationary law at η and the Taylor series, in one backend."""

    backend: Backend
    law: StationaryLaw
    taylor: list[object]
    terms: list[object]

    @classmethod
    def of(cls, backend: Backend, eta: Fraction, order: int) -> _Series:
        law = stationary_law(backend, eta)
        taylor, terms = taylor_coefficients(backend, order)
        return cls(backend, law, taylor, terms)

    @property
    def numbers(self) -> list[object]:
        return [self.law.excess_loss, self.law.identity_rhs, *self.taylor]


def analyze(data: Data, eta: str | Fraction, *, mode: str = "mp", dps: int = 50, order: int = 4,
            crossval: bool = True, progress: Progress | None = None) -> Report:
    """Stationary law, Taylor series, η_c and cross-validation of one instance."""
    eta, dps, say = parse_eta(eta), check_dps(dps), progress or (lambda _: None)
    check_order(order)
    if mode not in MODES:
        raise NumericInputError(f"unknown mode {mode!r}; expected 'mp', 'exact' or 'float64'")
    check_size(mode, data.d, dps)
    if mode == "float64":
        return _analyze_float(FloatModel.of(data), data, eta, dps, order, crossval, say)
    say("exact model")
    model = integer_model(data)
    solver = FloatModel.of(data).solver(dense=True)
    say("critical rate")
    rate, eta_digits = _critical(model, solver, eta, dps)
    if mode == "exact":
        say("exact solve")
        exact = _Series.of(ExactBackend(model.exact()), eta, order)
        return _report("exact", exact, model, eta, dps, rate, dps, eta_digits,
                       data if crossval else None, solver)
    say(f"stationary law at {dps + GUARD_DIGITS} digits")
    low = MpBackend(model, solver, dps + GUARD_DIGITS)
    first = _Series.of(low, eta, order)
    say(f"stationary law at {dps + GUARD_DIGITS + CHECK_DIGITS} digits")
    second = _Series.of(low.seeded(dps + GUARD_DIGITS + CHECK_DIGITS), eta, order)
    digits = min([dps] + [agree_digits(a, b, dps)
                          for a, b in zip(first.numbers, second.numbers, strict=True)])
    say("cross-validation")
    return _report("mp", second, model, eta, dps, rate, digits, eta_digits,
                   data if crossval else None, solver)


def _critical(model: IntegerModel, solver: EigenSolver, eta: Fraction,
              dps: int) -> tuple[CriticalRate, int]:
    """η_c refined to dps + 10 digits, then on to dps + 25 from there; (η_c, its digits)."""
    low, mode = critical_rate_mp(model, solver, dps + GUARD_DIGITS)
    _check_below_critical(eta, low.eta_crit, dps)
    if mode is None:  # too large to refine: the float64 (Lanczos) value
        return low, min(dps, FLOAT_ETA_DIGITS)
    high, _ = critical_rate_mp(model, solver, dps + GUARD_DIGITS + CHECK_DIGITS, start=mode)
    _check_below_critical(eta, high.eta_crit, dps)
    return high, agree_digits(low.eta_crit, high.eta_crit, dps)


def _check_below_critical(eta: Fraction, eta_crit: object, digits: int) -> None:
    if as_fraction(eta) >= as_fraction(eta_crit):
        raise NumericInputError(
            f"η = {eta} is at or beyond the critical learning rate η_c = "
            f"{decimal_string(eta_crit, min(digits, 20))}; the stationary second moment is infinite"
        )


def _report(mode: str, series: _Series, model: IntegerModel, eta: Fraction, dps: int,
            rate: CriticalRate, digits: int, eta_digits: int, data: Data | None,
            solver: EigenSolver) -> Report:
    """The report; with ``data``, the cross-validation rows: every line of the proof, then
    the Step-3 identity and Step 4 by the Taylor coefficient and by Richardson extrapolation."""
    b, law, taylor = series.backend, series.law, series.taylor
    rows: list[dict[str, object]] = []
    if data is not None:
        from .lines import proof_line_rows

        rows = proof_line_rows(data, law.second_moment, series.terms, eta, dps)
        start = tuple(t if isinstance(t, Scaled) else Scaled.of(t) for t in series.terms[:2])
        richardson = MpBackend(model, solver, min(dps, RICHARDSON_DIGITS) + RICHARDSON_GUARD,
                               series=start)
        rows += crossval_rows(b, law, taylor, series.terms, rate.eta_crit, dps,
                              richardson=richardson)
    out = _mpf(dps + GUARD_DIGITS + CHECK_DIGITS) if mode == "mp" else as_fraction
    numbers = [b.loss_star, law.excess_loss, b.trace(b.noise) / 4, 2 * taylor[1]]
    loss_star, excess, slope, second = (out(v) for v in numbers)
    critical = CriticalRate(*(out(v) for v in (rate.eta_crit, rate.lower, rate.upper)))
    return Report(mode, model.n, model.d, eta, dps, loss_star, excess, slope, second, critical,
                  tuple(out(c) for c in taylor), digits, eta_digits, tuple(rows))


def _mpf(digits: int) -> Callable[[object], object]:
    """Exact rationals (and mpf) to mpf of a private mpmath context at ``digits`` digits."""
    import mpmath

    ctx = mpmath.MPContext()
    ctx.dps = digits

    def convert(x: object) -> object:
        f = as_fraction(x)
        return ctx.mpf(f.numerator) / f.denominator

    return convert


def _analyze_float(model: FloatModel, data: Data, eta: Fraction, dps: int, order: int,
                   crossval: bool, say: Progress) -> Report:
    say("float64 solve")
    solver = model.solver()
    backend = FloatBackend(model, solver)
    law = stationary_law(backend, eta)
    rate = critical_rate_float(model, solver, backend.space)
    _check_below_critical(eta, rate.eta_crit, 16)
    lam = solver.eigenvalues
    cond = float(lam[-1] / lam[0]) / (1 - float(eta) / rate.eta_crit)
    digits = max(0, min(dps, math.floor(15.5 - math.log10(cond))))
    taylor, terms = taylor_coefficients(backend, order)
    rows = []
    if crossval:
        if model.d <= FLOAT_LINE_ROWS_MAX_D:  # every proof line in balls: O(n d²) per letter
            from .lines import proof_line_rows

            rows = proof_line_rows(data, law.second_moment, terms, eta, min(dps, 16))
        rows += crossval_rows(backend, law, taylor, terms, rate.eta_crit, min(dps, 16))
    return Report("float64", model.n, model.d, eta, dps, model.loss_star, law.excess_loss,
                  backend.trace(model.noise) / 4, 2 * taylor[1], rate, tuple(taylor), digits,
                  digits, tuple(rows))

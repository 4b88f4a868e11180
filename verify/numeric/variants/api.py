"""Everything about one variant of SGD at one η: :func:`analyze_variant` and friends.

>>> from fractions import Fraction
>>> from verify.numeric import LeastSquaresData
>>> from verify.numeric.variants import Variant, analyze_variant
>>> data = LeastSquaresData.from_arrays([[1, 0], [0, 1], [1, 1], [2, 1]], [1, 0, 2, 2])
>>> report = analyze_variant(data, "1/100", Variant(batch_size=2), mode="exact", dps=20)
>>> report.slope_at_zero == report.theorem_slope / 2          # c_B = 1/2
True
>>> [row["agree_digits"] for row in report.crossval if row["line"] != "richardson"]
[20, 20, 20]

Modes as in :func:`verify.numeric.analyze`: ``"exact"`` (rationals; η_c in
multiprecision), ``"mp"`` (exact-residual refinement to dps + 10 and dps + 25
digits; ``certified_digits`` counts the digits on which the two runs agree),
``"float64"`` (numpy; an a-priori digit estimate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import flint
import mpmath
import numpy as np

from heatcap.reprs import html_method, repr_method

from ..crossval import richardson_limit, row
from ..data import LeastSquaresData, QuadraticData, parse_eta
from ..digits import agree_digits, decimal_string
from ..errors import NumericInputError, check_dps, check_order, check_size
from ..model import fraction
from . import reshuffle
from .critical import critical_bounds, critical_float, critical_refined
from .equation import VariantEquation, q, to_float, trace
from .momentum import float_joint_moment, joint_identity_rhs, joint_moment
from .spec import Variant, resolve

__all__ = ["VariantReport", "analyze_variant", "critical_rate", "excess_loss"]

GUARD_DIGITS = 10
CHECK_DIGITS = 15
Data = LeastSquaresData | QuadraticData


@dataclass(frozen=True)
class VariantReport:
    """The reported numbers of one variant at one η.

    ``taylor[k-1]`` = c_k = L^{(k)}(0)/k!; ``second_derivative_at_zero`` = 2c₂
    (None where not available); ``theorem_slope`` = ¼ tr C, the plain-SGD slope,
    for comparison; ``eta_crit_bounds`` = (lower, upper); ``crossval`` rows
    ``{"step": "variant", "line", "lhs", "rhs", "agree_digits"}``; ``slope_error`` bounds the
    error of a slope found by extrapolation (reshuffling), None where the slope is exact.
    Numbers are Fractions (exact), ``mpf`` (mp) or floats (float64).
    """

    __repr__ = repr_method  # short; the notebook display is heatcap/display.py
    _repr_html_ = html_method

    mode: str
    n: int
    d: int
    eta: Fraction
    dps: int
    variant: Variant
    loss_star: object
    excess_loss: object
    slope_at_zero: object
    second_derivative_at_zero: object | None
    eta_crit: object
    eta_crit_bounds: tuple[object, object]
    taylor: tuple[object, ...]
    certified_digits: int
    eta_crit_digits: int
    theorem_slope: object
    crossval: tuple[dict[str, object], ...] = field(default=())
    slope_error: object | None = None


def analyze_variant(data: Data, eta: str | Fraction, variant: Variant, *, mode: str = "mp",
                    dps: int = 50, order: int = 2) -> VariantReport:
    """Stationary law, Taylor coefficients, η_c and the identity checks of one variant."""
    eta, dps = parse_eta(eta), check_dps(dps)
    check_order(order)
    if mode not in ("mp", "exact", "float64"):
        raise NumericInputError(f"unknown mode {mode!r}; expected 'mp', 'exact' or 'float64'")
    check_size(mode, data.d, dps)
    resolve(data, variant)
    if variant.reshuffle:
        return reshuffle_report(data, eta, variant, mode, dps)
    eq = _equation(data, variant)
    if mode == "float64":
        return _float_report(eq, eta, variant, dps, order)
    runs = [critical_refined(eq, dps + extra) for extra in (GUARD_DIGITS, GUARD_DIGITS + CHECK_DIGITS)]
    ctx = _context(dps + GUARD_DIGITS + CHECK_DIGITS)
    eta_c = 1 / ctx.mpf(runs[1].numerator) * runs[1].denominator
    eta_digits = agree_digits(1 / runs[0], 1 / runs[1], dps)
    _check_below(eta, runs[1], dps)
    bounds = critical_bounds(eq, ctx)
    if mode == "exact":
        numbers, rows = _numbers(eq, eta, order, None, dps, float(eta_c))
        return _report("exact", eq, eta, dps, variant, numbers, eta_c, bounds, dps, eta_digits,
                       rows, convert=lambda x: fraction(x))
    low, _ = _numbers(eq, eta, order, dps + GUARD_DIGITS, dps, float(eta_c), rows=False)
    high, rows = _numbers(eq, eta, order, dps + GUARD_DIGITS + CHECK_DIGITS, dps, float(eta_c))
    digits = min([dps, eta_digits] + [agree_digits(a, b, dps)
                                      for a, b in zip(low.values(), high.values(), strict=True)])
    return _report("mp", eq, eta, dps, variant, high, eta_c, bounds, digits, eta_digits, rows,
                   convert=lambda x: ctx.mpf(int(x.p)) / int(x.q))


def excess_loss(data: Data, eta: str | Fraction, variant: Variant, *, dps: int = 30) -> object:
    """L(η) − L* of ``variant`` (an ``mpf`` of a private context, ~dps digits).

    Fast for repeated calls: the equation, its float64 matrices and η_c are cached
    per (data, variant); each call is one exact-residual refinement.
    """
    eta, dps = parse_eta(eta), check_dps(dps)
    resolve(data, variant)
    ctx = _context(dps)
    if variant.reshuffle:
        value = reshuffle.stationary(data, eta).excess_loss
        return ctx.mpf(value.numerator) / value.denominator
    eq = _equation(data, variant)
    eta_c = critical_float(eq)
    if float(eta) >= eta_c * (1 - 1e-9):
        mu = critical_refined(eq, max(dps, 20))
        _check_below(eta, mu, dps)
    s = eq.solve(eta, eq.scaled_rhs(eta), dps + 5)
    value = eq.excess(s)
    return ctx.mpf(int(value.p)) / int(value.q)


def critical_rate(data: Data, variant: Variant) -> float:
    """η_c of ``variant`` in float64."""
    resolve(data, variant)
    if variant.reshuffle:
        return reshuffle.critical_rate(data)
    return critical_float(_equation(data, variant))


@lru_cache(maxsize=16)
def _equation(data: Data, variant: Variant) -> VariantEquation:
    return VariantEquation.of(data, resolve(data, variant))


def _context(dps: int) -> mpmath.ctx_mp.MPContext:
    ctx = mpmath.MPContext()
    ctx.prec = math.ceil(dps * math.log2(10)) + 8
    return ctx


def _check_below(eta: Fraction, mu: Fraction | float, digits: int) -> None:
    """Refuse η ≥ η_c = 1/μ."""
    if mu <= 0:
        return
    if eta * Fraction(mu) >= 1:
        raise NumericInputError(
            f"η = {eta} is at or beyond the critical learning rate η_c = "
            f"{decimal_string(1 / Fraction(mu), min(digits, 20))} of this variant; "
            "the stationary second moment is infinite")


def closed_slope(eq: VariantEquation) -> flint.fmpq:
    """L'(0) = c_B tr(P C)/(4(1 − β))."""
    return eq.c_b * trace(eq.p * eq.noise) / (4 * (1 - eq.beta))


def closed_second_derivative(eq: VariantEquation, s1: flint.fmpq_mat) -> flint.fmpq:
    """L''(0) = [tr(P M_B(S₁)) − β c_B tr(H P C P)/(1 − β²)]/(2(1 − β)), 𝓛(S₁) = Y."""
    b = eq.beta
    inner = trace(eq.p * eq.batch_sandwich(s1)) - (
        b * eq.c_b * trace(eq.hessian * eq.p * eq.noise * eq.p) / (1 - b * b))
    return inner / (2 * (1 - b))


def _numbers(eq: VariantEquation, eta: Fraction, order: int, digits: int | None, dps: int,
             eta_c: float, rows: bool = True) -> tuple[dict[str, flint.fmpq], list[dict[str, object]]]:
    """Exact (``digits`` None) or refined key numbers, and the cross-validation rows."""
    s = eq.solve(eta, eq.scaled_rhs(eta), digits)
    terms, rhs = [], eq.rhs()
    for _ in range(order):
        terms.append(eq.solve(Fraction(0), rhs, digits))
        rhs = eq.curvature(terms[-1])
    taylor = [eq.excess(t) for t in terms]
    out = {"excess": eq.excess(s), **{f"c{k}": c for k, c in enumerate(taylor, 1)}}
    if not rows:
        return out, []
    e, slope = q(eta), closed_slope(eq)
    table = []
    if eq.beta == 0:
        rhs_identity = e * (eq.c_b * trace(eq.p * eq.noise) + trace(eq.p * eq.batch_sandwich(s))) / 4
        table.append(row("variant", "identity", out["excess"], rhs_identity, dps))
    else:
        sigma = joint_moment(eq, eta, digits)
        d = eq.d
        dd = flint.fmpq_mat(d, d, [sigma[i, j] for i in range(d) for j in range(d)])
        table.append(row("variant", "identity", out["excess"], joint_identity_rhs(eq, eta, sigma), dps))
        table.append(row("variant", "joint-loss", out["excess"], eq.excess(dd), dps))
    table.append(row("variant", "taylor", taylor[0], slope, dps))
    table.append(row("variant", "second-derivative", 2 * taylor[1],
                     closed_second_derivative(eq, terms[0]), dps))
    h0 = Fraction(eta_c / 8).limit_denominator(10 ** 6)
    limit = richardson_limit(lambda h: eq.excess(eq.solve(h, eq.scaled_rhs(h), digits)) / q(h), h0, 10)
    table.append(row("variant", "richardson", limit, slope, dps))
    return out, table


def _report(mode: str, eq: VariantEquation, eta: Fraction, dps: int, variant: Variant,
            numbers: dict[str, flint.fmpq], eta_c: object, bounds: tuple[object, object],
            digits: int, eta_digits: int, rows: list[dict[str, object]],
            convert: object) -> VariantReport:
    conv = convert  # type: ignore[assignment]
    taylor = tuple(conv(numbers[f"c{k}"]) for k in range(1, len(numbers)))  # type: ignore[operator]
    m = eq.model
    return VariantReport(
        mode, m.n, m.d, eta, dps, variant, conv(m.loss_star), conv(numbers["excess"]),  # type: ignore[operator]
        conv(closed_slope(eq)), 2 * taylor[1], eta_c, bounds, taylor, digits,  # type: ignore[operator]
        eta_digits, conv(trace(m.noise) / 4), tuple(rows))  # type: ignore[operator]


def _float_report(eq: VariantEquation, eta: Fraction, variant: Variant, dps: int,
                  order: int) -> VariantReport:
    eta_c = critical_float(eq)
    _check_below(eta, 1 / eta_c, 16)
    h, p = eq.h_f, eq.p_f
    y = float(eq.resolved.batch_factor) * p @ to_float(eq.noise) @ p
    s = eq.float_solve(eta, float(eta) * y)
    terms, rhs = [], y
    for _ in range(order):
        terms.append(eq.float_solve(Fraction(0), rhs))
        rhs = eq.float_curvature(terms[-1])
    taylor = tuple(float(np.trace(h @ t)) / 2 for t in terms)
    excess = float(np.trace(h @ s)) / 2
    beta = float(eq.resolved.momentum)
    slope = float(closed_slope(eq).p) / float(closed_slope(eq).q)
    table = []
    if beta == 0:
        c = float(eq.resolved.batch_factor)
        mb = c * eq.float_sandwich(s) + (1 - c) * h @ s @ h
        rhs_identity = float(eta) / 4 * float(np.trace(p @ (c * to_float(eq.noise) + mb)))
        table.append(row("variant", "identity", excess, rhs_identity, min(dps, 16)))
    else:
        sigma = float_joint_moment(eq, float(eta))
        vv = sigma[eq.d:, eq.d:]
        rhs_identity = (1 + beta) / (4 * float(eta)) * float(np.trace(np.linalg.solve(p, vv)))
        table.append(row("variant", "identity", excess, rhs_identity, min(dps, 16)))
    table.append(row("variant", "taylor", taylor[0], slope, min(dps, 16)))
    cond = float(np.linalg.cond(eq.float_matrices()[0])) / (1 - float(eta) / eta_c)
    digits = max(0, min(dps, math.floor(15.5 - math.log10(cond))))
    lower, upper = critical_bounds(eq)
    m = eq.model
    return VariantReport("float64", m.n, m.d, eta, dps, variant, float(fraction(m.loss_star)),
                         excess, slope, 2 * taylor[1], eta_c, (lower, upper), taylor, digits,
                         digits, float(fraction(trace(m.noise))) / 4, tuple(table))


def reshuffle_report(data: Data, eta: Fraction, variant: Variant, mode: str,
                     dps: int) -> VariantReport:
    """The report of epoch-wise reshuffling (exact enumeration; see :mod:`.reshuffle`)."""
    result = reshuffle.analyze(data, eta, dps)
    ctx = _context(dps + GUARD_DIGITS)

    def conv(x: Fraction) -> object:
        if mode == "exact":
            return x
        if mode == "float64":
            return float(x)
        return ctx.mpf(x.numerator) / x.denominator

    eta_c = result.eta_crit
    return VariantReport(
        mode, data.n, data.d, eta, dps, variant, conv(result.loss_star), conv(result.excess_loss),
        conv(result.slope), conv(result.second_derivative), eta_c, (result.lower, result.upper),
        (conv(result.slope), conv(result.second_derivative / 2)), result.digits, result.eta_digits,
        conv(result.theorem_slope), tuple(result.rows), conv(result.slope_error))


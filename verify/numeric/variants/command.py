"""``heatcap numeric DATA.csv --eta ETA`` with variant flags.

``--batch-size B``, ``--sampling with-replacement|without-replacement``,
``--momentum BETA``, ``--preconditioner P.csv``, ``--reshuffle``.  The JSON
object has the keys of plain ``heatcap numeric`` plus ``variant`` (the
variant's parameters, its ``theorem_slope`` ¼ tr C, and for reshuffling a note)
and ``crossval`` rows with ``"step": "variant"``.  Bad input: one line on
stderr, exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from fractions import Fraction

from ..command import shown_digits
from ..digits import decimal_string, fraction_string
from ..errors import NumericInputError
from .api import VariantReport, analyze_variant
from .preconditioner import read_preconditioner
from .spec import Variant

__all__ = ["run_variant", "variant_from_args", "variant_json"]


def variant_from_args(args: argparse.Namespace) -> Variant:
    """The :class:`Variant` described by the command-line flags."""
    beta = Fraction(0)
    if args.momentum is not None:
        from ..data import parse_number
        beta = parse_number(args.momentum, "(momentum)")
    p = None if args.preconditioner is None else read_preconditioner(args.preconditioner)
    return Variant(batch_size=1 if args.batch_size is None else args.batch_size,
                   sampling=args.sampling or "with-replacement", momentum=beta,
                   preconditioner=p, reshuffle=bool(args.reshuffle))


def run_variant(args: argparse.Namespace, mode: str) -> int:
    """Run the variant analysis; returns the exit code."""
    from ..command import load_data
    try:
        if getattr(args, "ridge", None) is not None:
            raise NumericInputError("--ridge is not available with the variant flags")
        variant = variant_from_args(args)
        data, _ = load_data(args)
        report = analyze_variant(data, args.eta, variant, mode=mode, dps=args.dps, order=args.order)
    except NumericInputError as exc:
        print(f"heatcap: error: {exc}", file=sys.stderr)
        return 2
    out = variant_json(report)
    print(json.dumps(out, indent=2) if args.json else human(report, out))
    return 0


def variant_json(report: VariantReport) -> dict[str, object]:
    """The ``--json`` object of a variant report."""
    digits = report.dps
    names = ("L_star", "excess_loss", "slope_at_zero", "second_derivative_at_zero")
    values = (report.loss_star, report.excess_loss, report.slope_at_zero,
              report.second_derivative_at_zero)
    described = report.variant.describe()
    described["theorem_slope"] = decimal_string(report.theorem_slope, digits)
    if report.variant.reshuffle:
        described["note"] = ("epoch-wise reshuffling: L'(0) = 0, not ¼ tr C; L(η) − L* is exact, "
                             "L'(0) and L''(0) are Richardson extrapolations of exact values")
    out: dict[str, object] = {
        "mode": report.mode, "n": report.n, "d": report.d,
        "eta": decimal_string(report.eta, digits), "dps": digits,
        **{k: None if v is None else decimal_string(v, digits)
           for k, v in zip(names, values, strict=True)},
        "eta_crit": decimal_string(report.eta_crit, digits),
        "eta_crit_bounds": [decimal_string(b, digits) for b in report.eta_crit_bounds],
        "certified_digits": report.certified_digits,
        "eta_crit_certified_digits": report.eta_crit_digits,
        "taylor": [decimal_string(c, digits) for c in report.taylor],
        "variant": described,
        "crossval": list(report.crossval),
    }
    if report.mode == "exact":
        out["exact"] = {"eta": fraction_string(report.eta),
                        **{k: fraction_string(v) for k, v in zip(names, values, strict=True)
                           if v is not None}}
    return out


def _slope(report: VariantReport, short: Callable[[object], str]) -> str:
    """L'(0); a slope found by extrapolation that is 0 within its error bound says so."""
    error = report.slope_error
    if error is None:
        return short(report.slope_at_zero)
    if abs(report.slope_at_zero) <= error:
        return f"0  (= 0 within the extrapolation's error estimate: |L'(0)| ≤ {_power_of_ten(error)})"
    return f"{short(report.slope_at_zero)}  (± {_power_of_ten(error)})"


def _power_of_ten(value: object) -> str:
    """3 significant digits with a power of ten: 4.46 × 10⁻¹⁷."""
    mantissa, _, exponent = f"{float(value):.2e}".partition("e")
    power = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return mantissa if int(exponent) == 0 else f"{mantissa} × 10{power}"


def human(report: VariantReport, j: dict[str, object]) -> str:
    """A readable summary."""
    width = min(report.dps, 30)

    def short(text: object) -> str:
        return "—" if text is None else decimal_string(text, width)

    lines = [
        f"heatcap numeric ({report.mode}, {report.dps} digits): n = {report.n}, d = {report.d}",
        f"  variant                  {report.variant.summary()}",
        f"  learning rate η          {short(j['eta'])}",
        f"  L(η) − L*                {short(j['excess_loss'])}",
        f"  L'(0)                    {_slope(report, short)}   (plain SGD: ¼ tr C = "
        f"{short(report.theorem_slope)})",
        f"  L''(0)                   {short(j['second_derivative_at_zero'])}",
        f"  η_c                      {short(j['eta_crit'])}",
        f"  certified digits         {shown_digits(report.certified_digits, width)}"
        + (" (of L''(0); L'(0) by extrapolation)" if report.slope_error is not None else ""),
        "  cross-validation:",
        *(f"    {r['line']}: {r['agree_digits']} digits agree" for r in report.crossval),
    ]
    return "\n".join(lines)

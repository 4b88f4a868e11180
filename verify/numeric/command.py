"""``heatcap numeric DATA.csv --eta ETA``: the stationary law of SGD on least squares.

The subcommand is registered by ``verify/cli.py`` with :func:`add_arguments`
and :func:`run`.  DATA is a numeric CSV file, features first and the target
in the last column, with an optional header row.  Cells are read exactly.

Exit codes: 0 on success, 2 on bad input (one line on stderr starting
``heatcap: error:``, nothing on stdout).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from .digits import decimal_string, fraction_string

if TYPE_CHECKING:  # the solvers are imported when the command runs, not when it is registered
    from .analysis import Report
    from .data import LeastSquaresData

__all__ = ["add_arguments", "human_report", "load_data", "report_json", "run"]

_NUMBERS = ("L_star", "excess_loss", "slope_at_zero", "second_derivative_at_zero")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``heatcap numeric`` arguments to ``parser``."""
    parser.add_argument("data", metavar="DATA.csv", help="features, then the target column")
    parser.add_argument("--eta", required=True, help='learning rate, e.g. "0.01" or "1/100"')
    parser.add_argument("--dps", type=int, default=50, help="decimal digits (default 50)")
    parser.add_argument("--exact", action="store_true", help="exact rational arithmetic")
    parser.add_argument("--float64", action="store_true", help="fast float64 arithmetic")
    parser.add_argument("--intercept", action="store_true", help="append a constant feature")
    parser.add_argument("--drop-constant", action="store_true",
                        help="drop feature columns with one value in every row (before --intercept)")
    parser.add_argument("--ridge", default=None, metavar="LAMBDA",
                        help="add (λ/2)‖Φ‖² to every example's loss (λ ≥ 0; makes H definite)")
    parser.add_argument("--order", type=int, default=4, help="Taylor order (2 to 30, default 4)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    variants = parser.add_argument_group("variants of SGD (docs/variants.md)")
    variants.add_argument("--batch-size", type=int, default=None, metavar="B",
                          help="minibatch size (default 1)")
    variants.add_argument("--sampling", choices=["with-replacement", "without-replacement"],
                          default=None, help="how a minibatch is drawn (default with-replacement)")
    variants.add_argument("--momentum", default=None, metavar="BETA",
                          help="heavy-ball momentum β in [0, 1)")
    variants.add_argument("--preconditioner", default=None, metavar="P.csv",
                          help="symmetric positive definite d×d matrix P (CSV, no header)")
    variants.add_argument("--reshuffle", action="store_true",
                          help="epoch-wise random reshuffling (exact enumeration, n ≤ 8)")


def run(args: argparse.Namespace) -> int:
    """Run ``heatcap numeric``; returns the exit code."""
    from .analysis import analyze
    from .errors import NumericInputError

    try:
        if args.exact and args.float64:
            raise NumericInputError("--exact and --float64 exclude each other")
        mode = "exact" if args.exact else "float64" if args.float64 else "mp"
        progress = _progress_bar(enabled=not args.json and sys.stderr.isatty())
        if _wants_variant(args):
            from .variants.command import run_variant
            return run_variant(args, mode)
        data, dropped = load_data(args, exact=mode != "float64")
        report = analyze(data, args.eta, mode=mode, dps=args.dps, order=args.order,
                         progress=progress)
        progress("")
    except NumericInputError as exc:
        print(f"heatcap: error: {exc}", file=sys.stderr)
        return 2
    extra = {"ridge": str(data.ridge), "dropped_columns": dropped}
    text = (json.dumps({**report_json(report), **extra}, indent=2) if args.json
            else human_report(report, **extra))
    print(text)
    return 0


def load_data(args: argparse.Namespace, *, exact: bool = True) -> tuple[LeastSquaresData, list[int]]:
    """The data of DATA.csv with --drop-constant, --intercept and --ridge applied, and the
    (1-based) numbers of the dropped columns."""
    from .data import parse_number, read_csv
    from .errors import NumericInputError

    data = read_csv(args.data, exact=exact)
    dropped: list[int] = []
    if getattr(args, "drop_constant", False):
        dropped = data.constant_columns()
        if len(dropped) == data.d:
            raise NumericInputError(f"every feature column of {args.data} is constant")
        data = data.without_columns(dropped)
    if args.intercept:
        data = data.with_intercept()
    ridge = getattr(args, "ridge", None)
    if ridge is not None:
        data = data.with_ridge(parse_number(ridge, "(ridge)"))
    return data, [j + 1 for j in dropped]


def _wants_variant(args: argparse.Namespace) -> bool:
    """True if any variant flag was given (plain ``heatcap numeric`` otherwise)."""
    values = [getattr(args, name, None) for name in
              ("batch_size", "sampling", "momentum", "preconditioner", "reshuffle")]
    return any(v is not None and v is not False for v in values)


def report_json(report: Report) -> dict[str, object]:
    """The ``--json`` object: numbers as decimal strings with all their digits."""
    digits = report.dps
    values = dict(zip(_NUMBERS, (report.loss_star, report.excess_loss, report.slope_at_zero,
                                 report.second_derivative_at_zero), strict=True))
    rate = report.eta_crit
    out: dict[str, object] = {
        "mode": report.mode, "n": report.n, "d": report.d,
        "eta": decimal_string(report.eta, digits), "dps": digits,
        **{k: decimal_string(v, digits) for k, v in values.items()},
        "eta_crit": decimal_string(rate.eta_crit, digits),
        "eta_crit_bounds": [decimal_string(rate.lower, digits),
                            decimal_string(rate.upper, digits)],
        "certified_digits": report.certified_digits,
        "eta_crit_certified_digits": report.eta_crit_digits,
        "taylor": [decimal_string(c, digits) for c in report.taylor],
        "crossval": list(report.crossval),
    }
    if report.mode == "exact":
        out["exact"] = {"eta": fraction_string(report.eta),
                        **{k: fraction_string(v) for k, v in values.items()},
                        "taylor": [fraction_string(c) for c in report.taylor]}
    return out


def shown_digits(certified: int, width: int) -> str:
    """'50 (30 shown; --json has all)' when fewer digits are printed than are certified."""
    return f"{certified} ({width} shown; --json has all)" if width < certified else str(certified)


def human_report(report: Report, ridge: str = "0", dropped_columns: list[int] | None = None) -> str:
    """A readable summary of the report."""
    width = min(report.dps, 17 if report.mode == "float64" else 30)
    data_lines = []
    if ridge != "0":
        data_lines.append(f"  ridge λ                  {ridge}")
    if dropped_columns:
        shown = ", ".join(map(str, dropped_columns))
        data_lines.append(f"  dropped constant columns {len(dropped_columns)}: {shown}")

    def short(value: object) -> str:
        return decimal_string(value, width)

    rate = report.eta_crit
    lines = [
        f"heatcap numeric ({report.mode}, {report.dps} digits): n = {report.n}, d = {report.d}",
        *data_lines,
        f"  learning rate η          {short(report.eta)}",
        f"  L*                       {short(report.loss_star)}",
        f"  L(η) − L*                {short(report.excess_loss)}",
        f"  L'(0) = ¼ tr C           {short(report.slope_at_zero)}",
        f"  L''(0)                   {short(report.second_derivative_at_zero)}",
        f"  η_c                      {short(rate.eta_crit)}",
        f"  bounds on η_c            [{short(rate.lower)}, {short(rate.upper)}]",
        f"  certified digits         {shown_digits(report.certified_digits, width)} "
        f"(η_c: {report.eta_crit_digits})",
        "  Taylor coefficients c_k = L^(k)(0)/k!:",
        *(f"    c_{k} = {short(c)}" for k, c in enumerate(report.taylor, 1)),
        "  cross-validation:",
        *(f"    {_row_label(r)}: {r['agree_digits']} digits agree" for r in report.crossval),
    ]
    return "\n".join(lines)


def _progress_bar(*, enabled: bool) -> Callable[[str], None]:
    """A one-line progress indicator on stderr (a no-op when disabled)."""
    steps = [0]

    def show(stage: str) -> None:
        if not enabled:
            return
        steps[0] += 1
        text = f"heatcap: [{'#' * steps[0]:<8}] {stage}" if stage else ""
        sys.stderr.write(f"\r\033[K{text}")
        sys.stderr.flush()

    return show


def _row_label(row: dict[str, object]) -> str:
    """How a cross-validation row is named: the row ``second-derivative`` of step 4 holds the
    Taylor coefficient c_2 = L''(0)/2, not L''(0), and says so."""
    if (row["step"], row["line"]) == ("step-4", "second-derivative"):
        return "step-4 c_2 = L''(0)/2 (second-derivative)"
    return f"{row['step']} line {row['line']}"

"""``heatcap plot KIND DATA.csv --eta … -o FIG.png|pdf``: figures with the numbers behind them.

KIND is one of

* ``curve``: exact L(η) on [0, η_c), the tangent L* + η·¼ tr C, Monte Carlo
  points (``--eta`` lists their rates; default 0.1 … 0.5 × η_c; ``--no-mc``), the pole at η_c;
* ``schedule``: SGD with η₀ = ``--eta`` reduced twice by a factor of 2, each
  plateau against its exact level L(η);
* ``variants``: L(η) for ``--batch-sizes`` (default 1,2,4) and ``--momenta``
  on one set of axes (``--eta``: optional upper end of the grids).

FIG (PNG or PDF by extension) and the numbers behind it — by default in FIG's
file name plus ``.json`` (``-o curve.png`` → ``curve.png.json``), or in
``--json-out PATH`` — are written atomically; neither may be DATA.csv or the other output.
The amount of work is bounded (``--points`` ≤ 1000, ``--drops`` ≤ 10, a schedule's chains ×
steps, see :mod:`verify.plot.common`).  Exit codes: 0 on success, 2 on bad input (one line
``heatcap: error: …`` on stderr, no files written).
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["KINDS", "add_arguments", "run"]

KINDS = ("curve", "schedule", "variants")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``heatcap plot`` arguments to ``parser``."""
    parser.add_argument("kind", metavar="KIND", help="curve, schedule or variants")
    parser.add_argument("data", metavar="DATA.csv", help="features then the target column")
    parser.add_argument("--eta", default=None,
                        help="curve: MC rates a,b,…; schedule: η₀; variants: grid end (optional)")
    parser.add_argument("-o", "--output", required=True, metavar="FIG",
                        help="the figure, a .png or .pdf file")
    parser.add_argument("--json-out", default=None, metavar="PATH",
                        help="where to write the numbers behind the figure (default: FIG's file "
                             "name plus .json, e.g. -o curve.png writes curve.png.json)")
    parser.add_argument("--chains", type=int, default=200, help="Monte Carlo chains (default 200)")
    parser.add_argument("--steps", type=int, default=None,
                        help="steps per MC run / per schedule phase (default from τ)")
    parser.add_argument("--burn-in", type=int, default=None, help="curve: MC burn-in (default 8τ)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--points", type=int, default=40, help="grid points per curve")
    parser.add_argument("--no-mc", action="store_true", help="curve: no Monte Carlo points")
    parser.add_argument("--drops", type=int, default=2, help="schedule: number of drops (default 2)")
    parser.add_argument("--factor", type=int, default=2, help="schedule: drop factor (default 2)")
    parser.add_argument("--batch-sizes", default="1,2,4", help="variants: batch sizes")
    parser.add_argument("--momenta", default="", metavar="BETAS",
                        help="variants: heavy-ball momenta β, e.g. 0.5,0.9")
    parser.add_argument("--intercept", action="store_true", help="append a constant feature")
    parser.add_argument("--exact-mode", default="float64", choices=("float64", "mp", "exact"),
                        help="arithmetic of the exact values (default float64)")
    parser.add_argument("--dps", type=int, default=20, help="digits (mp)")


def run(args: argparse.Namespace) -> int:
    """Run ``heatcap plot``; returns the exit code."""
    from verify.numeric.errors import NumericInputError
    from verify.simulate.command import progress_bar

    progress = progress_bar(enabled=sys.stderr.isatty(), label=f"plot {args.kind}")
    try:
        fig_path, json_path = _run(args, progress)
    except NumericInputError as exc:
        progress(None)
        print(f"heatcap: error: {exc}", file=sys.stderr)
        return 2
    progress(None)
    print(f"wrote {fig_path} and {json_path}")
    return 0


def _run(args: argparse.Namespace, progress: object) -> tuple[object, object]:
    from verify.numeric.data import parse_number, read_csv
    from verify.numeric.errors import NumericInputError

    from .common import check_bounds, check_output, parse_etas, write_outputs

    if args.kind not in KINDS:
        raise NumericInputError(f"unknown KIND {args.kind!r}; expected one of {', '.join(KINDS)}")
    check_output(args.output, args.json_out, [args.data])  # fail before any computation
    check_bounds(args.points, args.drops, args.seed)
    data = read_csv(args.data, intercept=args.intercept)
    etas = parse_etas(args.eta)
    if args.kind == "curve":
        from .curve import curve_payload, draw_curve

        payload = curve_payload(data, [] if args.no_mc else (etas or None), points=args.points,
                                chains=args.chains, steps=args.steps, burn_in=args.burn_in,
                                seed=args.seed, mode=args.exact_mode, dps=args.dps,
                                progress=progress)  # type: ignore[arg-type]
        figure = draw_curve(payload)
    elif args.kind == "schedule":
        from .schedule import draw_schedule, schedule_payload

        if len(etas) != 1:
            raise NumericInputError("schedule needs exactly one starting rate --eta η₀")
        payload = schedule_payload(data, etas[0], drops=args.drops, factor=args.factor,
                                   chains=args.chains, phase_steps=args.steps, seed=args.seed,
                                   mode=args.exact_mode, dps=args.dps,
                                   progress=progress)  # type: ignore[arg-type]
        figure = draw_schedule(payload)
    else:
        from .variants import draw_variants, variants_payload

        if len(etas) > 1:
            raise NumericInputError("variants takes at most one --eta (the end of the grid)")
        sizes = [_integer(s) for s in args.batch_sizes.split(",") if s.strip()]
        momenta = [parse_number(m, "(momentum)") for m in args.momenta.split(",") if m.strip()]
        payload = variants_payload(data, sizes, momenta, points=args.points,
                                   upper=float(etas[0]) if etas else None, dps=args.dps,
                                   progress=progress)  # type: ignore[arg-type]
        figure = draw_variants(payload)
    return write_outputs(figure, payload, args.output, args.json_out)  # type: ignore[arg-type]


def _integer(text: str) -> int:
    from verify.numeric.errors import NumericInputError

    try:
        return int(text)
    except ValueError:
        raise NumericInputError(f"batch size {text.strip()!r} is not an integer") from None

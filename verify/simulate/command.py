"""``heatcap simulate DATA.csv --eta ETA``: Monte Carlo SGD against the exact stationary law.

Least squares (default): K chains of real SGD from Φ* (or ``--start``), the
estimate of L(η) − L* with a batch-means standard error, the exact value from
the numeric backend and z = (MC − exact)/SE.  ``--logistic``: the nonlinear
case, the slope of L(η) − L* at η → 0 from several small η (``--eta`` takes a
comma-separated list; DATA.csv is optional and holds ±1 or 0/1 labels in the
last column), compared with ¼ E_b‖g_b‖² at the optimum.

Exit codes: 0 on success, 2 on bad input (one line ``heatcap: error: …`` on
stderr, nothing on stdout).  A progress bar is drawn on stderr when it is a
terminal and ``--json`` is not given.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable

__all__ = ["add_arguments", "progress_bar", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``heatcap simulate`` arguments to ``parser``."""
    parser.add_argument("data", metavar="DATA.csv", nargs="?",
                        help="features then the target (optional with --logistic: built-in data)")
    parser.add_argument("--eta", required=True,
                        help='learning rate, e.g. "0.01" or "1/100" (--logistic: a list "a,b,c")')
    parser.add_argument("--chains", type=int, default=None,
                        help="independent chains K (default 200; --logistic 400)")
    parser.add_argument("--steps", type=int, default=None,
                        help="steps per chain including burn-in (default burn-in + 40τ)")
    parser.add_argument("--burn-in", type=int, default=None, help="discarded steps (default 8τ)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--start", default=None,
                        help="start Φ₀ as comma-separated numbers (default Φ*)")
    parser.add_argument("--batch-size", type=int, default=1, help="minibatch size B (default 1)")
    parser.add_argument("--sampling", default="with-replacement",
                        choices=("with-replacement", "without-replacement"))
    parser.add_argument("--momentum", default="0", metavar="BETA", help="heavy-ball momentum β ∈ [0, 1)")
    parser.add_argument("--intercept", action="store_true", help="append a constant feature")
    parser.add_argument("--exact-mode", default="auto", choices=("auto", "mp", "float64", "exact"),
                        help="arithmetic of the exact value (default auto: float64 with its "
                             "certified digits, mp if fewer than 8 are certified)")
    parser.add_argument("--dps", type=int, default=20, help="digits of the exact value (mp)")
    parser.add_argument("--logistic", action="store_true",
                        help="nonlinear case: logistic regression, slope of L(η) at 0")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    """Run ``heatcap simulate``; returns the exit code."""
    from verify.numeric.errors import NumericInputError

    progress = progress_bar(enabled=not args.json and sys.stderr.isatty())
    try:
        result = _logistic(args, progress) if args.logistic else _linear(args, progress)
    except NumericInputError as exc:
        progress(None)
        print(f"heatcap: error: {exc}", file=sys.stderr)
        return 2
    progress(None)
    if args.json:
        print(json.dumps(result, indent=2, allow_nan=False))
    else:
        print(_human(result, logistic=args.logistic))
    return 0


def _linear(args: argparse.Namespace, progress: Callable[[float | None], None]) -> dict[str, object]:
    import numpy as np

    from verify.numeric.data import parse_number, read_csv
    from verify.numeric.errors import NumericInputError

    from .montecarlo import DEFAULT_CHAINS, simulate

    if args.data is None:
        raise NumericInputError("DATA.csv is required (except with --logistic)")
    data = read_csv(args.data, intercept=args.intercept)
    start = None
    if args.start is not None:
        start = np.array([float(parse_number(c, "(start)")) for c in args.start.split(",")])
    chains = DEFAULT_CHAINS if args.chains is None else args.chains
    result = simulate(data, args.eta, chains=chains, steps=args.steps,
                      burn_in=args.burn_in, seed=args.seed, start=start, batch_size=args.batch_size,
                      sampling=args.sampling, momentum=args.momentum, exact_mode=args.exact_mode,
                      dps=args.dps, progress=progress)
    out = result.to_json()
    return {"kind": "least-squares", "n": data.n, "d": data.d, **out}


def _logistic(args: argparse.Namespace, progress: Callable[[float | None], None]) -> dict[str, object]:
    from verify.numeric.data import parse_eta
    from verify.numeric.errors import NumericInputError

    from .logistic import DEFAULT_CHAINS, LogisticProblem, builtin_logistic, estimate_slope

    if args.batch_size != 1 or args.momentum not in ("0", "0.0") or args.start is not None:
        raise NumericInputError("--logistic runs single-example SGD from the optimum only")
    problem = builtin_logistic() if args.data is None else LogisticProblem.from_csv(
        args.data, intercept=args.intercept)
    etas = [float(parse_eta(e)) for e in args.eta.split(",") if e.strip()]
    estimate = estimate_slope(problem, etas, chains=DEFAULT_CHAINS if args.chains is None else args.chains,
                              steps=args.steps, burn_in=args.burn_in, seed=args.seed,
                              progress=progress)
    return {"kind": "logistic", "n": problem.n, "d": problem.d, **estimate.to_json()}


def _human(result: dict[str, object], *, logistic: bool) -> str:
    def f(x: object) -> str:
        return "—" if x is None else f"{x:.6g}"

    if logistic:
        lines = [f"heatcap simulate --logistic: n = {result['n']}, d = {result['d']}",
                 "  η            L(η) − L*      ± SE"]
        lines += [f"  {p['eta']:<12.6g} {p['excess_loss']:<14.6g} {p['standard_error']:.2g}"
                  for p in result["points"]]  # type: ignore[attr-defined]
        lines += [f"  slope L'(0)  {f(result['slope'])} ± {f(result['slope_standard_error'])}",
                  f"  ¼ E_b‖g_b‖²  {f(result['heat_capacity'])}",
                  f"  z            {f(result['z'])}"]
        return "\n".join(lines)
    return "\n".join([
        f"heatcap simulate: n = {result['n']}, d = {result['d']}, η = {f(result['eta'])}, "
        f"B = {result['batch_size']}, β = {f(result['momentum'])}",
        f"  chains × steps      {result['chains']} × {result['steps']} (burn-in {result['burn_in']})",
        f"  L(η) − L* (MC)      {f(result['excess_loss'])} ± {f(result['standard_error'])}",
        f"  L(η) − L* (exact)   {f(result['exact_excess_loss'])}  [{result['exact_source']}]",
        f"  z                   {f(result['z'])}",
        f"  τ_int, ESS          {f(result['tau_int'])} steps, {f(result['ess'])}",
    ])


def progress_bar(*, enabled: bool, label: str = "simulate") -> Callable[[float | None], None]:
    """``show(fraction)`` draws a bar on stderr; ``show(None)`` clears it (no-op when disabled)."""
    last = [-1]

    def show(fraction: float | None) -> None:
        if not enabled:
            return
        if fraction is None:
            sys.stderr.write("\r\033[K")
        else:
            filled = min(30, math.floor(30 * fraction))
            if filled == last[0]:
                return
            last[0] = filled
            sys.stderr.write(f"\r\033[Kheatcap {label}: [{'#' * filled:<30}] {100 * fraction:3.0f}%")
        sys.stderr.flush()

    return show

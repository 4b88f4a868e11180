"""Benchmark of ``heatcap simulate`` with its default settings; prints what it measured.

    python benchmarks/bench_simulate.py            # d = 20, n = 200 at three rates
    python benchmarks/bench_simulate.py --quick    # one rate

The problem: x_b ~ N(0, I_20), y_b = x_bᵀw + N(0, 1), n = 200, written as
6-digit decimals.  For each η (a fraction of η_c) the default run (200 chains,
burn-in 8τ, then 40τ steps; exact value by the default "auto" arithmetic: float64 with its
certified digits, mp if fewer than 8) is timed and the
relative standard error SE/(L(η) − L*) and z are printed, with the time of the exact
reference alone (:func:`verify.simulate.exact.exact_excess`, timed separately in the same run)
and its share of the run (and, for comparison, the mp value at 20 digits, the default
before "auto").  Goals: SE < 5 % of the excess loss within a minute, and a run
dominated by SGD, not by its exact reference (share < 50 %).
"""

from __future__ import annotations

import argparse
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_numeric import best

from verify.numeric import LeastSquaresData, analyze
from verify.simulate import simulate
from verify.simulate.exact import exact_excess


def instance(n: int = 200, d: int = 20, seed: int = 0) -> LeastSquaresData:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    y = x @ rng.standard_normal(d) + rng.standard_normal(n)
    decimals = np.vectorize(lambda v: Fraction(f"{v:.6f}"), otypes=[object])
    return LeastSquaresData.from_arrays(decimals(x), decimals(y))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    data = instance()
    eta_c = float(analyze(data, "1/1000", mode="float64", crossval=False).eta_crit.eta_crit)  # type: ignore[arg-type]
    fractions = (0.25,) if args.quick else (0.05, 0.25, 0.5)
    print(f"d = {data.d}, n = {data.n}, η_c = {eta_c:.6g}; defaults: 200 chains, burn-in 8τ, run 40τ")
    print(f"{'η/η_c':>6} {'η':>10} {'steps':>7} {'time (s)':>9} {'L(η)−L* (MC)':>14} "
          f"{'SE/excess':>10} {'z':>6} {'reference (s)':>14} {'share':>6} {'mp at 20 digits (s)':>20}")
    for f in fractions:
        eta = Fraction(f * eta_c).limit_denominator(10**9)
        start = time.perf_counter()
        result = simulate(data, eta, seed=0)
        elapsed = time.perf_counter() - start
        reference = best(lambda e=eta: exact_excess(data, e), 1)
        mp = best(lambda e=eta: exact_excess(data, e, mode="mp"), 1)  # the old default, same run
        share = reference / elapsed
        print(f"{f:>6} {float(eta):>10.5g} {result.steps:>7} {elapsed:>9.2f} "
              f"{result.excess_loss:>14.6g} {result.relative_error:>10.2%} {result.z:>6.2f} "
              f"{reference:>14.3f} {share:>6.0%} {mp:>20.3f}")


if __name__ == "__main__":
    main()

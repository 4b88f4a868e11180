"""Benchmark of the numeric backend; prints figures and ratios measured in one run.

    python benchmarks/bench_numeric.py            # full (a few minutes)
    python benchmarks/bench_numeric.py --quick    # well under a minute

1. S(η) at 50 digits: mixed-precision refinement vs dense mpmath LU on the
   d(d+1)/2 vec system (the baseline, timed in the same run), d = 20, n = 200
   (quick: d = 10, n = 100).
2. The whole multiprecision analysis (two runs for certified digits, η_c, Taylor
   to order 4, no cross-validation) at d = 30, n = 569, 30 digits (quick: d = 15).
3. float64 analysis at d = 500, n = 1000 (quick: d = 120, n = 300).
"""

from __future__ import annotations

import argparse
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verify.numeric import LeastSquaresData, analyze, exact_model
from verify.numeric.backends import ExactBackend
from verify.numeric.digits import agree_digits
from verify.numeric.floatsolve import FloatModel
from verify.numeric.model import MpModel
from verify.numeric.refine import solve_refined


def instance(n: int, d: int, seed: int = 0) -> LeastSquaresData:
    """Correlated features with a 1e3 spread of scales, 17-digit decimals (like real CSVs)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, d)) @ np.diag(np.logspace(0, -3, d)) + rng.standard_normal(d)
    y = z @ rng.standard_normal(d) + 0.3 * rng.standard_normal(n)
    decimals = np.vectorize(lambda v: Fraction(f"{v:.17g}"), otypes=[object])
    return LeastSquaresData.from_arrays(decimals(z), decimals(y))


def timed(f):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = f()
    return value, time.perf_counter() - start


def bench_vec_baseline(n: int, d: int, dps: int) -> None:
    data = instance(n, d)
    exact = exact_model(data)
    model = MpModel.of(exact, int((dps + 10) * 3.33))
    ctx, eta = model.ctx, Fraction(1, 10 ** 6)
    backend = ExactBackend(exact)
    upper = [(i, j) for i in range(d) for j in range(i, d)]
    system = backend._matrix("lyapunov", upper) - backend._matrix("sandwich", upper) * \
        backend.number(eta)
    a = ctx.matrix([[ctx.mpf(int(v.p)) / int(v.q) for v in system.table()[r]]
                    for r in range(len(upper))])
    b = ctx.matrix([model.number(eta) * model.noise[i, j] for i, j in upper])
    x, t_lu = timed(lambda: ctx.lu_solve(a, b))
    solver = FloatModel.of(data).solver()
    (s, _), t_ref = timed(lambda: solve_refined(model, solver, eta, model.number(eta) * model.noise))
    agree = min(agree_digits(x[k], s[i, j], dps) for k, (i, j) in enumerate(upper))
    print(f"[1] S(η) d={d} n={n} at {dps} digits: dense mpmath LU {t_lu:.2f} s, "
          f"refinement {t_ref:.3f} s, ratio {t_lu / t_ref:.0f}x; agree to {agree} digits")


def bench_mp_analysis(n: int, d: int, dps: int) -> None:
    data = instance(n, d, seed=1)
    eta_c = FloatModel.of(data).solver().critical_rate()
    eta = Fraction(eta_c / 2).limit_denominator(10 ** 8)
    report, t = timed(lambda: analyze(data, eta, mode="mp", dps=dps, crossval=False))
    print(f"[2] mp analysis d={d} n={n} at {dps} digits (η = η_c/2): {t:.1f} s "
          f"(goal < 60 s: {'ok' if t < 60 else 'MISSED'}), certified digits "
          f"{report.certified_digits}, η_c digits {report.eta_crit_digits}")


def bench_float(n: int, d: int) -> None:
    data = instance(n, d, seed=2)
    model = FloatModel.of(data)
    eta = 0.5 * model.solver().critical_rate()
    eta_f = Fraction(eta).limit_denominator(10 ** 12)
    report, t = timed(lambda: analyze(data, eta_f, mode="float64", dps=16, crossval=False))
    print(f"[3] float64 analysis d={d} n={n}: {t:.1f} s, excess loss "
          f"{float(report.excess_loss):.6e}, slope {float(report.slope_at_zero):.6e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, well under a minute")
    quick = parser.parse_args().quick
    bench_vec_baseline(*((100, 10) if quick else (200, 20)), dps=50)
    bench_mp_analysis(*((569, 15) if quick else (569, 30)), dps=30)
    bench_float(*((300, 120) if quick else (1000, 500)))


if __name__ == "__main__":
    main()

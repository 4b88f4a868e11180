"""Benchmark of ``heatcap numeric``: the whole run against a baseline timed in the same run.

    python benchmarks/bench_numeric.py            # full (about two minutes)
    python benchmarks/bench_numeric.py --quick    # well under a minute

[1] The whole ``heatcap numeric DATA --eta E --dps 50`` (CSV read, η_c, two certification
    passes, Taylor series, every proof line, Richardson) against mpmath's dense LU solve
    alone (``lu_solve`` at 50 digits) of the same d(d+1)/2 system, at d = 5, 10, 20
    (n = 100, 200, 200; quick: d = 5, 10).  Timed twice: ``analyze`` in this (warm)
    interpreter, and the command in a fresh interpreter (``python -m verify.cli``, which
    includes starting Python and importing numpy, mpmath and flint; not SymPy, since the
    proof's lines come lowered in verify/numeric/heat_capacity_lines.json).  The fresh
    interpreter's floor (importing those three and nothing else) bounds the fresh ratio.
    heatcap's bytecode is cached, as an installed package's is (benchmarks/fresh.py).
    Goals: ratio ≥ 20 at d = 20, > 1 at d = 5 and 10.
[2] The whole command at d = 30, n = 569, 30 digits (quick: d = 15).  Goal: < 10 s.
[3] The whole command with --float64 at d = 500, n = 5000 (quick: d = 120, n = 1000).
    Goal: < 5 s.

The data are correlated features with a 1e3 spread of scales written as 17-digit decimals,
like real CSV files; η = η_c/2.  Every timing is the best of ``--repeat`` runs (default 3),
the LU baseline included, since the machine is shared.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from fresh import FRESH_ENV  # noqa: E402

from verify.numeric import analyze, read_csv  # noqa: E402
from verify.numeric.backends import ExactBackend  # noqa: E402
from verify.numeric.floatsolve import FloatModel  # noqa: E402
from verify.numeric.model import exact_model  # noqa: E402


def write_instance(folder: Path, n: int, d: int, seed: int = 0) -> Path:
    """Correlated features with a 1e3 spread of scales, 17-digit decimals (like real CSVs)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, d)) @ np.diag(np.logspace(0, -3, d)) + rng.standard_normal(d)
    y = z @ rng.standard_normal(d) + 0.3 * rng.standard_normal(n)
    path = folder / f"d{d}_n{n}.csv"
    lines = [",".join([*(f"x{j}" for j in range(d)), "y"])]
    lines += [",".join(f"{v:.17g}" for v in (*row, t)) for row, t in zip(z, y, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


def half_critical(path: Path) -> str:
    """η = η_c/2 (float64 estimate) as a short decimal."""
    data = read_csv(path, exact=False)
    return f"{0.5 * FloatModel.of(data).solver().critical_rate():.6g}"


def best(f, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def lu_baseline(path: Path, eta: str, dps: int, repeat: int) -> float:
    """mpmath's lu_solve on the d(d+1)/2 system (L − ηM) s = ηc, at ``dps`` digits."""
    import mpmath

    model = exact_model(read_csv(path))
    backend = ExactBackend(model)
    d = model.d
    upper = [(i, j) for i in range(d) for j in range(i, d)]
    e = Fraction(eta)
    system = backend._matrix("lyapunov", upper) - backend._matrix("sandwich", upper) * \
        backend.number(e)
    ctx = mpmath.MPContext()
    ctx.dps = dps
    a = ctx.matrix([[ctx.mpf(int(v.p)) / int(v.q) for v in row] for row in system.tolist()])
    rhs = model.noise * backend.number(e)
    b = ctx.matrix([ctx.mpf(int(rhs[i, j].p)) / int(rhs[i, j].q) for i, j in upper])
    return best(lambda: ctx.lu_solve(a, b), repeat)


def command(path: Path, eta: str, *flags: str) -> list[str]:
    return [sys.executable, "-m", "verify.cli", "numeric", str(path), "--eta", eta, *flags]


def run_command(argv: list[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True, cwd=ROOT, env=FRESH_ENV)


def bench_against_lu(folder: Path, sizes: list[tuple[int, int]], repeat: int) -> None:
    print("[1] whole heatcap numeric --dps 50 against mpmath lu_solve (50 digits) of the "
          "d(d+1)/2 system")
    floor = best(lambda: run_command([sys.executable, "-c", "import numpy, mpmath, flint"]), repeat)
    print(f"    a fresh interpreter that only imports numpy, mpmath and flint: {floor:.3f} s "
          "(no fresh run can be faster)")
    for d, n in sizes:
        path = write_instance(folder, n, d)
        eta = half_critical(path)
        lu = lu_baseline(path, eta, 50, repeat)
        analyze(read_csv(path), eta, dps=50)  # warm this interpreter (imports, parsed proof)
        warm = best(lambda p=path, e=eta: analyze(read_csv(p), e, dps=50), repeat)
        cold = best(lambda p=path, e=eta: run_command(command(p, e, "--dps", "50")), repeat)
        goal = 20 if d >= 20 else 1
        verdict = lambda r, g=goal: "ok" if r >= g else "MISSED"  # noqa: E731
        print(f"    d={d:>2} n={n}: lu_solve {lu:7.3f} s | in process {warm:6.3f} s, "
              f"ratio {lu / warm:6.1f}x ({verdict(lu / warm)}) | fresh process {cold:6.3f} s, "
              f"ratio {lu / cold:6.1f}x ({verdict(lu / cold)}); goal ratio ≥ {goal}"
              f" (at most {lu / floor:.1f}x fresh)")


def bench_whole(folder: Path, label: str, n: int, d: int, flags: list[str], goal: float,
                repeat: int) -> None:
    path = write_instance(folder, n, d, seed=1)
    eta = half_critical(path)
    t = best(lambda: run_command(command(path, eta, *flags)), repeat)
    print(f"{label} d={d} n={n} {' '.join(flags)}: {t:.2f} s "
          f"(goal < {goal:g} s: {'ok' if t < goal else 'MISSED'})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, well under a minute")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sizes = [(5, 100), (10, 200)] + ([] if args.quick else [(20, 200)])
        bench_against_lu(folder, sizes, args.repeat)
        bench_whole(folder, "[2]", 569, 15 if args.quick else 30, ["--dps", "30"], 10, args.repeat)
        big = (1000, 120) if args.quick else (5000, 500)
        bench_whole(folder, "[3]", *big, ["--float64"], 5, args.repeat)


if __name__ == "__main__":
    main()

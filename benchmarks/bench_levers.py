"""Each speed lever of ``heatcap numeric`` measured on its own, against its alternative in the same run.

    python benchmarks/bench_levers.py            # d = 20, n = 200 (and float64 sizes)
    python benchmarks/bench_levers.py --quick    # d = 10

[a] certification pass (dps + 25 digits) started from the first pass vs from scratch;
[b] Richardson: h₀ = η_c/2¹², 5 solves to 23 digits started from h S₁ + h² S₂, against the
    former h₀ = η_c/8, 11 solves to dps + 25 digits from scratch;
[c] the products in a refinement step: H·S and M(S) on exact integer matrices (flint
    fmpz_mat, M as one precomputed matrix) against mpmath object arrays (one fdot per
    entry) and python-flint arb matrices at the same precision;
[d] CSV parsing for float64: numpy against exact Fractions;
[e] float64 dense cut-off: the dense spectral solver against the Krylov space, by d
    (analysis without the cross-validation rows, which are the same for both);
[f] the proof's lines for the numeric cross-validation in a fresh interpreter: read from the
    shipped table (verify/numeric/heat_capacity_lines.json) against parsed and lowered with
    SymPy (what every ``heatcap numeric`` run did before);
[g] evaluating the 13 lines: rank-one H_b paths by matrix products (verify/numeric/rankone.py)
    against the example-by-example products.
Timings are the best of ``--repeat`` runs (the machine is shared).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

import flint
import mpmath

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_numeric import best, write_instance

from verify.numeric import analyze, read_csv
from verify.numeric.backends import MpBackend
from verify.numeric.crossval import richardson_limit
from verify.numeric.floatsolve import FloatModel
from verify.numeric.model import integer_model
from verify.numeric.series import stationary_law, taylor_coefficients


def setup(folder: Path, n: int, d: int):  # type: ignore[no-untyped-def]
    data = read_csv(write_instance(folder, n, d))
    model = integer_model(data)
    solver = FloatModel.of(data).solver(dense=True)
    eta_c = solver.critical_rate()
    return data, model, solver, Fraction(eta_c / 2).limit_denominator(10 ** 6), eta_c


def lever_seeding(model, solver, eta: Fraction, dps: int, repeat: int) -> None:  # type: ignore[no-untyped-def]
    def passes(seeded: bool) -> None:
        low = MpBackend(model, solver, dps + 10)
        stationary_law(low, eta)
        taylor_coefficients(low, 4)
        high = low.seeded(dps + 25) if seeded else MpBackend(model, solver, dps + 25)
        stationary_law(high, eta)
        taylor_coefficients(high, 4)

    seeded, scratch = best(lambda: passes(True), repeat), best(lambda: passes(False), repeat)
    print(f"[a] both passes, certification pass seeded {seeded:.3f} s vs from scratch "
          f"{scratch:.3f} s: {scratch / seeded:.1f}x")


def lever_richardson(model, solver, eta_c: float, dps: int, repeat: int) -> None:  # type: ignore[no-untyped-def]
    low = MpBackend(model, solver, dps + 10)
    terms = taylor_coefficients(low, 2)[1]

    def new() -> None:
        b = MpBackend(model, solver, 23, series=tuple(terms))
        richardson_limit(lambda h: stationary_law(b, h).excess_loss / b.number(h),
                         Fraction(eta_c / 2 ** 12).limit_denominator(10 ** 12), 4)

    def old() -> None:
        b = MpBackend(model, solver, dps + 25)
        richardson_limit(lambda h: stationary_law(b, h).excess_loss / b.number(h),
                         Fraction(eta_c / 8).limit_denominator(10 ** 6), 10)

    t_new, t_old = best(new, repeat), best(old, repeat)
    print(f"[b] Richardson: new {t_new:.3f} s vs former {t_old:.3f} s: {t_old / t_new:.1f}x")


def lever_products(model, solver, eta: Fraction, dps: int, repeat: int) -> None:  # type: ignore[no-untyped-def]
    b = MpBackend(model, solver, dps + 25)
    s = stationary_law(b, eta).second_moment
    d = model.d
    prec = math.ceil((dps + 25) * math.log2(10))
    t_exact = best(lambda: (model.lyapunov(s), model.sandwich(s)), repeat)
    ctx = mpmath.MPContext()
    ctx.prec = prec
    h_mp = [[ctx.mpf(int(model.hessian[i, j].p)) / int(model.hessian[i, j].q) for j in range(d)]
            for i in range(d)]
    s_mp = [[ctx.mpf(int(s[i, j].p)) / int(s[i, j].q) for j in range(d)] for i in range(d)]
    cols = [list(c) for c in zip(*s_mp, strict=True)]
    t_mp = best(lambda: [[ctx.fdot(r, c) for c in cols] for r in h_mp], repeat)
    old_prec = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        h_arb, s_arb = flint.arb_mat(model.hessian.fmpq_mat()), flint.arb_mat(s.fmpq_mat())
        t_arb = best(lambda: h_arb * s_arb, repeat)
    finally:
        flint.ctx.prec = old_prec
    print(f"[c] at {dps + 25} digits: exact H·S + M(S) {t_exact * 1e3:.2f} ms; H·S alone in "
          f"mpmath {t_mp * 1e3:.2f} ms, in arb {t_arb * 1e3:.2f} ms")


def lever_parsing(folder: Path, n: int, d: int, repeat: int) -> None:
    path = write_instance(folder, n, d, seed=3)
    fast = best(lambda: read_csv(path, exact=False), repeat)
    exact = best(lambda: read_csv(path), 1)
    print(f"[d] read d={d} n={n} CSV: numpy float64 {fast:.2f} s vs exact Fractions {exact:.2f} s: "
          f"{exact / fast:.1f}x")


def lever_dense(folder: Path, sizes: list[tuple[int, int]], repeat: int) -> None:
    import verify.numeric.floatsolve as fs

    for n, d in sizes:
        data = read_csv(write_instance(folder, n, d, seed=4), exact=False)
        rate = FloatModel.of(data).solver(dense=False).critical_rate()
        eta = Fraction(0.5 * rate).limit_denominator(10 ** 9)
        times = {}
        for label, limit in (("dense", 10 ** 9), ("krylov", 0)):
            saved = fs.FLOAT_DENSE_LIMIT
            fs.FLOAT_DENSE_LIMIT = limit
            try:
                times[label] = best(lambda x=data, e=eta: analyze(x, e, mode="float64", dps=16,
                                                                 crossval=False),
                                    repeat)
            finally:
                fs.FLOAT_DENSE_LIMIT = saved
        print(f"[e] float64 analysis d={d:>3} n={n}: dense {times['dense']:.3f} s, "
              f"Krylov {times['krylov']:.3f} s (cut-off: dense for d(d+1)/2 ≤ {fs.FLOAT_DENSE_LIMIT})")


def lever_table(repeat: int) -> None:
    import subprocess

    from fresh import FRESH_ENV

    def fresh(code: str) -> float:
        return best(lambda: subprocess.run([sys.executable, "-c", code], check=True, env=FRESH_ENV,
                                           cwd=Path(__file__).resolve().parents[1]), repeat)

    table = fresh("from verify.numeric.lowered import shipped_lines; shipped_lines()")
    lowered = fresh("from verify.numeric.lowered import fresh_lines; fresh_lines()")
    print(f"[f] the proof's lowered lines in a fresh interpreter: from the table {table:.3f} s, "
          f"lowered with SymPy {lowered:.3f} s: {lowered / table:.1f}x")


def lever_rank_one(data, eta: Fraction, repeat: int) -> None:  # type: ignore[no-untyped-def]
    import verify.numeric.lines as lines
    from verify.numeric.backends import ExactBackend
    from verify.numeric.model import exact_model

    backend = ExactBackend(exact_model(data))
    law = stationary_law(backend, eta)
    _, terms = taylor_coefficients(backend, 3)
    real = lines.RankOnePaths
    times = {}
    for label, paths in (("rank-one", real), ("per-example", lambda *a: None)):
        lines.RankOnePaths = paths  # type: ignore[assignment,misc]
        try:
            times[label] = best(lambda: lines.proof_line_rows(data, law.second_moment, terms, eta, 50),
                                repeat)
        finally:
            lines.RankOnePaths = real  # type: ignore[misc]
    print(f"[g] the 13 lines at 50 digits: rank-one paths {times['rank-one']:.3f} s, example by "
          f"example {times['per-example']:.3f} s: {times['per-example'] / times['rank-one']:.1f}x")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    d, n = (10, 200) if args.quick else (20, 200)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data, model, solver, eta, eta_c = setup(folder, n, d)
        print(f"d = {d}, n = {n}, 50 digits, η = η_c/2")
        lever_seeding(model, solver, eta, 50, args.repeat)
        lever_richardson(model, solver, eta_c, 50, args.repeat)
        lever_products(model, solver, eta, 50, args.repeat)
        lever_parsing(folder, *((1000, 50) if args.quick else (4000, 200)), args.repeat)  # < 10⁶ cells
        sizes = [(400, 10), (400, 20), (1000, 40)] if args.quick else \
            [(1000, 10), (1000, 20), (1000, 30), (2000, 50), (2000, 70)]
        lever_dense(folder, sizes, args.repeat)
        lever_table(args.repeat)
        lever_rank_one(data, eta, args.repeat)


if __name__ == "__main__":
    main()

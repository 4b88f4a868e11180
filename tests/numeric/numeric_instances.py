"""Shared small instances for the numeric tests (built with plain Fractions)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from verify.numeric import LeastSquaresData


def random_least_squares(seed: int, n: int, d: int) -> LeastSquaresData:
    """Least squares data with short decimal entries (exactly representable as read)."""
    rng = np.random.default_rng(seed)
    x = [[Fraction(int(v), 100) for v in row] for row in rng.integers(-300, 300, (n, d))]
    y = [Fraction(int(v), 100) for v in rng.integers(-300, 300, n)]
    return LeastSquaresData.from_arrays(x, y)



ROWS = "x1,x2,y\n1,0,1\n0,1,0\n1,1,2\n2,1,2\n0.5,-1,0.25\n"


def rows_by_hand() -> dict[str, Fraction]:
    """L* and ¼ tr C of ROWS by plain Fraction arithmetic (normal equations, Cramer's rule)."""
    data = [[Fraction(c) for c in line.split(",")] for line in ROWS.splitlines()[1:]]
    x, y = [r[:2] for r in data], [r[2] for r in data]
    g = [[sum(a[i] * a[j] for a in x) for j in range(2)] for i in range(2)]
    v = [sum(a[i] * t for a, t in zip(x, y, strict=True)) for i in range(2)]
    det = g[0][0] * g[1][1] - g[0][1] * g[1][0]
    phi = [(v[0] * g[1][1] - g[0][1] * v[1]) / det, (g[0][0] * v[1] - g[1][0] * v[0]) / det]
    r = [a[0] * phi[0] + a[1] * phi[1] - t for a, t in zip(x, y, strict=True)]
    n = len(r)
    trace_c = sum(e * e * (a[0] ** 2 + a[1] ** 2) for e, a in zip(r, x, strict=True)) / n
    return {"L_star": sum(e * e for e in r) / (2 * n), "slope": trace_c / 4}

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


class Reference:
    """An independent exact model, by plain Fraction loops over explicit per-example g_b, H_b.

    H_b = x_b x_bᵀ + λI and g_b = x_b r_b + λΦ* are formed example by example (the code under
    test uses closed forms and integer matrices), Φ* by Gaussian elimination of the normal
    equations (H₀ + λI)Φ = Xᵀy/n.
    """

    def __init__(self, x: list[list[Fraction]], y: list[Fraction], ridge: Fraction = Fraction(0)):
        n, d = len(x), len(x[0])
        self.n, self.d = n, d
        h0 = [[sum(r[i] * r[j] for r in x) / n for j in range(d)] for i in range(d)]
        a = [[h0[i][j] + (ridge if i == j else 0) for j in range(d)] for i in range(d)]
        rhs = [sum(r[i] * t for r, t in zip(x, y, strict=True)) / n for i in range(d)]
        phi = gauss(a, rhs)
        res = [sum(r[i] * phi[i] for i in range(d)) - t for r, t in zip(x, y, strict=True)]
        self.hessians = [[[r[i] * r[j] + (ridge if i == j else 0) for j in range(d)]
                          for i in range(d)] for r in x]
        self.gradients = [[r[i] * e + ridge * phi[i] for i in range(d)]
                          for r, e in zip(x, res, strict=True)]
        self.losses = [e * e / 2 + ridge / 2 * sum(p * p for p in phi) for e in res]
        self.hessian = a
        self.noise = [[sum(g[i] * g[j] for g in self.gradients) / n for j in range(d)]
                      for i in range(d)]
        self.loss_star = sum(self.losses) / n

    def operator(self, eta: Fraction, s: list[list[Fraction]]) -> list[list[Fraction]]:
        """H S + S H − η E_b H_b S H_b."""
        d, h = self.d, self.hessian
        hs = matmul(h, s)
        sandwich = [[Fraction(0)] * d for _ in range(d)]
        for hb in self.hessians:
            p = matmul(matmul(hb, s), hb)
            sandwich = [[sandwich[i][j] + p[i][j] / self.n for j in range(d)] for i in range(d)]
        return [[hs[i][j] + hs[j][i] - eta * sandwich[i][j] for j in range(d)] for i in range(d)]


def matmul(a: list[list[Fraction]], b: list[list[Fraction]]) -> list[list[Fraction]]:
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))]
            for i in range(len(a))]


def gauss(a: list[list[Fraction]], b: list[Fraction]) -> list[Fraction]:
    """x with a x = b (exact Gaussian elimination with row pivoting)."""
    n = len(b)
    m = [[*row, v] for row, v in zip(a, b, strict=True)]
    for c in range(n):
        p = next(r for r in range(c, n) if m[r][c] != 0)
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[r][c] != 0:
                f = m[r][c] / m[c][c]
                m[r] = [u - f * v for u, v in zip(m[r], m[c], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]

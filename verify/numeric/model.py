"""The quadratic model E_b L_b in three arithmetics: exact, multiprecision, float64.

From the per-example data we need only

* H = E_b H_b (the Hessian at the optimum),
* C = E_b g_b g_bᵀ (the gradient-noise covariance at the optimum),
* L* = E_b L_b*,
* the sandwich operator  M(S) = E_b H_b S H_b  and the trace E_b tr(H_b² S).

For least squares, L_b = ½(x_bᵀΦ − y_b)², the optimum Φ* solves the normal
equations, r_b = x_bᵀΦ* − y_b, g_b = x_b r_b and H_b = x_b x_bᵀ, so
M(S) = (1/n) Σ_b x_b (x_bᵀ S x_b) x_bᵀ has rank at most n.

The exact model is always built first (python-flint rationals are fast): the
multiprecision model is that exact model rounded once, so its only errors come
from the solves.

>>> from verify.numeric.data import LeastSquaresData
>>> data = LeastSquaresData.from_arrays([[1], [2], [3]], [1, 2, 2])
>>> model = exact_model(data)
>>> model.hessian, model.noise
([14/3], [9/14])
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import flint
import mpmath
import numpy as np

from .data import LeastSquaresData, QuadraticData
from .errors import NumericInputError

__all__ = ["ExactModel", "MpModel", "exact_model", "fraction", "mp_matmul", "qmat"]


def qmat(rows: np.ndarray) -> flint.fmpq_mat:
    """An exact flint matrix from a 2-D object array of Fractions."""
    r, c = rows.shape
    return flint.fmpq_mat(r, c, [flint.fmpq(v.numerator, v.denominator) for v in rows.ravel()])


def fraction(value: flint.fmpq) -> Fraction:
    """A flint rational as a Python Fraction."""
    return Fraction(int(value.p), int(value.q))


@dataclass(frozen=True, eq=False)
class ExactModel:
    """H, C, L* and the sandwich operator over the rationals (python-flint)."""

    n: int
    d: int
    hessian: flint.fmpq_mat
    noise: flint.fmpq_mat
    loss_star: flint.fmpq
    features: flint.fmpq_mat | None
    hessians: tuple[flint.fmpq_mat, ...] | None

    def sandwich(self, s: flint.fmpq_mat) -> flint.fmpq_mat:
        """M(S) = E_b H_b S H_b."""
        if self.features is None:
            assert self.hessians is not None
            total = flint.fmpq_mat(self.d, self.d)
            for h in self.hessians:
                total += h * s * h
            return total / self.n
        x, q = self.features, self._quadratic_forms(s)
        weighted = flint.fmpq_mat(self.n, self.d, [q[b] * x[b, j] for b in range(self.n)
                                                   for j in range(self.d)])
        return x.transpose() * weighted / self.n

    def weighted_trace(self, s: flint.fmpq_mat) -> flint.fmpq:
        """E_b tr(H_b² S)."""
        if self.features is None:
            assert self.hessians is not None
            products = (h * h * s for h in self.hessians)
            return sum((p[i, i] for p in products for i in range(self.d)), flint.fmpq(0)) / self.n
        x, q = self.features, self._quadratic_forms(s)
        norms = [sum((x[b, j] ** 2 for j in range(self.d)), flint.fmpq(0)) for b in range(self.n)]
        return sum((norms[b] * q[b] for b in range(self.n)), flint.fmpq(0)) / self.n

    def _quadratic_forms(self, s: flint.fmpq_mat) -> list[flint.fmpq]:
        x = self.features
        assert x is not None
        p = x * s
        return [sum((p[b, j] * x[b, j] for j in range(self.d)), flint.fmpq(0))
                for b in range(self.n)]


def exact_model(data: LeastSquaresData | QuadraticData) -> ExactModel:
    """The exact model of least squares data or of general quadratic losses."""
    if isinstance(data, LeastSquaresData):
        return _least_squares_model(data)
    g, n, d = qmat(data.gradients), data.n, data.d
    hessians = tuple(qmat(h) for h in data.hessians)
    h = sum(hessians, flint.fmpq_mat(d, d)) / n
    _require_nonsingular(h.rank(), d)
    loss = sum((flint.fmpq(v.numerator, v.denominator) for v in data.losses), flint.fmpq(0))
    return ExactModel(n, d, h, g.transpose() * g / n, loss / n, None, hessians)


def _least_squares_model(data: LeastSquaresData) -> ExactModel:
    x, y, n, d = qmat(data.features), qmat(data.targets[:, None]), data.n, data.d
    _require_nonsingular(x.rank(), d)
    gram = x.transpose() * x
    r = x * gram.solve(x.transpose() * y) - y
    rows = [r[b, 0] ** 2 * x[b, j] for b in range(n) for j in range(d)]
    noise = x.transpose() * flint.fmpq_mat(n, d, rows) / n
    loss = sum((r[b, 0] ** 2 for b in range(n)), flint.fmpq(0)) / (2 * n)
    return ExactModel(n, d, gram / n, noise, loss, x, None)


def _require_nonsingular(rank: int, d: int) -> None:
    if rank < d:
        raise NumericInputError(
            f"E_b H_b is singular (rank {rank} < d = {d}): some feature is zero or a linear "
            "combination of the others, so the optimum is not unique"
        )


def mp_matmul(ctx: mpmath.ctx_mp.MPContext, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A @ B for object arrays of ctx.mpf, each entry one ctx.fdot (one rounding)."""
    rows, cols = [list(r) for r in a], [list(c) for c in b.T]
    out = np.empty((len(rows), len(cols)), dtype=object)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            out[i, j] = ctx.fdot(r, c)
    return out


def _mp_array(ctx: mpmath.ctx_mp.MPContext, m: flint.fmpq_mat) -> np.ndarray:
    out = np.empty((m.nrows(), m.ncols()), dtype=object)
    for i in range(m.nrows()):
        for j in range(m.ncols()):
            out[i, j] = ctx.mpf(int(m[i, j].p)) / int(m[i, j].q)
    return out


@dataclass(frozen=True, eq=False)
class _IntegerFeatures:
    """X = X_int / D with X_int an integer matrix: M(S) by exact integer products."""

    x: flint.fmpz_mat
    rows: tuple[tuple[int, ...], ...]
    denominator: int

    @classmethod
    def of(cls, features: flint.fmpq_mat) -> _IntegerFeatures:
        entries = features.entries()
        den = lcm(*(int(v.q) for v in entries))
        ints = [int(v.p) * (den // int(v.q)) for v in entries]
        n, d = features.nrows(), features.ncols()
        rows = tuple(tuple(ints[b * d:(b + 1) * d]) for b in range(n))
        return cls(flint.fmpz_mat(n, d, ints), rows, den)


@dataclass(frozen=True, eq=False)
class MpModel:
    """The exact model rounded once to the precision of a local mpmath context.

    ``ctx`` is a private ``mpmath.MPContext``; mpmath's global precision is
    never touched.  Matrices are object arrays of ``ctx.mpf``.
    """

    ctx: mpmath.ctx_mp.MPContext
    exact: ExactModel
    hessian: np.ndarray
    noise: np.ndarray
    loss_star: object
    hessians: tuple[np.ndarray, ...] | None
    integer_features: _IntegerFeatures | None

    @classmethod
    def of(cls, exact: ExactModel, prec: int) -> MpModel:
        """Round ``exact`` to ``prec`` bits in a fresh local context."""
        ctx = mpmath.MPContext()
        ctx.prec = prec
        ell = ctx.mpf(int(exact.loss_star.p)) / int(exact.loss_star.q)
        hs = None if exact.hessians is None else tuple(_mp_array(ctx, h) for h in exact.hessians)
        ints = None if exact.features is None else _IntegerFeatures.of(exact.features)
        return cls(ctx, exact, _mp_array(ctx, exact.hessian), _mp_array(ctx, exact.noise), ell,
                   hs, ints)

    def number(self, value: Fraction) -> object:
        """An exact rational rounded into this context."""
        return self.ctx.mpf(value.numerator) / value.denominator

    def lyapunov(self, s: np.ndarray) -> np.ndarray:
        """H S + S H."""
        hs = mp_matmul(self.ctx, self.hessian, s)
        return hs + hs.T

    def sandwich(self, s: np.ndarray) -> np.ndarray:
        """M(S) = E_b H_b S H_b."""
        if self.integer_features is None:
            assert self.hessians is not None
            total = sum(mp_matmul(self.ctx, mp_matmul(self.ctx, h, s), h) for h in self.hessians)
            return total / self.exact.n
        q, scale = self._quadratic_forms(s)
        f = self.integer_features
        weighted = flint.fmpz_mat(len(q), len(f.rows[0]),
                                  [qb * v for qb, row in zip(q, f.rows, strict=True) for v in row])
        m = (f.x.transpose() * weighted).tolist()
        factor = scale / (self.exact.n * f.denominator ** 4)
        return np.array([[self.ctx.mpf(int(v)) * factor for v in row] for row in m], dtype=object)

    def weighted_trace(self, s: np.ndarray) -> object:
        """E_b tr(H_b² S)."""
        if self.integer_features is None:
            assert self.hessians is not None
            traces = [np.trace(mp_matmul(self.ctx, mp_matmul(self.ctx, h, h), s))
                      for h in self.hessians]
            return self.ctx.fsum(traces) / self.exact.n
        q, scale = self._quadratic_forms(s)
        f = self.integer_features
        total = sum(qb * sum(v * v for v in row) for qb, row in zip(q, f.rows, strict=True))
        return self.ctx.mpf(total) * scale / (self.exact.n * f.denominator ** 4)

    def _quadratic_forms(self, s: np.ndarray) -> tuple[list[int], object]:
        """Exact integers q_b with x_bᵀ S x_b = q_b · scale / D², S rounded to prec bits."""
        ctx, f = self.ctx, self.integer_features
        assert f is not None
        big = max((abs(v) for v in s.ravel()), default=ctx.zero)
        shift = (int(ctx.floor(ctx.log(big, 2))) if big else 0) - ctx.prec - 8
        ints = [int(ctx.nint(ctx.ldexp(v, -shift))) for v in s.ravel()]
        p = (f.x * flint.fmpz_mat(s.shape[0], s.shape[1], ints)).tolist()
        q = [sum(int(a) * b for a, b in zip(prow, row, strict=True))
             for prow, row in zip(p, f.rows, strict=True)]
        return q, ctx.ldexp(ctx.one, shift)

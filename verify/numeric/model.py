"""The quadratic model E_b L_b, exactly: integer matrices (python-flint) with rational scales.

From the per-example data we need only

* H = E_b H_b (the Hessian at the optimum),
* C = E_b g_b g_bᵀ (the gradient-noise covariance at the optimum),
* L* = E_b L_b*,
* the sandwich operator  M(S) = E_b H_b S H_b  and the trace E_b tr(H_b² S).

For least squares, L_b = ½(x_bᵀΦ − y_b)² + (λ/2)‖Φ‖² (ridge λ ≥ 0, default 0), the optimum
solves (XᵀX/n + λI)Φ* = Xᵀy/n, r_b = x_bᵀΦ* − y_b, g_b = x_b r_b + λΦ*, H_b = x_b x_bᵀ + λI,
so with H₀ = XᵀX/n and q_b = x_bᵀ S x_b

    H = H₀ + λI,   C = (1/n) Σ_b r_b² x_b x_bᵀ − λ² Φ*Φ*ᵀ,
    M(S) = (1/n) Σ_b q_b x_b x_bᵀ + λ(H₀S + SH₀) + λ²S,
    E_b tr(H_b² S) = (1/n) Σ_b ‖x_b‖² q_b + 2λ tr(H₀S) + λ² tr S.

:class:`IntegerModel` holds X = Xᵢ/D with Xᵢ an integer matrix and computes these exactly on
:class:`~verify.numeric.scaled.Scaled` matrices; the multiprecision solver evaluates its
residuals with it, so they are exact.  :class:`ExactModel` is the same model over the
rationals (``fmpq_mat``), for the exact mode and the variants.

>>> from verify.numeric.data import LeastSquaresData
>>> data = LeastSquaresData.from_arrays([[1], [2], [3]], [1, 2, 2])
>>> model = exact_model(data)
>>> model.hessian, model.noise
([14/3], [9/14])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from math import lcm
from operator import mul

import flint
import numpy as np

from .data import LeastSquaresData, QuadraticData
from .errors import NumericInputError
from .scaled import Scaled, fmpq_of

__all__ = ["ExactModel", "IntegerModel", "exact_model", "fraction", "integer_model", "qmat"]

OPERATOR_MAX_M = 600  # d(d+1)/2 up to which M is formed as one exact m×m integer matrix


def qmat(rows: np.ndarray) -> flint.fmpq_mat:
    """An exact flint matrix from a 2-D array of Fractions (or floats, taken exactly)."""
    r, c = rows.shape
    return flint.fmpq_mat(r, c, [fmpq_of(v) for v in rows.ravel()])


def fraction(value: flint.fmpq) -> Fraction:
    """A flint rational as a Python Fraction."""
    return Fraction(int(value.p), int(value.q))


def _integers(values: np.ndarray) -> tuple[list[int], int]:
    """(integers, D) with values = integers / D, D the least common denominator."""
    fracs = [fmpq_of(v) for v in values.ravel()]
    den = lcm(*(int(v.q) for v in fracs)) if fracs else 1
    return [int(v.p) * (den // int(v.q)) for v in fracs], den


@dataclass(frozen=True, eq=False)
class _Features:
    """X = Xᵢ / D for least squares, with what M(S) needs precomputed.

    For m = d(d+1)/2 ≤ :data:`OPERATOR_MAX_M` the m×m integer matrix of S ↦ Σ_b q_b x_b x_bᵀ
    (q_b = x_bᵀSx_b) on the coordinates w = (S_ij, doubled off the diagonal) is formed once, as
    ZᵀZ with Z_b = (Xᵢ_bi Xᵢ_bj)_{i≤j}: then M(S) is one matrix-vector product.
    """

    x: flint.fmpz_mat
    xt: flint.fmpz_mat
    den: int
    rows: tuple[tuple[flint.fmpz, ...], ...]
    norms: flint.fmpz_mat  # 1×n: ‖Xᵢ_b‖²
    operator: flint.fmpz_mat | None  # m×m: ZᵀZ
    trace_row: flint.fmpz_mat | None  # 1×m: (‖Xᵢ_b‖²)_b · Z

    @classmethod
    def of(cls, ints: list[int], n: int, d: int, den: int) -> _Features:
        x = flint.fmpz_mat(n, d, ints)
        rows = tuple(tuple(r) for r in x.tolist())
        norms = flint.fmpz_mat(1, n, [sum(map(mul, r, r), flint.fmpz(0)) for r in rows])
        operator = trace_row = None
        if d * (d + 1) // 2 <= OPERATOR_MAX_M:
            obj = np.array(ints, dtype=object).reshape(n, d)
            i, j = np.triu_indices(d)
            z = flint.fmpz_mat((obj[:, i] * obj[:, j]).tolist())
            operator, trace_row = z.transpose() * z, norms * z
        return cls(x, x.transpose(), den, rows, norms, operator, trace_row)

    def outer_sum(self, s: flint.fmpz_mat) -> flint.fmpz_mat:
        """Σ_b q_b Xᵢ_b Xᵢ_bᵀ with q_b = Xᵢ_bᵀ Sᵢ Xᵢ_b."""
        d = s.nrows()
        if self.operator is not None:
            upper = (self.operator * _doubled_upper(s)).entries()
            return flint.fmpz_mat(d, d, [upper[k] for k in _layout(d)[2]])
        weighted = flint.fmpz_mat(len(self.rows), d, [qb * v for qb, r in zip(
            self._forms(s), self.rows, strict=True) for v in r])
        return self.xt * weighted

    def weighted_forms(self, s: flint.fmpz_mat) -> flint.fmpz:
        """Σ_b ‖Xᵢ_b‖² q_b."""
        if self.trace_row is not None:
            return (self.trace_row * _doubled_upper(s))[0, 0]
        return sum(map(mul, self.norms.entries(), self._forms(s)), flint.fmpz(0))

    def _forms(self, s: flint.fmpz_mat) -> list[flint.fmpz]:
        p = (self.x * s).entries()
        d = s.nrows()
        return [sum(map(mul, p[b * d:(b + 1) * d], r), flint.fmpz(0)) for b, r in enumerate(self.rows)]


def _doubled_upper(s: flint.fmpz_mat) -> flint.fmpz_mat:
    """m×1: S_ij for i ≤ j, doubled for i < j (so that Σ_ij z_ij S_ij = Σ_{i≤j} z_ij w_ij)."""
    entries = s.entries()
    diagonal, above, _ = _layout(s.nrows())
    w = [entries[p] if p in diagonal else entries[p] * 2 for p in above]
    return flint.fmpz_mat(len(w), 1, w)


@lru_cache(maxsize=8)
def _layout(d: int) -> tuple[frozenset[int], tuple[int, ...], tuple[int, ...]]:
    """(flat positions of the diagonal, flat positions i ≤ j in order, for each flat position
    of a d×d matrix the index of its entry among the i ≤ j)."""
    above = [i * d + j for i in range(d) for j in range(i, d)]
    index = {p: k for k, p in enumerate(above)}
    full = tuple(index[min(i, j) * d + max(i, j)] for i in range(d) for j in range(d))
    return frozenset(i * d + i for i in range(d)), tuple(above), full


@dataclass(frozen=True, eq=False)
class IntegerModel:
    """H, C, L*, M and E_b tr(H_b² ·) over the rationals, on :class:`Scaled` matrices.

    Least squares (``features`` set, ``ridge`` λ ≥ 0) or general per-example Hessians
    H_b = ``hessian_scale`` · ``hessians[b]`` (``features`` None, λ = 0).
    """

    n: int
    d: int
    hessian: Scaled
    noise: Scaled
    loss_star: flint.fmpq
    ridge: flint.fmpq
    features: _Features | None = None
    gram: Scaled | None = None  # H₀ = XᵀX/n
    hessians: tuple[flint.fmpz_mat, ...] | None = None
    hessian_scale: flint.fmpq = field(default_factory=lambda: flint.fmpq(1))

    def lyapunov(self, s: Scaled) -> Scaled:
        """L(S) = H S + S H (S symmetric)."""
        return (self.hessian @ s).symmetric_part_twice()

    def sandwich(self, s: Scaled) -> Scaled:
        """M(S) = E_b H_b S H_b."""
        f = self.features
        if f is None:
            assert self.hessians is not None
            total = flint.fmpz_mat(self.d, self.d)
            for h in self.hessians:
                total += h * s.ints * h
            return Scaled(total, s.scale * self.hessian_scale ** 2 / self.n)
        out = Scaled(f.outer_sum(s.ints), s.scale / (self.n * f.den ** 4))
        if self.ridge:
            assert self.gram is not None
            out = out + (self.gram @ s).symmetric_part_twice().times(self.ridge) + s.times(self.ridge ** 2)
        return out

    def operator(self, eta: flint.fmpq, s: Scaled) -> Scaled:
        """T_η(S) = H S + S H − η M(S)."""
        out = self.lyapunov(s)
        return out - self.sandwich(s).times(eta) if eta else out

    def weighted_trace(self, s: Scaled) -> flint.fmpq:
        """E_b tr(H_b² S)."""
        f = self.features
        if f is None:
            assert self.hessians is not None
            total = sum((_trace(h * h * s.ints) for h in self.hessians), flint.fmpz(0))
            return total * s.scale * self.hessian_scale ** 2 / self.n
        out = f.weighted_forms(s.ints) * s.scale / (self.n * f.den ** 4)
        if self.ridge:
            assert self.gram is not None
            out += 2 * self.ridge * (self.gram @ s).trace() + self.ridge ** 2 * s.trace()
        return out

    def max_example_curvature(self) -> flint.fmpq | None:
        """max_b λ_max(H_b) for least squares (‖x_b‖² + λ); None for general Hessians."""
        f = self.features
        if f is None:
            return None
        return flint.fmpq(max(f.norms.entries()), f.den ** 2) + self.ridge

    def exact(self) -> ExactModel:
        """The same model over the rationals."""
        f = self.features
        feats = None if f is None else flint.fmpq_mat(f.x) * flint.fmpq(1, f.den)
        hess = None if self.hessians is None else tuple(
            flint.fmpq_mat(h) * self.hessian_scale for h in self.hessians)
        return ExactModel(self.n, self.d, self.hessian.fmpq_mat(), self.noise.fmpq_mat(),
                          self.loss_star, feats, hess, self.ridge, self)


@dataclass(frozen=True, eq=False)
class ExactModel:
    """H, C, L* and the sandwich operator over the rationals (``fmpq_mat``)."""

    n: int
    d: int
    hessian: flint.fmpq_mat
    noise: flint.fmpq_mat
    loss_star: flint.fmpq
    features: flint.fmpq_mat | None
    hessians: tuple[flint.fmpq_mat, ...] | None
    ridge: flint.fmpq
    integer: IntegerModel

    def sandwich(self, s: flint.fmpq_mat) -> flint.fmpq_mat:
        """M(S) = E_b H_b S H_b."""
        return self.integer.sandwich(Scaled.of(s)).fmpq_mat()

    def weighted_trace(self, s: flint.fmpq_mat) -> flint.fmpq:
        """E_b tr(H_b² S)."""
        return self.integer.weighted_trace(Scaled.of(s))


def exact_model(data: LeastSquaresData | QuadraticData) -> ExactModel:
    """The exact model of least squares data or of general quadratic losses."""
    return integer_model(data).exact()


def integer_model(data: LeastSquaresData | QuadraticData) -> IntegerModel:
    """The exact model in integer form."""
    if isinstance(data, LeastSquaresData):
        return _least_squares(data)
    n, d = data.n, data.d
    ints, den = _integers(data.hessians)
    hessians = tuple(flint.fmpz_mat(d, d, ints[b * d * d:(b + 1) * d * d]) for b in range(n))
    total = sum(hessians, flint.fmpz_mat(d, d))
    _require_nonsingular(total.rank(), d)
    g = flint.fmpq_mat(n, d, [fmpq_of(v) for v in data.gradients.ravel()])
    loss = sum((fmpq_of(v) for v in data.losses), flint.fmpq(0)) / n
    scale = flint.fmpq(1, den)
    return IntegerModel(n, d, Scaled(total, scale / n), Scaled.of(g.transpose() * g / n), loss,
                        flint.fmpq(0), hessians=hessians, hessian_scale=scale)


def _least_squares(data: LeastSquaresData) -> IntegerModel:
    n, d, lam = data.n, data.d, fmpq_of(data.ridge)
    ints, den = _integers(data.features)
    f = _Features.of(ints, n, d, den)
    y_ints, y_den = _integers(data.targets)
    gram = f.xt * f.x
    lam_p, lam_q = int(lam.p), int(lam.q)
    system = gram * lam_q + flint.fmpz_mat(d, d, [n * lam_p * den ** 2 * (i == j) for i in range(d)
                                                  for j in range(d)])
    _require_nonsingular(system.rank(), d, ridge=bool(lam))
    rhs = f.xt * flint.fmpz_mat(n, 1, y_ints) * (lam_q * den)
    u, delta = flint.fmpq_mat(system).solve(flint.fmpq_mat(rhs)).numer_denom()  # Φ* = u / (δ D_y)
    r = f.x * u - flint.fmpz_mat(n, 1, y_ints) * (den * delta)  # r_b = r_ints / (D δ D_y)
    r_den = den * int(delta) * y_den
    r2 = flint.fmpz_mat(n, 1, [v * v for v in r.entries()])
    weighted = flint.fmpz_mat(n, d, [rb * v for rb, row in zip(r2.entries(), f.rows, strict=True)
                                     for v in row])
    noise = Scaled(f.xt * weighted, flint.fmpq(1, n * den ** 2 * r_den ** 2))
    sum_r2 = sum(r2.entries(), flint.fmpz(0))
    loss = flint.fmpq(sum_r2, 2 * n * r_den ** 2)
    h0 = Scaled(gram, flint.fmpq(1, n * den ** 2))
    hessian = h0
    if lam:
        phi_scale = flint.fmpq(1, int(delta) * y_den)
        noise = noise - Scaled(u * u.transpose(), phi_scale ** 2 * lam ** 2)
        loss += lam / 2 * sum((v * v for v in u.entries()), flint.fmpz(0)) * phi_scale ** 2
        hessian = h0 + Scaled(flint.fmpz_mat(d, d, [int(i == j) for i in range(d) for j in range(d)]),
                              lam)
    return IntegerModel(n, d, hessian, noise, loss, lam, f, h0)


def _trace(m: flint.fmpz_mat) -> flint.fmpz:
    return sum((m[i, i] for i in range(m.nrows())), flint.fmpz(0))


def _require_nonsingular(rank: int, d: int, *, ridge: bool = False) -> None:
    if rank < d and not ridge:
        raise NumericInputError(
            f"E_b H_b is singular (rank {rank} < d = {d}): some feature is zero, constant with "
            "--intercept, or a linear combination of the others, so the optimum is not unique "
            "(try --drop-constant or --ridge λ)"
        )
    if rank < d:
        raise NumericInputError(f"E_b H_b + λI is singular (rank {rank} < d = {d})")

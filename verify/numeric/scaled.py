"""Exact matrices stored as one integer matrix times one rational scale.

A :class:`Scaled` matrix is A = s · Aᵢ with Aᵢ a python-flint ``fmpz_mat``
and s an ``fmpq``.  Sums, products and traces are exact and run in flint's C
code; only the conversions to and from float64 touch the entries one by one.
The multiprecision solver keeps every iterate, residual and model matrix in
this form, so its residuals carry no rounding error at all.

>>> import flint
>>> a = Scaled.of(flint.fmpq_mat([[flint.fmpq(1, 2), 1], [1, flint.fmpq(1, 3)]]))
>>> a.ints, a.scale
([3, 6]
[6, 2], 1/6)
>>> (a + a.times(flint.fmpq(1, 4))).fmpq_mat().entries()
[5/8, 5/4, 5/4, 5/12]
>>> a.trace(), a.inner(a)
(5/6, 85/36)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import mul

import flint
import numpy as np

__all__ = ["Scaled", "dyadic", "fmpq_of", "frexp_fmpq"]


def fmpq_of(value: object) -> flint.fmpq:
    """An exact flint rational from a Fraction, int, fmpz, fmpq or (finite) float."""
    if isinstance(value, flint.fmpq):
        return value
    if isinstance(value, int | flint.fmpz):
        return flint.fmpq(value)
    if isinstance(value, float | np.floating):
        return flint.fmpq(*float(value).as_integer_ratio())
    return flint.fmpq(value.numerator, value.denominator)  # type: ignore[attr-defined]


def frexp_fmpq(x: flint.fmpq) -> tuple[float, int]:
    """(m, e) with x ≈ m·2^e, 0.5 ≤ |m| < 1 (m correct to float64 rounding); (0.0, 0) for 0."""
    p, q = int(x.p), int(x.q)
    if p == 0:
        return 0.0, 0
    e = p.bit_length() - q.bit_length()
    shift = 60 - e  # |p·2^shift / q| lies in [2^59, 2^61)
    ratio = (p << shift) // q if shift >= 0 else p // (q << -shift)
    m, f = math.frexp(float(ratio))
    return m, f - shift


@dataclass(frozen=True, eq=False)
class Scaled:
    """The exact matrix ``scale · ints``."""

    ints: flint.fmpz_mat
    scale: flint.fmpq

    @classmethod
    def of(cls, m: flint.fmpq_mat) -> Scaled:
        """A rational matrix over its common denominator."""
        num, den = m.numer_denom()
        return cls(num, flint.fmpq(1, den))

    @classmethod
    def zeros(cls, rows: int, cols: int) -> Scaled:
        return cls(flint.fmpz_mat(rows, cols), flint.fmpq(1))

    @property
    def shape(self) -> tuple[int, int]:
        return self.ints.nrows(), self.ints.ncols()

    def __getitem__(self, index: tuple[int, int]) -> flint.fmpq:
        return self.ints[index] * self.scale

    def __add__(self, other: Scaled) -> Scaled:
        if self.scale == other.scale:
            return Scaled(self.ints + other.ints, self.scale)
        a, b = self.scale, other.scale
        common = flint.fmpq(a.p.gcd(b.p), a.q.lcm(b.q))
        return Scaled(self.ints * (a / common).p + other.ints * (b / common).p, common)

    def __sub__(self, other: Scaled) -> Scaled:
        return self + other.times(flint.fmpq(-1))

    def __matmul__(self, other: Scaled) -> Scaled:
        return Scaled(self.ints * other.ints, self.scale * other.scale)

    def times(self, c: flint.fmpq) -> Scaled:
        """c · A (only the scale changes)."""
        if c == 0:
            return Scaled.zeros(*self.shape)
        return Scaled(self.ints, self.scale * c)

    def transpose(self) -> Scaled:
        return Scaled(self.ints.transpose(), self.scale)

    def symmetric_part_twice(self) -> Scaled:
        """A + Aᵀ."""
        return Scaled(self.ints + self.ints.transpose(), self.scale)

    def fmpq_mat(self) -> flint.fmpq_mat:
        return flint.fmpq_mat(self.ints) * self.scale

    def trace(self) -> flint.fmpq:
        n = min(self.shape)
        return sum((self.ints[i, i] for i in range(n)), flint.fmpz(0)) * self.scale

    def inner(self, other: Scaled) -> flint.fmpq:
        """Σ_ij A_ij B_ij = tr(Aᵀ B)."""
        total = sum(map(mul, self.ints.entries(), other.ints.entries()), flint.fmpz(0))
        return total * self.scale * other.scale

    def to_float(self) -> tuple[np.ndarray, flint.fmpq]:
        """(F, σ): A = σ·F up to float64 rounding, with max |F| in [2^59, 2^61) or F = 0."""
        values = [int(v) for v in self.ints.entries()]
        top = max((abs(v) for v in values), default=0)
        if top == 0:
            return np.zeros(self.shape), flint.fmpq(0)
        shift = max(0, top.bit_length() - 60)
        f = np.array([float(v >> shift) for v in values]).reshape(self.shape)
        return f, self.scale * flint.fmpz(2) ** shift

    def norm_estimate(self) -> float:
        """‖A‖_F as a float (relative accuracy ~1e-15; inf if beyond float range)."""
        f, sigma = self.to_float()
        if sigma == 0:
            return 0.0
        m, e = frexp_fmpq(sigma)
        return math.ldexp(float(np.linalg.norm(f)) * m, e) if e < 1000 else math.inf


def dyadic(f: np.ndarray, scale: flint.fmpq) -> Scaled:
    """The float matrix ``f`` times ``scale``, rounded to 53 bits relative to its largest entry.

    The result is exact (an integer matrix times a dyadic-times-``scale``), symmetric if
    ``f`` is.
    """
    top = float(np.max(np.abs(f))) if f.size else 0.0
    if top == 0 or scale == 0:
        return Scaled.zeros(*f.shape)
    m, e = frexp_fmpq(scale)
    g = f * m
    t = math.frexp(top * abs(m))[1] - 53
    ints = np.rint(np.ldexp(g, -t)).astype(np.int64)
    two = flint.fmpq(2) ** (t + e) if t + e >= 0 else flint.fmpq(1, flint.fmpz(2) ** -(t + e))
    return Scaled(flint.fmpz_mat(ints.tolist()), two)

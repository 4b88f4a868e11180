"""What a variant of SGD is, and its validated exact ingredients.

A :class:`Variant` describes one change to single-example SGD

    D' = D − η (g_b + H_b D)            (D = Φ − Φ*),

namely a minibatch of size B (with or without replacement), a fixed symmetric
positive definite preconditioner P, heavy-ball momentum β, or epoch-wise random
reshuffling.  :func:`resolve` checks a variant against the data and returns
the exact numbers the solvers need: the batch factor c_B, β and P.

>>> from fractions import Fraction
>>> batch_factor(4, 2, "without-replacement")
Fraction(1, 3)
>>> batch_factor(4, 2, "with-replacement")
Fraction(1, 2)
>>> batch_factor(4, 4, "without-replacement")
Fraction(0, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import flint
import numpy as np

from ..data import LeastSquaresData, QuadraticData, as_fractions
from ..errors import NumericInputError, expect_shape
from ..model import qmat

__all__ = ["MAX_RESHUFFLE_N", "SAMPLINGS", "Resolved", "Variant", "batch_factor", "resolve"]

SAMPLINGS = ("with-replacement", "without-replacement")
MAX_RESHUFFLE_N = 8


@dataclass(frozen=True)
class Variant:
    """One variant of SGD; ``Variant()`` is plain single-example SGD.

    * ``batch_size`` B ≥ 1: ḡ, H̄ are the means over B examples drawn afresh
      each step, ``sampling`` "with-replacement" (i.i.d.) or
      "without-replacement" (a uniformly random B-subset);
    * ``momentum`` β ∈ [0, 1): v' = β v − η P(ḡ + H̄ D), D' = D + v';
    * ``preconditioner`` P (symmetric positive definite, rows of Fractions):
      D' = D − η P (ḡ + H̄ D) (with β = 0);
    * ``reshuffle``: B = 1, each epoch visits the n examples in a fresh
      uniformly random order (only with B = 1, β = 0 and no P).
    """

    batch_size: int = 1
    sampling: str = "with-replacement"
    momentum: Fraction = Fraction(0)
    preconditioner: tuple[tuple[Fraction, ...], ...] | None = None
    reshuffle: bool = False

    def summary(self) -> str:
        """One line for the text report: 'minibatch B = 2 (with replacement); momentum β = 1/2'."""
        parts = []
        if self.batch_size != 1:
            parts.append(f"minibatch B = {self.batch_size} ({self.sampling.replace('-', ' ')})")
        if Fraction(self.momentum) != 0:
            parts.append(f"momentum β = {Fraction(self.momentum)}")
        if self.preconditioner is not None:
            size = len(self.preconditioner)
            parts.append(f"preconditioner P ({size}×{size})")
        if self.reshuffle:
            parts.append("epoch-wise reshuffling")
        return "; ".join(parts) or "plain SGD"

    def describe(self) -> dict[str, object]:
        """The JSON ``variant`` object."""
        p = self.preconditioner
        return {
            "batch_size": self.batch_size, "sampling": self.sampling,
            "momentum": str(Fraction(self.momentum)),
            "preconditioner": None if p is None else [[str(Fraction(v)) for v in r] for r in p],
            "reshuffle": self.reshuffle,
        }


@dataclass(frozen=True, eq=False)
class Resolved:
    """The exact ingredients of a (non-reshuffled) variant on one data set.

    ``batch_factor`` c_B, ``momentum`` β and ``preconditioner`` P (identity if
    none was given) as python-flint rationals; ``identity_p`` says P = I.
    """

    variant: Variant
    batch_factor: Fraction
    momentum: Fraction
    preconditioner: flint.fmpq_mat
    identity_p: bool


def batch_factor(n: int, batch_size: int, sampling: str) -> Fraction:
    """c_B with E[ḡ ḡᵀ] = c_B C: 1/B with replacement, (n − B)/(B(n − 1)) without."""
    if sampling == "with-replacement":
        return Fraction(1, batch_size)
    if n == 1:
        return Fraction(0)
    return Fraction(n - batch_size, batch_size * (n - 1))


def resolve(data: LeastSquaresData | QuadraticData, variant: Variant) -> Resolved:
    """Validate ``variant`` against ``data``; raise :class:`NumericInputError` on bad input."""
    n, d = data.n, data.d
    b = variant.batch_size
    if isinstance(b, bool) or not isinstance(b, int | np.integer) or not 1 <= b <= n:
        raise NumericInputError(f"the batch size must be an integer between 1 and n = {n}; got {b}")
    if variant.sampling not in SAMPLINGS:
        raise NumericInputError(
            f"unknown sampling {variant.sampling!r}; expected 'with-replacement' or "
            "'without-replacement'")
    try:
        beta = Fraction(variant.momentum)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NumericInputError(f"the momentum must be a number; got {variant.momentum!r}") from None
    if not 0 <= beta < 1:
        raise NumericInputError(f"the momentum β must satisfy 0 ≤ β < 1; got β = {beta}")
    if variant.reshuffle:
        if b != 1 or beta != 0 or variant.preconditioner is not None:
            raise NumericInputError(
                "--reshuffle is implemented for single-example steps only "
                "(no --batch-size, --momentum or --preconditioner)")
        if n > MAX_RESHUFFLE_N:
            raise NumericInputError(
                f"--reshuffle enumerates all n! orders of an epoch; n = {n} is too large "
                f"(at most {MAX_RESHUFFLE_N})")
    p, identity = _preconditioner(variant.preconditioner, d)
    return Resolved(variant, batch_factor(n, int(b), variant.sampling), beta, p, identity)


def _preconditioner(rows: object, d: int) -> tuple[flint.fmpq_mat, bool]:
    if rows is None:
        return flint.fmpq_mat(d, d, [int(i == j) for i in range(d) for j in range(d)]), True
    try:
        array = as_fractions(rows)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, NumericInputError):
            raise
        raise NumericInputError("P must be a matrix of numbers") from None
    if array.ndim != 2:
        raise NumericInputError(f"P has {array.ndim} dimensions; expected 2")
    expect_shape("P", array, (d, d))
    if np.any(array != array.T):
        raise NumericInputError("P must be symmetric")
    p = qmat(array)
    # Sylvester's criterion on exact leading principal minors.
    for k in range(1, d + 1):
        minor = flint.fmpq_mat(k, k, [p[i, j] for i in range(k) for j in range(k)])
        if minor.det() <= 0:
            raise NumericInputError("P must be positive definite (a leading principal minor is ≤ 0)")
    identity = all(p[i, j] == int(i == j) for i in range(d) for j in range(d))
    return p, identity

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


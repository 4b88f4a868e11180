"""Coordinates on the space Sym(d) of symmetric d×d matrices.

The orthonormal ``svec`` coordinates (diagonal entries, and √2 times the
entries above the diagonal) make the Frobenius inner product the dot product,
so a self-adjoint operator on Sym(d) becomes a symmetric m×m matrix,
m = d(d+1)/2.  The ``half`` coordinates (the entries on and above the
diagonal) are rational, for the exact mode.

>>> import numpy as np
>>> s = np.array([[1.0, 2.0], [2.0, 3.0]])
>>> svec(s).round(6).tolist()
[1.0, 2.828427, 3.0]
>>> np.allclose(smat(svec(s), 2), s)
True
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

__all__ = ["pairs", "smat", "svec", "svec_weights"]


@lru_cache(maxsize=16)
def pairs(d: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices (i ≤ j) of the upper triangle, in svec order (read-only, cached)."""
    return _frozen(*np.triu_indices(d))


@lru_cache(maxsize=16)
def svec_weights(d: int) -> np.ndarray:
    """1 on the diagonal, √2 above it (read-only, cached)."""
    i, j = pairs(d)
    return _frozen(np.where(i == j, 1.0, np.sqrt(2.0)))[0]


def _frozen(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    for a in arrays:
        a.flags.writeable = False
    return arrays


def svec(s: np.ndarray) -> np.ndarray:
    """Orthonormal coordinates of a symmetric matrix (float64)."""
    i, j = pairs(s.shape[0])
    return s[i, j] * svec_weights(s.shape[0])


def smat(v: np.ndarray, d: int) -> np.ndarray:
    """The symmetric matrix with orthonormal coordinates ``v``."""
    i, j = pairs(d)
    s = np.zeros((d, d))
    s[i, j] = v / svec_weights(d)
    s[j, i] = s[i, j]
    return s


def operator_matrix(apply: Callable[[np.ndarray], np.ndarray], d: int) -> np.ndarray:
    """The symmetric m×m matrix of a linear operator on Sym(d), column by column."""
    m = d * (d + 1) // 2
    return np.column_stack([svec(apply(smat(e, d))) for e in np.eye(m)])

"""A fixed symmetric positive definite preconditioner P.

The step D' = D − η P (g_b + H_b D) has the stationary second moment

    P H S + S H P − η P E_b[H_b S H_b] P = η P C P

(with P = R Rᵀ and D = R Z this is plain SGD on g̃_b = Rᵀ g_b, H̃_b = Rᵀ H_b R),
so L'(0) = ¼ tr(P C), and stationarity of E[Dᵀ P⁻¹ D] gives the exact identity

    L(η) − L* = ½ tr(H S) = (η/4) E[(g_b + H_b D)ᵀ P (g_b + H_b D)].

:func:`read_preconditioner` reads P from a CSV file (no header, cells exact).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
>>> _ = path.write_text("2,1\\n1,3\\n")
>>> read_preconditioner(path)
((Fraction(2, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(3, 1)))
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from ..data import read_table

__all__ = ["read_preconditioner"]


def read_preconditioner(path: str | Path) -> tuple[tuple[Fraction, ...], ...]:
    """The matrix in a numeric CSV file, exactly; shape and definiteness are checked later."""
    table = read_table(path)
    return tuple(tuple(row) for row in table.tolist())

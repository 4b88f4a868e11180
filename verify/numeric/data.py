"""Exact input: numbers are taken exactly as written.

A CSV cell ``0.038075906433423026`` means the decimal 38075906433423026/10**18,
not the nearest binary float.  Everything downstream starts from these exact
rationals, so the exact mode is exact and the multiprecision mode is limited
only by its working precision.

>>> from fractions import Fraction
>>> parse_number("0.1") == Fraction(1, 10)
True
>>> parse_eta("1/100")
Fraction(1, 100)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from .errors import NumericInputError, expect_shape

__all__ = [
    "LeastSquaresData",
    "QuadraticData",
    "as_fractions",
    "parse_eta",
    "parse_number",
    "read_csv",
]

_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def parse_number(text: str, where: str = "") -> Fraction:
    """The exact rational written in ``text`` (decimal, exponent or ``p/q``)."""
    cell = text.strip()
    place = f" {where}" if where else ""
    if cell.lower() in _NOT_FINITE:
        raise NumericInputError(f"value {cell!r}{place} is not finite")
    try:
        return Fraction(cell)
    except (ValueError, ZeroDivisionError):
        raise NumericInputError(f"value {cell!r}{place} is not a number") from None


def parse_eta(text: str | Fraction | int) -> Fraction:
    """A positive learning rate, given as ``"0.01"``, ``"1/100"`` or a Fraction."""
    eta = text if isinstance(text, Fraction) else parse_number(str(text), "(learning rate)")
    if eta <= 0:
        raise NumericInputError(f"the learning rate must be positive; got η = {eta}")
    return Fraction(eta)


def as_fractions(values: object) -> np.ndarray:
    """An object array of exact Fractions (binary floats are converted exactly)."""
    array = np.asarray(values, dtype=object)
    flat = [_exact(v) for v in array.ravel()]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(array.shape)


def _exact(value: object) -> Fraction:
    if isinstance(value, str):
        return parse_number(value)
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        raise NumericInputError(f"value {value!r} is not finite")
    return Fraction(value)  # type: ignore[arg-type]


class FeatureShape:
    """n and d read off an (n, d) array of features x_b."""

    features: np.ndarray

    @property
    def n(self) -> int:
        return int(self.features.shape[0])

    @property
    def d(self) -> int:
        return int(self.features.shape[1])


@dataclass(frozen=True, eq=False)
class LeastSquaresData(FeatureShape):
    """Least squares data: losses L_b(Φ) = ½ (x_bᵀ Φ − y_b)², b = 1..n.

    ``features`` is the (n, d) object array of the x_b, ``targets`` the (n,)
    array of the y_b, both exact Fractions.
    """

    features: np.ndarray
    targets: np.ndarray

    @classmethod
    def from_arrays(cls, features: object, targets: object) -> LeastSquaresData:
        """Validate and convert (exactly) a feature matrix and a target vector."""
        x, y = as_fractions(features), as_fractions(targets)
        if x.ndim != 2:
            raise NumericInputError(f"X has {x.ndim} dimensions; expected 2")
        expect_shape("y", y, (x.shape[0],))
        if x.shape[0] < x.shape[1] + 1:
            raise NumericInputError(
                f"fewer rows than columns: {x.shape[0]} rows, {x.shape[1] + 1} columns"
            )
        return cls(x, y)


    def with_intercept(self) -> LeastSquaresData:
        """The same data with a constant feature 1 appended to every x_b."""
        ones = as_fractions(np.ones((self.n, 1), dtype=int))
        return LeastSquaresData(np.concatenate([self.features, ones], axis=1), self.targets)


@dataclass(frozen=True, eq=False)
class QuadraticData:
    """General quadratic losses L_b(Φ*+D) = L_b* + g_bᵀD + ½ DᵀH_bD.

    ``gradients`` is (n, d) with Σ_b g_b = 0, ``hessians`` is (n, d, d) of
    symmetric matrices, ``losses`` is (n,) with the L_b* (zeros if omitted).
    """

    gradients: np.ndarray
    hessians: np.ndarray
    losses: np.ndarray

    @classmethod
    def from_arrays(
        cls, gradients: object, hessians: object, losses: object | None = None
    ) -> QuadraticData:
        """Validate and convert (exactly) the per-example g_b, H_b and L_b*."""
        g = as_fractions(gradients)
        if g.ndim != 2:
            raise NumericInputError(f"g has {g.ndim} dimensions; expected 2")
        n, d = g.shape
        h = as_fractions(hessians)
        expect_shape("H_b", h, (n, d, d))
        if np.any(h != np.swapaxes(h, 1, 2)):
            raise NumericInputError("every H_b must be symmetric")
        if any(s != 0 for s in g.sum(axis=0)):
            raise NumericInputError("the gradients g_b must sum to zero (Φ* is the optimum)")
        ell = as_fractions(np.zeros(n, dtype=int) if losses is None else losses)
        expect_shape("L_b*", ell, (n,))
        return cls(g, h, ell)

    @property
    def n(self) -> int:
        return int(self.gradients.shape[0])

    @property
    def d(self) -> int:
        return int(self.gradients.shape[1])


def read_csv(path: str | Path, *, intercept: bool = False) -> LeastSquaresData:
    """Read features then target (last column) from a numeric CSV file.

    An optional header row is recognised as a first row none of whose cells
    is a number.  Cells are parsed exactly with :func:`parse_number`.
    """
    rows = _csv_rows(Path(path))
    table = [
        [parse_number(cell, f"in row {i}, column {j + 1}") for j, cell in enumerate(row)]
        for i, row in rows
    ]
    if len(table[0]) < 2:
        raise NumericInputError(f"{path}: need at least one feature column and a target column")
    matrix = as_fractions(table)
    data = LeastSquaresData.from_arrays(matrix[:, :-1], matrix[:, -1])
    return data.with_intercept() if intercept else data


def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise NumericInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    rows = [(i + 1, row) for i, row in enumerate(csv.reader(text.splitlines())) if row]
    if rows and all(not _is_number(cell) for cell in rows[0][1]):
        rows = rows[1:]
    if not rows:
        raise NumericInputError(f"{path} has no data rows")
    width = len(rows[0][1])
    for i, row in rows:
        if len(row) != width:
            raise NumericInputError(f"{path}: row {i} has {len(row)} cells; expected {width}")
    return rows


def _is_number(cell: str) -> bool:
    try:
        parse_number(cell)
    except NumericInputError:
        return False
    return True

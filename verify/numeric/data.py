"""Exact input: numbers are taken exactly as written.

A CSV cell ``0.038075906433423026`` means the decimal 38075906433423026/10**18,
not the nearest binary float.  Everything downstream starts from these exact
rationals, so the exact mode is exact and the multiprecision mode is limited
only by its working precision.

Hostile input is bounded: a CSV file is read only up to :data:`MAX_CSV_BYTES` (and at most
:data:`MAX_EXACT_CELLS` cells as exact fractions), must be UTF-8 text (a binary or compressed
file is refused at once), and every number is at most :data:`MAX_NUMBER_CHARS` characters with
a decimal exponent of at most :data:`MAX_EXPONENT` in size, so that no cell can make an
enormous integer.

>>> from fractions import Fraction
>>> parse_number("0.1") == Fraction(1, 10)
True
>>> parse_eta("1/100")
Fraction(1, 100)
>>> parse_number("1e999999999")
Traceback (most recent call last):
    ...
verify.numeric.errors.NumericInputError: value '1e999999999' has a decimal exponent beyond ±300
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from .errors import NumericInputError, expect_shape

__all__ = [
    "MAX_CSV_BYTES",
    "MAX_EXACT_CELLS",
    "MAX_EXPONENT",
    "MAX_NUMBER_CHARS",
    "LeastSquaresData",
    "QuadraticData",
    "as_fractions",
    "parse_eta",
    "parse_number",
    "read_csv",
    "read_table",
]

MAX_CSV_BYTES = 128 * 2 ** 20
MAX_EXACT_CELLS = 1_000_000  # cells read as exact fractions (about 3 s and 300 MB here)
MAX_NUMBER_CHARS = 100
MAX_EXPONENT = 300
_EXPONENT = re.compile(r"[eE]\s*([+-]?\d+)")
_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?", re.ASCII)  # parsed fast
_BINARY = {b"\x1f\x8b": "gzip-compressed", b"PK\x03\x04": "a zip archive",
           b"BZh": "bzip2-compressed", b"\xfd7zXZ": "xz-compressed"}

_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def parse_number(text: str, where: str = "") -> Fraction:
    """The exact rational written in ``text`` (decimal, exponent or ``p/q``), within the limits."""
    cell = text.strip()
    place = f" {where}" if where else ""
    if len(cell) > MAX_NUMBER_CHARS:
        raise NumericInputError(
            f"value {cell[:20]!r}…{place} has {len(cell)} characters; at most {MAX_NUMBER_CHARS}")
    if cell.lower() in _NOT_FINITE:
        raise NumericInputError(f"value {cell!r}{place} is not finite")
    exponent = _EXPONENT.search(cell)
    if exponent and abs(int(exponent.group(1))) > MAX_EXPONENT:
        raise NumericInputError(
            f"value {cell!r}{place} has a decimal exponent beyond ±{MAX_EXPONENT}")
    decimal = _DECIMAL.fullmatch(cell)
    if decimal is not None and (decimal.group(2) or decimal.group(3)):
        return _decimal_fraction(*decimal.groups())
    try:
        return Fraction(cell)
    except (ValueError, ZeroDivisionError):
        raise NumericInputError(f"value {cell!r}{place} is not a number") from None


def _decimal_fraction(sign: str, whole: str, fraction: str | None, exponent: str | None) -> Fraction:
    """The value of a decimal written as sign, digits, digits after the point, exponent."""
    fraction = fraction or ""
    mantissa = int(whole + fraction or "0")
    power = int(exponent or 0) - len(fraction)
    if sign == "-":
        mantissa = -mantissa
    return Fraction(mantissa * 10 ** power) if power >= 0 else Fraction(mantissa, 10 ** -power)


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
    if type(value) is Fraction:
        return value
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
    array of the y_b, both exact Fractions (or, from :func:`read_csv` with
    ``exact=False``, float64 arrays: the nearest doubles of the cells).
    ``ridge`` λ ≥ 0 adds (λ/2)‖Φ‖² to every L_b (weight decay).
    """

    features: np.ndarray
    targets: np.ndarray
    ridge: Fraction = Fraction(0)

    @classmethod
    def from_arrays(cls, features: object, targets: object,
                    ridge: object = 0) -> LeastSquaresData:
        """Validate and convert (exactly) a feature matrix, a target vector and λ."""
        x, y = as_fractions(features), as_fractions(targets)
        return cls._checked(x, y, ridge)

    @classmethod
    def _checked(cls, x: np.ndarray, y: np.ndarray, ridge: object) -> LeastSquaresData:
        if x.ndim != 2:
            raise NumericInputError(f"X has {x.ndim} dimensions; expected 2")
        expect_shape("y", y, (x.shape[0],))
        lam = _exact(str(ridge) if isinstance(ridge, str) else ridge)
        if lam < 0:
            raise NumericInputError(f"the ridge λ must be at least 0; got {lam}")
        if x.shape[0] < x.shape[1] + 1 and lam == 0:
            raise NumericInputError(
                f"fewer rows than columns: {x.shape[0]} rows, {x.shape[1] + 1} columns"
            )
        return cls(x, y, lam)

    @property
    def exact(self) -> bool:
        """True if the entries are Fractions (False for float64 arrays)."""
        return self.features.dtype == object

    def with_intercept(self) -> LeastSquaresData:
        """The same data with a constant feature 1 appended to every x_b."""
        ones = np.ones((self.n, 1), dtype=self.features.dtype)
        if self.exact:
            ones = as_fractions(ones.astype(int))
        return replace(self, features=np.concatenate([self.features, ones], axis=1))

    def with_ridge(self, ridge: object) -> LeastSquaresData:
        """The same data with ridge λ (checked)."""
        return type(self)._checked(self.features, self.targets, ridge)

    def constant_columns(self) -> list[int]:
        """Indices (0-based) of the feature columns with one value in every row."""
        x = self.features
        return [j for j in range(self.d) if all(v == x[0, j] for v in x[1:, j])]

    def without_columns(self, columns: list[int]) -> LeastSquaresData:
        """The same data without the given feature columns."""
        keep = [j for j in range(self.d) if j not in set(columns)]
        return replace(self, features=self.features[:, keep])


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


def read_csv(path: str | Path, *, intercept: bool = False, exact: bool = True) -> LeastSquaresData:
    """Read features then target (last column) from a numeric CSV file.

    An optional header row is recognised as a first row none of whose cells
    is a number.  Cells are parsed exactly with :func:`parse_number`; with
    ``exact=False`` (the float64 mode) they are parsed as the nearest float64
    by numpy, much faster, with the same checks.
    """
    table = read_table(path, exact=exact)
    if table.shape[1] < 2:
        raise NumericInputError(f"{path}: need at least one feature column and a target column")
    if exact:
        data = LeastSquaresData.from_arrays(table[:, :-1], table[:, -1])
    else:
        data = LeastSquaresData._checked(table[:, :-1], table[:, -1], 0)
    return data.with_intercept() if intercept else data


def read_table(path: str | Path, *, exact: bool = True) -> np.ndarray:
    """A rectangular numeric table (header row dropped): Fractions, or float64 if not ``exact``."""
    path = Path(path)
    text = _read_text(path)
    if not exact:
        fast = _float_table(text)
        if fast is not None:
            return fast
    rows = _csv_rows(path, text)
    cells = len(rows) * len(rows[0][1])
    if exact and cells > MAX_EXACT_CELLS:
        raise NumericInputError(
            f"{path} has {cells} cells, more than the limit of {MAX_EXACT_CELLS} read exactly "
            "(the default and --exact modes); use --float64")
    table = [[parse_number(cell, f"in row {i}, column {j + 1}") for j, cell in enumerate(row)]
             for i, row in rows]
    if exact:
        return as_fractions(table)
    return _finite(np.array([[float(v) for v in row] for row in table]), rows)


def _read_text(path: Path) -> str:
    """The file as text: at most MAX_CSV_BYTES, UTF-8, not binary."""
    try:
        with path.open("rb") as f:
            head = f.read(2 ** 16)
            _refuse_binary(path, head)
            raw = head + f.read(MAX_CSV_BYTES + 1 - len(head))
    except OSError as exc:
        raise NumericInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_CSV_BYTES:
        raise NumericInputError(
            f"{path} is larger than the limit of {MAX_CSV_BYTES // 2 ** 20} MiB for a CSV file")
    _refuse_binary(path, raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NumericInputError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None


def _refuse_binary(path: Path, raw: bytes) -> None:
    for magic, kind in _BINARY.items():
        if raw.startswith(magic):
            raise NumericInputError(f"{path} is {kind}; decompress it to a text CSV first")
    if b"\x00" in raw:
        raise NumericInputError(f"{path} is a binary file (it contains NUL bytes), not a text CSV")


def _float_table(text: str) -> np.ndarray | None:
    """numpy's fast float parser on a plain table (None if it does not apply: then the
    careful path parses, or explains what is wrong)."""
    body = text
    first, _, rest = text.partition("\n")
    if first.strip() and all(not _is_number(c) for c in first.split(",")):
        body = rest
    if '"' in body or "/" in body or not body.strip():
        return None
    try:
        table = np.loadtxt(io.StringIO(body), delimiter=",", dtype=float, comments=None, ndmin=2)
    except ValueError:
        return None
    if not np.all(np.isfinite(table)):
        return None
    return table


def _finite(table: np.ndarray, rows: list[tuple[int, list[str]]]) -> np.ndarray:
    bad = np.argwhere(~np.isfinite(table))
    if bad.size:
        i, j = bad[0]
        raise NumericInputError(f"value {rows[i][1][j].strip()!r} in row {rows[i][0]}, column "
                                f"{j + 1} is beyond the float64 range (use the default mode)")
    return table


def _csv_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
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

"""Shared pieces of the figures: the Agg backend, atomic output, learning-rate lists, bounds.

Every figure is written together with the numbers behind it: FIG (PNG or PDF,
by extension) and, unless ``--json-out`` says otherwise, FIG's file name plus ``.json``
(``curve.png`` → ``curve.png.json``).  Both are first written to temporary files in the
target directory and then moved into place with ``os.replace``
(:func:`verify.output.write_atomic`, with the user's umask), so on any error no
partial file is left behind; neither may be the data file or the other output.

The arguments that set the amount of work are bounded (:func:`check_bounds`):
``--points`` ≤ ``MAX_POINTS``, ``--drops`` ≤ ``MAX_DROPS``, at most
``MAX_CURVES`` variants, and ``--seed`` ≥ 0.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, no GUI warnings

from verify.numeric.data import parse_eta
from verify.numeric.errors import NumericInputError
from verify.output import OutputError, check_targets, write_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FORMATS", "MAX_CURVES", "MAX_DROPS", "MAX_POINTS", "QUARTER_TR_C", "check_bounds", "check_output",
           "finite_json", "json_path_for", "new_figure", "parse_etas", "write_outputs"]

FORMATS = {".png": "png", ".pdf": "pdf"}
#: Grid points of a curve (each one solves the stationary law once).
MAX_POINTS = 1000
#: Learning-rate drops of a schedule (each one multiplies the relaxation time by the factor).
MAX_DROPS = 10
#: Curves of the variants figure.
MAX_CURVES = 16


def _bounded(name: str, value: int, low: int, high: int | None = None) -> None:
    if value < low or (high is not None and value > high):
        allowed = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise NumericInputError(f"{name} must be {allowed}; got {value}")


def check_bounds(points: int, drops: int, seed: int) -> None:
    """Refuse ``--points``, ``--drops`` or ``--seed`` outside their bounds (one message)."""
    _bounded("--points", points, 2, MAX_POINTS)
    _bounded("--drops", drops, 0, MAX_DROPS)
    _bounded("--seed", seed, 0)

#: ¼ tr C in matplotlib's mathtext (every label with a symbol is mathtext: $L(\Phi_t)$, $\eta_c$).
QUARTER_TR_C = r"\frac{1}{4}\,\mathrm{tr}\,C"


def new_figure(width: float = 6.4, height: float = 4.4) -> Figure:
    """A fresh figure that is not registered with pyplot (nothing to close, no global state)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def parse_etas(text: str | None) -> list[Fraction]:
    """``"0.01,1/50"`` → [1/100, 1/50] (each a positive exact rational); None → []."""
    if text is None:
        return []
    values = [parse_eta(part) for part in text.split(",") if part.strip()]
    if not values:
        raise NumericInputError("--eta is empty")
    return values


def check_output(path: str | Path, json_path: str | Path | None = None,
                 inputs: Sequence[str | Path] = ()) -> tuple[Path, Path, str]:
    """(figure path, JSON path, format); refuse an unknown extension, an unwritable directory,
    or an output that is one of ``inputs`` or the other output."""
    fig = Path(path)
    fmt = FORMATS.get(fig.suffix.lower())
    if fmt is None:
        raise NumericInputError(f"{fig}: the figure must end in .png or .pdf")
    out = Path(json_path) if json_path is not None else json_path_for(fig)
    for target in (fig, out):
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise NumericInputError(f"cannot write {target}: no directory {parent}")
        if not os.access(parent, os.W_OK):
            raise NumericInputError(f"cannot write {target}: directory {parent} is not writable")
        if target.is_dir():
            raise NumericInputError(f"cannot write {target}: it is a directory")
    try:
        check_targets([fig, out], [Path(p) for p in inputs])
    except OutputError as exc:
        raise NumericInputError(str(exc)) from None
    return fig, out, fmt


def json_path_for(figure: str | Path) -> Path:
    """Where the numbers behind a figure go by default: its file name plus ``.json``
    (``curve.png`` → ``curve.png.json``, so a PNG and a PDF of one figure keep separate numbers)."""
    fig = Path(figure)
    return fig.with_name(fig.name + ".json")


def finite_json(value: object) -> object:
    """Check that every float in ``value`` is finite (NaN/∞ are bad input, never output)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise NumericInputError(f"a value behind the figure is not finite ({value})")
    if isinstance(value, dict):
        for v in value.values():
            finite_json(v)
    elif isinstance(value, list | tuple):
        for v in value:
            finite_json(v)
    return value


def write_outputs(figure: Figure, payload: dict[str, object], path: str | Path,
                  json_path: str | Path | None = None) -> tuple[Path, Path]:
    """Write FIG and its JSON atomically (temporary files in the same directory + os.replace)."""
    fig_path, out_path, fmt = check_output(path, json_path)
    text = json.dumps(finite_json(payload), indent=2, allow_nan=False)
    try:
        write_atomic({
            fig_path: lambda handle: figure.savefig(handle, format=fmt, dpi=120, metadata=_metadata(fmt)),
            out_path: (text + "\n").encode("utf-8"),
        })
    except OutputError as exc:
        raise NumericInputError(str(exc)) from None
    return fig_path, out_path


def _metadata(fmt: str) -> dict[str, str | None]:
    """Reproducible files: no creation date in PDFs."""
    return {"CreationDate": None} if fmt == "pdf" else {}


def grid(upper: float, points: int) -> list[float]:
    """``points`` evenly spaced positive rates η_i = upper·i/points, i = 1..points."""
    return [upper * i / points for i in range(1, points + 1)]


def as_floats(values: Sequence[object]) -> list[float]:
    return [float(v) for v in values]  # type: ignore[arg-type]

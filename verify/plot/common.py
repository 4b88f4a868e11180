"""Shared pieces of the figures: the Agg backend, atomic output, learning-rate lists.

Every figure is written together with the numbers behind it: FIG (PNG or PDF,
by extension) and, unless ``--json-out`` says otherwise, FIG's file name plus ``.json``
(``curve.png`` → ``curve.png.json``).  Both are first written to temporary files in the
target directory and then moved into place with ``os.replace``, so on any
error no partial file is left behind.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, no GUI warnings

from verify.numeric.data import parse_eta
from verify.numeric.errors import NumericInputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FORMATS", "QUARTER_TR_C", "check_output", "finite_json", "json_path_for", "new_figure",
           "parse_etas", "write_outputs"]

FORMATS = {".png": "png", ".pdf": "pdf"}

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


def check_output(path: str | Path, json_path: str | Path | None = None) -> tuple[Path, Path, str]:
    """(figure path, JSON path, format); refuse an unknown extension or an unwritable directory."""
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
    temps: list[str] = []
    try:
        temps.append(_temp(fig_path))
        figure.savefig(temps[-1], format=fmt, dpi=120, metadata=_metadata(fmt))
        temps.append(_temp(out_path))
        Path(temps[-1]).write_text(text + "\n", encoding="utf-8")
        os.replace(temps[0], fig_path)
        os.replace(temps[1], out_path)
    except OSError as exc:
        raise NumericInputError(f"cannot write {fig_path}: {exc.strerror or exc}") from None
    finally:
        for name in temps:
            if os.path.exists(name):
                os.unlink(name)
    return fig_path, out_path


def _temp(target: Path) -> str:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                    dir=target.parent if str(target.parent) else ".")
    os.close(handle)
    return name


def _metadata(fmt: str) -> dict[str, str | None]:
    """Reproducible files: no creation date in PDFs."""
    return {"CreationDate": None} if fmt == "pdf" else {}


def grid(upper: float, points: int) -> list[float]:
    """``points`` evenly spaced positive rates η_i = upper·i/points, i = 1..points."""
    return [upper * i / points for i in range(1, points + 1)]


def as_floats(values: Sequence[object]) -> list[float]:
    return [float(v) for v in values]  # type: ignore[arg-type]

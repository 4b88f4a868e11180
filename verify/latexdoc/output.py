r"""Atomic output: a file appears complete or not at all.

Each file is written to a temporary file in the same directory and moved into place with
:func:`os.replace`; on any error the temporary files are removed and nothing is left behind.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     out = pathlib.Path(tmp) / "a.tex"
...     write_atomic({out: b"hello"})
...     out.read_bytes(), sorted(p.name for p in pathlib.Path(tmp).iterdir())
(b'hello', ['a.tex'])
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["OutputError", "write_atomic"]


class OutputError(Exception):
    """An output file could not be written."""


def write_atomic(files: Mapping[Path, bytes]) -> None:
    """Write every file, all or nothing as far as the file system allows.

    All contents are first written to temporary files next to their targets; only when every
    one of them is complete are they moved into place. Raises :class:`OutputError`.
    """
    staged: list[tuple[str, Path]] = []
    mask = os.umask(0)
    os.umask(mask)
    try:
        for target, data in files.items():
            directory = target.parent if str(target.parent) else Path(".")
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o666 & ~mask)
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        where = exc.filename or (staged[-1][1] if staged else "")
        raise OutputError(f"cannot write {where}: {exc.strerror or exc}") from exc

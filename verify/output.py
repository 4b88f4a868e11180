r"""Output files: written whole or not at all, never over an input, with the user's umask.

Every command that writes files (``heatcap latex``, ``heatcap plot``) goes through here:

* :func:`check_targets` refuses an output that is one of the inputs, or that is another
  output, before any work is done: same path, or the same file through a symlink or a hard link
  (``latex p.toml -o p.toml`` would otherwise replace the proof by its LaTeX);
* :func:`write_atomic` writes every file to a temporary file next to its target and moves it
  into place with :func:`os.replace` only when all of them are complete; the files get mode
  ``0o666`` minus the umask, like any file the user creates;
* :func:`work_directory` is scratch space (pdflatex's) next to the output, not in ``/tmp``;
  its name carries the process id, so scratch space that a killed run (SIGKILL) left behind is
  removed by the next run in the same folder (:func:`remove_stale`).

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     out = pathlib.Path(tmp) / "a.tex"
...     write_atomic({out: b"hello"})
...     out.read_bytes(), sorted(p.name for p in pathlib.Path(tmp).iterdir())
(b'hello', ['a.tex'])
>>> check_targets([pathlib.Path("p.toml")], [pathlib.Path("sub/../p.toml")])
Traceback (most recent call last):
...
verify.output.OutputError: refusing to write p.toml: it is the input sub/../p.toml
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

__all__ = ["OutputError", "check_targets", "remove_stale", "same_file", "work_directory", "write_atomic"]

_TAG = "heatcap"
_STALE = re.compile(rf"^\..*\.{_TAG}-(\d+)-[^/]*$")

#: What to write: the bytes, or a function that writes them to an open binary file.
Content = bytes | Callable[[BinaryIO], None]


class OutputError(Exception):
    """An output file that may not or cannot be written (reported as one line, exit 2)."""


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file: the same resolved path, or (when both exist) the
    same inode, as through a symlink or a hard link."""
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_targets(outputs: Sequence[Path], inputs: Sequence[Path] = ()) -> None:
    """Refuse an output that is an input or another output (raises :class:`OutputError`)."""
    for k, out in enumerate(outputs):
        for source in inputs:
            if same_file(out, source):
                raise OutputError(f"refusing to write {out}: it is the input {source}")
        for other in outputs[:k]:
            if same_file(out, other):
                raise OutputError(f"refusing to write {out}: it is also the output {other}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def remove_stale(folder: Path) -> None:
    """Remove the temporary files and folders of heatcap runs that were killed (their process id
    is no longer running) from ``folder``."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            found = _STALE.match(entry.name)
            if found is None or _alive(int(found.group(1))):
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)


def _prefix(target: Path) -> str:
    return f".{target.name}.{_TAG}-{os.getpid()}-"


@contextlib.contextmanager
def work_directory(next_to: Path) -> Iterator[Path]:
    """A fresh scratch folder next to the file ``next_to``, removed afterwards (stale ones too)."""
    folder = _folder(next_to)
    remove_stale(folder)
    with tempfile.TemporaryDirectory(prefix=_prefix(next_to), dir=folder) as tmp:
        yield Path(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(files: Mapping[Path, Content]) -> None:
    """Write every file, all or nothing as far as the file system allows.

    All contents are first written to temporary files next to their targets; only when every
    one of them is complete are they moved into place (mode ``0o666`` minus the umask). Raises
    :class:`OutputError`; no temporary file is left behind.
    """
    staged: list[tuple[str, Path]] = []
    mode = 0o666 & ~_umask()
    target = Path()
    try:
        for target, content in files.items():
            remove_stale(_folder(target))
            fd, tmp = tempfile.mkstemp(prefix=_prefix(target), suffix=".tmp", dir=_folder(target))
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as handle:
                if isinstance(content, bytes):
                    handle.write(content)
                else:
                    content(handle)
            os.chmod(tmp, mode)
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

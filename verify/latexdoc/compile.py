r"""Compile LaTeX to PDF with the real ``pdflatex`` (or ``latexmk``) in a scratch folder.

:func:`compile_pdf` runs ``latexmk -pdf`` when it is installed, else ``pdflatex`` twice (the
second run resolves references), always with ``-interaction=nonstopmode -halt-on-error`` and
locked down against the document it compiles (heatcap escapes every user string, and this is
the second wall): ``-no-shell-escape`` (no ``\write18``), and kpathsea's ``openin_any=p`` and
``openout_any=p`` ("paranoid": no absolute paths outside the scratch folder, no ``..``, no dot
files), so ``\input{/etc/passwd}`` cannot be read and nothing is written outside the folder.
The scratch folder is next to the output (:func:`verify.output.work_directory`) and is removed
afterwards. On a LaTeX error it raises :class:`LatexError` with the first ``!`` line of the log
and the offending line of the source:

>>> err = first_error("! Undefined control sequence.\nl.3 \\foo\n", "a\nb\n\\foo bar\n")
>>> err.message, err.line, err.source_line
('! Undefined control sequence.', 3, '\\foo bar')
>>> log_problems("! Missing $ inserted.\nok\nl.7 Undefined control sequence")
['! Missing $ inserted.', 'l.7 Undefined control sequence']
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from verify.output import work_directory

__all__ = ["CompileResult", "LatexError", "compile_pdf", "find_engine", "first_error", "locked_env",
           "log_problems"]

_JOB = "heatcap"
_FLAGS = ("-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape")


class LatexError(Exception):
    """pdflatex failed: ``message`` is the first ``!`` line of the log, ``line`` its source line."""

    def __init__(self, message: str, line: int | None = None, source_line: str | None = None,
                 log: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.source_line = source_line
        self.log = log

    def describe(self) -> str:
        """One line: the error and, when known, the offending source line."""
        where = f" at line {self.line}: {self.source_line.strip()}" if self.line and self.source_line else ""
        return f"LaTeX error: {self.message}{where}"


@dataclass(frozen=True)
class CompileResult:
    """A compiled document: the PDF bytes, the final log, the engine and the time taken."""

    pdf: bytes
    log: str
    engine: str
    seconds: float


def find_engine(preferred: str | None = None) -> str | None:
    """``"latexmk"`` when installed, else ``"pdflatex"``, else None; ``preferred`` forces one."""
    names = (preferred,) if preferred else ("latexmk", "pdflatex")
    for name in names:
        if shutil.which(name) and (name != "latexmk" or shutil.which("pdflatex")):
            return name
    return None


def first_error(log: str, source: str) -> LatexError:
    """The first ``!`` error of a pdflatex log, with the source line of its ``l.<n>`` marker."""
    lines = log.splitlines()
    start = next((i for i, x in enumerate(lines) if x.startswith("!")), None)
    if start is None:
        return LatexError("pdflatex failed without an error message (see the log)", log=log)
    number = None
    for x in lines[start:start + 40]:
        found = re.match(r"l\.(\d+)", x)
        if found:
            number = int(found.group(1))
            break
    src = source.splitlines()
    text = src[number - 1] if number is not None and 0 < number <= len(src) else None
    return LatexError(lines[start].strip(), number, text, log)


def log_problems(log: str) -> list[str]:
    """Every ``!`` error line and every "Undefined control sequence" of a log."""
    return [x.strip() for x in log.splitlines()
            if x.startswith("!") or "Undefined control sequence" in x]


def locked_env(cwd: Path) -> dict[str, str]:
    """The environment of pdflatex: kpathsea's paranoid file access, no shell escape, inputs
    from ``cwd`` and TeX's own tree only (whatever the caller's TEXINPUTS or TEXMFOUTPUT)."""
    return dict(os.environ, TEXINPUTS=f"{cwd}{os.pathsep}", TEXMFOUTPUT=str(cwd), openin_any="p",
                openout_any="p", shell_escape="f", max_print_line="1000")


def _run(cmd: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout, env=locked_env(cwd), check=False)


def compile_pdf(source: str, *, engine: str | None = None, timeout: float = 120.0,
                next_to: Path | None = None) -> CompileResult:
    """Compile ``source`` in a fresh scratch folder next to the file ``next_to`` (default: in
    the temporary directory); return the PDF or raise LatexError.

    Raises :class:`LatexError` when no engine is installed, on a LaTeX error, or on a timeout.
    """
    name = find_engine(engine)
    if name is None:
        raise LatexError(f"{engine or 'pdflatex'} is not installed (install TeX Live: "
                         "texlive-latex-base texlive-latex-recommended)")
    start = time.monotonic()
    with work_directory(next_to or Path(tempfile.gettempdir()) / "latex") as tmp:
        cwd = Path(tmp)
        (cwd / f"{_JOB}.tex").write_text(source, encoding="utf-8")
        if name == "latexmk":
            runs = [["latexmk", "-pdf", "-norc", "-silent", *_FLAGS, f"{_JOB}.tex"]]
        else:
            runs = [["pdflatex", *_FLAGS, f"{_JOB}.tex"]] * 2
        for cmd in runs:
            try:
                done = _run(cmd, cwd, timeout)
            except subprocess.TimeoutExpired as exc:
                raise LatexError(f"{name} took longer than {timeout:g} s") from exc
            log_path = cwd / f"{_JOB}.log"
            log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
            if done.returncode != 0 or any(x.startswith("!") for x in log.splitlines()):
                raise first_error(log or done.stdout.decode(errors="replace"), source)
        pdf = cwd / f"{_JOB}.pdf"
        if not pdf.exists():
            raise LatexError(f"{name} produced no PDF", log=log)
        return CompileResult(pdf.read_bytes(), log, name, time.monotonic() - start)

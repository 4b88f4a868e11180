"""Run ``heatcap`` on hostile input in a sandbox: a forked child with a memory limit and a timeout.

:func:`run_sandboxed` forks the test process (heatcap, SymPy and NumPy are imported once, so a
case costs only its own work), and the child

* gets ``RLIMIT_AS`` = ``memory`` bytes more than the address space it starts with, and is
  killed after ``timeout`` seconds;
* runs in a fresh folder ``workdir`` holding the input files, with its temporary directory
  ``TMPDIR`` inside ``workdir/tmp`` (so that any scratch file shows);
* calls :func:`verify.cli.main` with stdout and stderr in files; an exception that escapes
  ``main`` prints its traceback and exits 1, as the ``heatcap`` script would.

The result says how the child ended and lists every file it left in the sandbox.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Outcome", "address_space", "require_tool", "run_sandboxed"]

TIMED_OUT = -1000


@dataclass(frozen=True)
class Outcome:
    """How a sandboxed run ended: exit code (``TIMED_OUT`` when killed), output, files left."""

    code: int
    stdout: str
    stderr: str
    files: frozenset[str]
    seconds: float

    def describe(self) -> str:
        return f"exit {self.code} after {self.seconds:.1f} s; stderr: {self.stderr[-2000:]!r}"


def require_tool(name: str) -> None:
    """Skip when ``name`` is not installed, unless the environment variable CI is set (then fail)."""
    import shutil

    import pytest

    if shutil.which(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed, and CI is set: .ci/run installs it")
        pytest.skip(f"{name} is not installed (CI installs it)")


def address_space() -> int:
    """The current virtual memory size of this process in bytes (from /proc/self/statm)."""
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _child(argv: list[str], workdir: Path, memory: int) -> int:
    os.setpgid(0, 0)  # its own process group: a timeout kills pdflatex too
    tmp = workdir / "tmp"
    os.chdir(workdir)
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = str(tmp)
    limit = address_space() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out = os.open(workdir / ".stdout", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err = os.open(workdir / ".stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    from verify.cli import main

    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def run_sandboxed(argv: list[str], workdir: Path, *, timeout: float = 30.0,
                  memory: int = 2 * 1024**3) -> Outcome:
    """Run ``heatcap argv`` in ``workdir`` (which holds the inputs) in a forked, limited child."""
    (workdir / "tmp").mkdir(exist_ok=True)
    before = time.monotonic()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        code = 1
        try:
            code = _child(argv, workdir, memory)
        finally:
            os._exit(code)
    try:
        code = _wait(pid, timeout)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)  # anything the child left running
    seconds = time.monotonic() - before
    read = lambda name: (workdir / name).read_text(encoding="utf-8", errors="replace")  # noqa: E731
    stdout, stderr = read(".stdout"), read(".stderr")
    files = frozenset(str(p.relative_to(workdir)) for p in workdir.rglob("*")
                      if p.name not in (".stdout", ".stderr") and p != workdir / "tmp")
    return Outcome(code, stdout, stderr, files, seconds)


def _wait(pid: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return TIMED_OUT
        time.sleep(0.01)

"""A run cut short is one line, never a traceback: closed pipes, Ctrl-C, recursion, memory."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from verify import cli
from verify.cli import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, main


def heatcap() -> list[str]:
    found = shutil.which("heatcap", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "verify.cli"]


@pytest.mark.parametrize("argv", [["check"], ["check", "--json", "--as-written"]])
def test_a_closed_pipe_exits_quietly(argv: list[str]) -> None:
    """``heatcap check | head -1``: the reader is gone before heatcap writes a byte."""
    with subprocess.Popen([*heatcap(), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        err = process.stderr.read().decode()
        assert process.wait(timeout=120) == EXIT_BROKEN_PIPE
    assert err == ""


def test_head_of_a_pipe_through_the_shell() -> None:
    shell = f"set -o pipefail; {' '.join(heatcap())} check | head -1"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout == "Heat Capacity Theorem\n"
    # 141 when head closed the pipe before heatcap finished writing; 0 when it all fit in the pipe
    assert done.returncode in (0, EXIT_BROKEN_PIPE) and done.stderr == ""


def _raise(exc: BaseException) -> Callable[..., None]:
    """A stand-in for check_proof that raises ``exc``."""

    def run(*_args: object, **_kwargs: object) -> None:
        raise exc

    return run


@pytest.mark.parametrize(("exc", "code", "message"), [
    (KeyboardInterrupt(), EXIT_INTERRUPTED, "heatcap: interrupted\n"),
    (RecursionError("maximum recursion depth exceeded"), 2,
     "heatcap: error: the input is nested too deeply (past Python's recursion limit)\n"),
    (MemoryError(), 2, "heatcap: error: out of memory\n"),
])
def test_a_run_cut_short_is_one_line(exc: BaseException, code: int, message: str, monkeypatch,
                                     capsys) -> None:
    import verify.checker

    monkeypatch.setattr(verify.checker, "check_proof", _raise(exc))
    assert main(["check"]) == code
    captured = capsys.readouterr()
    assert captured.err == message and captured.out == ""


def test_an_interrupt_inside_a_subcommand(monkeypatch, capsys) -> None:
    import verify.latexdoc.command as command

    monkeypatch.setattr(command, "_check", _raise(KeyboardInterrupt()))
    assert main(["latex", "--as-written"]) == EXIT_INTERRUPTED
    assert capsys.readouterr().err == "heatcap: interrupted\n"


def test_other_errors_still_surface(monkeypatch) -> None:
    """Only the ways a run is cut short are caught: a bug is still a bug."""
    import verify.checker

    monkeypatch.setattr(verify.checker, "check_proof", _raise(ZeroDivisionError()))
    with pytest.raises(ZeroDivisionError):
        main(["check"])
    assert cli.EXIT_INTERRUPTED == 130 and cli.EXIT_BROKEN_PIPE == 141

"""Outputs never replace an input, honour the umask, and leave no scratch behind (even killed runs).

``latex p.toml -o p.toml``, ``latex --data d.csv -o d.csv`` and ``plot … -o f.png --json-out f.png``
used to replace the input and exit 0: every output is now compared with every input and with
the other output (same path, symlink, hard link) before any work, and refused with exit 2.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile import require_tool, run_sandboxed
from verify.output import OutputError, check_targets, remove_stale, write_atomic

DATA = "x1,x2,y\n1,0,1\n0,1,0\n1,1,2\n2,1,2\n0.5,-1,0.25\n"
PROOF = Path(__file__).resolve().parents[1] / "derive" / "proofs" / "heat_capacity.toml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "p.toml").write_text(PROOF.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "d.csv").write_text(DATA, encoding="utf-8")
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and p.name not in (".stdout", ".stderr")}


REFUSED = {
    "proof as output": ["latex", "p.toml", "-o", "p.toml"],
    "data as output": ["latex", "--data", "d.csv", "--eta", "1/10", "-o", "d.csv"],
    "proof as pdf": ["latex", "p.toml", "--pdf", "-o", "p.tex"],        # p.pdf is made a link below
    "tex is the pdf": ["latex", "--pdf", "-o", "x.pdf"],
    "symlink to the proof": ["latex", "p.toml", "-o", "link.tex"],
    "hard link to the data": ["latex", "--data", "d.csv", "--eta", "1/10", "-o", "hard.tex"],
    "figure is the json": ["plot", "variants", "d.csv", "-o", "f.png", "--json-out", "f.png"],
    "json is the data": ["plot", "variants", "d.csv", "-o", "f.png", "--json-out", "d.csv"],
    "json links to the data": ["plot", "variants", "d.csv", "-o", "f.png", "--json-out", "link.json"],
}


@pytest.mark.parametrize("case", REFUSED)
def test_an_output_that_is_an_input_is_refused(case: str, folder: Path) -> None:
    (folder / "link.tex").symlink_to(folder / "p.toml")
    (folder / "link.json").symlink_to("d.csv")
    os.link(folder / "d.csv", folder / "hard.tex")
    os.link(folder / "p.toml", folder / "p.pdf")
    before = snapshot(folder)
    done = run_sandboxed(REFUSED[case], folder, timeout=120)
    assert done.code == 2, done.describe()
    assert "refusing to write" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert snapshot(folder) == before and "tmp/" not in " ".join(done.files)


def test_check_targets_names_the_clash(tmp_path: Path) -> None:
    a, b = tmp_path / "a.tex", tmp_path / "b.tex"
    check_targets([a, b], [tmp_path / "p.toml"])                 # distinct files: fine
    with pytest.raises(OutputError, match="it is also the output"):
        check_targets([a, tmp_path / "sub" / ".." / "a.tex"])
    a.write_text("x")
    os.link(a, b)
    with pytest.raises(OutputError, match=f"refusing to write {b}: it is the input {a}"):
        check_targets([b], [a])


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask")
def test_outputs_honour_the_umask(folder: Path) -> None:
    assert run_sandboxed(["latex", "p.toml", "-o", "out.tex"], folder, timeout=120).code == 0
    done = run_sandboxed(["plot", "variants", "d.csv", "-o", "f.png", "--points", "3"], folder, timeout=120)
    assert done.code == 0, done.describe()
    for name in ("out.tex", "f.png", "f.png.json"):
        assert (folder / name).stat().st_mode & 0o777 == 0o640, name
    write_atomic({folder / "w.bin": b"x", folder / "v.bin": lambda handle: handle.write(b"y")})
    assert [(folder / n).stat().st_mode & 0o777 for n in ("w.bin", "v.bin")] == [0o640, 0o640]


def test_stale_scratch_of_a_dead_run_is_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    stale_dir = tmp_path / f".doc.tex.heatcap-{dead}-abc"
    stale_dir.mkdir()
    (stale_dir / "heatcap.log").write_text("x")
    stale_file = tmp_path / f".doc.tex.heatcap-{dead}-xyz.tmp"
    stale_file.write_text("x")
    alive = tmp_path / f".doc.tex.heatcap-{os.getpid()}-abc"
    alive.mkdir()
    mine = tmp_path / ".doc.tex.keep"
    mine.write_text("x")
    remove_stale(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, mine.name])


def heatcap() -> list[str]:
    return [sys.executable, "-c", "import sys; from verify.cli import main; sys.exit(main())"]


def start_pdf(folder: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """``heatcap latex --pdf`` in its own session; returns once its scratch folder exists."""
    process = subprocess.Popen([*heatcap(), "latex", "--pdf", "--engine", "pdflatex", "-o", "out.tex"],
                               cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        scratch = [p for p in folder.iterdir() if p.name.startswith(".out.tex.heatcap-") and p.is_dir()]
        if scratch and (scratch[0] / "heatcap.tex").exists():
            return process, scratch[0]
        if process.poll() is not None:
            break
        time.sleep(0.005)
    process.kill()
    process.communicate()
    pytest.fail("heatcap latex --pdf never made its scratch folder next to the output")


def test_ctrl_c_during_pdflatex_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    require_tool("pdflatex")
    process, _ = start_pdf(tmp_path)
    os.killpg(process.pid, signal.SIGINT)          # what Ctrl-C sends: the whole foreground group
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err.decode() == "heatcap: interrupted\n" and out == b""
    assert list(tmp_path.iterdir()) == []


def test_a_killed_run_leaves_scratch_next_to_the_output_that_the_next_run_removes(tmp_path: Path) -> None:
    require_tool("pdflatex")
    process, scratch = start_pdf(tmp_path)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert scratch.exists()                        # SIGKILL cannot clean up: the folder is not in /tmp
    done = run_sandboxed(["latex", "--pdf", "--engine", "pdflatex", "-o", "out.tex"], tmp_path, timeout=120)
    assert done.code == 0, done.describe()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "tmp" and not p.name.startswith(".std")) \
        == ["out.pdf", "out.tex"]


def test_the_work_folder_is_next_to_the_output_and_tmp_stays_empty(tmp_path: Path) -> None:
    require_tool("pdflatex")
    done = run_sandboxed(["latex", "--pdf", "-o", "out.tex"], tmp_path, timeout=120)
    assert done.code == 0, done.describe()
    assert done.files == {"out.tex", "out.pdf"}        # nothing in TMPDIR (tmp/), nothing else

"""Proof files: the malformed ones fail with one teaching message (exit 2, no traceback); the
mutation tests of the checker, written as files, are refuted or verified line by line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from derive.parse.errors import LatexError, ProofFileError
from derive.proof import heat_capacity_proof
from derive.prooffile import load_proof, loads_proof
from tests.test_mutations import BROKEN, VALID
from verify.checker import check_proof
from verify.cli import main

ROOT = Path(__file__).resolve().parent.parent
PROOFS = ROOT / "tests" / "proofs"
MALFORMED = sorted((PROOFS / "malformed").glob("*.toml"))


def _expected(path: Path) -> tuple[list[str], str | None]:
    text = path.read_text(encoding="utf-8")
    expect = re.findall(r"^# expect: (.*)$", text, re.MULTILINE)
    caret = re.findall(r"^# caret: (.*)$", text, re.MULTILINE)
    return expect, caret[0] if caret else None


def test_there_are_at_least_fifteen_malformed_files() -> None:
    assert len(MALFORMED) >= 15
    assert all(_expected(p)[0] for p in MALFORMED)


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_malformed_file_exits_2_with_its_message(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.startswith(f"heatcap check: error: {path}")
    assert "Traceback" not in err
    expect, caret = _expected(path)
    for message in expect:
        assert message in err.splitlines()[0]
    if caret is not None:
        _, latex, marks = err.rstrip("\n").splitlines()
        column = marks.index("^")
        assert latex[column:].startswith(caret), (latex, column)
        assert "step" in err.splitlines()[0] or "theorem" in err.splitlines()[0]


@pytest.mark.parametrize("path", MALFORMED[:3], ids=lambda p: p.stem)
def test_console_script_has_no_traceback(path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "verify.cli", "check", str(path)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stdout == ""


def test_latex_errors_name_the_step_and_line_and_show_a_caret() -> None:
    text = (PROOFS / "malformed" / "unknown_macro.toml").read_text(encoding="utf-8")
    with pytest.raises(LatexError) as info:
        loads_proof(text, "x.toml")
    err = info.value
    assert err.where == 'x.toml:8: step "step-1", line 1'
    assert (err.message, err.text, err.column) == (r"unknown macro \foo", r"E_b \foo g_b = 0", 4)


def test_a_missing_file_is_one_message() -> None:
    with pytest.raises(ProofFileError, match="cannot read the file"):
        load_proof(PROOFS / "nowhere.toml")


def test_file_and_as_written_do_not_mix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(PROOFS / "mutations.toml"), "--as-written"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.fixture(scope="module")
def broken():
    return check_proof(load_proof(PROOFS / "mutations.toml"))


def test_the_mutation_file_holds_every_broken_line(broken) -> None:
    assert {s.id for s in broken.steps} == set(BROKEN)


def test_every_broken_line_of_the_file_is_refuted(broken) -> None:
    for step in broken.steps:
        (line,) = step.lines
        assert line.status == "refuted", (step.id, line.reason)
        assert line.counterexample is not None
        assert line.counterexample.lhs != line.counterexample.rhs


def test_every_valid_rewriting_of_the_file_is_verified() -> None:
    report = check_proof(load_proof(PROOFS / "valid_rewritings.toml"))
    assert {s.id for s in report.steps} == set(VALID)
    assert report.ok, [(s.id, s.lines[0].reason) for s in report.steps if s.status != "verified"]


def test_check_file_points_at_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "derive" / "proofs" / "heat_capacity_as_written.toml"
    assert main(["check", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    line = report["steps"][2]["lines"][2]
    assert line["status"] == "refuted"
    assert line["location"]["file"] == str(path)
    assert (line["location"]["step"], line["location"]["line"]) == ("step-3", 3)
    written = path.read_text(encoding="utf-8").splitlines()[line["location"]["file_line"] - 1]
    assert "(E_b - H_b)" in written


def test_text_report_says_where_a_refuted_line_is_written(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--as-written"]) == 1
    out = capsys.readouterr().out
    assert 'written at: derive/proofs/heat_capacity_as_written.toml:' in out
    assert 'step "step-3", line 3' in out


def test_the_shipped_files_are_the_builtin_proofs() -> None:
    assert heat_capacity_proof().file == "derive/proofs/heat_capacity.toml"
    assert heat_capacity_proof(as_written=True).file == "derive/proofs/heat_capacity_as_written.toml"


def test_a_file_may_declare_its_own_symbols_and_setting() -> None:
    proof = loads_proof(r"""
title = "Own notation"
theorem = 'E_i u_i = 0'
[setting]
index = "i"
state = '\delta x'
law = 'Q_\alpha'
rate = '\alpha'
[[symbol]]
latex = "u_i"
kind = "vector"
per-example = true
[[symbol]]
latex = "A"
kind = "matrix"
[[step]]
name = "s"
latex = '''
E_{\delta x \sim Q_\alpha} \alpha (\delta x)^\top A \delta x
    = \alpha E_{\delta x \sim Q_\alpha} \delta x^\top A \delta x
'''
uses = []
""", "own.toml")
    line = proof.steps[0].lines[0]
    assert r"\alpha" in line.latex(**proof.notation.printing) and "A" in str(line.rhs)
    assert r"E_{\delta x \sim Q_\alpha}" in line.latex(**proof.notation.printing)

"""The command line: exit codes, the table, and the JSON shape."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from verify.cli import main


def test_check_exits_0_and_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"step-3 +3 +verified", out)
    assert re.search(r"theorem +verified +∂𝓛\(η\)/∂η\|_\{η=0\} = ¼ E_b ‖g_b‖²\n +from step-4 lines 2–3", out)
    assert "\\" not in out  # formulas print in Unicode, never as LaTeX
    assert "13 of 13 lines verified, theorem verified" in out
    assert "Assumptions the lecture leaves implicit" in out


def test_as_written_exits_1_and_quotes_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--as-written"]) == 1
    out = capsys.readouterr().out
    assert "step-3, line 3: refuted" in out
    assert r"(E_b - H_b)" in out
    assert "counterexample: d = 3" in out


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--as-written", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"theorem", "ok", "steps", "assumptions"}
    assert report["ok"] is False
    assert [s["id"] for s in report["steps"]] == ["step-1", "step-2", "step-3", "step-4"]
    step3 = report["steps"][2]
    assert set(step3) >= {"id", "lines", "status", "uses", "residual", "counterexample", "certificate"}
    assert step3["status"] == "refuted"
    assert step3["residual"].startswith("-")
    assert step3["counterexample"]["lhs"] != step3["counterexample"]["rhs"]
    verified = report["steps"][3]["lines"][1]
    assert verified["status"] == "verified"
    assert verified["certificate"]["limits"][0]["hypothesis"] == r"stationarity[\|\Delta\Phi\|^2]"
    assert len(report["assumptions"]) == 5
    names = {h["name"] for h in report["hypotheses"]}
    assert names >= {"sgd-step", "stationarity", "independence", "psd-hessians"}
    assert report["theorem"]["status"] == "verified" and report["theorem"]["from"][0]["step"] == "step-4"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chek"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid choice" in err
    assert main(["check", "--bogus"]) == 2
    assert main([]) == 2


def test_console_script_runs_without_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "verify.cli", "check", "--json"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True

"""``heatcap numeric`` with variant flags: JSON keys, plain behaviour unchanged, every bad input."""

from __future__ import annotations

import argparse
import doctest
import importlib
import json
from fractions import Fraction
from pathlib import Path

import pytest
from numeric_instances import ROWS, rows_by_hand

from verify.numeric.command import add_arguments, run

KEYS = {"n", "d", "eta", "dps", "L_star", "excess_loss", "slope_at_zero",
        "second_derivative_at_zero", "eta_crit", "eta_crit_bounds", "certified_digits",
        "taylor", "crossval", "variant"}


def invoke(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="heatcap numeric")
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


def write(tmp_path: Path, text: str, name: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(("flags", "factor"), [
    (["--batch-size", "2"], Fraction(1, 2)),
    (["--batch-size", "2", "--sampling", "without-replacement"], Fraction(3, 8)),
    (["--momentum", "0.5"], Fraction(2)),
    (["--momentum", "1/4", "--batch-size", "5", "--sampling", "with-replacement"], Fraction(4, 15)),
])
def test_json_keys_and_slope(tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str],
                             factor: Fraction) -> None:
    code = invoke(write(tmp_path, ROWS, "d.csv"), "--eta", "1/100", "--dps", "25", "--json",
                  "--exact", *flags)
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and set(out) >= KEYS
    assert Fraction(out["exact"]["slope_at_zero"]) == factor * rows_by_hand()["slope"]
    assert Fraction(out["variant"]["theorem_slope"]) == rows_by_hand()["slope"]
    assert {r["step"] for r in out["crossval"]} == {"variant"}
    assert all(set(r) == {"step", "line", "lhs", "rhs", "agree_digits"} for r in out["crossval"])
    assert all(r["agree_digits"] == 25 for r in out["crossval"] if r["line"] != "richardson")


def test_preconditioner_and_reshuffle_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path, ROWS, "d.csv")
    p = write(tmp_path, "2,1\n1,3\n", "p.csv")
    assert invoke(data, "--eta", "0.01", "--preconditioner", p, "--json", "--dps", "20") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["variant"]["preconditioner"] == [["2", "1"], ["1", "3"]]
    assert invoke(data, "--eta", "0.01", "--reshuffle", "--json", "--dps", "20") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["variant"]["reshuffle"] is True and abs(float(out["slope_at_zero"])) < 1e-12
    assert float(out["variant"]["theorem_slope"]) == pytest.approx(float(rows_by_hand()["slope"]))


def test_human_output_and_plain_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path, ROWS, "d.csv")
    assert invoke(data, "--eta", "0.01", "--momentum", "0.9", "--dps", "20") == 0
    assert "variant" in capsys.readouterr().out
    assert invoke(data, "--eta", "0.01", "--dps", "20", "--json") == 0
    assert "variant" not in json.loads(capsys.readouterr().out)


def test_the_text_report_reads_as_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path, ROWS, "d.csv")
    assert invoke(data, "--eta", "0.01", "--momentum", "1/2", "--batch-size", "2", "--dps", "40") == 0
    out = capsys.readouterr().out
    assert "minibatch B = 2 (with replacement); momentum β = 1/2" in out and "{" not in out
    assert "certified digits         " in out and "(30 shown; --json has all)" in out
    assert invoke(data, "--eta", "0.01", "--reshuffle", "--dps", "20") == 0
    out = capsys.readouterr().out
    assert "epoch-wise reshuffling" in out
    assert "= 0 within the extrapolation's error estimate" in out and "E-" not in out
    assert invoke(data, "--eta", "0.01", "--reshuffle", "--dps", "20", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert abs(float(shown["slope_at_zero"])) < 1e-12  # the closed form of the reshuffled slope is 0


P_BAD = {"shape": ("2,1\n1,3\n0,1\n", "P has shape (3, 2); expected (2, 2)"),
         "asym": ("2,1\n0,3\n", "P must be symmetric"),
         "indef": ("1,2\n2,1\n", "P must be positive definite"),
         "text": ("1,a\na,1\n", "is not a number")}


@pytest.mark.parametrize(("flags", "message"), [
    (["--batch-size", "0"], "batch size must be an integer between 1 and n = 5; got 0"),
    (["--batch-size", "6"], "between 1 and n = 5; got 6"),
    (["--momentum", "1"], "0 ≤ β < 1; got β = 1"),
    (["--momentum", "-0.1"], "got β = -1/10"),
    (["--momentum", "abc"], "is not a number"),
    (["--reshuffle", "--batch-size", "2"], "single-example steps only"),
    (["--eta", "0.5", "--momentum", "0.5"], "at or beyond the critical learning rate"),
    (["--eta", "1.5", "--batch-size", "5", "--sampling", "without-replacement"],
     "at or beyond the critical learning rate"),
    (["--eta", "1", "--reshuffle"], "at or beyond the critical learning rate"),
    (["--preconditioner", "/nonexistent/p.csv"], "cannot read"),
    *[(["--preconditioner", key], message) for key, (_, message) in P_BAD.items()],
])
def test_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str],
                   message: str) -> None:
    flags = [write(tmp_path, P_BAD[f][0], f + ".csv") if f in P_BAD else f for f in flags]
    if "--eta" not in flags:
        flags = ["--eta", "0.01", *flags]
    code = invoke(write(tmp_path, ROWS, "d.csv"), "--dps", "15", *flags)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("heatcap: error: ")
    assert message in captured.err


def test_reshuffle_refuses_large_n(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = "x,y\n" + "".join(f"{i},{i % 3}\n" for i in range(1, 10))
    assert invoke(write(tmp_path, rows, "big.csv"), "--eta", "0.001", "--reshuffle") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "n = 9 is too large" in err


MODULES = ["spec", "equation", "critical", "momentum", "minibatch", "preconditioner", "reshuffle",
           "api"]


@pytest.mark.parametrize("name", [*MODULES, ""])
def test_module_examples(name: str) -> None:
    module = importlib.import_module("verify.numeric.variants" + (f".{name}" if name else ""))
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0

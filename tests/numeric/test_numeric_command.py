"""``heatcap numeric`` through add_arguments/run: JSON output and every bad input."""

from __future__ import annotations

import argparse
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from numeric_instances import ROWS, rows_by_hand

from verify.numeric.command import add_arguments, run
from verify.numeric.digits import agree_digits


def invoke(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="heatcap numeric")
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


def write(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def brute_eta_crit() -> float:
    x = np.array([[float(c) for c in line.split(",")[:2]] for line in ROWS.splitlines()[1:]])
    h = x.T @ x / len(x)
    a = np.kron(np.eye(2), h) + np.kron(h, np.eye(2))
    b = sum(np.kron(np.outer(v, v), np.outer(v, v)) for v in x) / len(x)
    return float(1 / max(abs(np.linalg.eigvals(np.linalg.solve(a, b)))))


WIDE = "".join(",".join(str((i * 7 + j * j) % 11 + (i == j)) for j in range(14)) + "\n"
               for i in range(20))

KEYS = {"n", "d", "eta", "dps", "L_star", "excess_loss", "slope_at_zero",
        "second_derivative_at_zero", "eta_crit", "eta_crit_bounds", "certified_digits",
        "taylor", "crossval"}


@pytest.mark.parametrize("flag", [[], ["--exact"]])
def test_json_keys_and_values(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              flag: list[str]) -> None:
    code = invoke(write(tmp_path, ROWS), "--eta", "1/100", "--dps", "30", "--json",
                  "--order", "3", *flag)
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and set(out) >= KEYS
    expected = rows_by_hand()
    assert (out["n"], out["d"], out["dps"]) == (5, 2, 30)
    assert agree_digits(Fraction(out["L_star"]), expected["L_star"], 30) >= 29
    assert agree_digits(Fraction(out["slope_at_zero"]), expected["slope"], 30) >= 29
    assert agree_digits(Fraction(out["eta_crit"]), brute_eta_crit(), 30) >= 12
    low, high = (Fraction(v) for v in out["eta_crit_bounds"])
    assert low <= Fraction(out["eta_crit"]) <= high
    assert len(out["taylor"]) == 3 and out["certified_digits"] >= 28
    if flag:
        assert Fraction(out["exact"]["slope_at_zero"]) == expected["slope"]
        assert Fraction(out["exact"]["L_star"]) == expected["L_star"]


def test_human_report_and_intercept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert invoke(write(tmp_path, ROWS), "--eta", "0.01", "--dps", "20", "--intercept") == 0
    text = capsys.readouterr()
    assert "n = 5, d = 3" in text.out and "L'(0)" in text.out and text.err == ""


BAD = [
    ("missing", None, ["--eta", "0.01"], "cannot read"),
    ("empty", "", ["--eta", "0.01"], "no data rows"),
    ("ragged", "1,2,3\n4,5\n1,1,1\n2,2,2\n", ["--eta", "0.01"], "row 2 has 2 cells; expected 3"),
    ("text", "1,2,3\n4,abc,6\n1,1,1\n2,0,1\n", ["--eta", "0.01"], "'abc' in row 2"),
    ("nan", "1,2,3\n4,nan,6\n1,1,1\n2,0,1\n", ["--eta", "0.01"], "not finite"),
    ("inf", "1,2,3\n4,-inf,6\n1,1,1\n2,0,1\n", ["--eta", "0.01"], "not finite"),
    ("short", "1,2,3\n4,5,6\n", ["--eta", "0.01"], "fewer rows than columns"),
    ("singular", "1,0,3\n4,0,6\n1,0,1\n2,0,1\n", ["--eta", "0.01"],
     "E_b H_b is singular (rank 1 < d = 2)"),
    ("eta0", ROWS, ["--eta", "0"], "learning rate must be positive"),
    ("etaneg", ROWS, ["--eta=-1/10"], "learning rate must be positive"),
    ("etabig", ROWS, ["--eta", "5"], "at or beyond the critical learning rate η_c ="),
    ("etatext", ROWS, ["--eta", "fast"], "not a number"),
    ("dps0", ROWS, ["--eta", "0.01", "--dps", "0"], "--dps must be between"),
    ("dpshuge", ROWS, ["--eta", "0.01", "--dps", "20000"], "--dps must be between"),
    ("etaexp", ROWS, ["--eta", "1e999999999"], "decimal exponent beyond ±300"),
    ("cellexp", "1,2,3\n4,1e999999999,6\n1,1,1\n2,0,1\n", ["--eta", "0.01"],
     "'1e999999999' in row 2, column 2 has a decimal exponent beyond ±300"),
    ("celllong", "1,2,3\n4," + "1" * 200 + ",6\n1,1,1\n2,0,1\n", ["--eta", "0.01"],
     "has 200 characters; at most 100"),
    ("overflow", "x,y\n1e300,1\n2,2\n3,1\n", ["--eta", "0.01"], "overflow float64"),
    ("underflow", "a,b,y\n1e-300,1,1\n2e-300,2,2\n3e-300,0,1\n1e-300,1,3\n", ["--eta", "0.01"],
     "not positive definite in float64"),
    ("order1", ROWS, ["--eta", "0.01", "--order", "1"], "--order must be between 2 and 30"),
    ("orderhuge", ROWS, ["--eta", "0.01", "--order", "1000"], "--order must be between 2 and 30"),
    ("work", WIDE, ["--eta", "0.001", "--dps", "10000"], "beyond the limit of 500000"),
    ("exactsize", WIDE, ["--eta", "0.001", "--exact"], "more than the limit of 78"),
]


@pytest.mark.parametrize(("name", "text", "args", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                   text: str | None, args: list[str], message: str) -> None:
    path = str(tmp_path / "absent.csv") if text is None else write(tmp_path, text)
    extra = [] if "--dps" in args or "--exact" in args else ["--dps", "20"]
    assert invoke(path, *args, *extra) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("heatcap: error: ")
    assert message in lines[0]


def test_exactly_at_critical_rate_is_rejected(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """d = 1: η_c = 2H/E h_b² is rational, so η = η_c can be given exactly."""
    path = write(tmp_path, "1,1\n2,2\n3,2\n")
    eta_c = Fraction(2 * 14, 3) / Fraction(98, 3)
    assert invoke(path, "--eta", str(eta_c), "--exact") == 2
    assert "at or beyond the critical" in capsys.readouterr().err


BINARY = [
    ("nul", b"1,2,3\n4,\x00,6\n", "binary file (it contains NUL bytes)"),
    ("gzip", b"\x1f\x8b\x08\x00rest", "gzip-compressed; decompress it"),
    ("zip", b"PK\x03\x04rest", "a zip archive"),
    ("latin1", "a,b,y\n1,2,3\n4,5,6\né,1,1\n".encode("latin-1"), "not UTF-8 text (byte 0xe9"),
]


@pytest.mark.parametrize(("name", "raw", "message"), BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("mode", [[], ["--float64"]], ids=["mp", "float64"])
def test_binary_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, raw: bytes,
                      message: str, mode: list[str]) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(raw)
    assert invoke(str(path), "--eta", "0.01", *mode) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1 and message in captured.err


def test_endless_input_stops_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    assert invoke("/dev/zero", "--eta", "0.01") == 2
    assert "binary file" in capsys.readouterr().err


def test_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                    monkeypatch: pytest.MonkeyPatch) -> None:
    import verify.numeric.data as data

    monkeypatch.setattr(data, "MAX_CSV_BYTES", 2 ** 20)
    path = tmp_path / "big.csv"
    path.write_text("1,2,3\n" * 200_000)
    assert invoke(str(path), "--eta", "0.01") == 2
    assert "larger than the limit of 1 MiB" in capsys.readouterr().err


def test_exact_cell_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    import verify.numeric.data as data

    monkeypatch.setattr(data, "MAX_EXACT_CELLS", 12)
    path = write(tmp_path, ROWS)
    assert invoke(path, "--eta", "0.01") == 2
    assert "15 cells, more than the limit of 12" in capsys.readouterr().err
    assert invoke(path, "--eta", "0.01", "--float64") == 0


def test_float64_reads_the_same_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """numpy's float parser (float64 mode) and the exact reader agree, header and quotes too."""
    from verify.numeric.data import read_csv

    path = write(tmp_path, ROWS)
    quoted = write(tmp_path, ROWS.replace("0.25", '"0.25"').replace("x1,x2,y", "x1,x2,y"), "q.csv")
    exact = read_csv(path)
    for p in (path, quoted):
        fast = read_csv(p, exact=False)
        assert fast.features.dtype == float
        assert np.array_equal(fast.features, exact.features.astype(float))
        assert np.array_equal(fast.targets, exact.targets.astype(float))

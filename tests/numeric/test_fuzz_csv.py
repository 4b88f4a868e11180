"""Random bytes and near-valid CSV files: the reader and ``heatcap numeric`` either work or give
one line ``heatcap: error: …`` with exit code 2 (never a traceback)."""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verify.numeric.command import add_arguments, run
from verify.numeric.data import read_csv
from verify.numeric.errors import NumericInputError

CELLS = st.one_of(
    st.integers(-50, 50).map(str),
    st.sampled_from(["0.5", "-1/3", "1e-3", "2E2", "nan", "inf", "", " ", "x", "1e400",
                     "1e-400", "1/0", "0x10", '"3"', "1e999999999", "9" * 120, "½", "1_0"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
)
ROWS = st.lists(st.lists(CELLS, min_size=1, max_size=4), min_size=0, max_size=8)


def near_valid(rows: list[list[str]], header: bool) -> bytes:
    lines = ([",".join(f"c{j}" for j in range(len(rows[0])))] if header and rows else [])
    lines += [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def invoke(path: str, *flags: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="heatcap numeric")
    add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(parser.parse_args([path, *flags]))
    return code, out.getvalue(), err.getvalue()


def check(raw: bytes, flags: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        path.write_bytes(raw)
        for exact in (True, False):
            with contextlib.suppress(NumericInputError):
                read_csv(path, exact=exact)
        code, out, err = invoke(str(path), "--eta", "1/1000", "--dps", "15", *flags)
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["data.csv"]
    if code == 0:
        assert err == "" and out.startswith("heatcap numeric")
    else:
        assert code == 2 and out == ""
        assert len(err.splitlines()) == 1 and err.startswith("heatcap: error: ")


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=200), st.sampled_from([[], ["--float64"]]))
def test_random_bytes(raw: bytes, flags: list[str]) -> None:
    check(raw, flags)


@FUZZ
@given(ROWS, st.booleans(), st.sampled_from([[], ["--float64"], ["--exact"], ["--drop-constant"],
                                              ["--ridge", "1/10", "--intercept"]]))
def test_near_valid_csv(rows: list[list[str]], header: bool, flags: list[str]) -> None:
    check(near_valid(rows, header), flags)

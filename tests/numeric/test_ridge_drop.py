"""--ridge λ and --drop-constant: singular data sets made analysable, against independent
computations (explicit per-example g_b, H_b as general quadratic losses; columns removed by hand)."""

from __future__ import annotations

import argparse
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from numeric_instances import Reference

from verify.numeric import LeastSquaresData, NumericInputError, QuadraticData, analyze
from verify.numeric.command import add_arguments, run
from verify.numeric.digits import agree_digits, as_fraction

RIDGE = Fraction(1, 5)


def singular_data(seed: int = 0) -> LeastSquaresData:
    """Column 3 = column 1 + column 2 (H singular), short decimals."""
    rng = np.random.default_rng(seed)
    x = [[Fraction(int(a), 10), Fraction(int(b), 10)] for a, b in rng.integers(-20, 20, (12, 2))]
    x = [[a, b, a + b] for a, b in x]
    y = [Fraction(int(v), 10) for v in rng.integers(-20, 20, 12)]
    return LeastSquaresData.from_arrays(x, y)


def as_quadratic(data: LeastSquaresData) -> QuadraticData:
    ref = Reference(data.features.tolist(), data.targets.tolist(), data.ridge)
    return QuadraticData.from_arrays(ref.gradients, ref.hessians, ref.losses)


def test_singular_without_ridge_is_an_error() -> None:
    with pytest.raises(NumericInputError, match=r"singular.*--drop-constant or --ridge"):
        analyze(singular_data(), "1/100", mode="exact", dps=20)


@pytest.mark.parametrize("data", [singular_data(), singular_data(1).with_ridge(Fraction(3))],
                         ids=["singular", "big-ridge"])
def test_ridge_exact_equals_explicit_quadratic_losses(data: LeastSquaresData) -> None:
    data = data.with_ridge(RIDGE) if data.ridge == 0 else data
    eta = Fraction(1, 100)
    ridge = analyze(data, eta, mode="exact", dps=30)
    general = analyze(as_quadratic(data), eta, mode="exact", dps=30)
    for name in ("loss_star", "excess_loss", "slope_at_zero", "second_derivative_at_zero"):
        assert as_fraction(getattr(ridge, name)) == as_fraction(getattr(general, name)), name
    assert [as_fraction(c) for c in ridge.taylor] == [as_fraction(c) for c in general.taylor]
    assert agree_digits(ridge.eta_crit.eta_crit, general.eta_crit.eta_crit, 30) >= 28
    numbered = [r for r in ridge.crossval if isinstance(r["line"], int)]
    assert len(numbered) == 13 and min(r["agree_digits"] for r in ridge.crossval) >= 18


def test_ridge_modes_agree() -> None:
    data = singular_data(2).with_ridge(RIDGE)
    eta = Fraction(1, 50)
    exact = analyze(data, eta, mode="exact", dps=30, crossval=False)
    mp = analyze(data, eta, mode="mp", dps=30)
    flt = analyze(data, eta, mode="float64", dps=16)
    assert mp.certified_digits >= 28
    assert min(r["agree_digits"] for r in mp.crossval) >= 18
    for name in ("excess_loss", "slope_at_zero", "second_derivative_at_zero", "loss_star"):
        assert agree_digits(getattr(mp, name), getattr(exact, name), 30) >= 28, name
        assert agree_digits(getattr(flt, name), getattr(exact, name), 30) >= 10, name
    assert agree_digits(flt.eta_crit.eta_crit, exact.eta_crit.eta_crit, 30) >= 10


def test_ridge_d1_closed_form() -> None:
    """d = 1: H = h + λ, S = ηC/(2H − η E(x_b² + λ)²), C = E(x r + λφ)²."""
    xs, ys = [Fraction(1), Fraction(2), Fraction(-3)], [Fraction(1), Fraction(0), Fraction(2)]
    lam, eta, n = Fraction(1, 2), Fraction(1, 20), 3
    h = sum(x * x for x in xs) / n + lam
    phi = sum(x * y for x, y in zip(xs, ys, strict=True)) / n / h
    c = sum((x * (x * phi - y) + lam * phi) ** 2 for x, y in zip(xs, ys, strict=True)) / n
    m = sum((x * x + lam) ** 2 for x in xs) / n
    expected = h * (eta * c / (2 * h - eta * m)) / 2
    data = LeastSquaresData.from_arrays([[x] for x in xs], ys, ridge=lam)
    assert as_fraction(analyze(data, eta, mode="exact", dps=20).excess_loss) == expected


def test_bad_ridge() -> None:
    with pytest.raises(NumericInputError, match="at least 0"):
        singular_data().with_ridge(Fraction(-1))


def invoke(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="heatcap numeric")
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


PIXELS = "p1,p2,p3,p4,y\n0,1,5,0.5,1\n0,2,5,0.25,0\n0,3,5,0.5,2\n0,1,5,1,2\n0,4,5,0.75,1\n0,2,5,1,3\n"
BY_HAND = "p2,p4,y\n1,0.5,1\n2,0.25,0\n3,0.5,2\n1,1,2\n4,0.75,1\n2,1,3\n"


def test_drop_constant_equals_columns_removed_by_hand(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pixels.csv").write_text(PIXELS)
    (tmp_path / "hand.csv").write_text(BY_HAND)
    assert invoke(str(tmp_path / "pixels.csv"), "--eta", "1/100", "--dps", "20") == 2
    assert "singular" in capsys.readouterr().err
    args = ["--eta", "1/100", "--dps", "20", "--json", "--intercept", "--exact"]
    assert invoke(str(tmp_path / "pixels.csv"), "--drop-constant", *args) == 0
    dropped = json.loads(capsys.readouterr().out)
    assert invoke(str(tmp_path / "hand.csv"), *args) == 0
    hand = json.loads(capsys.readouterr().out)
    assert dropped.pop("dropped_columns") == [1, 3] and hand.pop("dropped_columns") == []
    assert dropped == hand
    assert invoke(str(tmp_path / "pixels.csv"), "--drop-constant", "--eta", "1/100",
                  "--dps", "20", "--ridge", "1/10") == 0
    text = capsys.readouterr().out
    assert "dropped constant columns 2: 1, 3" in text and "ridge λ                  1/10" in text


@pytest.mark.parametrize(("text", "args", "message"), [
    ("a,b,y\n1,2,3\n1,2,4\n1,2,5\n1,2,3\n", ["--drop-constant"], "every feature column"),
    (BY_HAND, ["--ridge", "-1"], "at least 0"),
    (BY_HAND, ["--ridge", "x"], "not a number"),
    (BY_HAND, ["--ridge", "1", "--batch-size", "2"], "--ridge is not available"),
])
def test_bad_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                   args: list[str], message: str) -> None:
    (tmp_path / "d.csv").write_text(text)
    assert invoke(str(tmp_path / "d.csv"), "--eta", "1/100", "--dps", "20", *args) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1 and message in captured.err

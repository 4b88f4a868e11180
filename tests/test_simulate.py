"""Monte Carlo SGD: z against the exact backend, the batch-means SE against AR(1), the CLI."""

from __future__ import annotations

import argparse
import doctest
import importlib
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from verify.numeric import LeastSquaresData, analyze
from verify.simulate.command import add_arguments, run
from verify.simulate.exact import exact_excess, minibatch_critical_rate, minibatch_excess_loss
from verify.simulate.montecarlo import simulate
from verify.simulate.stats import batch_means, integrated_autocorrelation_time

ROWS = "x1,x2,x3,y\n1,0,0.5,1\n0,1,0,0\n1,1,-1,2\n2,1,0,2\n0.5,-1,1,0.25\n-1,0.5,2,1\n0,0,1,-1\n"
KEYS = {"excess_loss", "standard_error", "exact_excess_loss", "z"}


def small_data() -> LeastSquaresData:
    table = [line.split(",") for line in ROWS.splitlines()[1:]]
    return LeastSquaresData.from_arrays([r[:-1] for r in table], [r[-1] for r in table])


def invoke(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="heatcap simulate")
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


@pytest.fixture
def csv_file(tmp_path: Path) -> str:
    path = tmp_path / "data.csv"
    path.write_text(ROWS)
    return str(path)


# ---------------------------------------------------------------- AR(1) closed form

def ar1(rho: float, chains: int, steps: int, seed: int) -> np.ndarray:
    """x_t = ρ x_{t−1} + ε_t, ε ~ N(0, 1), started from the stationary N(0, 1/(1 − ρ²))."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((steps, chains))
    out = np.empty((steps, chains))
    x = rng.standard_normal(chains) / math.sqrt(1 - rho * rho)
    for t in range(steps):
        x = rho * x + noise[t]
        out[t] = x
    return out.T


def ar1_variance_of_mean(rho: float, steps: int) -> float:
    """Var of the mean of T stationary AR(1) samples: (γ₀/T)[1 + 2 Σ_{k<T} (1 − k/T) ρ^k]."""
    gamma0 = 1 / (1 - rho * rho)
    k = np.arange(1, steps)
    return gamma0 / steps * (1 + 2 * float(np.sum((1 - k / steps) * rho**k)))


@pytest.mark.parametrize("rho", [0.5, 0.9])
def test_batch_means_matches_the_ar1_closed_form(rho: float) -> None:
    chains, steps = 20, 20_000
    samples = ar1(rho, chains, steps, seed=3)
    result = batch_means(samples)
    truth = math.sqrt(ar1_variance_of_mean(rho, steps) / chains)
    assert result.standard_error == pytest.approx(truth, rel=0.15)
    assert result.tau_int == pytest.approx((1 + rho) / (1 - rho), rel=0.1)
    naive = samples.std() / math.sqrt(samples.size)
    assert result.standard_error > 0.8 * math.sqrt((1 + rho) / (1 - rho)) * naive
    assert result.batches_per_chain > 1  # within-chain batches, not only chain means


def test_batch_means_single_chain_and_fixed_batches() -> None:
    rho, steps = 0.8, 200_000
    samples = ar1(rho, 1, steps, seed=5)
    truth = math.sqrt(ar1_variance_of_mean(rho, steps))
    auto = batch_means(samples)
    fixed = batch_means(samples, batches_per_chain=100)
    assert auto.chains == 1 and auto.batches_per_chain >= 2
    assert auto.standard_error == pytest.approx(truth, rel=0.35)
    assert fixed.standard_error == pytest.approx(truth, rel=0.25)
    assert abs(fixed.mean) < 4 * truth


def test_autocorrelation_time_of_white_noise_is_one() -> None:
    x = np.random.default_rng(0).standard_normal((8, 5000))
    assert integrated_autocorrelation_time(x) == pytest.approx(1.0, abs=0.1)
    assert integrated_autocorrelation_time(np.ones((2, 50))) == 1.0


def test_batch_means_refuses_non_finite_samples() -> None:
    with pytest.raises(ValueError, match="finite"):
        batch_means(np.array([[1.0, np.inf, 2.0]]))


# ---------------------------------------------------------------- SGD against the exact law

def test_simulation_agrees_with_the_exact_backend() -> None:
    data = small_data()
    result = simulate(data, "1/20", seed=11, exact_mode="exact")
    exact = analyze(data, "1/20", mode="exact", dps=20, crossval=False)
    assert result.exact_excess_loss == pytest.approx(float(exact.excess_loss), rel=1e-14)
    assert abs(result.z) < 4
    assert result.standard_error < 0.05 * result.excess_loss
    assert result.z == pytest.approx((result.excess_loss - result.exact_excess_loss)
                                     / result.standard_error)


def test_simulation_is_reproducible_with_the_seed() -> None:
    data = small_data()
    a = simulate(data, "0.05", chains=16, steps=400, burn_in=100, seed=7, exact_mode="float64")
    b = simulate(data, "0.05", chains=16, steps=400, burn_in=100, seed=7, exact_mode="float64")
    c = simulate(data, "0.05", chains=16, steps=400, burn_in=100, seed=8, exact_mode="float64")
    assert a == b
    assert a.excess_loss != c.excess_loss


def test_simulation_from_a_distant_start_forgets_it() -> None:
    data = small_data()
    result = simulate(data, "0.05", seed=2, start=np.array([5.0, -5.0, 5.0]), exact_mode="float64")
    assert abs(result.z) < 4


def test_minibatch_closed_form_reduces_to_the_backend_and_matches_monte_carlo() -> None:
    data = small_data()
    exact = analyze(data, "1/20", mode="mp", dps=20, crossval=False)
    assert minibatch_excess_loss(data, 0.05, 1) == pytest.approx(float(exact.excess_loss), rel=1e-10)
    assert minibatch_critical_rate(data, 1) == pytest.approx(float(exact.eta_crit.eta_crit), rel=1e-8)
    # B = n without replacement: c_B = 0, no noise, no excess loss
    assert minibatch_excess_loss(data, 0.05, data.n, "without-replacement") == pytest.approx(0, abs=1e-15)
    result = simulate(data, "0.1", batch_size=3, seed=4, exact_mode="float64")
    assert abs((result.excess_loss - minibatch_excess_loss(data, 0.1, 3)) / result.standard_error) < 4
    assert abs(result.z) < 4


def test_minibatch_without_replacement_and_momentum_match_their_exact_values() -> None:
    data = small_data()
    result = simulate(data, "0.1", batch_size=3, sampling="without-replacement", seed=5,
                      exact_mode="float64")
    expected = minibatch_excess_loss(data, 0.1, 3, "without-replacement")
    assert abs((result.excess_loss - expected) / result.standard_error) < 4
    heavy = simulate(data, "0.02", momentum="0.5", seed=6, exact_mode="float64")
    if heavy.exact_excess_loss is None:  # the variants API is not installed
        pytest.skip("verify.numeric.variants is not available")
    assert abs(heavy.z) < 4


def test_exact_excess_refuses_rates_beyond_the_critical_one() -> None:
    from verify.numeric import NumericInputError

    data = small_data()
    rate = minibatch_critical_rate(data, 2)
    with pytest.raises(NumericInputError, match="critical"):
        exact_excess(data, Fraction(rate * 1.01), batch_size=2, mode="float64")


# ---------------------------------------------------------------- command line

def test_command_json(csv_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert invoke(csv_file, "--eta", "1/20", "--seed", "3", "--json") == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert set(out) >= KEYS
    assert captured.err == ""
    exact = analyze(small_data(), "1/20", mode="mp", dps=20, crossval=False)
    assert out["exact_excess_loss"] == pytest.approx(float(exact.excess_loss), rel=1e-14)
    assert out["z"] == pytest.approx((out["excess_loss"] - out["exact_excess_loss"]) / out["standard_error"])
    assert abs(out["z"]) < 4 and out["d"] == 3 and out["n"] == 7


def test_command_text_and_start(csv_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert invoke(csv_file, "--eta", "0.05", "--start", "1,2,3", "--chains", "50",
                  "--exact-mode", "float64") == 0
    assert "L(η) − L* (MC)" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["missing.csv", "--eta", "0.05"], "cannot read"),
    (["{csv}", "--eta", "5"], "critical"),
    (["{csv}", "--eta", "nan"], "not finite"),
    (["{csv}", "--eta", "-1"], "positive"),
    (["{csv}", "--eta", "0.05", "--chains", "0"], "--chains"),
    (["{csv}", "--eta", "0.05", "--steps", "10", "--burn-in", "20"], "--burn-in"),
    (["{csv}", "--eta", "0.05", "--batch-size", "99"], "--batch-size"),
    (["{csv}", "--eta", "0.05", "--momentum", "1"], "momentum"),
    (["{csv}", "--eta", "0.05", "--start", "1,2"], "start"),
    (["{csv}", "--eta", "0.05", "--start", "1,x,2"], "not a number"),
    (["--eta", "0.05"], "DATA.csv"),
    (["--logistic", "--eta", "0.1,0.1"], "distinct"),
    (["{csv}", "--eta", "0.05", "--seed", "-1"], "--seed must be a non-negative integer"),
    (["--logistic", "--eta", "0.1,0.2", "--seed", "-1"], "--seed must be a non-negative integer"),
    (["{csv}", "--eta", "1e999999999"], "decimal exponent beyond ±300"),
])
def test_command_bad_input(csv_file: str, capsys: pytest.CaptureFixture[str], argv: list[str],
                           message: str) -> None:
    assert invoke(*[a.replace("{csv}", csv_file) for a in argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("heatcap: error:") and message in lines[0]


@pytest.mark.parametrize("name", ["stats", "montecarlo"])
def test_module_examples(name: str) -> None:
    module = importlib.import_module(f"verify.simulate.{name}")
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def test_the_default_reference_is_float64_with_certified_digits_or_else_mp(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """auto: float64 when it certifies enough digits, mp otherwise; both agree with the
    rational solve (an independent computation) to the digits they certify."""
    import verify.simulate.exact as exact_module

    data = small_data()
    rational = float(analyze(data, "1/20", mode="exact", crossval=False).excess_loss)
    fast = exact_excess(data, Fraction(1, 20))
    assert fast.source == "numeric (float64)" and fast.certified_digits >= exact_module.AUTO_MIN_DIGITS
    assert fast.excess_loss == pytest.approx(rational, rel=10.0 ** -fast.certified_digits)
    monkeypatch.setattr(exact_module, "AUTO_MIN_DIGITS", 17)  # more than float64 can certify
    slow = exact_excess(data, Fraction(1, 20))
    assert slow.source == "numeric (mp)" and slow.certified_digits >= 17
    assert slow.excess_loss == pytest.approx(rational, rel=1e-15)

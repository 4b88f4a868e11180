"""The nonlinear case: the MC slope of L(η) − L* at η → 0 against ¼ E_b‖g_b‖² (computed here)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from verify.numeric import NumericInputError
from verify.simulate.command import add_arguments, run
from verify.simulate.logistic import LogisticProblem, builtin_logistic, estimate_slope, fit_slope


def heat_capacity_by_irls(x: np.ndarray, y01: np.ndarray) -> float:
    """¼ E_b‖g_b‖² at the optimum, by iteratively reweighted least squares on 0/1 labels."""
    w = np.zeros(x.shape[1])
    for _ in range(60):
        p = 1 / (1 + np.exp(-x @ w))
        s = p * (1 - p)
        z = x @ w + (y01 - p) / s
        w = np.linalg.solve(x.T @ (s[:, None] * x), x.T @ (s * z))
    p = 1 / (1 + np.exp(-x @ w))
    g = (p - y01)[:, None] * x  # ∇ of the cross-entropy of example b
    return float(np.mean(np.sum(g * g, axis=1)) / 4)


def test_slope_estimate_within_its_error_bars_of_the_heat_capacity() -> None:
    problem = builtin_logistic()
    expected = heat_capacity_by_irls(problem.features, (problem.labels + 1) / 2)
    assert problem.heat_capacity == pytest.approx(expected, rel=1e-10)
    estimate = estimate_slope(problem, [0.1, 0.2, 0.4], chains=200, seed=0)
    assert abs(estimate.slope - expected) < 3 * estimate.slope_standard_error
    assert estimate.slope_standard_error < 0.05 * expected
    assert estimate.z == pytest.approx((estimate.slope - expected) / estimate.slope_standard_error,
                                       rel=1e-8)
    # the loss is not quadratic: L(η) − L* is visibly curved (c₂ ≠ 0 at this precision)
    assert estimate.curvature is not None and estimate.curvature > 0


def test_weighted_fit_recovers_an_exact_quadratic() -> None:
    etas = [0.1, 0.2, 0.3, 0.5]
    means = [0.7 * e - 0.4 * e * e for e in etas]
    slope, se, curvature = fit_slope(etas, means, [1e-3] * 4)
    assert slope == pytest.approx(0.7, rel=1e-10) and curvature == pytest.approx(-0.4, rel=1e-9)
    assert se > 0
    one = fit_slope([0.2], [0.1], [0.01])
    assert one == pytest.approx((0.5, 0.05, None))  # type: ignore[arg-type]


def test_separable_data_are_refused() -> None:
    x = np.array([[1.0, 0.0], [2.0, 1.0], [-1.0, 0.5], [-2.0, -1.0]])
    with pytest.raises(NumericInputError, match="separable"):
        LogisticProblem.of(x, np.array([1.0, 1.0, -1.0, -1.0]))


def test_command_logistic_from_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problem = builtin_logistic(n=120, d=2, seed=4)
    rows = ["a,b,label"] + [f"{float(u)!r},{float(v)!r},{int(t > 0)}" for (u, v), t in
                            zip(problem.features, problem.labels, strict=True)]
    path = tmp_path / "logistic.csv"
    path.write_text("\n".join(rows) + "\n")
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    code = run(parser.parse_args([str(path), "--logistic", "--eta", "0.2,0.4", "--chains", "64",
                                  "--json"]))
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["kind"] == "logistic" and len(out["points"]) == 2
    assert out["heat_capacity"] == pytest.approx(
        heat_capacity_by_irls(problem.features, (problem.labels + 1) / 2), rel=1e-10)
    assert {"slope", "slope_standard_error", "z"} <= set(out)

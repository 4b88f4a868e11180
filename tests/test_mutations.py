"""Deliberately broken lines are refuted, with a counterexample whose two sides really differ;
valid rewritings of the lecture's lines are verified."""

from __future__ import annotations

import pytest
from sympy import Integer, MatMul, Matrix, Rational, Trace, sympify

from derive.expectation import E_P, E_b
from derive.hypotheses import HYPOTHESES
from derive.limits import DerivativeAtZero, LimitAtZero
from derive.losses import ConvergedLoss, ExampleLoss, TrainingLoss
from derive.scalar import Scalar, SquaredNorm, inner, quadratic_form
from derive.sgd import sgd_step
from tests.exprs import (
    HALF,
    QUARTER,
    ZERO_VECTOR,
    D,
    H,
    eta,
    expanded_loss,
    g,
    mean_quadratic,
    noise,
)
from verify.counterexample import holds
from verify.evaluate import Env, evaluate
from verify.instances import Instance

MODEL = ("sgd-step", "stationarity", "independence")
ALL4 = ("expansion", "mean-gradient-zero", *MODEL)
S3 = (*MODEL, "mean-gradient-zero")
LIMIT = (*ALL4, "small-eta-limit")

BROKEN = {
    "quarter-to-half": (mean_quadratic(), eta / 2 * noise(), S3),
    "sign-flip": (mean_quadratic(), -eta / 4 * noise(), S3),
    "dropped-eta": (mean_quadratic(), QUARTER * noise(), S3),
    "as-written-minus": (E_P(HALF * quadratic_form(D, E_b(-H))), eta / 4 * noise(), S3),
    "step3-final-half": (ConvergedLoss(), TrainingLoss() + eta / 2 * noise(), ALL4),
    "dropped-L-star": (ConvergedLoss(), eta / 4 * noise(), ALL4),
    "missing-mean-zero": (mean_quadratic(), eta / 4 * noise(), MODEL),
    "missing-stationarity": (
        mean_quadratic(), eta / 4 * noise(), ("sgd-step", "independence", "mean-gradient-zero")
    ),
    "missing-independence": (
        mean_quadratic(), eta / 4 * noise(), ("sgd-step", "stationarity", "mean-gradient-zero")
    ),
    "missing-sgd-step": (
        mean_quadratic(), eta / 4 * noise(), ("stationarity", "independence", "mean-gradient-zero")
    ),
    "step2-missing-mean-zero": (
        E_b(ExampleLoss()) + E_P(inner(E_b(g), D) + HALF * quadratic_form(D, E_b(H))),
        TrainingLoss() + mean_quadratic(),
        (),
    ),
    "step2-missing-expansion": (ConvergedLoss(), E_P(E_b(expanded_loss())), ()),
    "expansion-missing-half": (
        ExampleLoss(D), ExampleLoss() + inner(g, D) + quadratic_form(D, H), ("expansion",)
    ),
    "expansion-not-named": (ExampleLoss(D), expanded_loss(), ()),
    "mean-gradient-not-named": (E_b(g), ZERO_VECTOR, ()),
    "theorem-half": (DerivativeAtZero(ConvergedLoss()), HALF * E_b(SquaredNorm(g)), LIMIT),
    "limit-missing-quarter": (DerivativeAtZero(ConvergedLoss()), LimitAtZero(noise()), LIMIT),
    "slope-at-twice-the-rate": (
        DerivativeAtZero(ConvergedLoss(2 * eta)), QUARTER * E_b(SquaredNorm(g)), LIMIT
    ),
    "loss-at-zero-is-not-at-eta": (ConvergedLoss(0), ConvergedLoss(), LIMIT),
    "loss-at-twice-the-rate": (ConvergedLoss(2 * eta), TrainingLoss() + eta / 4 * noise(), ALL4),
    "unexpanded-loss-at-another-point": (TrainingLoss(2 * D), TrainingLoss(D), ()),
    "unexpanded-loss-at-the-gradient": (E_b(ExampleLoss(g)), E_b(ExampleLoss(D)), ()),
    "limit-without-lemma": (QUARTER * LimitAtZero(noise()), QUARTER * E_b(SquaredNorm(g)), ()),
    "eta-squared-to-eta": (
        E_P(E_b(-2 * eta * inner(D, g + H * D) + eta * SquaredNorm(g + H * D))), Integer(0), MODEL
    ),
    "sgd-sign": (E_P(E_b(SquaredNorm(D + eta * (g + H * D)))), E_P(SquaredNorm(D)), MODEL),
    "swapped-order": (E_P(E_b(MatMul(H, D, D.T))), E_P(E_b(MatMul(D, D.T, H))), ()),
    "E_b-moved-past-H_b": (E_P(E_b(quadratic_form(D, H * H))), E_P(quadratic_form(D, E_b(H) * E_b(H))), ()),
    "E_b-moved-into-norm": (
        noise(), E_b(SquaredNorm(g)) + E_P(SquaredNorm(E_b(H) * D)), ("mean-gradient-zero",)
    ),
    "dropped-H-term": (mean_quadratic(), eta / 4 * E_b(SquaredNorm(g)), S3),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_line_is_refuted_with_a_real_counterexample(name: str, decide) -> None:
    lhs, rhs, uses = BROKEN[name]
    status, _residual, cert, cx, reason = decide(lhs, rhs, *uses)
    assert status == "refuted", reason
    assert cert is None
    assert cx.lhs != cx.rhs
    data = cx.to_json()
    assert data["d"] >= 3
    inst = Instance.from_json(data)
    for hypothesis in uses:
        assert holds(hypothesis, inst, HYPOTHESES), hypothesis
    # re-evaluate the two sides on the rebuilt instance at the reported point
    where = cx.where
    x = Matrix([sympify(v) for v in where["DeltaPhi"]]) if "DeltaPhi" in where else None
    env = Env(b=where["b"] - 1 if "b" in where else None, x=x)
    left, right = evaluate(lhs, inst, env), evaluate(rhs, inst, env)
    difference = left - right
    if isinstance(difference, Matrix):
        assert any(entry != 0 for entry in difference.applyfunc(lambda e: e.cancel()))
    else:
        assert difference.cancel() != 0
        assert (sympify(cx.lhs, locals={"eta": eta}) - left).cancel() == 0
        assert (sympify(cx.rhs, locals={"eta": eta}) - right).cancel() == 0


def test_there_are_at_least_twenty_broken_lines() -> None:
    assert len(BROKEN) >= 20


VALID = {
    "norm-expanded": (
        noise(),
        E_b(SquaredNorm(g)) + 2 * E_P(inner(E_b(H * g), D)) + E_P(quadratic_form(D, E_b(H * H))),
        (),
    ),
    "plain-average-factorises": (E_P(E_b(inner(g, D))), inner(E_b(g), E_P(D)), ()),
    "slope-at-twice-the-rate": (DerivativeAtZero(ConvergedLoss(2 * eta)), HALF * E_b(SquaredNorm(g)), LIMIT),
    "loss-at-zero": (ConvergedLoss(0), TrainingLoss(), ("expansion", "small-eta-limit")),
    "loss-at-twice-the-rate": (
        ConvergedLoss(2 * eta), TrainingLoss() + eta / 2 * E_P(E_b(SquaredNorm(g + H * D)), D, 2 * eta), ALL4
    ),
    "expansion-at-a-scaled-point": (
        TrainingLoss(2 * D), TrainingLoss() + 2 * E_b(quadratic_form(D, H)),
        ("expansion", "mean-gradient-zero"),
    ),
    "trace-form": (E_P(quadratic_form(D, E_b(H))), E_P(Trace(MatMul(E_b(H), D, D.T))), ()),
    "transpose": (E_P(E_b(Scalar(MatMul((H * D).T, g)))), E_P(E_b(inner(g, H * D))), ()),
    "linearity": (
        E_P(eta / 4 * SquaredNorm(D) + inner(g, g)), eta / 4 * E_P(SquaredNorm(D)) + inner(g, g), ()
    ),
    "step3-doubled": (E_P(quadratic_form(D, E_b(H))), eta / 2 * noise(), S3),
    "excess-loss": (ConvergedLoss() - TrainingLoss(), mean_quadratic(), ("expansion", "mean-gradient-zero")),
    "vector-identity": (E_b(H * g) + E_b(g), E_b(H * g), ("mean-gradient-zero",)),
    "matrix-transpose": ((E_b(H) * E_P(D * D.T)).T, E_P(D * D.T) * E_b(H), ()),
    "factorised-covariance": (E_P(E_b(inner(g, D) * inner(D, g))), E_P(quadratic_form(D, E_b(g * g.T))), ()),
    "theorem-in-one-line": (DerivativeAtZero(ConvergedLoss()), QUARTER * E_b(SquaredNorm(g)), LIMIT),
    "stationarity-expanded": (
        E_P(E_b(SquaredNorm(sgd_step()))) - E_P(SquaredNorm(D)),
        eta**2 * noise() - 2 * eta * E_P(quadratic_form(D, E_b(H))),
        ("mean-gradient-zero",),
    ),
    "limit-of-eta-noise": (LimitAtZero(eta * noise()), Integer(0), ("small-eta-limit",)),
    "loss-at-optimum": (TrainingLoss(), E_b(ExampleLoss()), ()),
    "rational-multiplier": (
        (1 + eta) * mean_quadratic(), (1 + eta) * eta / 4 * noise(), S3
    ),
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_rewriting_is_verified(name: str, decide) -> None:
    lhs, rhs, uses = VALID[name]
    status, residual, cert, cx, reason = decide(lhs, rhs, *uses)
    assert status == "verified", (reason, residual)
    assert cx is None and cert is not None


def test_a_true_line_needing_an_unstated_fact_is_not_verified(decide) -> None:
    # ½ tr(H S) = (η/4) E‖g + HΔΦ‖² holds at the stationary law, but not from `independence` alone
    status, *_ = decide(mean_quadratic(), eta / 4 * noise(), "independence")
    assert status != "verified"


@pytest.mark.parametrize("dropped", MODEL)
def test_the_model_needs_all_three_of_its_hypotheses(dropped: str, decide) -> None:
    uses = tuple(u for u in S3 if u != dropped)
    status, _res, _cert, cx, _reason = decide(mean_quadratic(), eta / 4 * noise(), *uses)
    assert status == "refuted" and dropped in cx.violates


def test_zero_times_a_divergent_limit_is_not_verified(decide) -> None:
    # lim η · lim (1/η) E_b‖g_b‖² = 0 would hold only if the second limit existed; it does not
    divergent = LimitAtZero(E_b(SquaredNorm(g)) / eta)
    status, *_ = decide(LimitAtZero(eta) * divergent, Integer(0), "small-eta-limit")
    assert status != "verified"
    status, *_ = decide(divergent, divergent + 1 - 1, "small-eta-limit")
    assert status == "verified"  # the same expression on both sides: an identity, nothing computed


def test_unknown_hypothesis_is_reported(decide) -> None:
    from verify.context import UnknownHypothesis

    with pytest.raises(UnknownHypothesis, match="known: expansion"):
        decide(Rational(1), Rational(1), "stationarty")

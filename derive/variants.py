r"""Beyond the seed: the Heat Capacity argument for variants of SGD, as proofs the checker verifies.

Each variant states its SGD step (kind ``sgd-step``); with the invariance of P_η and independence,
the checker derives the moment equations each line needs (``verify.invariance``), exactly as for
the lecture's proof.

**Preconditioned SGD.** With a fixed symmetric positive definite P, the step is
ΔΦ' = ΔΦ − ηP(g_b + H_bΔΦ). The second moment that stays stationary is now E[ΔΦᵀP⁻¹ΔΦ]; expanding
it as in the lecture's Step 3 (and cancelling P⁻¹P = I) gives

    L(η) − L(Φ*) = (η/4) E_{ΔΦ∼P_η} E_b (g_b + H_bΔΦ)ᵀ P (g_b + H_bΔΦ),

so dL/dη at 0 = ¼ E_b g_bᵀ P g_b = ¼ tr(P C), C = E_b g_b g_bᵀ.

**Minibatch SGD.** With a fresh minibatch of B examples per step, ΔΦ' = ΔΦ − η(ḡ_B + H̄_BΔΦ),
and the lecture's argument goes through with E_B in place of E_b:

    L(η) − L(Φ*) = (η/4) E_{ΔΦ∼P_η} E_B ‖ḡ_B + H̄_BΔΦ‖²,   dL/dη at 0 = (c_B/4) E_b ‖g_b‖²,

with c_B = 1/B (with replacement) or (n − B)/(B(n − 1)) (without replacement).

**Heavy-ball momentum.** With v' = βv − η(g_b + H_bΔΦ) and ΔΦ' = ΔΦ + v', the joint law of
(ΔΦ, v) is stationary, so the three second moments E‖ΔΦ‖², E[ΔΦᵀv] and E‖v‖² are stationary;
together they give E[ΔΦᵀv] = ½E‖v‖² and the exact identity L(η) − L(Φ*) = (1 + β)/(4η) E‖v‖²:
the excess loss is a kinetic energy.

>>> from derive.variants import preconditioned_proof
>>> proof = preconditioned_proof()
>>> [step.id for step in proof.steps]
['step-1', 'step-2', 'step-3']
>>> sorted(set(proof.hypotheses) - {"expansion", "independence", "mean-gradient-zero",
...     "positive-definite", "psd-hessians", "small-eta-limit", "stationarity"})
['preconditioned-step', 'preconditioner-inverse']
"""

from __future__ import annotations

from sympy import Basic, Identity, MatMul, Rational, Symbol, Trace, Tuple
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.batch import E_B, H_bar, c_B, g_bar
from derive.expectation import E_P, E_b
from derive.hypotheses import HYPOTHESES, Hypothesis, statement_latex
from derive.limits import DerivativeAtZero, LimitAtZero
from derive.losses import ConvergedLoss, TrainingLoss
from derive.proof import Line, Proof, Step
from derive.scalar import SquaredNorm, inner, quadratic_form
from derive.sgd import Equation
from derive.symbols import ConstantMatrix, DeltaPhi, H_b, StateVector, d, eta, g_b

__all__ = ["VARIANTS", "P", "P_inv", "preconditioned_proof", "preconditioned_step"]

P = ConstantMatrix("P", d, d)
P_inv = ConstantMatrix("P^{-1}", d, d)


def preconditioned_step(state: MatrixExpr = DeltaPhi) -> MatrixExpr:
    """ΔΦ' = ΔΦ − ηP(g_b + H_bΔΦ)."""
    return state - eta * P * (g_b + H_b * state)


MODEL = ("stationarity", "independence")


def _with_step(name: str, step: Basic, description: str, *extra: Hypothesis) -> dict[str, Hypothesis]:
    """The built-in hypotheses with the lecture's SGD step replaced by the variant's."""
    lhs = Tuple(*(s for s, _ in step)) if isinstance(step, tuple) else DeltaPhi
    rhs = Tuple(*(e for _, e in step)) if isinstance(step, tuple) else step
    hyp = Hypothesis(name, "sgd-step", statement_latex(Equation(lhs, rhs), "step"), description,
                     Equation(lhs, rhs), relation="step")
    base = {k: v for k, v in HYPOTHESES.items() if v.kind != "sgd-step"}
    return {**base, hyp.name: hyp, **{h.name: h for h in extra}}


def _preconditioned_hypotheses() -> dict[str, Hypothesis]:
    inverse = Hypothesis("preconditioner-inverse", "inverse", r"P P^{-1} = I",
                         "P is invertible and P^{-1} is its inverse", Equation(MatMul(P, P_inv), Identity(d)))
    return _with_step("preconditioned-step", preconditioned_step(),
                      "one step of SGD preconditioned by the fixed matrix P", inverse)


def preconditioned_proof() -> Proof:
    """dL/dη at 0 = ¼ tr(P C) for SGD preconditioned by a fixed SPD matrix P."""
    step = preconditioned_step()
    residual = g_b + H_b * DeltaPhi
    weighted = E_P(E_b(quadratic_form(residual, P)))
    half = Rational(1, 2)
    quarter = Rational(1, 4)
    model = ("preconditioned-step", *MODEL)
    core = (*model, "preconditioner-inverse", "mean-gradient-zero")
    slope = DerivativeAtZero(ConvergedLoss())
    steps = (
        Step("step-1", "Stationarity of the P⁻¹-weighted second moment", (
            Line(E_P(E_b(quadratic_form(step, P_inv))), E_P(quadratic_form(DeltaPhi, P_inv)), model),
            Line(E_P(half * quadratic_form(DeltaPhi, E_b(H_b))), eta / 4 * weighted, core),
        )),
        Step("step-2", "The converged loss", (
            Line(ConvergedLoss(), TrainingLoss() + eta / 4 * weighted, ("expansion", *core)),
        )),
        Step("step-3", "The limit η → 0", (
            Line(slope, quarter * LimitAtZero(weighted), ("expansion", *core, "small-eta-limit")),
            Line(quarter * LimitAtZero(weighted), quarter * E_b(quadratic_form(g_b, P)),
                 ("small-eta-limit",), chained=True),
            Line(quarter * E_b(quadratic_form(g_b, P)), quarter * Trace(MatMul(P, E_b(g_b * g_b.T))),
                 (), chained=True),
        )),
    )
    theorem = Equation(slope, quarter * Trace(MatMul(P, E_b(g_b * g_b.T))))
    return Proof("Heat capacity of preconditioned SGD", theorem, steps, _preconditioned_hypotheses(),
                 ("P is fixed, symmetric and positive definite",))


def minibatch_step(state: MatrixExpr = DeltaPhi) -> MatrixExpr:
    """ΔΦ' = ΔΦ − η(ḡ_B + H̄_BΔΦ)."""
    return state - eta * (g_bar + H_bar * state)


def _minibatch_hypotheses() -> dict[str, Hypothesis]:
    moments = Hypothesis("minibatch-moments", "batch",
                         r"E_B[\bar X_B \otimes \bar Y_B] = c_B E_b[X_b \otimes Y_b]"
                         r" + (1 - c_B) E_b X_b \otimes E_b Y_b",
                         "the first two moments of minibatch means; c_B = 1/B with replacement, "
                         "(n − B)/(B(n − 1)) without")
    return _with_step("minibatch-step", minibatch_step(),
                      "one SGD step on a fresh minibatch B (its mean gradient and Hessian)", moments)


def minibatch_proof() -> Proof:
    """dL/dη at 0 = (c_B/4) E_b‖g_b‖² for SGD with a fresh minibatch each step."""
    noise = E_P(E_B(SquaredNorm(g_bar + H_bar * DeltaPhi)))
    half, quarter = Rational(1, 2), Rational(1, 4)
    model = ("minibatch-step", *MODEL)
    core = (*model, "minibatch-moments", "mean-gradient-zero")
    slope = DerivativeAtZero(ConvergedLoss())
    target = c_B / 4 * E_b(SquaredNorm(g_b))
    steps = (
        Step("step-1", "Stationarity of the second moment under minibatch steps", (
            Line(E_P(E_B(SquaredNorm(minibatch_step()))), E_P(SquaredNorm(DeltaPhi)),
                 (*model, "minibatch-moments")),
            Line(E_P(half * quadratic_form(DeltaPhi, E_b(H_b))), eta / 4 * noise, core),
        )),
        Step("step-2", "The converged loss", (
            Line(ConvergedLoss(), TrainingLoss() + eta / 4 * noise, ("expansion", *core)),
        )),
        Step("step-3", "The limit η → 0", (
            Line(slope, quarter * LimitAtZero(noise), ("expansion", *core, "small-eta-limit")),
            Line(quarter * LimitAtZero(noise), quarter * E_B(SquaredNorm(g_bar)),
                 ("small-eta-limit", "minibatch-moments"), chained=True),
            Line(quarter * E_B(SquaredNorm(g_bar)), target, ("minibatch-moments", "mean-gradient-zero"),
                 chained=True),
        )),
    )
    return Proof("Heat capacity of minibatch SGD", Equation(slope, target), steps,
                 _minibatch_hypotheses(), ("the minibatch is drawn fresh at every step",))


beta = Symbol("beta", positive=True)
velocity = StateVector("v", d, 1)


def momentum_step() -> tuple[MatrixExpr, MatrixExpr]:
    """Heavy ball: v' = βv − η(g_b + H_bΔΦ), ΔΦ' = ΔΦ + v'. Returns (ΔΦ', v')."""
    v_next = beta * velocity - eta * (g_b + H_b * DeltaPhi)
    return DeltaPhi + v_next, v_next


def _momentum_hypotheses() -> dict[str, Hypothesis]:
    d_next, v_next = momentum_step()
    return _with_step("momentum-step", ((DeltaPhi, d_next), (velocity, v_next)),
                      "one heavy-ball step: v' = βv − η(g_b + H_bΔΦ), ΔΦ' = ΔΦ + v'")


def momentum_proof() -> Proof:
    """L(η) − L(Φ*) = (1 + β)/(4η) E‖v‖² for heavy-ball momentum (an exact identity)."""
    stationary = ("momentum-step", *MODEL)
    core = (*stationary, "mean-gradient-zero")
    kinetic = (1 + beta) / (4 * eta) * E_P(SquaredNorm(velocity))
    half = Rational(1, 2)
    steps = (
        Step("step-1", "Stationarity of the three second moments of (ΔΦ, v)", (
            Line(E_P(inner(DeltaPhi, velocity)), half * E_P(SquaredNorm(velocity)), stationary),
            Line(E_P(half * quadratic_form(DeltaPhi, E_b(H_b))), kinetic, core),
        )),
        Step("step-2", "The converged loss as kinetic energy", (
            Line(ConvergedLoss(), TrainingLoss() + kinetic, ("expansion", *core)),
        )),
    )
    return Proof("Heavy-ball momentum: the excess loss is kinetic energy",
                 Equation(ConvergedLoss(), TrainingLoss() + kinetic), steps, _momentum_hypotheses(),
                 ("0 <= β < 1; the slope dL/dη at 0 = tr C/(4(1 − β)) is checked in numbers "
                  "(heatcap numeric --momentum)",))


VARIANTS = {
    "minibatch": minibatch_proof,
    "momentum": momentum_proof,
    "preconditioner": preconditioned_proof,
}

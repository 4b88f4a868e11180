"""The variants of the argument as proofs: every line verified; each hypothesis needed."""

from __future__ import annotations

import pytest

from derive.variants import VARIANTS
from verify.checker import check_equation, check_proof


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_proof_is_verified(name: str) -> None:
    report = check_proof(VARIANTS[name]())
    assert report.ok, [(s.id, x.index, x.reason) for s in report.steps for x in s.lines]


ALGEBRAIC = 3  # the first lines of each variant proof: no limits, refutable at a fixed η


def _needed(name: str) -> list[tuple[int, str]]:
    proof = VARIANTS[name]()
    lines = [line for step in proof.steps for line in step.lines][:ALGEBRAIC]
    return [(i, u) for i, line in enumerate(lines) for u in line.uses]


@pytest.mark.parametrize(("name", "index", "dropped"),
                         [(n, i, u) for n in sorted(VARIANTS) for i, u in _needed(n)])
def test_dropping_a_hypothesis_is_not_verified(name: str, index: int, dropped: str) -> None:
    proof = VARIANTS[name]()
    line = [x for step in proof.steps for x in step.lines][index]
    uses = tuple(u for u in line.uses if u != dropped)
    status, _residual, cert, cx, _reason = check_equation(line.lhs, line.rhs, uses, proof.hypotheses)
    assert status != "verified" and cert is None
    if proof.hypotheses[dropped].kind == "batch":
        # the minibatch moments are a fact of every minibatch: no instance can break them
        assert status == "unknown"
    elif name == "momentum":
        # the exact instances give no joint law of (ΔΦ, v): honest "unknown", never verified
        assert status == "unknown"
    elif (name, index, dropped) not in UNREFUTED:
        assert status == "refuted", (name, index, dropped)
        assert dropped in cx.violates and cx.lhs != cx.rhs


# Lines that stay true without the hypothesis, or have no exact instance that breaks it alone:
# * the preconditioned lines never mention P⁻¹; they are true without `preconditioner-inverse`,
#   which only tells the checker the test matrix P⁻¹ to use (honestly: unknown);
# * no instance of the search is a law invariant under minibatch steps whose next minibatch
#   depends on the state (the cyclic law cycles through single examples).
UNREFUTED = {
    ("preconditioner", 1, "preconditioner-inverse"), ("preconditioner", 2, "preconditioner-inverse"),
    ("minibatch", 0, "independence"), ("minibatch", 1, "independence"), ("minibatch", 2, "independence"),
}


def test_cross_moments_of_two_states_respect_transposition() -> None:
    from sympy import MatMul, Transpose

    from derive.expectation import E_P
    from derive.hypotheses import HYPOTHESES
    from derive.scalar import inner
    from derive.symbols import DeltaPhi
    from derive.variants import velocity
    from verify.canonical import canonical, probes_for
    from verify.context import Context

    ctx = Context.build((), HYPOTHESES)

    def same(a, b) -> bool:
        probes = probes_for(a, ctx)
        return (canonical(a, ctx, probes) - canonical(b, ctx, probes)).is_zero()

    assert same(E_P(inner(DeltaPhi, velocity)), E_P(inner(velocity, DeltaPhi)))
    dv = E_P(MatMul(DeltaPhi, Transpose(velocity)))
    vd = E_P(MatMul(velocity, Transpose(DeltaPhi)))
    assert not same(dv, vd)  # E[ΔΦ vᵀ] is not symmetric
    assert same(Transpose(dv), vd)


def test_momentum_identity_with_a_wrong_factor_is_not_verified() -> None:
    from sympy import Rational

    from derive.expectation import E_P
    from derive.scalar import SquaredNorm
    from derive.symbols import eta
    from derive.variants import beta, momentum_proof, velocity

    proof = momentum_proof()
    line = proof.steps[0].lines[1]
    wrong = (1 + beta) / (2 * eta) * E_P(SquaredNorm(velocity))
    status, *_ = check_equation(line.lhs, wrong, line.uses, proof.hypotheses)
    assert status == "unknown"
    status, *_ = check_equation(line.lhs, line.rhs * Rational(1), line.uses, proof.hypotheses)
    assert status == "verified"


def test_an_unreduced_average_is_not_constant_in_a_limit() -> None:
    # without the minibatch moments, E_P E_B[...] stays opaque; it depends on η through P_η,
    # so lim_{η→0} of it must not be taken to be itself (that would verify a false line)
    from derive.batch import E_B, H_bar, g_bar
    from derive.expectation import E_P
    from derive.hypotheses import HYPOTHESES
    from derive.limits import LimitAtZero
    from derive.scalar import SquaredNorm
    from derive.symbols import DeltaPhi

    noise = E_P(E_B(SquaredNorm(g_bar + H_bar * DeltaPhi)))
    status, *_ = check_equation(LimitAtZero(noise), noise, (), HYPOTHESES)
    assert status != "verified"
    status, *_ = check_equation(LimitAtZero(noise), noise, ("small-eta-limit",), HYPOTHESES)
    assert status != "verified"


def test_small_eta_limit_speaks_of_the_state_only() -> None:
    # E‖ΔΦ‖² → 0 says nothing about a velocity v: lim E‖v‖² = 0 must not be verified from it
    from sympy import Integer

    from derive.expectation import E_P
    from derive.hypotheses import HYPOTHESES
    from derive.limits import LimitAtZero
    from derive.scalar import SquaredNorm
    from derive.symbols import DeltaPhi
    from derive.variants import velocity

    status, *_ = check_equation(LimitAtZero(E_P(SquaredNorm(velocity))), Integer(0),
                                ("small-eta-limit",), HYPOTHESES)
    assert status != "verified"
    status, *_ = check_equation(LimitAtZero(E_P(SquaredNorm(DeltaPhi))), Integer(0),
                                ("small-eta-limit",), HYPOTHESES)
    assert status == "verified"

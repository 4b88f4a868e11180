"""Unit tests of the canonical form: linearity, plain averages, cyclicity, transposes, symmetry,
internal names that declared symbols cannot capture, losses at their point, laws at their rate."""

from __future__ import annotations

import pytest
from sympy import Identity, MatMul, Trace, Transpose

from derive.expectation import E_P, E_b
from derive.hypotheses import HYPOTHESES
from derive.limits import LimitAtZero
from derive.losses import ConvergedLoss, ExampleLoss, TrainingLoss
from derive.scalar import Scalar, SquaredNorm, inner, quadratic_form
from derive.symbols import ConstantMatrix, ConstantVector, ExampleVector, d
from tests.exprs import HALF, D, H, eta, g
from verify.canonical import canonical
from verify.context import Context
from verify.network import Irreducible


def same(a, b, *uses: str) -> bool:
    ctx = Context.build(uses, HYPOTHESES)
    from verify.canonical import probes_for

    probes = probes_for(a, ctx)
    return (canonical(a, ctx, probes) - canonical(b, ctx, probes)).is_zero()


def test_linearity_of_both_expectations() -> None:
    lhs = E_P(E_b(eta * inner(g, D) + 3 * quadratic_form(D, H)))
    rhs = eta * E_P(E_b(inner(g, D))) + 3 * E_P(E_b(quadratic_form(D, H)))
    assert same(lhs, rhs)


def test_linearity_does_not_invent_terms() -> None:
    assert not same(E_b(inner(g, D) + inner(g, g)), E_b(inner(g, D)))


def test_the_plain_average_factorises_for_every_law() -> None:
    # E_b is the plain average over the training set: E_P E_b[gᵀΔΦ] = (E_b g)ᵀ (E_P ΔΦ) for every
    # law of ΔΦ, with no hypothesis (the lecture's Step 2).
    lhs = E_P(E_b(inner(g, D)))
    assert same(lhs, inner(E_b(g), E_P(D)))
    assert same(lhs, E_P(inner(E_b(g), D)))
    assert not same(lhs, E_b(inner(g, g)))


def test_plain_average_of_data_needs_no_independence() -> None:
    # E_b of data alone (outside any E_P) is the plain average, factorisation is linearity.
    assert same(E_b(2 * SquaredNorm(g)), 2 * E_b(SquaredNorm(g)))


def test_trace_cyclicity() -> None:
    lhs = E_P(quadratic_form(D, E_b(H)))
    rhs = E_P(Scalar(MatMul(D.T, D))) * 0 + E_P(Trace(MatMul(E_b(H), D, D.T)))
    assert same(lhs, rhs)
    assert same(Trace(MatMul(H, H, E_b(H))), Trace(MatMul(E_b(H), H, H)))


def test_transposes_of_scalars_and_symmetric_matrices() -> None:
    assert same(Scalar(MatMul(Transpose(H * D), g)), inner(g, H * D))
    assert same(Scalar(MatMul(D.T, H.T, g)), Scalar(MatMul(g.T, H, D)))


def test_order_of_matrix_products_matters() -> None:
    p = ConstantMatrix("P", d, d)
    lhs = E_b(MatMul(H, p))
    rhs = E_b(MatMul(p, H))
    assert not same(lhs, rhs)  # H_b P ≠ P H_b as matrices
    assert same(Trace(lhs), Trace(rhs))  # but their traces agree


def test_separate_averages_are_not_merged() -> None:
    # E_b[H_b H_b] is not (E_b H_b)(E_b H_b)
    assert not same(E_b(quadratic_form(g, H * H)), E_b(quadratic_form(g, E_b(H) * E_b(H))))


def test_identity_and_dimension() -> None:
    assert same(Trace(Identity(d)) * E_b(SquaredNorm(g)), d * E_b(SquaredNorm(g)))


def test_mean_zero_kills_only_lonely_gradients() -> None:
    assert same(E_P(inner(E_b(g), D)), 0 * eta, "mean-gradient-zero")
    assert same(E_P(E_b(inner(g, D))), 0 * eta, "mean-gradient-zero")
    assert not same(E_P(E_b(inner(g, D))), 0 * eta)
    assert not same(E_b(SquaredNorm(g)), 0 * eta, "mean-gradient-zero")
    assert not same(E_P(E_b(inner(g, H * D))), 0 * eta, "mean-gradient-zero")


def test_renaming_of_averages() -> None:
    a = E_b(inner(g, E_b(H) * g))
    b = E_b(quadratic_form(g, E_b(H)))
    assert same(a, b)


def test_third_moments_are_irreducible() -> None:
    with pytest.raises(Irreducible):
        same(E_P(inner(g, D) * SquaredNorm(D)), 0 * eta)


def test_undeclared_per_example_vector_is_its_own_letter() -> None:
    x = ExampleVector("x_b", d, 1)
    assert not same(E_b(inner(x, x)), E_b(inner(g, g)))
    assert same(E_P(E_b(HALF * inner(x, D))), HALF * E_P(inner(E_b(x), D)))


@pytest.mark.parametrize("name", ["u", "v", "m", "S"])
def test_declared_vectors_do_not_meet_the_probes_or_the_moments(name: str) -> None:
    # (uᵀw)u = (uᵀu)w is false; a declared u must not be read as the checker's probe vector
    u, w = ConstantVector(name, d, 1), ConstantVector("w", d, 1)
    assert not same(inner(u, w) * u, inner(u, u) * w)
    assert not same(E_P(inner(u, D)), inner(u, u))
    assert same(inner(u, w) * u, u * inner(w, u))


def test_an_unexpanded_loss_keeps_its_point() -> None:
    assert not same(TrainingLoss(2 * D), TrainingLoss(D))
    assert not same(E_b(ExampleLoss(g)), E_b(ExampleLoss(D)))
    assert same(E_b(ExampleLoss(D + g)), E_b(ExampleLoss(g + D)))
    # with the expansion, L_b(Φ* + 2ΔΦ) = L_b(Φ*) + 2 g_bᵀΔΦ + 2 ΔΦᵀH_bΔΦ
    assert same(ExampleLoss(2 * D), ExampleLoss() + 2 * inner(g, D) + 2 * quadratic_form(D, H), "expansion")


def test_the_law_keeps_its_rate() -> None:
    assert not same(E_P(SquaredNorm(D), D, 2 * eta), E_P(SquaredNorm(D)))
    assert same(E_P(SquaredNorm(D), D, 2 * eta), E_P(SquaredNorm(D), D, eta + eta))
    assert not same(ConvergedLoss(2 * eta), ConvergedLoss(eta), "expansion")
    # L(0) is the lecture's definition, lim L(η): L(Φ*) when the law concentrates
    assert ConvergedLoss(0).doit() == LimitAtZero(ConvergedLoss(eta))
    assert same(ConvergedLoss(0), TrainingLoss(), "expansion", "small-eta-limit")
    assert not same(ConvergedLoss(eta), TrainingLoss(), "expansion", "small-eta-limit")
    with pytest.raises(Irreducible):  # without the lemma the limit is not shown to exist
        same(ConvergedLoss(0), TrainingLoss(), "expansion")

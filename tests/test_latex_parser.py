"""The LaTeX parser: every display of the seed verbatim, the notation's variants, the scope
convention, the errors, and the round trip latex(expr) → parse → expr (a property test)."""

from __future__ import annotations

import doctest
import importlib
import operator
from functools import reduce
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Basic, Integer, MatAdd, Rational, ZeroMatrix

from derive.expectation import E_P, E_b
from derive.limits import DerivativeAtZero, LimitAtZero
from derive.losses import ConvergedLoss, ExampleLoss, TrainingLoss
from derive.parse import LatexError, parse_display, parse_equation, parse_expression, parse_row
from derive.parse.algebra import HigherOrder, product
from derive.printing import latex
from derive.scalar import Scalar, SquaredNorm, inner, quadratic_form
from derive.sgd import sgd_step
from derive.symbols import DeltaPhi, H_b, d, eta, g_b

D, g, H = DeltaPhi, g_b, H_b
HALF, QUARTER = Rational(1, 2), Rational(1, 4)

SEED_FILE = Path(__file__).resolve().parent / "proofs" / "seed_displays.tex"
SEED_DISPLAYS = [x for x in SEED_FILE.read_text(encoding="utf-8").splitlines() if not x.startswith("%")]


def _noise() -> Basic:
    return E_P(E_b(SquaredNorm(g + H * D)))


def test_every_seed_display_parses_verbatim() -> None:
    previous = None
    for display in SEED_DISPLAYS:
        chained = display.startswith("=")
        rows = (parse_row(display, previous),) if chained else parse_display(display)
        last = rows[-1]
        previous = last.relations[-1].rhs if last.relations else last.value
    assert previous == QUARTER * E_b(SquaredNorm(g))


EXPECTED = {
    3: (DerivativeAtZero(ConvergedLoss()), QUARTER * E_b(SquaredNorm(g))),
    4: (TrainingLoss(D), E_b(ExampleLoss(D))),
    5: (ExampleLoss(D), ExampleLoss() + inner(g, D) + HALF * quadratic_form(D, H)),
    6: (E_b(g), ZeroMatrix(d, 1)),
    9: (E_P(E_b(SquaredNorm(sgd_step()))), E_P(SquaredNorm(D))),
    10: (E_P(E_b(-2 * eta * inner(D, g + H * D) + eta**2 * SquaredNorm(g + H * D))), Integer(0)),
    11: (E_P(HALF * quadratic_form(D, E_b(-H))), eta / 4 * _noise()),
    12: (ConvergedLoss(), TrainingLoss() + eta / 4 * _noise()),
    14: (DerivativeAtZero(ConvergedLoss()), QUARTER * LimitAtZero(_noise())),
}


@pytest.mark.parametrize("index", sorted(EXPECTED))
def test_seed_display_reads_as_the_lecture_means(index: int) -> None:
    eq = parse_equation(SEED_DISPLAYS[index])
    assert (eq.lhs, eq.rhs) == EXPECTED[index]


def test_the_definition_of_L0_and_its_remark() -> None:
    first, second = parse_display(SEED_DISPLAYS[0])
    assert first.relations[0].symbol == r"\doteq"
    assert first.relations[0].rhs == LimitAtZero(ConvergedLoss())
    assert second.relations[0].chained and second.relations[0].rhs == TrainingLoss()
    assert second.remark == r"\Phi^* \text{ a local optimum}"


def test_the_taylor_expansion_ends_in_higher_order_terms() -> None:
    for display in SEED_DISPLAYS[1:3]:
        eq = parse_equation(display)
        assert eq.rhs == TrainingLoss() + eta * DerivativeAtZero(ConvergedLoss()) + HigherOrder(eta)


def test_the_positive_definite_display_is_a_statement_with_a_remark() -> None:
    (row,) = parse_display(SEED_DISPLAYS[7])
    assert row.value == E_b(H) and row.remark == r"\text{is positive definite}"


SAME = [
    (r"\Delta \Phi^\top H_b \Delta\Phi", r"\Delta\Phi^{\top} H_{b} \Delta\Phi"),
    (r"{\cal L}_b(\Phi^*)", r"\mathcal{L}_b(\Phi^*)"),
    (r"{\cal L}(\eta)", r"\mathcal{L}(\eta)"),
    (r"||g_b||^2", r"\|g_b\|^2"),
    (r"\left\| g_b \right\|^{2}", r"\|g_b\|^2"),
    (r"E_{b} \; g_b^T \, \Delta\Phi \quad", r"E_b g_b^\top \Delta\Phi"),
    (r"\left( \eta + 1 \right) \left[ \eta \right]", r"(\eta + 1) [\eta]"),
    (r"\frac{\partial \mathcal{L}(\eta)}{\partial \eta} \bigg|_{\eta = 0}",
     r"\left.\frac{d\mathcal{L}}{d\eta}\right|_{\eta=0}"),
    (r"\lim_{\eta \to 0} \eta", r"\lim_{\eta \rightarrow 0} \eta"),
    (r"\tfrac{\eta}{4}", r"\frac{\eta}{4}"),
    (r"E_{\Delta \Phi \sim P_{\eta}} \|\Delta\Phi\|^2", r"E_{\Delta\Phi \sim P_\eta} \|\Delta\Phi\|^2"),
    (r"\mathcal{L}_b(\Phi)", r"\mathcal{L}_b(\Phi^* + \Delta\Phi)"),
    (r"g_b \Delta\Phi", r"g_b^\top \Delta\Phi"),
    (r"g_b \cdot \Delta\Phi", r"g_b^\top \Delta\Phi"),
    (r"\mathbb{E}_b g_b^\top g_b", r"E_b g_b^\top g_b"),
]


@pytest.mark.parametrize(("left", "right"), SAME)
def test_notation_variants_read_the_same(left: str, right: str) -> None:
    assert parse_expression(left) == parse_expression(right)


SCOPE = [
    (r"(E_b - H_b)", E_b(-H)),
    (r"E_b g_b^\top g_b + \eta", E_b(inner(g, g) + eta)),
    (r"(E_b g_b^\top g_b) + \eta", E_b(inner(g, g)) + eta),
    (r"\eta + E_b g_b^\top g_b", eta + E_b(inner(g, g))),
    (r"E_{\Delta\Phi \sim P_\eta} E_b - 2\eta + \eta^2", E_P(E_b(-2 * eta + eta**2))),
    (r"\left[ E_b \eta \right] \eta", E_b(eta) * eta),
    (r"\|E_b g_b\|^2", SquaredNorm(E_b(g))),
]


@pytest.mark.parametrize(("text", "value"), SCOPE)
def test_an_expectation_reaches_to_the_end_of_its_group(text: str, value: Basic) -> None:
    assert parse_expression(text) == value


ERRORS = [
    (r"E_b \nabla g_b", r"unknown macro \nabla", 4),
    (r"E_b y", "undeclared symbol y", 4),
    (r"(g_b + \eta", "cannot add a d×1 vector and a scalar", 5),
    (r"\frac{1}{2", "unbalanced braces", 8),
    (r"\|g_b\|^3", "only squared norms", 0),
    (r"H_b g_b \Delta\Phi", "cannot multiply a d×1 vector by a d×1 vector", 8),
    (r"E_{\Phi} g_b", r"expected E_b or E_{\Delta\Phi \sim P_\eta}", 2),
    (r"\lim_{b \to 0} \eta", r"expected the learning rate \eta", 6),
    (r"\dots", r"\dots may only end a sum", 0),
    (r"g_b^*", r"^* marks the optimum", 4),
    (r"\eta \text{x}", r"\text{...} is read only as a remark", 5),
]


@pytest.mark.parametrize(("text", "message", "column"), ERRORS)
def test_errors_say_what_and_where(text: str, message: str, column: int) -> None:
    with pytest.raises(LatexError) as info:
        parse_display(text)
    assert message in info.value.message
    assert info.value.column == column
    caret_line = str(info.value).splitlines()[-1]
    assert caret_line.index("^") - 4 == column


MODULES = [
    "derive.parse", "derive.parse.errors", "derive.parse.lexer", "derive.parse.notation",
    "derive.parse.algebra", "derive.parse.expression", "derive.parse.display", "derive.prooffile",
    "derive.proof",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# -- the round trip: derive prints, the parser reads back the same tree --------------------
# Sums hold only "closed" terms (no expectation left open at their end), because the printer
# writes E_b x + y for E_b[x] + y, which the lecture's scope convention reads as E_b[x + y].
numbers = st.sampled_from([Integer(2), Integer(3), Rational(1, 2), Rational(1, 4), Rational(-3, 2)])
coefficients = st.one_of(numbers, st.just(eta), numbers.map(lambda c: c * eta), st.just(eta**2))
# The printer writes uᵀ(−c v) as "u^\\top - c v", which reads as a difference: vectors get c > 0.
positive = st.sampled_from([Integer(2), Rational(1, 4), eta, Rational(1, 2) * eta])
vector_leaves = st.sampled_from([g, D])
matrices = st.sampled_from([H, E_b(H)])


def _vectors() -> st.SearchStrategy[Basic]:
    return st.recursive(
        vector_leaves,
        lambda inner_: st.one_of(
            st.builds(lambda m, v: m * v, st.just(H), inner_),
            st.builds(lambda v, w: v + w, inner_, inner_),
            st.builds(lambda c, v: c * v, positive, inner_),
            st.builds(lambda v: H * E_b(v), vector_leaves),
        ),
        max_leaves=4,
    )


vectors = _vectors()
closed_leaves = st.one_of(
    coefficients,
    st.sampled_from([ExampleLoss(), ExampleLoss(D), TrainingLoss(), TrainingLoss(D), ConvergedLoss(),
                     DerivativeAtZero(ConvergedLoss())]),
    st.builds(inner, vectors, vectors),
    st.builds(quadratic_form, vector_leaves, matrices),
    st.builds(SquaredNorm, vectors),
)
closed = st.recursive(
    closed_leaves,
    lambda inner_: st.one_of(
        st.builds(lambda a, b: a + b, inner_, inner_),
        st.builds(lambda c, a: c * a, coefficients, inner_),
    ),
    max_leaves=4,
)


def _scoped(body: st.SearchStrategy[Basic]) -> st.SearchStrategy[Basic]:
    op = st.sampled_from([E_b, E_P, LimitAtZero])
    return st.builds(lambda f, c, x: c * f(x), op, st.one_of(st.just(Integer(1)), coefficients), body)


expressions = st.recursive(closed, _scoped, max_leaves=3)


def _flat(expr: Basic) -> Basic:
    """What the parser builds: uᵀ(H v) is the flat chain uᵀ H v with its coefficient outside, and
    a vector sum is summed term by term (SymPy leaves 2(u + v) = 2u + 2v unsorted)."""
    summed = expr.replace(lambda e: isinstance(e, MatAdd), lambda e: reduce(operator.add, e.args))
    return summed.replace(lambda e: isinstance(e, Scalar), lambda e: product(e.matrix.args))


@settings(max_examples=300, deadline=None)
@given(expressions)
def test_latex_round_trip(expr: Basic) -> None:
    text = latex(expr)
    parsed = parse_expression(text)
    # equal trees, up to how SymPy distributes a number over a sum: 2(η + 1) or 2η + 2
    assert parsed == _flat(expr) or (parsed - _flat(expr)).expand(deep=False) == 0, text
    assert parse_expression(latex(parsed)) == parsed

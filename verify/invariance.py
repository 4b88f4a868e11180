r"""Moment equations of the stationary law, derived from the SGD model.

The model is three hypotheses: the step ``ΔΦ' = A_b ΔΦ + c_b`` (``sgd-step``; for the lecture
A_b = I − ηH_b, c_b = −ηg_b), the invariance of the law ``ΔΦ' ∼ P_η`` (``invariance``), and
``independence``: the example b of the step is drawn fresh and uniform, independent of ΔΦ. Then
for every test function f of the state whose expectation is finite,

    E_{ΔΦ∼P_η} E_b f(A_b ΔΦ + c_b) = E_{ΔΦ∼P_η} f(ΔΦ),

where E_b is the plain average over the training set — that it is the plain average is exactly
what independence says (the law of (ΔΦ, b) is P_η × uniform). For a polynomial f of degree ≤ 2
both sides are linear in the first two moments of P_η, so each f gives an exact linear equation
between moments. The lecture's Step 3 is the one for f(x) = ‖x‖²:

    E_{ΔΦ∼P_η} E_b ‖ΔΦ − η(g_b + H_bΔΦ)‖² = E_{ΔΦ∼P_η} ‖ΔΦ‖².

The checker combines such equations with multipliers rational in η. The test functions are
‖x‖² and xᵀy (x, y the states), xᵀAy for each fixed matrix A in sight, and the terms the line
itself averages under E_{ΔΦ∼P_r}; each at every rate r at which the line reads the law.

>>> from derive.hypotheses import HYPOTHESES
>>> from derive.symbols import DeltaPhi
>>> from derive.scalar import SquaredNorm
>>> model = model_of([HYPOTHESES[x] for x in ("sgd-step", "stationarity", "independence")])
>>> equation = invariance_equation(model, SquaredNorm(DeltaPhi), model.rate)
>>> print(equation.latex())  # doctest: +NORMALIZE_WHITESPACE
E_{\Delta\Phi \sim P_\eta} E_b \|\Delta\Phi - \eta \left(g_b + H_b \Delta\Phi\right)\|^2
 = E_{\Delta\Phi \sim P_\eta} \|\Delta\Phi\|^2
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations_with_replacement
from typing import TYPE_CHECKING

from sympy import Add, Basic, Expr, Mul, Tuple, preorder_traversal
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.batch import E_B, BatchMatrix, BatchVector
from derive.expectation import E_P, E_b, ExampleMean, StationaryMean, depends_on_example, depends_on_state
from derive.hypotheses import Hypothesis
from derive.losses import ConvergedLoss, TrainingLoss
from derive.printing import lecture_latex
from derive.scalar import SquaredNorm, inner, quadratic_form
from derive.sgd import Equation
from derive.symbols import ConstantMatrix, StateVector, d, eta
from verify.network import Irreducible

if TYPE_CHECKING:
    from verify.context import Context, NamedEquation

__all__ = ["Model", "invariance_equation", "model_equations", "model_of", "test_functions"]

MODEL_KINDS = frozenset({"sgd-step", "invariance", "independence"})


@dataclass(frozen=True)
class Model:
    """The SGD model: each state's next value, and the name of the invariance hypothesis."""

    steps: tuple[tuple[StateVector, MatrixExpr], ...]
    name: str = "stationarity"
    rate: Expr = eta

    @property
    def states(self) -> tuple[StateVector, ...]:
        return tuple(s for s, _ in self.steps)

    def next_state(self, rate: Expr) -> dict[StateVector, MatrixExpr]:
        """Each state's next value with the step's rate η replaced by ``rate``."""
        return {s: e.xreplace({self.rate: rate}) for s, e in self.steps}

    def fresh(self, body: Basic) -> Basic:
        """The average over the step's fresh example: E_b (E_B for a minibatch step)."""
        batch = any(e.atoms(BatchVector, BatchMatrix) for _, e in self.steps)
        return E_B(body) if batch else E_b(body)


def model_of(used: Sequence[Hypothesis]) -> Model | None:
    """The model named by a line (sgd-step, invariance and independence all named), else None."""
    if not {h.kind for h in used} >= MODEL_KINDS:
        return None
    steps = [h for h in used if h.kind == "sgd-step"]
    invariance = next(h for h in used if h.kind == "invariance")
    if len(steps) != 1 or steps[0].equation is None:
        return None
    lhs, rhs = steps[0].equation.lhs, steps[0].equation.rhs
    pairs = tuple(zip(lhs, rhs, strict=True)) if isinstance(lhs, Tuple) else ((lhs, rhs),)
    return Model(pairs, invariance.name)


def invariance_equation(model: Model, f: Basic, rate: Expr) -> Equation:
    """E_{P_r} E_b f(ΔΦ') = E_{P_r} f(ΔΦ) for the test function f, at the rate r."""
    moved = f.xreplace(model.next_state(rate))
    law = model.states[0]  # the state E_{ΔΦ∼P_r} is written with (a joint state: its first)
    return Equation(E_P(model.fresh(moved), law, rate), E_P(f, law, rate))


def _state_degree(f: Basic, states: Iterable[StateVector]) -> int:
    names = set(states)
    return sum(1 for node in preorder_traversal(f) if node in names)


def _averaged(exprs: Iterable[Basic]) -> Iterator[tuple[Expr, Basic]]:
    """(rate, body) of every E_{ΔΦ∼P_r}[body] in the expressions, L(r) unfolded."""
    for expr in exprs:
        for node in preorder_traversal(expr):
            if isinstance(node, StationaryMean):
                yield node.rate, node.expr
            elif isinstance(node, ConvergedLoss):
                yield (eta if node.rate == 0 else node.rate), TrainingLoss(node.state)


def _terms(body: Basic) -> list[Basic]:
    """The additive terms of a body, through E_b by linearity, without numeric coefficients."""
    if isinstance(body, Add):
        return [t for a in body.args for t in _terms(a)]
    if isinstance(body, Mul) and any(a.is_Number for a in body.args):  # f and cf give one equation
        return _terms(Mul(*[a for a in body.args if not a.is_Number]))
    if isinstance(body, ExampleMean) and isinstance(body.expr, Add):
        return [t for a in body.expr.args for t in _terms(E_b(a))]
    return [body]


def _usable(f: Basic, states: Sequence[StateVector]) -> bool:
    """A test function: closed in b, no nested law, degree 1 or 2 in the states."""
    if depends_on_example(f) or any(isinstance(n, StationaryMean) for n in preorder_traversal(f)):
        return False
    return depends_on_state(f) and 1 <= _state_degree(f, states) <= 2


def test_functions(
    model: Model, exprs: Sequence[Basic], inverses: Iterable[str] = ()
) -> list[tuple[Basic, Expr]]:
    """The (f, rate) pairs whose invariance equations a line may combine (module docstring);
    ``inverses`` names fixed matrices that have a named inverse (their weights are test matrices too)."""
    states = model.states
    rates = list(dict.fromkeys([model.rate, *(r for r, _ in _averaged(exprs))]))
    base: list[Basic] = [SquaredNorm(x) if x == y else inner(x, y)
                         for x, y in combinations_with_replacement(states, 2)]
    mats = {a for e in [*exprs, *(s for _, s in model.steps)] for a in e.atoms(ConstantMatrix)}
    mats |= {ConstantMatrix(name, d, d) for name in inverses}
    base += [quadratic_form(x, a) if x == y else inner(x, a * y)
             for a in sorted(mats, key=str) for x, y in combinations_with_replacement(states, 2)]
    out = [(f, r) for r in rates for f in base]
    for rate, body in _averaged(exprs):
        out += [(f, rate) for f in _terms(body) if _usable(f, states)]
    return list(dict.fromkeys(out))


def model_equations(model: Model, exprs: Sequence[Basic], ctx: Context) -> list[NamedEquation]:
    """The invariance equations of the test functions, as canonical polys (zero ones dropped)."""
    from verify.canonical import canonical
    from verify.context import NamedEquation

    out: list[NamedEquation] = []
    seen: set[tuple] = set()
    for f, rate in test_functions(model, exprs, {name for pair in ctx.inverses for name in pair}):
        eq = invariance_equation(model, f, rate)
        try:
            poly = canonical(eq.lhs, ctx) - canonical(eq.rhs, ctx)
        except Irreducible:
            continue
        key = tuple(poly.items())
        if poly.is_zero() or key in seen:
            continue
        seen.add(key)
        at = "" if rate == model.rate else f", P_{{{lecture_latex(rate)}}}"
        out.append(NamedEquation(f"{model.name}[{lecture_latex(f)}{at}]", poly, eq, derived=True))
    return out

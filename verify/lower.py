r"""Lowering: a heatcap expression becomes a list of terms (coefficient × network).

``lower(expr, left, right, ctx)`` returns the terms of ``left^T · expr · right``: a matrix-valued
expression is contracted with two *probe* vectors, a column vector with one, a scalar with none.
A product glues neighbouring probes; ``E_b`` (the plain average over the training set) binds the
per-example letters of its body to a new group; ``E_{ΔΦ∼P_r}`` replaces the state by the moments
of the law at rate r (m_r = E ΔΦ for one occurrence, S_r = E ΔΦΔΦᵀ for two). An unexpanded loss
L_b(Φ* + x) is a letter whose name holds its point x.

>>> from derive.symbols import g_b, H_b, DeltaPhi
>>> from derive.expectation import E_b, E_P
>>> from derive.scalar import quadratic_form
>>> from derive.hypotheses import HYPOTHESES
>>> from verify.context import Context
>>> ctx = Context.build(("independence",), HYPOTHESES)
>>> terms = lower(E_P(quadratic_form(DeltaPhi, E_b(H_b))), None, None, ctx)
>>> [(c, [p.kind for p in comps]) for c, comps in terms]
[(1, ['cycle'])]
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

from sympy import (
    Add,
    Basic,
    Expr,
    Identity,
    MatAdd,
    MatMul,
    MatPow,
    Mul,
    Pow,
    S,
    Trace,
    Transpose,
    ZeroMatrix,
    preorder_traversal,
)
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.batch import BATCH_OF, BatchMatrix, BatchMean, BatchVector, c_B
from derive.expectation import ExampleMean, StationaryMean, depends_on_state
from derive.limits import DerivativeAtZero, LimitAtZero
from derive.losses import ConvergedLoss, ExampleLoss, TrainingLoss
from derive.scalar import Scalar, SquaredNorm
from derive.symbols import (
    ConstantMatrix,
    ConstantVector,
    ExampleMatrix,
    ExampleVector,
    StateVector,
    d,
)
from verify.context import Context
from verify.names import LOSS_AT_OPTIMUM, loss_name, mean_name, probe_name, second_name
from verify.network import Component, Irreducible, Letter, canonical_key, glue, untagged

__all__ = ["Term", "lower", "probe"]

Term = tuple[Expr, tuple[Component, ...]]
Side = Letter | None


def probe(ctx: Context, label: str = "") -> Letter:
    """A fresh probe vector (a placeholder end of an open matrix or vector); its name is internal."""
    return Letter(probe_name(label), "vector", tag=ctx.fresh())


def _path(*letters: Side) -> list[Term]:
    return [(S.One, (Component("path", tuple(x for x in letters if x is not None)),))]


def _times(a: list[Term], b: list[Term]) -> list[Term]:
    return [(ca * cb, pa + pb) for (ca, pa), (cb, pb) in product(a, b)]


def _glue_terms(terms: list[Term], x: Letter, y: Letter, middle: Letter | None) -> list[Term]:
    out = []
    for c, comps in terms:
        new, trace_of_identity = glue(comps, x, y, middle)
        out.append((c * d if trace_of_identity else c, tuple(new)))
    return out


def _map_letters(terms: list[Term], f: Callable[[Letter], Letter]) -> list[Term]:
    return [(c, tuple(p.map_letters(f) for p in comps)) for c, comps in terms]


def _leaf(expr: MatrixExpr, left: Side, right: Side, ctx: Context) -> list[Term]:
    name = str(expr.name)
    if isinstance(expr, BatchVector):
        return _path(left, Letter(name, "vector", tag=ctx.fresh()))
    if isinstance(expr, BatchMatrix):
        return _path(left, Letter(name, "matrix", tag=ctx.fresh()), right)
    if isinstance(expr, ExampleVector | ConstantVector):
        letter = Letter(name, "vector", per_example=isinstance(expr, ExampleVector))
        return _path(left, letter)
    if isinstance(expr, StateVector):
        return _path(left, Letter(name, "vector", random=True, tag=ctx.fresh()))
    if isinstance(expr, ExampleMatrix | ConstantMatrix):
        letter = Letter(name, "matrix", per_example=isinstance(expr, ExampleMatrix))
        return _path(left, letter, right)
    raise Irreducible(f"{name} is a matrix symbol of no declared kind")


def _matmul(expr: MatMul, left: Side, right: Side, ctx: Context) -> list[Term]:
    scalars = [a for a in expr.args if not isinstance(a, MatrixExpr)]
    mats = [a for a in expr.args if isinstance(a, MatrixExpr)]
    terms = lower(Mul(*scalars), None, None, ctx)
    joins = []
    ends: list[list[Side]] = [[None, None] for _ in mats]
    ends[0][0], ends[-1][1] = left, right
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != 1:
            p, q = probe(ctx), probe(ctx)
            ends[i][1], ends[i + 1][0] = p, q
            joins.append((p, q))
    for m, (lo, hi) in zip(mats, ends, strict=True):
        terms = _times(terms, lower(m, lo, hi, ctx))
    for p, q in joins:
        terms = _glue_terms(terms, p, q, None)
    return terms


def _bind_example(terms: list[Term], ctx: Context) -> list[Term]:
    gid = ctx.new_group()

    def bind(x: Letter) -> Letter:
        return x.regroup(gid) if x.per_example and x.group is None else x

    return _map_letters(terms, bind)


def _opaque_state_mean(coeff: Expr, comps: tuple[Component, ...], rate: Expr, ctx: Context) -> Term:
    """E_{P_r} of a monomial that does not reduce to moments (theorem mode): one opaque atom."""
    if not ctx.atoms:
        raise Irreducible("E_{ΔΦ∼P_η} of a loss that is not expanded (name `expansion`)")
    if any(x.per_example and x.group is None for c in comps for x in c.letters):
        raise Irreducible("E_{ΔΦ∼P_η} of an opaque term inside E_b")
    return coeff, (Component("opaque", (), ("E_P", str(rate), canonical_key(untagged(comps)), False)),)


def _bind_state(term: Term, rate: Expr, ctx: Context) -> Term:
    """E_{P_r} of one term: the state letters become the moments of the law at rate r."""
    coeff, comps = term
    letters = [x for c in comps for x in c.letters]
    if any(_random_atom(c) for c in comps) or any(x.random and x.kind != "vector" for x in letters):
        return _opaque_state_mean(coeff, comps, rate, ctx)
    deltas = [x for x in letters if x.random]
    if len(deltas) > 2:
        raise Irreducible(f"a moment of ΔΦ of order {len(deltas)} (only orders <= 2 reduce)")
    if len(deltas) == 1:
        m = Letter(mean_name(deltas[0].name, rate), "vector", moment=True)
        return coeff, tuple(c.map_letters(lambda x: m if x == deltas[0] else x) for c in comps)
    if len(deltas) == 2:
        s2 = Letter(second_name(deltas[0].name, deltas[1].name, rate), "matrix", moment=True)  # E[x yᵀ]
        new, _ = glue(comps, deltas[0], deltas[1], s2)  # a moment sits between: never tr(I)
        return coeff, tuple(new)
    return term


def _opaque_batch(coeff: Expr, comps: tuple[Component, ...]) -> Term:
    """E_B of the components that hold minibatch means, kept as one opaque atom."""
    inside = tuple(c for c in comps if any(x.name in BATCH_OF for x in c.letters) or _random_atom(c))
    outside = tuple(c for c in comps if c not in inside)
    groups_in = {x.group for c in inside for x in c.letters if x.group is not None}
    groups_out = {x.group for c in outside for x in c.letters if x.group is not None}
    if groups_in & groups_out or any(x.per_example and x.group is None for c in inside for x in c.letters):
        raise Irreducible("E_B of a product that shares an example average with its outside")
    random = any(x.random for c in inside for x in c.letters) or any(_random_atom(c) for c in inside)
    atom = Component("opaque", (), ("E_B", canonical_key(untagged(inside)), random))
    return coeff, (*outside, atom)


def _random_atom(c: Component) -> bool:
    """An opaque atom that still depends on ΔΦ (its last payload field says so)."""
    return c.kind == "opaque" and isinstance(c.payload, tuple) and c.payload[-1] is True


def _bind_batch(term: Term, ctx: Context) -> list[Term]:
    """E_B of a term: E_B X̄ = E_b X; E_B[X̄ ⊗ Ȳ] = c_B E_b[X ⊗ Y] + (1 − c_B) E_b X ⊗ E_b Y."""
    coeff, comps = term
    bars = [x for c in comps for x in c.letters if x.name in BATCH_OF and x.group is None]
    if not bars:
        return [term]
    if not ctx.batch:
        return [_opaque_batch(coeff, comps)]
    if len(bars) > 2:
        raise Irreducible(f"a moment of order {len(bars)} of minibatch means")

    def example(x: Letter, gid: int) -> Letter:
        return Letter(BATCH_OF[x.name], x.kind, per_example=True, group=gid)

    def assign(groups: dict[Letter, int]) -> tuple[Component, ...]:
        return tuple(c.map_letters(lambda x: example(x, groups[x]) if x in groups else x) for c in comps)

    shared = ctx.new_group()
    out = [(coeff * (c_B if len(bars) == 2 else 1), assign(dict.fromkeys(bars, shared)))]
    if len(bars) == 2:
        out.append((coeff * (1 - c_B), assign({x: ctx.new_group() for x in bars})))
    return out


def _example_loss(expr: ExampleLoss, ctx: Context) -> list[Term]:
    """L_b(Φ*) is a letter; L_b(Φ* + x) is the expansion's right side at x, or a letter for that point."""
    if expr.at_optimum:
        return [(S.One, (Component("scalar", (Letter(LOSS_AT_OPTIMUM, "scalar", per_example=True),)),))]
    if ctx.expansion is not None:
        state = ctx.expansion.lhs.offset
        return lower(ctx.expansion.rhs.xreplace({state: expr.offset}), None, None, ctx)
    random = depends_on_state(expr.offset)
    opaque = Letter(loss_name(expr.offset), "scalar", per_example=True, random=random)
    return [(S.One, (Component("scalar", (opaque,)),))]


def _scalar_arith(expr: Expr, ctx: Context) -> list[Term] | None:
    if isinstance(expr, Add):
        return [t for a in expr.args for t in lower(a, None, None, ctx)]
    if isinstance(expr, Mul):
        terms: list[Term] = [(S.One, ())]
        for a in expr.args:
            terms = _times(terms, lower(a, None, None, ctx))
        return terms
    if isinstance(expr, Pow) and expr.exp.is_Integer and expr.exp > 0 and not expr.base.is_Atom:
        return lower(Mul(*([expr.base] * int(expr.exp)), evaluate=False), None, None, ctx)
    if all(type(node).__module__.startswith("sympy.") for node in preorder_traversal(expr)):
        return [(expr, ())]
    return None


def lower(expr: Basic, left: Side, right: Side, ctx: Context) -> list[Term]:
    """The terms of ``left^T · expr · right`` (probes None for a scalar side)."""
    from verify.limit import lower_derivative, lower_limit

    if isinstance(expr, ZeroMatrix):
        return []
    if isinstance(expr, Identity):
        return _path(left, right)
    if isinstance(expr, ExampleVector | ConstantVector | StateVector | ExampleMatrix | ConstantMatrix
                  | BatchVector | BatchMatrix):
        return _leaf(expr, left, right, ctx)
    if isinstance(expr, BatchMean):
        return [t for term in lower(expr.expr, left, right, ctx) for t in _bind_batch(term, ctx)]
    if isinstance(expr, Transpose):
        return lower(expr.arg, right, left, ctx)
    if isinstance(expr, MatAdd):
        return [t for a in expr.args for t in lower(a, left, right, ctx)]
    if isinstance(expr, MatMul):
        return _matmul(expr, left, right, ctx)
    if isinstance(expr, Trace):
        p, q = probe(ctx), probe(ctx)
        return _glue_terms(lower(expr.arg, p, q, ctx), p, q, None)
    if isinstance(expr, ExampleMean):
        return _bind_example(lower(expr.expr, left, right, ctx), ctx)
    if isinstance(expr, StationaryMean):
        return [_bind_state(t, expr.rate, ctx) for t in lower(expr.expr, left, right, ctx)]
    if isinstance(expr, MatPow) and expr.exp.is_Integer and expr.exp > 0:
        return lower(MatMul(*([expr.base] * int(expr.exp))), left, right, ctx)
    if isinstance(expr, Scalar):
        return lower(expr.matrix, None, None, ctx)
    if isinstance(expr, SquaredNorm):
        return lower(MatMul(Transpose(expr.vector), expr.vector), None, None, ctx)
    if isinstance(expr, ExampleLoss):
        return _example_loss(expr, ctx)
    if isinstance(expr, TrainingLoss | ConvergedLoss):
        return lower(expr.doit(), left, right, ctx)
    if isinstance(expr, LimitAtZero):
        return lower_limit(expr, ctx)
    if isinstance(expr, DerivativeAtZero):
        return lower_derivative(expr, ctx)
    if isinstance(expr, Expr) and not isinstance(expr, MatrixExpr):
        terms = _scalar_arith(expr, ctx)
        if terms is not None:
            return terms
    raise Irreducible(f"no reduction for {type(expr).__name__}")

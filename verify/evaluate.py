r"""Evaluate a heatcap expression exactly on an instance — directly, without the canonical form.

This is the independent semantics the checker's refutations rest on: ``E_b`` is the plain
average over the n examples (everywhere, also inside ``E_{ΔΦ∼P_η}``), ``E_{ΔΦ∼P_r}`` is the
expectation over the instance's law at the rate r, and L(r), L(0) = lim L(η), the limit and the
derivative at 0 follow their definitions.

>>> from sympy import Rational
>>> from derive.symbols import g_b, DeltaPhi
>>> from derive.expectation import E_b, E_P
>>> from derive.scalar import SquaredNorm
>>> from verify.instances import Instance, random_data
>>> from verify.stationary import stationary_moments
>>> from verify.instances import StationaryLaw
>>> data = random_data(seed=1)
>>> inst = Instance(data, StationaryLaw(), Rational(1, 10))
>>> evaluate(E_P(SquaredNorm(DeltaPhi)), inst) == stationary_moments(data, Rational(1, 10))[1].trace()
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import product
from typing import Any

from sympy import (
    Add,
    Basic,
    Dummy,
    Expr,
    Identity,
    MatAdd,
    MatMul,
    MatPow,
    Matrix,
    Mul,
    Pow,
    S,
    Symbol,
    Trace,
    Transpose,
    ZeroMatrix,
    cancel,
    eye,
    fraction,
    limit,
    sympify,
    zeros,
)
from sympy import Poly as SymPoly

from derive.batch import BATCH_OF, BatchMatrix, BatchMean, BatchVector, c_B
from derive.expectation import ExampleMean, StationaryMean
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
    eta,
    n,
)
from verify.instances import FiniteLaw, Instance

__all__ = ["Env", "Unevaluable", "evaluate", "limit_at_zero"]

Value = Any  # a SymPy scalar or a SymPy Matrix


class Unevaluable(Exception):
    """The instance cannot give this expression a value."""


@dataclass(frozen=True)
class Env:
    """Where an expression is evaluated: the example b, the value of ΔΦ, a minibatch."""

    b: int | None = None
    x: Matrix | None = None
    batch: tuple[int, ...] | None = None


def limit_at_zero(v: Expr) -> Expr:
    """lim_{η→0⁺} v(η), exactly (a quotient of polynomials when possible); a limit that is
    infinite or does not exist has no value (:class:`Unevaluable`)."""
    v = cancel(v)
    num, den = fraction(v)
    at0 = den.subs(eta, 0)
    if at0 != 0:
        return cancel(num.subs(eta, 0) / at0)
    value = limit(v, eta, 0, "+")
    if not value.is_finite:
        raise Unevaluable(f"the limit of {v} as η → 0 is not finite")
    return value


def _moments(value: Value, xs: Matrix, m: Matrix, S2: Matrix) -> Value:
    if isinstance(value, Matrix):
        return value.applyfunc(lambda e: _moments(e, xs, m, S2))
    poly = SymPoly(value.expand(), *xs)
    total = S.Zero
    for powers, c in poly.terms():
        idx = [i for i, p in enumerate(powers) for _ in range(p)]
        if len(idx) > 2:
            raise Unevaluable("a moment of ΔΦ of order > 2 under a law given by moments")
        total += c * (1 if not idx else m[idx[0]] if len(idx) == 1 else S2[idx[0], idx[1]])
    return total


def _rate_value(rate: Expr, inst: Instance) -> Expr:
    """The rate r of E_{P_r} on the instance: r(η) at the instance's η."""
    return cancel(sympify(rate).subs(eta, inst.eta)) if inst.eta != eta else sympify(rate)


def _stationary_mean(expr: StationaryMean, inst: Instance, env: Env) -> Value:
    rate = _rate_value(expr.rate, inst)
    law = inst.law
    if not isinstance(law, FiniteLaw):
        moments = law.moments(inst, rate)
        if moments is None:
            raise Unevaluable(f"the instance has no stationary law at rate {rate}")
        xs = Matrix([Dummy(f"x{i}") for i in range(inst.data.d)])
        return _moments(evaluate(expr.expr, inst, replace(env, x=xs)), xs, *moments)
    atoms = law.at(rate, inst.eta)
    if atoms is None:
        raise Unevaluable(f"the law is given at one rate only, not at {rate}")
    total: Value = None
    for w, x, _ in atoms:
        part = w * evaluate(expr.expr, inst, replace(env, x=x))
        total = part if total is None else total + part
    return total


def _example_mean(expr: ExampleMean, inst: Instance, env: Env) -> Value:
    """E_b: the plain average over the n examples."""
    total: Value = None
    for b in range(inst.data.n):
        part = evaluate(expr.expr, inst, replace(env, b=b)) / inst.data.n
        total = part if total is None else total + part
    return total


def _batch_mean(expr: BatchMean, inst: Instance, env: Env) -> Value:
    """E_B: the average over every ordered B-tuple of examples (drawn with replacement)."""
    total: Value = None
    tuples = list(product(range(inst.data.n), repeat=inst.batch))
    for batch in tuples:
        part = evaluate(expr.expr, inst, replace(env, batch=batch))
        total = part if total is None else total + part
    return total / len(tuples)


def _batch_leaf(expr: Basic, inst: Instance, env: Env) -> Value:
    if env.batch is None:
        raise Unevaluable("a minibatch mean outside every E_B")
    values = inst.data.g if BATCH_OF[str(expr.name)] == "g_b" else inst.data.H
    picked = [values[b] for b in env.batch]
    return sum(picked[1:], picked[0]) / len(picked)


def _example_loss(offset: Basic, inst: Instance, env: Env) -> Value:
    b = _need_b(env)
    data = inst.data
    if isinstance(offset, ZeroMatrix):
        return data.L[b]
    x = evaluate(offset, inst, env)
    ones = Matrix([1] * data.d)
    quad = (data.g[b].T * x)[0] + (x.T * data.H[b] * x)[0] / 2
    return data.L[b] + quad + data.kappa[b] * (ones.T * x)[0] ** data.remainder_degree


def _need_b(env: Env) -> int:
    if env.b is None:
        raise Unevaluable("a per-example quantity outside every E_b")
    return env.b


def _leaf(expr: Basic, inst: Instance, env: Env) -> Value:
    name = str(expr.name)
    if isinstance(expr, ExampleVector | ExampleMatrix):
        values = inst.data.per_example(name)
        if values is not None:
            return values[_need_b(env)]
    if isinstance(expr, StateVector):
        if name != inst.data.state:
            raise Unevaluable(f"the instance has no law for the state {name}")
        if env.x is None:
            raise Unevaluable("ΔΦ outside every E_{ΔΦ∼P_η}")
        return env.x
    value = inst.data.constant(name)
    if isinstance(expr, ConstantMatrix | ConstantVector) and value is not None:
        return value
    raise Unevaluable(f"the instance has no values for {name}")


def _derivative(expr: DerivativeAtZero, inst: Instance, env: Env) -> Value:
    v = _family(expr.expr, inst, env)
    return limit_at_zero((v - limit_at_zero(v)) / eta)


def _family(expr: Basic, inst: Instance, env: Env) -> Expr:
    if inst.eta != eta:
        raise Unevaluable("a limit in η needs a family of laws indexed by η")
    return evaluate(expr, inst, env)


def _arith(expr: Basic, inst: Instance, env: Env) -> Value:
    args = [evaluate(a, inst, env) for a in expr.args]
    if isinstance(expr, Add | MatAdd):
        return sum(args[1:], args[0])
    if isinstance(expr, Mul | MatMul):
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    return args[0] ** args[1]


_SIZES: dict[Symbol, Callable[[Instance], int]] = {d: lambda i: i.data.d, n: lambda i: i.data.n}


def _shape(expr: Basic, inst: Instance) -> tuple[int, int]:
    return tuple(int(s.subs({k: f(inst) for k, f in _SIZES.items()})) for s in expr.shape)


def evaluate(expr: Basic, inst: Instance, env: Env = Env()) -> Value:
    """The exact value of ``expr`` on ``inst`` (a SymPy number, expression in η, or Matrix)."""
    if isinstance(expr, ZeroMatrix):
        return zeros(*_shape(expr, inst))
    if isinstance(expr, Identity):
        return eye(_shape(expr, inst)[0])
    if isinstance(expr, ExampleVector | ExampleMatrix | StateVector | ConstantMatrix | ConstantVector):
        return _leaf(expr, inst, env)
    if isinstance(expr, Transpose):
        return evaluate(expr.arg, inst, env).T
    if isinstance(expr, Trace):
        return evaluate(expr.arg, inst, env).trace()
    if isinstance(expr, ExampleMean):
        return _example_mean(expr, inst, env)
    if isinstance(expr, BatchMean):
        return _batch_mean(expr, inst, env)
    if isinstance(expr, BatchVector | BatchMatrix):
        return _batch_leaf(expr, inst, env)
    if isinstance(expr, StationaryMean):
        return _stationary_mean(expr, inst, env)
    if isinstance(expr, Scalar):
        return evaluate(expr.matrix, inst, env)[0, 0]
    if isinstance(expr, SquaredNorm):
        v = evaluate(expr.vector, inst, env)
        return (v.T * v)[0, 0]
    if isinstance(expr, ExampleLoss):
        return _example_loss(expr.offset, inst, env)
    if isinstance(expr, TrainingLoss | ConvergedLoss):
        return evaluate(expr.doit(), inst, env)
    if isinstance(expr, LimitAtZero):
        return limit_at_zero(_family(expr.expr, inst, env))
    if isinstance(expr, DerivativeAtZero):
        return _derivative(expr, inst, env)
    if isinstance(expr, Add | Mul | MatAdd | MatMul | Pow | MatPow):
        return _arith(expr, inst, env)
    if expr == eta:
        return inst.eta
    if expr == c_B:
        return S.One / inst.batch
    if expr in _SIZES:
        return _SIZES[expr](inst)
    if expr.is_Number:
        return expr
    if isinstance(expr, Symbol) and inst.data.scalar(expr.name) is not None:
        return inst.data.scalar(expr.name)
    raise Unevaluable(f"no value for {expr}")

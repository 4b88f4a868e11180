r"""The worlds counterexamples live in: data for every declared symbol, the dynamics, a cyclic law.

* :func:`proof_data` — rational data (d = 3, n = 3) with a value for every symbol the line and the
  hypotheses mention (its loss may have a remainder κ_b (1ᵀx)² beyond the expansion: then H_b is
  not the Hessian, the expansion fails, and every E_{P_η} still needs only two moments): the
  gradient and Hessian of the setting, other per-example vectors
  (mean zero in the mean-zero data sets) and matrices (symmetric PSD), fixed vectors, fixed
  symmetric positive definite matrices (with B = A⁻¹ for an inverse hypothesis A B = I, except in
  the "wrong inverse" data set) and scalars in (0, 1).
* :func:`dynamics_of` — the SGD step the instances follow: the declared ``sgd-step``, else the
  lecture's ΔΦ − η(g_b + H_bΔΦ) in the setting's names.
* :func:`cyclic_instance` — data and a law on three states x_1 → x_2 → x_3 → x_1, where the step
  from x_b uses the example b: the law is invariant and the example b is uniform, but the next
  example is a function of the state (independence fails). Its gradients are
  g_b = (x_b − x_{b+1})/η − H_b x_b, so Σ_b g_b = −Σ_b H_b x_b, which the mean-zero variant makes 0.

>>> from derive.hypotheses import HYPOTHESES
>>> data = proof_data(7, True, False, (), HYPOTHESES)
>>> data.d, data.n, data.gradient
(3, 3, 'g_b')
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import replace

from sympy import Basic, Expr, MatMul, Matrix, Rational, S, Symbol, sstr, zeros

from derive.hypotheses import Hypothesis
from derive.parse.notation import LECTURE, Notation
from derive.symbols import (
    ConstantMatrix,
    ConstantVector,
    ExampleMatrix,
    ExampleVector,
    StateVector,
    b,
    d,
    eta,
    n,
)
from verify.instances import Data, FiniteLaw, Instance, random_data, random_psd, random_vector, random_vectors

__all__ = ["POINTS", "cyclic_instance", "dynamics_of", "proof_data"]

POINTS = (Matrix([1, -1, 2]), Matrix([0, 2, 1]), Matrix([-1, 1, 0]))
_BUILTIN_SCALARS = {eta, d, n, b}


def _symbols(exprs: Sequence[Basic]) -> list[Basic]:
    found: dict[str, Basic] = {}
    for e in exprs:
        for a in e.atoms(ExampleVector, ExampleMatrix, ConstantVector, ConstantMatrix, Symbol):
            if isinstance(a, Symbol) and (a in _BUILTIN_SCALARS or a.is_integer or a.name in ("c_B",)):
                continue
            found.setdefault(str(a.name), a)
    return [found[k] for k in sorted(found)]


def _inverse_pairs(hypotheses: Mapping[str, Hypothesis]) -> dict[str, str]:
    out: dict[str, str] = {}
    for h in hypotheses.values():
        if h.kind == "inverse" and h.equation is not None and isinstance(h.equation.lhs, MatMul):
            a, c = (str(m.name) for m in h.equation.lhs.args)
            out[c] = a
    return out


def proof_data(
    seed: int, mean_zero: bool, cubic: bool, exprs: Sequence[Basic], hypotheses: Mapping[str, Hypothesis],
    notation: Notation = LECTURE, wrong_inverse: bool = False,
) -> Data:
    """Data for the symbols of ``exprs`` and of the hypotheses (module docstring)."""
    base = random_data(seed, mean_zero=mean_zero, cubic=cubic)
    sides = [side for h in hypotheses.values() if h.equation is not None
             for side in (h.equation.lhs, h.equation.rhs)]
    rng = random.Random(seed * 7919 + 1)
    gradient = notation.gradient_name if notation.gradient is not None else ""
    hessian = notation.hessian_name if notation.hessian is not None else ""
    inverse_of = _inverse_pairs(hypotheses)
    extra, constants, scalars = [], [], []
    for sym in _symbols([*exprs, *sides]):
        name = str(sym.name)
        if name in (gradient, hessian) or isinstance(sym, StateVector):
            continue
        if isinstance(sym, ExampleVector):
            extra.append((name, tuple(random_vectors(rng, base.d, base.n, mean_zero))))
        elif isinstance(sym, ExampleMatrix):
            extra.append((name, tuple(random_psd(rng, base.d) for _ in range(base.n))))
        elif isinstance(sym, ConstantVector):
            constants.append((name, random_vector(rng, base.d)))
        elif isinstance(sym, ConstantMatrix):
            constants.append((name, random_psd(rng, base.d)))
        elif isinstance(sym, Symbol):
            scalars.append((name, Rational(rng.randint(1, 9), 10)))
    values = dict(constants)
    for inverse, matrix in inverse_of.items():
        if inverse in values and matrix in values:
            shift = Matrix.eye(base.d) if wrong_inverse else zeros(base.d, base.d)
            values[inverse] = (values[matrix] + shift).inv()
    return replace(base, constants=tuple(values.items()), extra=tuple(extra), scalars=tuple(scalars),
                   gradient=gradient or "#none", hessian=hessian or "#none", state=notation.state_name,
                   remainder_degree=2)


def dynamics_of(hypotheses: Mapping[str, Hypothesis], notation: Notation = LECTURE) -> tuple[Basic, str]:
    """The step the instances follow, and a label for it."""
    declared = next((h for h in hypotheses.values() if h.kind == "sgd-step" and h.equation is not None), None)
    if declared is not None:
        return declared.equation.rhs, f"the declared step ({declared.name})"
    state, g, h = notation.state, notation.gradient, notation.hessian
    if g is None or h is None:
        from derive.sgd import sgd_step

        return sgd_step(), "SGD"
    return state - notation.rate * (g + h * state), "SGD"


def cyclic_instance(data: Data, step: Basic, label: str, rate: Expr, notation: Notation = LECTURE,
                    ) -> Instance | None:
    """A law invariant under ``step`` whose next example is a function of the state (or None).

    The states x_1, x_2 (and x_3 unless the gradients must have mean zero) are fixed; the
    gradients g_b (and then x_3) are solved for, so that the step from x_b with example b lands
    on x_{b+1} (indices mod 3), exactly.
    """
    from sympy import linsolve, symbols

    from derive.batch import BatchMatrix, BatchVector
    from verify.evaluate import Env, Unevaluable, evaluate

    if data.gradient == "#none" or data.n != 3 or step.atoms(BatchVector, BatchMatrix):
        return None
    dim = data.d
    gs = [Matrix(symbols(f"gamma{b}_0:{dim}")) for b in range(3)]
    mean_zero = all(v == 0 for v in data.mean(data.g))
    x3 = Matrix(symbols(f"xi0:{dim}")) if mean_zero else Matrix([2, 0, -1][:dim])
    xs = [Matrix([1, -1, 1][:dim]), Matrix([0, 1, 2][:dim]), x3]
    probe = Instance(replace(data, g=tuple(gs)), FiniteLaw((), ""), rate, 2, step, label)
    try:
        moved = [evaluate(step, probe, Env(b=k, x=xs[k])) - xs[(k + 1) % 3] for k in range(3)]
    except Unevaluable:
        return None
    equations = [e for v in moved for e in v] + ([e for e in gs[0] + gs[1] + gs[2]] if mean_zero else [])
    unknowns = [u for g in gs for u in g] + (list(x3) if mean_zero else [])
    solutions = linsolve(equations, unknowns)
    if not solutions:
        return None
    (values,) = solutions
    if any(v.free_symbols for v in values):
        return None
    sub = dict(zip(unknowns, values, strict=True))
    g = tuple(v.subs(sub) for v in gs)
    points = [x.subs(sub) for x in xs]
    atoms = tuple((S.One / 3, points[k], k) for k in range(3))
    desc = (f"ΔΦ cycles x_1 → x_2 → x_3 → x_1, the step from x_b using example b (invariant at η = "
            f"{sstr(rate)}; the next example depends on ΔΦ)")
    return Instance(replace(data, g=g), FiniteLaw(atoms, desc, rate), rate, 2, step, label)

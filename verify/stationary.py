r"""The exact stationary moments of a linear SGD step on a small problem.

For a step ΔΦ' = A_b ΔΦ + c_b with b uniform and independent of ΔΦ (the lecture's:
A_b = I − ηH_b, c_b = −ηg_b), the stationary mean m and second moment S solve

    m = E_b[A_b] m + E_b c_b,
    S = E_b[A_b S A_bᵀ] + E_b[A_b m c_bᵀ + c_b mᵀ A_bᵀ] + E_b[c_b c_bᵀ].

Both are linear; they are solved exactly in rationals (or rational functions of the symbol η).
For the lecture's step with E_b g_b = 0 the second equation is the generalized Lyapunov equation
H S + S H − η E_b[H_b S H_b] = η C (H = E_b H_b, C = E_b g_b g_bᵀ). A stationary law exists only
when the step is mean-square stable (the spectral radius of S ↦ E_b[A_b S A_bᵀ] is below 1);
otherwise :func:`stationary_moments_of` returns None.

>>> from sympy import Rational, Symbol
>>> from verify.instances import Data
>>> from sympy import Matrix
>>> data = Data((Matrix([1]), Matrix([-1])), (Matrix([2]), Matrix([4])), (0, 0), (0, 0))
>>> m, S = stationary_moments(data, Rational(1, 10))
>>> m, S                      # d = 1: S = ηC / (2H − η E h_b²) = (1/10)/(6 − 1)
(Matrix([[0]]), Matrix([[1/50]]))
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from sympy import Expr, Matrix, Rational, eye, linsolve, symbols, zeros

from verify.instances import Data

if TYPE_CHECKING:
    from verify.instances import Instance

__all__ = ["affine_steps", "solve_moments", "stationary_moments", "stationary_moments_of"]

Affine = list[tuple[Matrix, Matrix]]  # (A_b, c_b) for each example b


def _symmetric_unknowns(d: int) -> tuple[Matrix, tuple]:
    unknowns = symbols(f"s0:{d * (d + 1) // 2}")
    S = zeros(d, d)
    k = 0
    for i in range(d):
        for j in range(i, d):
            S[i, j] = S[j, i] = unknowns[k]
            k += 1
    return S, unknowns


def solve_moments(steps: Affine) -> tuple[Matrix, Matrix] | None:
    """(m, S) of the stationary law of ΔΦ' = A_b ΔΦ + c_b, b uniform (None: no unique solution)."""
    n, d = len(steps), steps[0][0].rows
    mean_a = sum((a for a, _ in steps), zeros(d, d)) / n
    mean_c = sum((c for _, c in steps), zeros(d, 1)) / n
    lhs = eye(d) - mean_a
    if lhs.det() == 0:
        return None
    m = lhs.solve(mean_c)
    S, unknowns = _symmetric_unknowns(d)
    image = zeros(d, d)
    for a, c in steps:
        image += a * S * a.T + a * m * c.T + c * m.T * a.T + c * c.T
    residual = image / n - S
    solutions = linsolve([residual[i, j] for i in range(d) for j in range(i, d)], unknowns)
    if not solutions:
        return None
    (solution,) = solutions
    if any(v.free_symbols & set(unknowns) for v in solution):
        return None
    values = dict(zip(unknowns, solution, strict=True))
    return m.applyfunc(lambda e: e.cancel()), S.subs(values).applyfunc(lambda e: e.cancel())


def _stable(steps: Affine) -> bool:
    """Mean-square stability: the spectral radius of S ↦ E_b[A_b S A_bᵀ] is below 1 (in floats)."""
    n = len(steps)
    try:
        kron = sum(np.kron(np.array(a, dtype=float), np.array(a, dtype=float)) for a, _ in steps) / n
    except TypeError:
        return False
    return bool(np.max(np.abs(np.linalg.eigvals(kron))) < 1 - 1e-9)


def stationary_moments(data: Data, eta: Expr) -> tuple[Matrix, Matrix]:
    """(m, S) of the stationary law of the lecture's SGD step at learning rate η (exact)."""
    steps = [(eye(data.d) - eta * H, -eta * g) for g, H in zip(data.g, data.H, strict=True)]
    found = solve_moments(steps)
    assert found is not None, "the mean Hessian is singular"
    return found


def affine_steps(inst: Instance, rate: Expr) -> Affine | None:
    """(A, c) of the instance's dynamics at ``rate`` for each equally likely draw — an example b,
    or a minibatch (a B-tuple drawn with replacement) when the step uses batch means."""
    from itertools import product

    from derive.batch import BatchMatrix, BatchVector
    from derive.symbols import eta
    from verify.evaluate import Env, Unevaluable, evaluate

    step = inst.dynamics.xreplace({eta: rate})
    d, n = inst.data.d, inst.data.n
    batched = bool(step.atoms(BatchVector, BatchMatrix))
    draws = ([Env(batch=t) for t in product(range(n), repeat=inst.batch)] if batched
             else [Env(b=b) for b in range(n)])
    out = []
    try:
        for env in draws:
            c = evaluate(step, inst, replace(env, x=zeros(d, 1)))
            cols = [evaluate(step, inst, replace(env, x=eye(d)[:, i])) - c for i in range(d)]
            out.append((Matrix.hstack(*cols), c))
    except Unevaluable:
        return None
    return out


def stationary_moments_of(inst: Instance, rate: Expr) -> tuple[Matrix, Matrix] | None:
    """(m, S) of the stationary law of the instance's dynamics at ``rate``, or None if there is none.

    A symbolic rate (a family) is taken as stable when the step is stable at η = 1/1000.
    """
    from derive.symbols import eta

    steps = affine_steps(inst, rate)
    if steps is None:
        return None
    probe = steps if not rate.free_symbols else affine_steps(inst, rate.subs(eta, Rational(1, 1000)))
    if probe is None or not _stable(probe):
        return None
    return solve_moments(steps)

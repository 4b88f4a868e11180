r"""The exact stationary moments of single-example SGD on a small quadratic problem.

For ΔΦ' = (I − ηH_b)ΔΦ − ηg_b with b uniform and independent of ΔΦ, the stationary mean m and
second moment S solve

    H m = −ḡ,                  (H = E_b H_b, ḡ = E_b g_b)
    S = E_b[(I − ηH_b) S (I − ηH_b)] − η E_b[(I − ηH_b) m g_bᵀ + g_b mᵀ (I − ηH_b)] + η² C,

C = E_b g_b g_bᵀ. Both are linear; they are solved exactly in rationals (or rational functions
of the symbol η). With ḡ = 0 the second equation is the generalized Lyapunov equation
H S + S H − η E_b[H_b S H_b] = η C.

>>> from sympy import Rational, Symbol
>>> from verify.instances import Data
>>> from sympy import Matrix
>>> data = Data((Matrix([1]), Matrix([-1])), (Matrix([2]), Matrix([4])), (0, 0), (0, 0))
>>> m, S = stationary_moments(data, Rational(1, 10))
>>> m, S                      # d = 1: S = ηC / (2H − η E h_b²) = (1/10)/(6 − 1)
(Matrix([[0]]), Matrix([[1/50]]))
"""

from __future__ import annotations

from sympy import Expr, Matrix, eye, linsolve, symbols, zeros

from verify.instances import Data

__all__ = ["stationary_moments"]


def _second_moment_map(data: Data, eta: Expr, S: Matrix, m: Matrix) -> Matrix:
    d = data.d
    out = zeros(d, d)
    for g, H in zip(data.g, data.H, strict=True):
        A = eye(d) - eta * H
        out += A * S * A.T - eta * (A * m * g.T + g * m.T * A.T) + eta**2 * g * g.T
    return out / data.n


def stationary_moments(data: Data, eta: Expr) -> tuple[Matrix, Matrix]:
    """(m, S) of the stationary law of SGD at learning rate η (exact)."""
    d = data.d
    H = data.mean(data.H)
    m = -H.solve(data.mean(data.g))
    unknowns = symbols(f"s0:{d * (d + 1) // 2}")
    S = zeros(d, d)
    k = 0
    for i in range(d):
        for j in range(i, d):
            S[i, j] = S[j, i] = unknowns[k]
            k += 1
    residual = _second_moment_map(data, eta, S, m) - S
    equations = [residual[i, j] for i in range(d) for j in range(i, d)]
    (solution,) = linsolve(equations, unknowns)
    values = dict(zip(unknowns, solution, strict=True))
    return m, S.subs(values).applyfunc(lambda e: e.cancel())

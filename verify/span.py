r"""Is a residual a combination of the named equations, with coefficients rational in η?

``solve_span(r, equations)`` finds λ_i(η) with r = Σ λ_i e_i exactly, or returns None. A
multiplier must be defined for every η > 0 (its denominator has no positive root and involves
no other symbol), so the certificate holds on the whole range of learning rates.

>>> from sympy import Rational, Symbol
>>> from verify.poly import Poly, eta_order
>>> eta = Symbol("eta", positive=True)
>>> e = Poly({("a",): -2 * eta, ("b",): eta**2})
>>> r = Poly({("a",): Rational(1, 2), ("b",): -eta / 4})
>>> solve_span(r, [("stationarity", e)])
{'stationarity': -1/(4*eta)}
"""

from __future__ import annotations

from sympy import Expr, S, Symbol, cancel, fraction, linsolve, real_roots
from sympy import Poly as SymPoly

from derive.symbols import eta
from verify.poly import Poly, eta_order

__all__ = ["reduce_modulo", "solve_span"]


def _defined_for_positive_eta(lam: Expr) -> bool:
    den = fraction(cancel(lam))[1]
    if not den.free_symbols <= {eta}:
        return False
    if not den.free_symbols:
        return den != 0
    return all(root <= 0 for root in real_roots(SymPoly(den, eta)))


def solve_span(r: Poly, equations: list[tuple[str, Poly]]) -> dict[str, Expr] | None:
    """Multipliers λ with r = Σ λ_i e_i, or None when there are none."""
    if r.is_zero():
        return {}
    if not equations:
        return None
    lams = [Symbol(f"lambda_{i}") for i in range(len(equations))]
    keys = set(r.terms).union(*(set(e.terms) for _, e in equations))
    system = [
        sum((lam * e.terms.get(k, S.Zero) for lam, (_, e) in zip(lams, equations, strict=True)),
            S.Zero) - r.terms.get(k, S.Zero)
        for k in keys
    ]
    solutions = linsolve(system, lams)
    if not solutions:
        return None
    values = [cancel(v.subs({lam: 0 for lam in lams})) for v in next(iter(solutions))]
    check = r
    for value, (_, e) in zip(values, equations, strict=True):
        check = check - e.scale(value)
    if not check.is_zero() or not all(_defined_for_positive_eta(v) for v in values):
        return None
    return {name: v for (name, _), v in zip(equations, values, strict=True) if v != 0}


def reduce_modulo(r: Poly, equations: list[tuple[str, Poly]]) -> Poly:
    """r with each equation's lowest-order-in-η monomial eliminated (a readable residual)."""
    for _, e in equations:
        if e.is_zero():
            continue
        pivot = min(e.terms, key=lambda k: (eta_order(e.terms[k]), repr(k)))
        if pivot in r.terms:
            r = r - e.scale(r.terms[pivot] / e.terms[pivot])
    return r

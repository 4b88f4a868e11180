r"""Polynomials in canonical monomials with coefficients rational in η.

A :class:`Poly` maps canonical monomial keys (see :mod:`verify.network`) to SymPy coefficients.
Two scalar expressions are equal when their polys are equal: every coefficient of the
difference cancels to zero as a rational function.

>>> from sympy import Symbol
>>> from verify.poly import Poly
>>> eta = Symbol("eta", positive=True)
>>> p = Poly({("k",): eta / 2})
>>> (p - Poly({("k",): eta / 2})).is_zero()
True
>>> eta_order(1 / eta**2 + 1)
-2
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sympy import Expr, S, cancel, fraction, sympify
from sympy import Poly as SymPoly

from derive.symbols import eta
from verify.network import Irreducible, MonomialKey

__all__ = ["Poly", "eta_order", "value_at_zero"]


@dataclass
class Poly:
    """Σ coefficient · monomial, keyed by canonical monomial keys."""

    terms: dict[MonomialKey, Expr] = field(default_factory=dict)

    def add_term(self, key: MonomialKey, coeff: Expr) -> None:
        total = cancel(self.terms.get(key, S.Zero) + coeff)
        if total == 0:
            self.terms.pop(key, None)
        else:
            self.terms[key] = total

    def __add__(self, other: Poly) -> Poly:
        out = Poly(dict(self.terms))
        for key, c in other.terms.items():
            out.add_term(key, c)
        return out

    def scale(self, factor: Expr) -> Poly:
        out = Poly()
        for key, c in self.terms.items():
            out.add_term(key, sympify(factor) * c)
        return out

    def __sub__(self, other: Poly) -> Poly:
        return self + other.scale(S.NegativeOne)

    def is_zero(self) -> bool:
        return not self.terms

    def items(self) -> Iterator[tuple[MonomialKey, Expr]]:
        return iter(sorted(self.terms.items(), key=lambda kv: repr(kv[0])))

    def __len__(self) -> int:
        return len(self.terms)


def _low_degree(p: Expr) -> int:
    poly = SymPoly(p, eta)
    return min(m[0] for m in poly.monoms()) if not poly.is_zero else 0


def eta_order(c: Expr) -> int:
    """The order of the rational function c(η) at η = 0 (negative for a pole)."""
    num, den = fraction(cancel(sympify(c)))
    try:
        return _low_degree(num) - _low_degree(den)
    except Exception as exc:  # a coefficient that is not rational in η
        raise Irreducible(f"coefficient {c} is not rational in η") from exc


def value_at_zero(c: Expr) -> Expr:
    """c(0) for a rational function regular at η = 0."""
    num, den = fraction(cancel(sympify(c)))
    return cancel(num.subs(eta, 0) / den.subs(eta, 0))

r"""The canonical form of a scalar (or, through probes, vector or matrix) expression.

``canonical(expr, ctx)`` lowers ``expr`` to terms (:mod:`verify.lower`), drops every monomial
that a ``mean-zero`` hypothesis kills (an ``E_b`` whose only per-example letter is g_b is
E_b g_b = 0), and collects the rest by canonical monomial key (:mod:`verify.network`).

>>> from sympy import Rational
>>> from derive.symbols import g_b, H_b, DeltaPhi, eta
>>> from derive.expectation import E_b, E_P
>>> from derive.scalar import inner, quadratic_form
>>> from derive.hypotheses import HYPOTHESES
>>> from verify.context import Context
>>> ctx = Context.build(("independence", "mean-gradient-zero"), HYPOTHESES)
>>> lhs = E_P(E_b(inner(g_b, DeltaPhi) + quadratic_form(DeltaPhi, H_b)))
>>> rhs = E_P(quadratic_form(DeltaPhi, E_b(H_b)))
>>> (canonical(lhs, ctx) - canonical(rhs, ctx)).is_zero()
True
"""

from __future__ import annotations

from collections.abc import Sequence

from sympy import Basic
from sympy.matrices.expressions.matexpr import MatrixExpr

from derive.symbols import d
from verify.context import Context
from verify.lower import Term, lower, probe
from verify.network import Component, Letter, canonical_key, untagged
from verify.poly import Poly

__all__ = ["canonical", "canonical_terms", "probes_for"]


def _killed(comps: Sequence[Component], ctx: Context) -> bool:
    """Does a mean-zero hypothesis make this monomial vanish?"""
    if not ctx.mean_zero:
        return False
    members: dict[int, list[Letter]] = {}
    for c in comps:
        for x in c.letters:
            if x.group is not None and x.per_example:
                members.setdefault(x.group, []).append(x)
    return any(
        len(xs) == 1 and xs[0].kind == "vector" and xs[0].name in ctx.mean_zero
        for xs in members.values()
    )


def _cancel_pairs(letters: tuple[Letter, ...], pairs: frozenset, cyclic: bool) -> tuple[Letter, ...]:
    """Remove adjacent A·B with A B = I (fixed matrices), repeatedly, cyclically for a trace."""
    out = list(letters)
    changed = True
    while changed and len(out) >= 2:
        changed = False
        lo, hi = (0, len(out)) if cyclic else (1, len(out) - 1)
        for i in range(lo, hi - (0 if cyclic else 1)):
            j = (i + 1) % len(out)
            a, b = out[i], out[j]
            if a.group is None and b.group is None and (a.name, b.name) in pairs and i != j:
                out = [x for k, x in enumerate(out) if k not in (i, j)]
                changed = True
                break
    return tuple(out)


def _inverses(coeff: object, comps: tuple[Component, ...], ctx: Context) -> tuple[object, list]:
    if not ctx.inverses:
        return coeff, list(comps)
    out = []
    for c in comps:
        if c.kind not in ("path", "cycle"):
            out.append(c)
            continue
        letters = _cancel_pairs(c.letters, ctx.inverses, c.kind == "cycle")
        if c.kind == "cycle" and not letters:
            coeff = coeff * d  # tr(I) = d
            continue
        out.append(Component(c.kind, letters))
    return coeff, out


def canonical_terms(terms: list[Term], ctx: Context) -> Poly:
    """Collect lowered terms into a :class:`Poly` of canonical monomials."""
    out = Poly()
    for coeff, comps in terms:
        if coeff == 0 or _killed(comps, ctx):
            continue
        coeff, comps = _inverses(coeff, comps, ctx)
        stripped = untagged(comps)
        out.add_term(canonical_key(stripped), coeff)
    return out


def probes_for(expr: Basic, ctx: Context) -> tuple[Letter | None, Letter | None]:
    """Probe vectors named u (left) and v (right) for a vector- or matrix-valued expression."""
    if not isinstance(expr, MatrixExpr):
        return None, None
    rows, cols = expr.shape
    left = probe(ctx, "u") if rows != 1 else None
    right = probe(ctx, "v") if cols != 1 else None
    return left, right


def canonical(expr: Basic, ctx: Context, probes: tuple[Letter | None, Letter | None] | None = None) -> Poly:
    """The canonical poly of ``expr`` (contracted with ``probes`` when it is not scalar)."""
    left, right = probes if probes is not None else probes_for(expr, ctx)
    return canonical_terms(lower(expr, left, right, ctx), ctx)

r"""The limit η → 0 and the derivative at η = 0 on canonical polys.

With the hypothesis ``small-eta-limit`` every moment of ΔΦ (m_r, S_r, at any rate r = cη) tends
to 0 as η → 0, so a monomial that contains a moment and has a coefficient regular at η = 0 has
limit 0; a monomial of data alone has limit c(0)·monomial. A coefficient with a pole at η = 0 is
first removed with the line's equations (the moment equations of stationarity): the term with the
worst pole is cancelled by a multiple of an equation whose lowest-order term it is. Each multiple
used is logged for the certificate.

A limit is a number only when it is shown to exist: whatever cannot be resolved (a pole that no
equation removes, a moment without ``small-eta-limit``, a moment of another state) makes the
line unknown (:class:`~verify.network.Irreducible`), never an atom that could be multiplied by 0.
Only the theorem's derivation (``ctx.atoms``) keeps limits and derivatives as atoms, and there
every atom was resolved in the verified line it comes from.

The derivative at zero is the lecture's definition: dX/dη|₀ = lim (X(η) − X(0))/η with
X(0) = lim X(η).
"""

from __future__ import annotations

from sympy import S, srepr, sympify

from derive.limits import DerivativeAtZero, LimitAtZero
from derive.symbols import eta
from verify.canonical import canonical
from verify.context import Context
from verify.lower import Term
from verify.names import parse_moment
from verify.network import Component, Irreducible, Letter, MonomialKey
from verify.poly import Poly, eta_order, value_at_zero

__all__ = ["limit_poly", "lower_derivative", "lower_limit", "poly_to_terms"]

MAX_ELIMINATIONS = 12


def _moment_in(key: MonomialKey) -> bool:
    return any(
        comp[0] in ("p", "c", "s") and any(letter[4] or letter[3] for letter in comp[1])
        for comp in key
    )


def _vanishing(name: str, state: str | None) -> bool:
    """Is this moment one that small-eta-limit sends to 0: of ``state``, at a rate cη → 0?"""
    parsed = parse_moment(name)
    if parsed is None or state is None or any(x != state for x in parsed[1]):
        return False
    c = sympify(parsed[2], locals={"eta": eta}) / eta
    return bool(c.is_Rational and c > 0)


def _other_moment_in(key: MonomialKey, state: str | None) -> bool:
    """Does the monomial hold a moment that small-eta-limit does not speak of (another state)?"""
    return any(
        comp[0] in ("p", "c", "s") and any(x[4] and not _vanishing(str(x[0]), state) for x in comp[1])
        for comp in key
    )


def _opaque_in(key: MonomialKey) -> bool:
    """Does the monomial hold an opaque atom other than a limit (it may depend on η)?"""
    return any(comp[0] == "o" and comp[1][0] != "lim" for comp in key)


def _eliminate_poles(p: Poly, ctx: Context) -> Poly:
    for _ in range(MAX_ELIMINATIONS):
        poles = [(eta_order(c), key, c) for key, c in p.items() if eta_order(c) < 0]
        if not poles:
            return p
        _, key, c = min(poles, key=lambda t: t[0])
        for named in ctx.equations:
            eq = named.poly
            if key not in eq.terms:
                continue
            lowest = min(eta_order(x) for _, x in eq.items())
            if eta_order(eq.terms[key]) == lowest:
                lam = -c / eq.terms[key]
                p = p + eq.scale(lam)
                ctx.limit_log.append((named.name, lam))
                break
        else:
            return p
    return p


def limit_poly(p: Poly, ctx: Context) -> Poly:
    """lim_{η→0⁺} of a canonical poly (see the module docstring); Irreducible if not shown to exist."""
    p = _eliminate_poles(p, ctx)
    out, rest = Poly(), Poly()
    for key, c in p.items():
        order = eta_order(c)
        moment = _moment_in(key)
        if _opaque_in(key) or _other_moment_in(key, ctx.small_eta_state):
            # an unreduced average, or a moment that small-eta-limit does not speak of
            rest.add_term(key, c)
        elif order >= 0 and not moment:
            out.add_term(key, value_at_zero(c))
        elif order >= 0 and moment and ctx.small_eta_state is not None:
            continue
        else:
            rest.add_term(key, c)
    if rest.is_zero():
        return out
    raise Irreducible("a limit that is not shown to exist: " + _why(rest, ctx))


def _why(rest: Poly, ctx: Context) -> str:
    if any(eta_order(c) < 0 for _, c in rest.items()):
        return "a pole at η = 0 that no named equation removes"
    if ctx.small_eta_state is None and any(_moment_in(k) for k, _ in rest.items()):
        return "moments of ΔΦ whose limit needs small-eta-limit"
    return "terms whose limit heatcap cannot compute (an unreduced average, or a moment of another state)"


def _atom(kind: str, body: Poly) -> list[Term]:
    """lim X or dX/dη at 0 as an opaque atom (the theorem's derivation only)."""
    payload = (kind, tuple((repr(key), srepr(c)) for key, c in body.items()))
    return [(S.One, (Component("opaque", (), payload),))]


def poly_to_terms(p: Poly, ctx: Context) -> list[Term]:
    """Turn a canonical poly back into terms with fresh group ids."""
    terms: list[Term] = []
    for key, c in p.items():
        fresh: dict[int, int] = {}
        comps = []
        for comp in key:
            kind = comp[0]
            if kind == "o":
                comps.append(Component("opaque", (), comp[1]))
                continue
            letters = []
            for name, lk, per, rnd, mom, label in comp[1]:
                group = None
                if label >= 0:
                    if label not in fresh:
                        fresh[label] = ctx.new_group()
                    group = fresh[label]
                letters.append(Letter(name, lk, per, rnd, mom, group))
            full = {"p": "path", "c": "cycle", "s": "scalar"}[kind]
            comps.append(Component(full, tuple(letters)))
        terms.append((c, tuple(comps)))
    return terms


def _closed(p: Poly) -> None:
    for key, _ in p.items():
        for comp in key:
            if comp[0] != "o" and any(x[5] == -1 and (x[2] or x[3]) for x in comp[1]):
                raise Irreducible("a limit of an expression with a free b or a free ΔΦ")


def lower_limit(expr: LimitAtZero, ctx: Context) -> list[Term]:
    if expr.rate != eta:
        raise Irreducible("a limit in a variable other than η")
    inner = canonical(expr.expr, ctx)
    _closed(inner)
    if ctx.atoms:
        return _atom("lim", inner)
    return poly_to_terms(limit_poly(inner, ctx), ctx)


def lower_derivative(expr: DerivativeAtZero, ctx: Context) -> list[Term]:
    if expr.rate != eta:
        raise Irreducible("a derivative in a variable other than η")
    inner = canonical(expr.expr, ctx)
    _closed(inner)
    if ctx.atoms:
        return _atom("D", inner)
    at_zero = limit_poly(inner, ctx)
    quotient = (inner - at_zero).scale(1 / eta)
    return poly_to_terms(limit_poly(quotient, ctx), ctx)


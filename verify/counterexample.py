r"""Counterexamples: an exact instance that satisfies the named hypotheses but not the line.

The search walks a fixed list of small instances (d = 3, n = 3, rational data) — laws that
couple b with ΔΦ, laws that do not shrink as η → 0, data whose mean gradient is not zero, losses
with a cubic remainder, and the exact stationary law of SGD — keeps those on which every named
hypothesis holds (checked by evaluation, not assumed), and returns the first on which the two
sides of the line evaluate to different exact numbers. Instances that break an *unnamed*
hypothesis come first, so a true line justified by too few hypotheses is refuted by an instance
that shows why the missing one is needed.

>>> from sympy import Rational
>>> from derive.symbols import g_b, DeltaPhi
>>> from derive.expectation import E_b, E_P
>>> from derive.scalar import inner
>>> from derive.hypotheses import HYPOTHESES
>>> cx = find_counterexample(E_P(E_b(inner(g_b, DeltaPhi))), Rational(0), ("mean-gradient-zero",), HYPOTHESES)
>>> "independence" in cx.violates, cx.lhs != cx.rhs
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache

from sympy import Basic, Expr, Matrix, Rational, S, cancel, preorder_traversal, sstr

from derive.expectation import depends_on_example, depends_on_state
from derive.hypotheses import Hypothesis
from derive.limits import DerivativeAtZero, LimitAtZero
from derive.symbols import eta
from verify.evaluate import Env, Unevaluable, evaluate, limit_at_zero
from verify.instances import Data, FiniteLaw, Instance, MomentLaw, random_data
from verify.results import Counterexample
from verify.stationary import stationary_moments

__all__ = ["candidate_instances", "find_counterexample", "holds"]

ETA0 = Rational(1, 10)
_POINTS = (Matrix([1, -1, 2]), Matrix([0, 2, 1]), Matrix([-1, 1, 0]))


def _zero(v: object) -> bool:
    if isinstance(v, Matrix):
        return all(cancel(e) == 0 for e in v)
    return cancel(v) == 0


def _family(line: tuple[Basic, ...]) -> bool:
    return any(
        isinstance(node, LimitAtZero | DerivativeAtZero)
        for side in line
        for node in preorder_traversal(side)
    )


def _independent_law(data: Data, scale: Expr) -> FiniteLaw:
    atoms = tuple(
        (S.One / (len(_POINTS) * data.n), scale * x, b) for x in _POINTS for b in range(data.n)
    )
    return FiniteLaw(atoms, f"ΔΦ uniform on {len(_POINTS)} points × {sstr(scale)}, independent of b")


def _coupled_law(data: Data, scale: Expr) -> FiniteLaw:
    atoms = []
    for b in range(data.n):
        shift = data.g[b] + Matrix([b, 1, -b])
        atoms += [(S.One / (2 * data.n), scale * shift, b), (S.One / (2 * data.n), scale * _POINTS[b % 3], b)]
    return FiniteLaw(tuple(atoms), f"ΔΦ depends on the example b (scale {sstr(scale)})")


@lru_cache(maxsize=32)
def _stationary(seed: int, mean_zero: bool, rate: Expr) -> Instance:
    data = random_data(seed, mean_zero=mean_zero)
    m, s2 = stationary_moments(data, rate)
    return Instance(data, MomentLaw(m, s2, "the exact stationary law of SGD"), rate)


def _stationarity_mixture(inst: Instance, hyp: Hypothesis) -> Instance | None:
    """Mix the law with the point mass at 0 so that the stationarity equation holds exactly."""
    assert hyp.equation is not None and isinstance(inst.law, FiniteLaw)
    point = FiniteLaw(tuple((S.One / inst.data.n, Matrix([0] * inst.data.d), b)
                            for b in range(inst.data.n)), "ΔΦ = 0")
    try:
        sig = [evaluate(hyp.equation.lhs - hyp.equation.rhs, Instance(inst.data, law, inst.eta))
               for law in (point, inst.law)]
    except Unevaluable:
        return None
    if sig[0] == sig[1] or not (sig[0] >= 0 >= sig[1] or sig[0] <= 0 <= sig[1]):
        return None
    t = sig[1] / (sig[1] - sig[0])
    atoms = tuple((t * w, x, b) for w, x, b in point.atoms) + tuple(
        ((1 - t) * w, x, b) for w, x, b in inst.law.atoms
    )
    desc = f"mixture {sstr(t)}·(ΔΦ = 0) + {sstr(1 - t)}·({inst.law.description})"
    return Instance(inst.data, FiniteLaw(atoms, desc + "; satisfies the stationarity equation"), inst.eta)


def candidate_instances(
    family: bool, hypotheses: Mapping[str, Hypothesis], uses: tuple[str, ...] = (), seed: int = 7
) -> Iterator[Instance]:
    """Small exact instances (mixtures for the named equations only at a fixed η)."""
    rate = eta if family else ETA0
    data = [random_data(seed, mean_zero=mz, cubic=cu) for cu in (True, False) for mz in (False, True)]
    data.append(_wrong_inverse(data[-1]))
    finite = [
        Instance(dat, law(dat, scale), rate)
        for law in (_coupled_law, _independent_law)
        for scale in (S.One, eta)
        for dat in data
    ]
    yield from finite
    yield _stationary(seed, True, rate)
    yield _stationary(seed, False, rate)
    if not family:
        spread = [Instance(dat, law(dat, S(4)), ETA0) for law in (_coupled_law, _independent_law)
                  for dat in data]
        for h in (hypotheses[u] for u in uses):
            if h.kind == "equation":
                for inst in finite + spread:
                    mixed = _stationarity_mixture(Instance(inst.data, inst.law, ETA0), h)
                    if mixed is not None:
                        yield mixed


def _wrong_inverse(data: Data) -> Data:
    """The same data with a fixed matrix that is *not* the inverse of P (nor a multiple of it)."""
    from dataclasses import replace

    p = data.constant("P")
    if p is None:
        return data
    return replace(data, constants=(("P", p), ("P^{-1}", (p + Matrix.eye(p.rows)).inv())))


def _vanishes(inst: Instance) -> bool:
    law = inst.law
    if isinstance(law, MomentLaw):  # the stationary law: m = 0 and S = O(η) iff ḡ = 0
        return all(v == 0 for v in inst.data.mean(inst.data.g))
    return all(limit_at_zero(cancel(x.norm() ** 2)) == 0 for _, x, _ in law.atoms)


def holds(name: str, inst: Instance, hypotheses: Mapping[str, Hypothesis]) -> bool:
    """Does the instance satisfy the named hypothesis? (checked, not assumed)"""
    h = hypotheses[name]
    if h.kind == "expansion":
        return inst.data.quadratic
    if h.kind == "batch":  # B-tuples with replacement have exactly these moments, c_B = 1/B
        return True
    if h.kind == "mean-zero":
        return h.vector == "g_b" and _zero(inst.data.mean(inst.data.g))
    if h.kind == "independence":
        return isinstance(inst.law, MomentLaw) or inst.law.independent(inst.data.n)
    if h.kind == "small-eta":
        return _vanishes(inst)
    if h.kind in ("equation", "inverse"):
        assert h.equation is not None
        try:
            return _zero(evaluate(h.equation.lhs, inst) - evaluate(h.equation.rhs, inst))
        except Unevaluable:
            return False
    return all(H.is_positive_definite for H in (inst.data.mean(inst.data.H),))


def _points(lhs: Basic, rhs: Basic, inst: Instance) -> Iterator[Env]:
    bs = range(inst.data.n) if depends_on_example(lhs) or depends_on_example(rhs) else [None]
    xs = _POINTS if depends_on_state(lhs) or depends_on_state(rhs) else [None]
    for b in bs:
        for x in xs:
            yield Env(b=b, x=x)


def _differ(lhs: Basic, rhs: Basic, inst: Instance) -> tuple[object, object, Env] | None:
    for env in _points(lhs, rhs, inst):
        left, right = evaluate(lhs, inst, env), evaluate(rhs, inst, env)
        if not _zero(left - right):
            return left, right, env
    return None


def _where(env: Env) -> dict[str, object]:
    out: dict[str, object] = {}
    if env.b is not None:
        out["b"] = env.b + 1
    if env.x is not None:
        out["DeltaPhi"] = [sstr(v) for v in env.x]
    return out


def find_counterexample(
    lhs: Basic, rhs: Basic, uses: tuple[str, ...], hypotheses: Mapping[str, Hypothesis]
) -> Counterexample | None:
    """A candidate instance that satisfies ``uses`` and on which lhs ≠ rhs.

    Among the candidates, those that break the fewest unnamed hypotheses are tried first.
    """
    ranked = []
    for k, inst in enumerate(candidate_instances(_family((lhs, rhs)), hypotheses, uses)):
        broken = tuple(h for h in hypotheses if not holds(h, inst, hypotheses))
        if not set(broken) & set(uses):
            ranked.append((len(broken), k, inst, broken))
    for _, _, inst, broken in sorted(ranked, key=lambda t: t[:2]):
        try:
            found = _differ(lhs, rhs, inst)
        except Unevaluable:
            continue
        if found is not None:
            left, right, env = found
            return Counterexample(inst.to_json(), sstr(left), sstr(right), broken, _where(env))
    return None

r"""Counterexamples: an exact instance that satisfies the named hypotheses but not the line.

The search walks a fixed list of small instances (d = 3, n = 3, rational data, a value for every
declared symbol): finite laws whose next example is or is not independent of the state, laws that
do not shrink as η → 0, data whose mean gradient is not zero, losses with a cubic remainder, the
exact stationary law of the declared SGD step, the stationary law of *another* step, a law that
cycles deterministically through the examples (invariant, but the next example depends on the
state), and mixtures that satisfy a named moment equation. It keeps those on which every named
hypothesis holds — each checked by evaluating its statement on the instance, never assumed — and
returns the first on which the two sides of the line evaluate to different exact numbers.
Instances that break the fewest *unnamed* hypotheses come first, so a true line justified by too
few hypotheses is refuted by an instance that shows what is missing.

>>> from sympy import Rational
>>> from derive.symbols import g_b, DeltaPhi
>>> from derive.expectation import E_b, E_P
>>> from derive.scalar import inner
>>> from derive.hypotheses import HYPOTHESES
>>> cx = find_counterexample(E_P(inner(E_b(g_b), DeltaPhi)), Rational(0), (), HYPOTHESES)
>>> cx.violates, cx.lhs != cx.rhs
(('mean-gradient-zero',), True)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from sympy import Basic, Expr, Matrix, Rational, S, cancel, preorder_traversal, sstr

from derive.expectation import depends_on_example, depends_on_state
from derive.hypotheses import Hypothesis
from derive.limits import DerivativeAtZero, LimitAtZero
from derive.parse.notation import LECTURE, Notation
from derive.symbols import eta
from verify.evaluate import Env, Unevaluable, evaluate, limit_at_zero
from verify.instances import FiniteLaw, Instance, MomentLaw, StationaryLaw
from verify.results import Counterexample
from verify.stationary import affine_steps, solve_moments, stationary_moments_of
from verify.world import POINTS, cyclic_instance, dynamics_of, proof_data

__all__ = ["EVALUATION_ERRORS", "candidate_instances", "find_counterexample", "holds", "relation_holds"]

ETA0 = Rational(1, 10)
EVALUATION_ERRORS = (Unevaluable, ValueError, TypeError, ZeroDivisionError, ArithmeticError)


def _zero(v: object) -> bool:
    if isinstance(v, Matrix):
        return all(cancel(e) == 0 for e in v)
    return cancel(v) == 0


def _family(line: Sequence[Basic]) -> bool:
    return any(
        isinstance(node, LimitAtZero | DerivativeAtZero) or getattr(node, "rate", None) == 0
        for side in line
        for node in preorder_traversal(side)
    )


# -- laws ---------------------------------------------------------------------------------
def _independent_law(n: int, scale: Expr) -> FiniteLaw:
    atoms = tuple((S.One / (len(POINTS) * n), scale * x, b) for x in POINTS for b in range(n))
    return FiniteLaw(atoms, f"ΔΦ uniform on {len(POINTS)} points × {sstr(scale)}, next example independent")


def _coupled_law(data_g: Sequence[Matrix], scale: Expr) -> FiniteLaw:
    atoms = []
    n = len(data_g)
    for b in range(n):
        shift = data_g[b] + Matrix([b, 1, -b])
        atoms += [(S.One / (2 * n), scale * shift, b), (S.One / (2 * n), scale * POINTS[b % 3], b)]
    return FiniteLaw(tuple(atoms), f"the next example depends on ΔΦ (scale {sstr(scale)})")


def _at_fixed_rate(inst: Instance) -> FiniteLaw | None:
    if not isinstance(inst.law, FiniteLaw):
        return None
    atoms = inst.law.at(ETA0, inst.eta)
    return None if atoms is None else FiniteLaw(atoms, inst.law.description, ETA0)


def _mixture(inst: Instance, hyp: Hypothesis) -> Instance | None:
    """Mix the law with the point mass at 0 so that the moment equation ``hyp`` holds exactly."""
    base = _at_fixed_rate(inst)
    if base is None or hyp.equation is None:
        return None
    d, n = inst.data.d, inst.data.n
    point = FiniteLaw(tuple((S.One / n, Matrix([0] * d), b) for b in range(n)), "ΔΦ = 0", ETA0)
    try:
        sig = [evaluate(hyp.equation.lhs - hyp.equation.rhs, Instance(inst.data, law, ETA0, inst.batch,
                                                                        inst.dynamics, inst.dynamics_label))
               for law in (point, base)]
    except EVALUATION_ERRORS:
        return None
    if not all(getattr(x, "is_Rational", False) for x in sig) or sig[0] == sig[1] \
            or not (sig[0] >= 0 >= sig[1] or sig[0] <= 0 <= sig[1]):
        return None
    t = sig[1] / (sig[1] - sig[0])
    atoms = tuple((t * w, x, b) for w, x, b in point.atoms)
    atoms += tuple(((1 - t) * w, x, b) for w, x, b in base.atoms)
    desc = f"mixture {sstr(t)}·(ΔΦ = 0) + {sstr(1 - t)}·({base.description}); satisfies {hyp.name}"
    return replace(inst, law=FiniteLaw(atoms, desc, ETA0), eta=ETA0)


# -- candidates ---------------------------------------------------------------------------
def candidate_instances(
    family: bool, hypotheses: Mapping[str, Hypothesis], uses: tuple[str, ...] = (), seed: int = 7,
    exprs: Sequence[Basic] = (), notation: Notation = LECTURE,
) -> Iterator[Instance]:
    """Small exact instances (mixtures and the cyclic law only at a fixed η)."""
    rate = eta if family else ETA0
    step, label = dynamics_of(hypotheses, notation)
    kinds = [(cu, mz, wrong) for cu in (True, False) for mz in (False, True) for wrong in (False,)]
    kinds.append((False, True, True))
    data = [proof_data(seed, mz, cu, exprs, hypotheses, notation, wrong) for cu, mz, wrong in kinds]

    def make(dat: object, law: object, r: Expr = rate, dyn: Basic = step, lab: str = label) -> Instance:
        return Instance(dat, law, r, 2, dyn, lab)  # type: ignore[arg-type]

    finite = [make(dat, law) for scale in (S.One, eta) for dat in data
              for law in (_coupled_law(dat.g, scale), _independent_law(dat.n, scale))]
    yield from finite
    for dat in (data[3], data[2], data[1], data[4]):  # mean zero, not, cubic, a wrong inverse
        yield make(dat, StationaryLaw(f"the exact stationary law of {label}"))
    yield make(data[3], StationaryLaw(f"the exact stationary law of {label} at rate 2η"),
               dyn=step.xreplace({eta: 2 * eta}), lab=f"{label} at rate 2η")
    if family:
        return
    for mean_zero in (True, False):
        cyclic = cyclic_instance(data[3 if mean_zero else 2], step, label, ETA0, notation)
        if cyclic is not None:
            yield cyclic
    spread = [make(dat, law, ETA0) for dat in data
              for law in (_coupled_law(dat.g, S(4)), _independent_law(dat.n, S(4)))]
    for h in (hypotheses[u] for u in uses):
        if h.kind == "equation":
            for inst in finite + spread:
                mixed = _mixture(inst, h)
                if mixed is not None:
                    yield mixed


# -- which hypotheses an instance satisfies -------------------------------------------------
def relation_holds(lhs: Basic, relation: str, rhs: Basic, inst: Instance) -> bool:
    """Does ``lhs relation rhs`` hold on the instance (for every b and ΔΦ it leaves free)?"""
    try:
        for env in _points(lhs, rhs, inst):
            diff = evaluate(lhs, inst, env) - evaluate(rhs, inst, env)
            if not _relation(diff, relation):
                return False
    except EVALUATION_ERRORS:
        return False
    return True


def _relation(diff: object, relation: str) -> bool:
    if relation in ("=", "step"):
        return _zero(diff)
    if isinstance(diff, Matrix):
        if diff.rows != diff.cols or diff != diff.T:
            return False
        return bool(diff.is_positive_definite if relation == r"\succ" else
                    diff.is_positive_semidefinite if relation == r"\succeq" else False)
    value = cancel(diff)
    if not value.is_Rational:
        return False
    return {r"\succ": value > 0, r"\succeq": value >= 0, r"\le": value <= 0, r"\leq": value <= 0,
            r"\ge": value >= 0, r"\geq": value >= 0}.get(relation, False)


def _invariant(inst: Instance) -> bool:
    """Is the law invariant under the instance's dynamics at its rate (b drawn by the law)?"""
    law = inst.law
    if isinstance(law, StationaryLaw):
        return law.moments(inst, inst.eta) is not None
    if isinstance(law, MomentLaw):
        steps = affine_steps(inst, inst.eta)
        found = solve_moments(steps) if steps is not None else None
        return found is not None and _zero(found[0] - law.m) and _zero(found[1] - law.S)
    atoms = law.at(inst.eta, inst.eta)
    if atoms is None:
        return False
    before: dict[tuple, Expr] = {}
    after: dict[tuple, Expr] = {}
    try:
        for w, x, b in atoms:
            y = evaluate(inst.dynamics, inst, Env(b=b, x=x))
            for table, point in ((before, x), (after, y)):
                key = tuple(sstr(cancel(v)) for v in point)
                table[key] = table.get(key, S.Zero) + w
    except EVALUATION_ERRORS:
        return False
    keys = set(before) | set(after)
    return all(cancel(before.get(k, S.Zero) - after.get(k, S.Zero)) == 0 for k in keys)


def _vanishes(inst: Instance) -> bool:
    """Does E_{P_η}‖ΔΦ‖² → 0 as η → 0 for the instance's family of laws?"""
    try:
        return _family_vanishes(inst)
    except EVALUATION_ERRORS:
        return False


def _family_vanishes(inst: Instance) -> bool:
    law = inst.law
    if isinstance(law, StationaryLaw):
        found = stationary_moments_of(replace(inst, eta=eta), eta)
        return found is not None and limit_at_zero(cancel(found[1].trace())) == 0
    if isinstance(law, FiniteLaw) and law.fixed_rate is None:
        return all(limit_at_zero(cancel(x.norm() ** 2)) == 0 for _, x, _ in law.atoms)
    return False


def _independent(inst: Instance) -> bool:
    law = inst.law
    return law.independent(inst.data.n) if isinstance(law, FiniteLaw) else True


def holds(name: str, inst: Instance, hypotheses: Mapping[str, Hypothesis]) -> bool:
    """Does the instance satisfy the named hypothesis? (its statement is checked, not assumed)"""
    h = hypotheses[name]
    if h.kind == "expansion":
        return inst.data.quadratic
    if h.kind == "batch":  # B-tuples with replacement have exactly these moments, c_B = 1/B
        return True
    if h.kind == "independence":
        return _independent(inst)
    if h.kind == "sgd-step":
        return h.equation is not None and inst.dynamics == h.equation.rhs
    if h.kind == "invariance":
        return _invariant(inst)
    if h.kind == "small-eta":
        return _vanishes(inst)
    if h.equation is None:
        return False
    if h.kind == "mean-zero":
        return relation_holds(h.equation.lhs, "=", h.equation.rhs, inst)
    return relation_holds(h.equation.lhs, h.relation, h.equation.rhs, inst)


def _points(lhs: Basic, rhs: Basic, inst: Instance) -> Iterator[Env]:
    bs = range(inst.data.n) if depends_on_example(lhs) or depends_on_example(rhs) else [None]
    xs = POINTS if depends_on_state(lhs) or depends_on_state(rhs) else [None]
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
    lhs: Basic, rhs: Basic, uses: tuple[str, ...], hypotheses: Mapping[str, Hypothesis],
    notation: Notation = LECTURE,
) -> Counterexample | None:
    """A candidate instance that satisfies ``uses`` and on which lhs ≠ rhs.

    Among the candidates, those that break the fewest unnamed hypotheses are tried first.
    """
    exprs = [lhs, rhs, *(side for h in hypotheses.values() if h.equation is not None
                         for side in (h.equation.lhs, h.equation.rhs))]
    ranked = []
    for k, inst in enumerate(candidate_instances(_family((lhs, rhs)), hypotheses, uses, exprs=exprs,
                                                 notation=notation)):
        if not all(holds(u, inst, hypotheses) for u in uses):
            continue
        broken = tuple(h for h in hypotheses if h not in uses and not holds(h, inst, hypotheses))
        ranked.append((len(broken), k, inst, broken))
    for _, _, inst, broken in sorted(ranked, key=lambda t: t[:2]):
        try:
            found = _differ(lhs, rhs, inst)
        except EVALUATION_ERRORS:
            continue
        if found is not None:
            left, right, env = found
            return Counterexample(inst.to_json(), sstr(left), sstr(right), broken, _where(env))
    return None


r"""Which hypotheses a line may use, in the form the reduction needs.

A context is built from the names a line uses. Each kind acts only through its statement:

* ``expansion`` — its (validated) statement L_b(Φ*+ΔΦ) = L_b(Φ*) + g_bᵀΔΦ + ½ΔΦᵀH_bΔΦ is the
  rewrite rule, applied at every point Φ* + x;
* ``mean-zero`` — E_b v_b = 0 for the vector its statement names;
* ``sgd-step``, ``invariance`` and ``independence`` together — the SGD model: moment equations
  of the stationary law are derived from it (:mod:`verify.invariance`);
* ``equation`` and ``inverse`` — their equations;
* ``small-eta`` — moments of the state vanish as η → 0.

>>> from derive.hypotheses import HYPOTHESES
>>> from verify.context import Context
>>> ctx = Context.build(("sgd-step", "stationarity", "independence", "mean-gradient-zero"), HYPOTHESES)
>>> ctx.model is not None, sorted(ctx.mean_zero), ctx.expansion is None
(True, ['g_b'], True)
>>> Context.build(("sgd-step", "stationarity"), HYPOTHESES).model is None  # no independence
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING

from derive.hypotheses import Hypothesis
from derive.sgd import Equation
from verify.poly import Poly

if TYPE_CHECKING:
    from verify.invariance import Model

__all__ = ["Context", "NamedEquation", "UnknownHypothesis"]


class UnknownHypothesis(ValueError):
    """A line names a hypothesis that the proof does not declare."""


@dataclass(frozen=True)
class NamedEquation:
    """An equation a residual may be combined with: a named hypothesis, or one derived from the
    SGD model (``derived=True``, named ``stationarity[f]`` for the test function f)."""

    name: str
    poly: Poly
    equation: Equation
    derived: bool = False


@dataclass
class Context:
    """The hypotheses of one line, and the bookkeeping of one reduction."""

    names: tuple[str, ...]
    hypotheses: Mapping[str, Hypothesis]
    expansion: Equation | None = None
    small_eta_state: str | None = None
    mean_zero: frozenset[str] = frozenset()
    inverses: frozenset[tuple[str, str]] = frozenset()
    batch: bool = False
    model: Model | None = None
    atoms: bool = False
    equations: list[NamedEquation] = field(default_factory=list)
    limit_log: list[tuple[str, object]] = field(default_factory=list)
    ids: count = field(default_factory=lambda: count(1))

    @classmethod
    def build(
        cls, names: Iterable[str], hypotheses: Mapping[str, Hypothesis], atoms: bool = False
    ) -> Context:
        from verify.invariance import model_of

        names = tuple(dict.fromkeys(names))
        unknown = [x for x in names if x not in hypotheses]
        if unknown:
            known = ", ".join(sorted(hypotheses))
            raise UnknownHypothesis(f"unknown hypothesis {unknown[0]!r}; known: {known}")
        used = [hypotheses[x] for x in names]
        expansion = next((h.equation for h in used if h.kind == "expansion"), None)
        return cls(
            names,
            hypotheses,
            expansion=expansion,
            small_eta_state=next((_small_eta_state(h) for h in used if h.kind == "small-eta"), None),
            batch=any(h.kind == "batch" for h in used),
            mean_zero=frozenset(h.vector or "" for h in used if h.kind == "mean-zero"),
            inverses=frozenset(pair for h in used if h.kind == "inverse" for pair in _pairs(h)),
            model=model_of(used),
            atoms=atoms,
        )

    def fresh(self) -> int:
        return next(self.ids)

    def new_group(self) -> int:
        """The id of a new average E_b (every E_b is the plain average over the training set)."""
        return self.fresh()

    def equation_names(self) -> list[str]:
        return [x for x in self.names if self.hypotheses[x].kind == "equation"]


def _small_eta_state(h: Hypothesis) -> str | None:
    """The state whose moments small-eta-limit sends to 0: lim E_{P_η} ‖x‖² = 0 names x."""
    from derive.expectation import StationaryMean
    from derive.limits import LimitAtZero
    from derive.scalar import SquaredNorm

    lhs = h.equation.lhs if h.equation is not None else None
    if isinstance(lhs, LimitAtZero) and isinstance(lhs.expr, StationaryMean) \
            and isinstance(lhs.expr.expr, SquaredNorm):
        return str(lhs.expr.expr.vector.name) if lhs.expr.expr.vector.is_symbol else None
    return None


def _pairs(h: Hypothesis) -> tuple[tuple[str, str], ...]:
    """(A, B) and (B, A) for a hypothesis ``A B = I`` between two fixed matrices."""
    from sympy import Identity, MatMul

    eq = h.equation
    product = eq is not None and isinstance(eq.lhs, MatMul) and len(eq.lhs.args) == 2
    if not product or not isinstance(eq.rhs, Identity):
        raise UnknownHypothesis(f"hypothesis {h.name!r} must read 'A B = I' for two fixed matrices")
    a, b = (str(m.name) for m in eq.lhs.args)
    return ((a, b), (b, a))

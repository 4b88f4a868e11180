r"""Which hypotheses a line may use, in the form the reduction needs.

>>> from derive.hypotheses import HYPOTHESES
>>> from verify.context import Context
>>> ctx = Context.build(("independence", "mean-gradient-zero"), HYPOTHESES)
>>> ctx.independence, sorted(ctx.mean_zero), ctx.expansion
(True, ['g_b'], False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import count

from derive.hypotheses import Hypothesis
from verify.poly import Poly

__all__ = ["Context", "GroupInfo", "UnknownHypothesis"]


class UnknownHypothesis(ValueError):
    """A line names a hypothesis that the proof does not declare."""


@dataclass
class GroupInfo:
    """An ``E_b``: plain (the uniform average), or coupled with the ΔΦ of one ``E_P``."""

    plain: bool
    coupled_to: int | None = None


@dataclass
class Context:
    """The hypotheses of one line, and the bookkeeping of one reduction."""

    names: tuple[str, ...]
    hypotheses: Mapping[str, Hypothesis]
    expansion: bool = False
    independence: bool = False
    small_eta: bool = False
    mean_zero: frozenset[str] = frozenset()
    inverses: frozenset[tuple[str, str]] = frozenset()
    batch: bool = False
    equations: list[tuple[str, Poly]] = field(default_factory=list)
    groups: dict[int, GroupInfo] = field(default_factory=dict)
    limit_log: list[tuple[str, object]] = field(default_factory=list)
    ids: count = field(default_factory=lambda: count(1))

    @classmethod
    def build(cls, names: Iterable[str], hypotheses: Mapping[str, Hypothesis]) -> Context:
        names = tuple(names)
        unknown = [x for x in names if x not in hypotheses]
        if unknown:
            known = ", ".join(sorted(hypotheses))
            raise UnknownHypothesis(f"unknown hypothesis {unknown[0]!r}; known: {known}")
        kinds = {hypotheses[x].kind for x in names}
        mean_zero = frozenset(
            hypotheses[x].vector or "" for x in names if hypotheses[x].kind == "mean-zero"
        )
        return cls(
            names,
            hypotheses,
            expansion="expansion" in kinds,
            independence="independence" in kinds,
            small_eta="small-eta" in kinds,
            batch="batch" in kinds,
            mean_zero=mean_zero,
            inverses=frozenset(
                pair for x in names if hypotheses[x].kind == "inverse" for pair in _pairs(hypotheses[x])
            ),
        )

    def fresh(self) -> int:
        return next(self.ids)

    def new_group(self, plain: bool, coupled_to: int | None = None) -> int:
        gid = self.fresh()
        self.groups[gid] = GroupInfo(plain=plain or self.independence, coupled_to=coupled_to)
        return gid

    def equation_names(self) -> list[str]:
        return [x for x in self.names if self.hypotheses[x].kind == "equation"]


def _pairs(h: Hypothesis) -> tuple[tuple[str, str], ...]:
    """(A, B) and (B, A) for a hypothesis ``A B = I`` between two fixed matrices."""
    from sympy import Identity, MatMul

    eq = h.equation
    if eq is None or not isinstance(eq.lhs, MatMul) or not isinstance(eq.rhs, Identity):
        raise UnknownHypothesis(f"hypothesis {h.name!r} must read 'A B = I' for two fixed matrices")
    a, b = (str(m.name) for m in eq.lhs.args)
    return ((a, b), (b, a))

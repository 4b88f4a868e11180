r"""The hypotheses of a proof as rows of the report: what each says, who uses it, and its standing.

Every hypothesis is one of

* **primitive** — assumed: the SGD step, the invariance of P_η, independence, the expansion, a
  mean-zero statement, an assumption about the data, an equation between data;
* **lemma** — small-eta-limit, justified by the explicit lemma (``derive.lemma``) from the
  hypotheses it lists;
* **consequence** — a declared equation about the law (a *moment equation*, e.g. the lecture's
  stationarity of E‖ΔΦ‖²). It is not taken on trust: it is checked, like a line, from the primitive
  hypotheses (the SGD model gives the moment equations it may use), and is verified, refuted with
  a counterexample, or unknown. A line that uses a consequence that is not verified cannot carry
  the theorem.

>>> from derive.proof import heat_capacity_proof
>>> rows = hypothesis_rows(heat_capacity_proof())
>>> [(r.name, r.role) for r in rows][4:6]
[('independence', 'primitive'), ('small-eta-limit', 'lemma')]
>>> next(r for r in rows if r.name == "stationarity").used_by[:2]
('step-3 line 1', 'step-3 line 2')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sympy import preorder_traversal

from derive.expectation import StationaryMean
from derive.hypotheses import Hypothesis
from derive.lemma import SMALL_ETA_LEMMA
from derive.losses import ConvergedLoss
from derive.proof import Proof
from derive.symbols import StateVector
from verify.results import Certificate, Counterexample, Status

__all__ = ["HypothesisRow", "hypothesis_rows", "is_moment_equation"]

Role = Literal["primitive", "lemma", "consequence"]


@dataclass(frozen=True)
class HypothesisRow:
    """One hypothesis: name, kind, statement (as checked), the file's LaTeX, the lines using it;
    for a consequence also its verdict, certificate or counterexample."""

    name: str
    kind: str
    latex: str
    description: str
    used_by: tuple[str, ...]
    role: Role
    source: str | None = None
    status: Status | None = None
    certificate: Certificate | None = None
    counterexample: Counterexample | None = None
    reason: str | None = None
    relies_on: tuple[str, ...] = ()

    @property
    def sound(self) -> bool:
        """May a line that uses it carry the theorem?"""
        return self.role != "consequence" or self.status == "verified"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "latex": self.latex,
            "source": self.source,
            "description": self.description,
            "used_by": list(self.used_by),
            "role": self.role,
            "status": self.status,
            "relies_on": list(self.relies_on),
            "certificate": self.certificate.to_json() if self.certificate else None,
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "reason": self.reason,
        }


def is_moment_equation(h: Hypothesis) -> bool:
    """An equation about the law of ΔΦ (it mentions E_{ΔΦ∼P_η}, L(η) or the state)."""
    if h.kind != "equation" or h.equation is None:
        return False
    return any(isinstance(node, StationaryMean | ConvergedLoss | StateVector)
               for side in (h.equation.lhs, h.equation.rhs) for node in preorder_traversal(side))


def _used_by(proof: Proof, name: str) -> tuple[str, ...]:
    return tuple(f"{s.id} line {k}" for s in proof.steps
                 for k, line in enumerate(s.lines, 1) if name in line.uses)


def _row(proof: Proof, h: Hypothesis, primitive: tuple[str, ...]) -> HypothesisRow:
    from verify.checker import check_equation

    common = (h.name, h.kind, h.statement, h.description, _used_by(proof, h.name))
    if h.kind == "small-eta":
        relies = tuple(x for x in SMALL_ETA_LEMMA.uses if x in proof.hypotheses) or SMALL_ETA_LEMMA.uses
        return HypothesisRow(*common, "lemma", h.source, relies_on=relies)
    if not is_moment_equation(h):
        return HypothesisRow(*common, "primitive", h.source)
    assert h.equation is not None
    status, _residual, cert, cx, reason = check_equation(h.equation.lhs, h.equation.rhs, primitive,
                                                         proof.hypotheses, proof.notation)
    return HypothesisRow(*common, "consequence", h.source, status, cert, cx, reason, primitive)  # type: ignore[arg-type]


def hypothesis_rows(proof: Proof) -> tuple[HypothesisRow, ...]:
    """A row for every hypothesis of the proof, consequences checked from the primitive ones."""
    primitive = tuple(n for n, h in proof.hypotheses.items()
                      if not is_moment_equation(h) and h.kind != "small-eta")
    return tuple(_row(proof, h, primitive) for h in proof.hypotheses.values())

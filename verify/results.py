r"""What the checker returns: frozen result objects, never bare booleans.

Each object has ``to_json()``; the text report and ``--json`` are made from the same objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from derive.proof import Location
from heatcap.reprs import html_method, repr_method

if TYPE_CHECKING:
    from derive.proof import Proof
    from verify.hypothesis_rows import HypothesisRow
    from verify.theorem import TheoremResult

__all__ = [
    "Certificate",
    "Counterexample",
    "LineResult",
    "ProofReport",
    "Status",
    "StepResult",
    "with_locations",
    "worst",
]

Status = Literal["verified", "refuted", "unknown"]
_RANK = {"verified": 0, "unknown": 1, "refuted": 2}


def worst(statuses: list[Status]) -> Status:
    """The worst status of a list (refuted > unknown > verified); verified when empty."""
    return max(statuses, key=_RANK.__getitem__, default="verified")


@dataclass(frozen=True)
class Certificate:
    """Why a line is verified: lhs − rhs = Σ λ_i (lhs_i − rhs_i) over the named equations.

    ``rewrites`` are the hypotheses used as rules (expansion, mean-zero, the SGD model,
    small-eta-limit); ``limits`` are the multiples of equations used inside limits; ``derived``
    are the moment equations the SGD model gives that the certificate uses (name, equation).
    """

    equations: tuple[tuple[str, str], ...]
    rewrites: tuple[str, ...]
    limits: tuple[tuple[str, str], ...] = ()
    derived: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "equations": [{"hypothesis": n, "multiplier": m} for n, m in self.equations],
            "rewrites": list(self.rewrites),
            "limits": [{"hypothesis": n, "multiplier": m} for n, m in self.limits],
            "derived": [{"name": n, "equation": e} for n, e in self.derived],
        }


@dataclass(frozen=True)
class Counterexample:
    """An exact instance satisfying every named hypothesis on which the two sides differ."""

    instance: dict[str, Any]
    lhs: str
    rhs: str
    violates: tuple[str, ...]
    where: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.instance,
            "where": self.where,
            "lhs": self.lhs,
            "rhs": self.rhs,
            "violates": list(self.violates),
        }


@dataclass(frozen=True)
class LineResult:
    """The verdict on one line of a proof."""

    __repr__ = repr_method  # short; the notebook display is heatcap/display.py

    step: str
    index: int
    latex: str
    uses: tuple[str, ...]
    status: Status
    residual: str | None = None
    certificate: Certificate | None = None
    counterexample: Counterexample | None = None
    reason: str | None = None
    source: str | None = None
    note: str | None = None
    location: Location | None = None
    legend: str | None = None  # what m and S in the residual stand for, in the setting's names

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "line": self.index,
            "location": asdict(self.location) if self.location else None,
            "latex": self.latex,
            "source": self.source,
            "status": self.status,
            "uses": list(self.uses),
            "residual": self.residual,
            "legend": self.legend,
            "certificate": self.certificate.to_json() if self.certificate else None,
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "reason": self.reason,
            "note": self.note,
        }


@dataclass(frozen=True)
class StepResult:
    """The verdicts on the lines of one step; its status is the worst of its lines."""

    __repr__ = repr_method  # short; the notebook display is heatcap/display.py

    id: str
    title: str
    lines: tuple[LineResult, ...]
    assumptions: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        return worst([line.status for line in self.lines])

    def to_json(self) -> dict[str, Any]:
        uses = sorted({u for line in self.lines for u in line.uses})
        first = next((x for x in self.lines if x.status != "verified"), None)
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "uses": uses,
            "assumptions": list(self.assumptions),
            "residual": first.residual if first else None,
            "counterexample": first.counterexample.to_json()
            if first and first.counterexample
            else None,
            "certificate": None,
            "lines": [line.to_json() for line in self.lines],
        }


@dataclass(frozen=True)
class ProofReport:
    """The verdict on a whole proof."""

    __repr__ = repr_method  # short; the notebook display is heatcap/display.py
    _repr_html_ = html_method

    title: str
    theorem: str
    steps: tuple[StepResult, ...]
    assumptions: tuple[str, ...]
    extra: tuple[tuple[str, Any], ...] = ()
    theorem_check: TheoremResult | None = None
    hypotheses: tuple[HypothesisRow, ...] = ()

    @property
    def ok(self) -> bool:
        """Every line verified, every consequence verified, and the theorem derived from the lines."""
        return (all(s.status == "verified" for s in self.steps)
                and all(h.sound for h in self.hypotheses)
                and self.theorem_check is not None and self.theorem_check.status == "verified")

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "theorem": self.theorem_check.to_json() if self.theorem_check else {"latex": self.theorem},
            "ok": self.ok,
            "hypotheses": [h.to_json() for h in self.hypotheses],
            "steps": [s.to_json() for s in self.steps],
            "assumptions": list(self.assumptions),
            "lemmas": [_lemma_json()],
            **dict(self.extra),
        }


def with_locations(report: ProofReport, proof: Proof) -> ProofReport:
    """The report with each line's place in the proof file (file, step, line, line of the file)."""
    where = {(s.id, k): line.location for s in proof.steps for k, line in enumerate(s.lines, 1)}

    def locate(step: StepResult) -> StepResult:
        lines = tuple(replace(x, location=where.get((step.id, x.index))) for x in step.lines)
        return replace(step, lines=lines)

    return replace(report, steps=tuple(locate(s) for s in report.steps))


def _lemma_json() -> dict[str, Any]:
    from derive.lemma import SMALL_ETA_LEMMA

    return {
        "name": SMALL_ETA_LEMMA.name,
        "statement": SMALL_ETA_LEMMA.statement,
        "uses": list(SMALL_ETA_LEMMA.uses),
        "justification": list(SMALL_ETA_LEMMA.steps),
    }

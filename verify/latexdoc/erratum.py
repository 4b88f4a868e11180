r"""Errata: the lines where a proof as written differs from its corrected form.

``heatcap latex --as-written`` typesets the seed's lines exactly as they read; where such a line
differs from the corrected proof and is not verified as written (or carries a note), the document
shows an erratum note with the corrected line and its own verification status (checked with the
same hypotheses). A line that reads differently but is verified either way needs no erratum.

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> seed, fixed = heat_capacity_proof(as_written=True), heat_capacity_proof()
>>> errata = find_errata(seed, check_proof(seed), fixed, check_proof(fixed))
>>> [(e.step, e.index, e.result.status) for e in errata]
[('step-3', 3, 'verified')]
"""

from __future__ import annotations

from dataclasses import dataclass

from derive.proof import Line, Proof
from verify.results import LineResult, ProofReport

from .blocks import line_latex

__all__ = ["Erratum", "find_errata"]


@dataclass(frozen=True)
class Erratum:
    """Line ``index`` of step ``step`` should read ``line`` (whose check is ``result``)."""

    step: str
    index: int
    note: str | None
    written: Line
    line: Line
    result: LineResult


def find_errata(written: Proof, written_report: ProofReport, corrected: Proof,
                corrected_report: ProofReport) -> tuple[Erratum, ...]:
    """The lines of ``written`` that differ from the same line of ``corrected`` and are not
    verified as written (or carry a note)."""
    out = []
    fixed_steps = {s.id: (s, r) for s, r in zip(corrected.steps, corrected_report.steps, strict=True)}
    for step, verdicts in zip(written.steps, written_report.steps, strict=True):
        if step.id not in fixed_steps:
            continue
        fixed, result = fixed_steps[step.id]
        for index, (old, seen, new, res) in enumerate(
                zip(step.lines, verdicts.lines, fixed.lines, result.lines, strict=False), 1):
            if line_latex(old) == line_latex(new) or (seen.status == "verified" and not old.note):
                continue
            out.append(Erratum(step.id, index, old.note, old, new, res))
    return tuple(out)

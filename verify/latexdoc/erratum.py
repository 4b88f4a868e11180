r"""Errata: the lines where a proof as written differs from its corrected form.

``heatcap latex --as-written`` typesets the seed's lines exactly as they read; where such a line
differs from the corrected proof, the document shows an erratum note with the corrected line and
its own verification status (checked with the same hypotheses).

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> seed, fixed = heat_capacity_proof(as_written=True), heat_capacity_proof()
>>> [(e.step, e.index, e.result.status) for e in find_errata(seed, fixed, check_proof(fixed))]
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


def find_errata(written: Proof, corrected: Proof, corrected_report: ProofReport) -> tuple[Erratum, ...]:
    """The lines of ``written`` that differ from the same line of ``corrected``."""
    out = []
    fixed_steps = {s.id: (s, r) for s, r in zip(corrected.steps, corrected_report.steps, strict=True)}
    for step in written.steps:
        if step.id not in fixed_steps:
            continue
        fixed, result = fixed_steps[step.id]
        for index, (old, new, res) in enumerate(zip(step.lines, fixed.lines, result.lines,
                                                    strict=False), 1):
            if line_latex(old) != line_latex(new):
                out.append(Erratum(step.id, index, old.note, old, new, res))
    return tuple(out)

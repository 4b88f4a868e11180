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

The reason is read off the two sources: the smallest group in which they differ, and what the
difference is when the corrected source has a spacing command where the seed has an operator:

>>> errata[0].difference()
('(E_b - H_b)', '(E_b \\; H_b)')
>>> print(errata[0].reason().split(". ")[0].replace("} where", "}\nwhere"))
The seed has \mbox{\texttt{(E\_b - H\_b)}}
where the slide source has \mbox{\texttt{(E\_b \textbackslash{}; H\_b)}}
>>> print(errata[0].reason().split(". ")[1].split(": ")[0])
\mbox{\texttt{\textbackslash{};}} is a thick space, a spacing command, not an operator
"""

from __future__ import annotations

from dataclasses import dataclass

from derive.proof import Line, Proof
from verify.results import LineResult, ProofReport

from .blocks import line_latex
from .text import tex_escape, tex_text, user_math

__all__ = ["SPACING_COMMANDS", "Erratum", "find_errata", "source_difference"]

#: LaTeX spacing commands: a space in the typeset formula, never an operator.
SPACING_COMMANDS: dict[str, str] = {
    r"\,": "a thin space", r"\:": "a medium space", r"\>": "a medium space",
    r"\;": "a thick space", r"\!": "a negative thin space", r"\ ": "an interword space",
    r"\quad": "a quad space", r"\qquad": "a double quad space", "~": "a non-breaking space",
}


@dataclass(frozen=True)
class Erratum:
    """Line ``index`` of step ``step`` should read ``line`` (whose check is ``result``)."""

    step: str
    index: int
    note: str | None
    written: Line
    line: Line
    result: LineResult

    def difference(self) -> tuple[str, str] | None:
        """(seed fragment, corrected fragment) of the two sources, or None without sources."""
        if not self.written.source or not self.line.source:
            return None
        return source_difference(self.written.source, self.line.source)

    def reason(self) -> str:
        """Why the line is wrong (LaTeX text): the two sources' difference, else the note."""
        diff = self.difference()
        if diff is None:
            return tex_text(self.note) + "." if self.note else ""
        seed, fixed = diff
        text = f"The seed has {_code(seed)} where the slide source has {_code(fixed)}."
        core_seed, core_fixed = _cores(seed, fixed)
        space = SPACING_COMMANDS.get(core_fixed.strip())
        if space is not None and core_seed.strip():
            meant = user_math(fixed.strip("()"))
            text += (f" {_code(core_fixed.strip())} is {space}, a spacing command, not an operator: "
                     f"the slide means ${meant}$, and the seed's {_code(core_seed.strip())} "
                     "is a transcription error.")
        return text


def _code(text: str) -> str:
    """LaTeX source shown verbatim, on one line."""
    return r"\mbox{\texttt{" + tex_escape(text) + "}}"


def _affixes(a: str, b: str) -> tuple[int, int]:
    """The lengths of the common prefix and of the common suffix (not overlapping it)."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _cores(a: str, b: str) -> tuple[str, str]:
    """The parts of ``a`` and ``b`` between their common prefix and common suffix."""
    start, end = _affixes(a, b)
    return a[start:len(a) - end], b[start:len(b) - end]


def _group_start(text: str, index: int) -> int:
    """Where the innermost parenthesised group around ``index`` opens (else the word starts)."""
    depth = 0
    for i in range(index - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            if depth == 0:
                return i
            depth -= 1
    return text.rfind(" ", 0, index) + 1


def _group_end(text: str, index: int) -> int:
    """Just after the ``)`` that closes the group open at ``index`` (else where the word ends)."""
    depth = 0
    for i in range(index, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            if depth == 0:
                return i + 1
            depth -= 1
    space = text.find(" ", index)
    return len(text) if space < 0 else space


def source_difference(written: str, fixed: str) -> tuple[str, str] | None:
    """The smallest parenthesised groups (else the words) in which the two sources differ."""
    if written == fixed:
        return None
    start, end = _affixes(written, fixed)
    lo = _group_start(written, start)
    tail = len(written) - _group_end(written, len(written) - end)
    return written[lo:len(written) - tail], fixed[lo:len(fixed) - tail]


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

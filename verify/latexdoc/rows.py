r"""The report's own rows in LaTeX: the theorem row and the hypotheses as checked.

The theorem row (``report.theorem_check``) says whether the stated theorem is derived from the
verified lines, from which lines (by their numbers in the document) and with which multipliers,
and on which hypotheses it then rests. Each hypothesis row (``report.hypotheses``) gives the
statement the checker used, its role — assumed (primitive), a lemma and what it rests on, or a
consequence checked like a line — and the lines that use it.

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> proof = heat_capacity_proof()
>>> report = check_proof(proof)
>>> print(theorem_row(report, step_numbers(proof.steps)).split(" --- ")[1][:45])
derived from the verified lines (4.2), (4.3):
>>> row = next(r for r in report.hypotheses if r.name == "stationarity")
>>> used_in(row.used_by, step_numbers(proof.steps))
'(3.1)--(3.4), (4.1)--(4.2)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from derive.proof import Proof
from verify.hypothesis_rows import HypothesisRow, hypothesis_rows
from verify.results import ProofReport

from .blocks import certificate_latex, counterexample_items, line_label, scaled, status_mark
from .text import tex_escape, tex_text

__all__ = ["hypotheses_items", "hypotheses_table", "report_rows", "role_text", "step_numbers",
           "theorem_row", "used_in"]


class _HasId(Protocol):
    id: str


def step_numbers(steps: Sequence[_HasId]) -> dict[str, int]:
    """{step id: its number in the document}."""
    return {s.id: k for k, s in enumerate(steps, 1)}


def _ref(step: str, index: int, numbers: Mapping[str, int]) -> str:
    number = numbers.get(step)
    return line_label(number, index) if number is not None else f"{tex_escape(step)} line {index}"


def used_in(refs: Sequence[str], numbers: Mapping[str, int]) -> str:
    """``("step-3 line 1", "step-3 line 2", "step-4 line 2")`` as ``(3.1)--(3.2), (4.2)``:
    consecutive lines of a step joined; ``---`` for none."""
    out: list[list[tuple[str, int]]] = []
    other = []
    for ref in refs:
        step, _, index = ref.rpartition(" line ")
        if not index.isdigit():
            other.append(tex_escape(ref))
        elif out and out[-1][-1] == (step, int(index) - 1):
            out[-1].append((step, int(index)))
        else:
            out.append([(step, int(index))])
    runs = [_ref(*run[0], numbers) + ("" if len(run) == 1 else "--" + _ref(*run[-1], numbers))
            for run in out]
    return ", ".join(runs + other) or "---"


def _hyps(names: Sequence[str]) -> str:
    return ", ".join(r"\hyp{" + tex_escape(n) + "}" for n in names)


def report_rows(report: ProofReport, proof: Proof) -> tuple[HypothesisRow, ...]:
    """The report's hypothesis rows (computed from the proof when the report has none)."""
    return report.hypotheses or hypothesis_rows(proof)


def role_text(row: HypothesisRow, rows: Sequence[HypothesisRow]) -> str:
    """Its standing (LaTeX text): assumed, a lemma from …, or a consequence and its verdict."""
    if row.role == "lemma":
        return "lemma, from " + _hyps(row.relies_on)
    if row.role == "consequence":
        text = "consequence, checked: " + status_mark(row.status or "unknown")
        cert = certificate_latex(row.certificate)
        return text + ("; " + cert if cert else "")
    lemmas = [r.name for r in rows if r.role == "lemma" and row.name in r.relies_on]
    if not row.used_by and lemmas:
        return "assumed; used by the lemma " + _hyps(lemmas)
    return "assumed" if row.used_by else "assumed; used by no line"


def hypotheses_items(report: ProofReport, proof: Proof) -> list[str]:
    """One ``description`` item per hypothesis: name, words, standing, lines, statement."""
    rows = report_rows(report, proof)
    numbers = step_numbers(proof.steps)
    return [
        f"\\item[\\hyp{{{tex_escape(r.name)}}}] {tex_text(r.description)} ({role_text(r, rows)}"
        + (f"; used in {used_in(r.used_by, numbers)}" if r.used_by else "") + f"):\n\\[ {r.latex} \\]"
        + _refutation(r)
        for r in rows
    ]


def _refutation(row: HypothesisRow) -> str:
    """A refuted consequence's counterexample (under the primitive hypotheses), or ``""``."""
    if row.counterexample is None:
        return ""
    items = counterexample_items(row.counterexample, brief=True)
    return ("\nIt is false under the primitive hypotheses:\n\\begin{itemize}\n"
            + "\n".join(r"\item " + i for i in items) + "\n\\end{itemize}")


def hypotheses_table(report: ProofReport, proof: Proof, width: str = r"\linewidth") -> str:
    """The hypotheses as an aligned ``tabular``: name, statement as checked, standing, lines
    (the last two columns wrap, at 0.2 and 0.24 of ``width``)."""
    rows = report_rows(report, proof)
    numbers = step_numbers(proof.steps)
    body = " \\\\\n".join(
        f"\\hyp{{{tex_escape(r.name)}}} & ${r.latex}$ & {role_text(r, rows)} & "
        f"{used_in(r.used_by, numbers)}"
        for r in rows
    )
    return (f"\\begin{{tabular}}{{@{{}}llP{{0.2{width}}}P{{0.24{width}}}@{{}}}}\n"
            "name & statement (as checked) & standing & used in \\\\\n\\hline\n"
            + body + " \\\\\n\\end{tabular}")


def theorem_row(report: ProofReport, numbers: Mapping[str, int], *, brief: bool = False) -> str:
    """The verdict on the stated theorem (LaTeX text): from which lines, on which hypotheses."""
    thm = report.theorem_check
    if thm is None:
        return r"\hcunknown{} --- the report has no theorem row"
    mark = status_mark(thm.status)
    if thm.status == "verified":
        if not thm.lines:
            return f"{mark} --- an identity"
        refs = ", ".join(_ref(s, i, numbers) for s, i, _ in thm.lines)
        combo = " + ".join(scaled(m, f"[{_ref(s, i, numbers)}]") for s, i, m in thm.lines)
        return (f"{mark} --- derived from the verified lines {refs}: "
                f"$\\mathrm{{lhs}} - \\mathrm{{rhs}} = {combo}$, where $[\\ell]$ is the difference "
                "of the two sides of line $\\ell$. It rests on " + _hyps(thm.uses) + ".")
    text = f"{mark} --- {tex_text(thm.reason)}." if thm.reason else mark
    if thm.counterexample is not None:
        items = counterexample_items(thm.counterexample, brief=brief)
        text += ("\n\\begin{itemize}\n" + "\n".join(r"\item " + i for i in items)
                 + "\n\\end{itemize}")
    return text


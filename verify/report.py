r"""The text report of a checked proof (the JSON report is ``ProofReport.to_json()``).

Formulas print in readable Unicode (ΔΦᵀ(E_b H_b)ΔΦ, ‖g_b + H_bΔΦ‖², η/4); ``--json`` and
``heatcap latex`` keep LaTeX.

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> text = render_text(check_proof(heat_capacity_proof()))
>>> print(text.splitlines()[0])
Heat Capacity Theorem
>>> "13 of 13 lines verified, theorem verified" in text
True
"""

from __future__ import annotations

import json

from derive.lemma import SMALL_ETA_LEMMA
from verify.render import MOMENT_LEGEND
from verify.results import LineResult, ProofReport
from verify.terminal import counterexample_lines
from verify.unicode import to_unicode

__all__ = ["render_json", "render_text"]

_MARK = {"verified": "verified", "refuted": "REFUTED", "unknown": "unknown"}


def _table(report: ProofReport) -> list[str]:
    """A row per line — its status and the line as checked — then the hypotheses it uses."""
    rows = [(step.id, str(line.index), _MARK[line.status], to_unicode(line.latex),
             ", ".join(line.uses) or "definitions only") for step in report.steps for line in step.lines]
    thm = report.theorem_check
    if thm is not None:
        how = thm.summary().removeprefix(thm.status).lstrip(": ") or "-"
        rows.append(("theorem", "", _MARK[thm.status], to_unicode(thm.latex), how))
    head = ("step", "line", "status")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]
    indent = " " * (sum(widths) + 6)
    out = ["  ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)) + "  line as checked / by"]
    for r in rows:
        out.append("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
        out.append(indent + ("" if r[0] == "theorem" else "by: ") + r[4])
    out.insert(1, "-" * min(110, max(len(x) for x in out)))
    return out


def _detail(line: LineResult) -> list[str]:
    out = [f"{line.step}, line {line.index}: {line.status}"]
    if line.location is not None:
        out.append(f"  written at: {line.location}")
    if line.source:
        out.append(f"  as written: {to_unicode(line.source)}")
    out.append(f"  checked:    {to_unicode(line.latex)}")
    if line.note:
        out.append(f"  note:       {to_unicode(line.note)}")
    if line.residual:
        out.append(f"  residual (lhs - rhs, reduced): {to_unicode(line.residual)}")
        out.append(f"    where {to_unicode(line.legend or MOMENT_LEGEND)}")
    if line.reason and not line.residual:
        out.append(f"  reason: {to_unicode(line.reason)}")
    if line.counterexample is not None:
        out += ["  " + x for x in counterexample_lines(line.counterexample)]
    return out


def _hypotheses(report: ProofReport) -> list[str]:
    out = ["Hypotheses (each statement as checked):"]
    for h in report.hypotheses:
        role = h.kind if h.role == "primitive" else f"{h.kind}, {h.role}"
        if h.role == "consequence":
            role += f": {h.status}"
        out.append(f"  {h.name} ({role}): {to_unicode(h.latex)}")
        out.append(f"      used by: {', '.join(h.used_by) or 'no line'}")
        if h.relies_on:
            label = "relies on" if h.role == "lemma" else "checked from"
            out.append(f"      {label}: {', '.join(h.relies_on)}")
        if h.role == "consequence" and h.status != "verified" and h.reason:
            out.append(f"      reason: {to_unicode(h.reason)}")
    return out


def _theorem(report: ProofReport) -> list[str]:
    thm = report.theorem_check
    if thm is None:
        return []
    out = [f"theorem: {thm.summary()}"]
    if thm.status == "verified":
        out.append(f"  hypotheses: {', '.join(thm.uses) or 'none'}")
        out += [f"  {s} line {i} × {m}" for s, i, m in thm.lines]
    if thm.counterexample is not None:
        out += ["  " + x for x in counterexample_lines(thm.counterexample)]
    return out


def render_text(report: ProofReport) -> str:
    """A readable report: the table, the details of every line not verified, the theorem row,
    the hypotheses with their statements, the lemma and the assumptions."""
    lines = [to_unicode(report.title), f"theorem: {to_unicode(report.theorem)}", "", *_table(report), ""]
    for step in report.steps:
        for line in step.lines:
            if line.status != "verified":
                lines += [*_detail(line), ""]
    lines += [*_theorem(report), "", *_hypotheses(report), ""]
    for name, value in report.extra:
        if name == "generic":
            lines.append("Step 4 exactly on generic symbolic instances:")
            for check in value:
                verdict = "holds" if check["holds"] else "FAILS"
                lines.append(
                    f"  d = {check['d']}, n = {check['n']}: dL/deta at 0 = {check['slope_at_zero']}"
                    f"  vs  1/4 E_b|g_b|^2 = {check['quarter_mean_squared_gradient']}  ({verdict})"
                )
            lines.append("")
    lines.append("Lemma small-eta-limit (explicit; the lecture leaves it implicit):")
    lines += [f"  {i}. {to_unicode(text)}" for i, text in enumerate(SMALL_ETA_LEMMA.steps, 1)]
    lines.append("")
    lines.append("Assumptions the lecture leaves implicit:")
    lines += [f"  - {to_unicode(a)}" for a in report.assumptions]
    every = [x for s in report.steps for x in s.lines]
    good = sum(x.status == "verified" for x in every)
    thm = report.theorem_check.status if report.theorem_check else "unknown"
    verdict = f"{good} of {len(every)} lines verified, theorem {thm}"
    lines += ["", verdict + ("" if report.ok else " — NOT OK")]
    return "\n".join(lines)


def render_json(report: ProofReport) -> str:
    """The JSON report (the same objects as the text report)."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False)

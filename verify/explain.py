r"""Explanations of a checked proof, for the pages of the site and for a notebook.

Each function returns plain text made from the checker's own result objects
(:mod:`verify.results`), so a page that prints it shows exactly what the checker answered:

* :func:`explain_line` — one line as checked: its hypotheses, its verdict, and its certificate
  (the multipliers, the equations the SGD model gave, the rules applied) or, when it is not
  verified, its residual and counterexample;
* :func:`drop` / :func:`explain_without` — the same line checked again without one of its
  hypotheses: the verdict, the residual, the counterexample and **every** hypothesis of the proof
  the counterexample breaks (as the checker reports them, not only the one removed);
* :func:`explain_theorem` — the theorem row: the lines it is derived from and what it rests on;
* :func:`hypotheses_table` — per step, the hypotheses its lines use;
* :func:`hypotheses_list` — each hypothesis: name, kind, role, statement as checked, used by.

Steps and lines are numbered from 1, as on the pages.

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> report = check_proof(heat_capacity_proof())
>>> print(explain_line(report, 1, 3))
step-1, line 3: verified
  checked:     E_b g_b = 0
  hypotheses:  mean-gradient-zero
  certificate: lhs - rhs reduces to 0 with the rules: mean-gradient-zero
>>> line_result(report, 5, 1)
Traceback (most recent call last):
...
ValueError: step 5: expected a step from 1 to 4
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from derive.proof import Proof
from verify.checker import check_line
from verify.render import MOMENT_LEGEND
from verify.results import Certificate, Counterexample, LineResult, ProofReport, Status

__all__ = [
    "Dropped",
    "drop",
    "explain_line",
    "explain_theorem",
    "explain_without",
    "hypotheses_list",
    "hypotheses_table",
    "line_result",
]


def _position(what: str, k: int, count: int) -> int:
    """The 0-based index of item ``k`` (1-based) of ``count``, or one clear error."""
    if not 1 <= k <= count:
        raise ValueError(f"{what} {k}: expected a {what} from 1 to {count}")
    return k - 1


def line_result(report: ProofReport, step: int, k: int) -> LineResult:
    """The checker's result on line ``k`` of step ``step`` (both from 1)."""
    found = report.steps[_position("step", step, len(report.steps))]
    return found.lines[_position("line", k, len(found.lines))]


def _combination(pairs: tuple[tuple[str, str], ...]) -> str:
    return " + ".join(f"({m}) · [{name}]" for name, m in pairs)


def _certificate(cert: Certificate) -> list[str]:
    rules = ", ".join(cert.rewrites)
    if not cert.equations and not cert.limits:
        how = f"with the rules: {rules}" if rules else "by the definitions alone"
        return [f"  certificate: lhs - rhs reduces to 0 {how}"]
    out = []
    if cert.equations:
        out.append(f"  certificate: lhs - rhs = {_combination(cert.equations)}")
    if cert.limits:
        out.append(f"  certificate: inside the limit, the pole at eta = 0 is cancelled by "
                   f"{_combination(cert.limits)}")
    out.append("    where [e] is lhs - rhs of the equation e")
    out += [f"    {name} (derived from the SGD model):  {equation}" for name, equation in cert.derived]
    if rules:
        out.append(f"  rules applied: {rules}")
    return out


_LONG = 200
_MOMENT = re.compile(r"(?<![\\A-Za-z])[mS](?![A-Za-z])")  # the letter m or S, not in a macro


def _short(value: str) -> str:
    """A value on one line; a long one cut, saying so (the report has it whole)."""
    flat = " ".join(value.split())
    return flat if len(flat) <= _LONG else f"{flat[:_LONG]} … ({len(flat)} characters in all)"


_UNNAMED = " (of the hypotheses the line does not name)"


def _counterexample(cx: Counterexample, among: str = _UNNAMED) -> list[str]:
    inst = cx.instance
    rate = "eta symbolic (the law is computed at every eta)" if inst["eta"] == "eta" else \
        f"eta = {inst['eta']}"
    out = [f"  counterexample: d = {inst['d']}, n = {inst['n']}, {rate}",
           f"    law: {inst['law']['description']}",
           f"    g_b = {inst['g']}",
           f"    lhs = {_short(cx.lhs)}",
           f"    rhs = {_short(cx.rhs)}"]
    if cx.where:
        out.append(f"    at {cx.where}")
    broken = ", ".join(cx.violates) or "none"
    out.append(f"    it breaks{among}: {broken}")
    return out


def _describe(result: LineResult, title: str) -> str:
    out = [f"{title}: {result.status}",
           f"  checked:     {result.latex}",
           f"  hypotheses:  {', '.join(result.uses) or '(none)'}"]
    if result.certificate is not None:
        out += _certificate(result.certificate)
    if result.residual:
        out.append(f"  residual (lhs - rhs, reduced): {result.residual}")
        if _MOMENT.search(result.residual):
            out.append(f"    where {result.legend or MOMENT_LEGEND}")
    elif result.reason:
        out.append(f"  reason: {result.reason}")
    if result.counterexample is not None:
        out += _counterexample(result.counterexample)
    return "\n".join(out)


def explain_line(report: ProofReport, step: int, k: int) -> str:
    """Line ``k`` of step ``step`` as checked: hypotheses, verdict, certificate or counterexample."""
    result = line_result(report, step, k)
    return _describe(result, f"{result.step}, line {result.index}")


@dataclass(frozen=True)
class Dropped:
    """A line of a proof checked again without one of the hypotheses it names."""

    hypothesis: str
    result: LineResult

    @property
    def status(self) -> Status:
        return self.result.status

    @property
    def breaks(self) -> tuple[str, ...]:
        """Every hypothesis of the proof the counterexample breaks (empty without one)."""
        cx = self.result.counterexample
        return cx.violates if cx is not None else ()

    def explain(self) -> str:
        title = f"{self.result.step}, line {self.result.index} without {self.hypothesis}"
        return _describe(self.result, title)


def drop(proof: Proof, step: int, k: int, hypothesis: str) -> Dropped:
    """Check line ``k`` of step ``step`` again with ``hypothesis`` removed from its ``uses``.

    >>> from derive.proof import heat_capacity_proof
    >>> dropped = drop(heat_capacity_proof(), 2, 3, "mean-gradient-zero")
    >>> dropped.status, "mean-gradient-zero" in dropped.breaks
    ('refuted', True)
    >>> drop(heat_capacity_proof(), 2, 2, "independence")
    Traceback (most recent call last):
    ...
    ValueError: step-2 line 2 does not use "independence"; it uses (none)
    """
    the_step = proof.steps[_position("step", step, len(proof.steps))]
    line = the_step.lines[_position("line", k, len(the_step.lines))]
    if hypothesis not in line.uses:
        raise ValueError(f'{the_step.id} line {k} does not use "{hypothesis}"; '
                         f"it uses {', '.join(line.uses) or '(none)'}")
    fewer = replace(line, uses=tuple(u for u in line.uses if u != hypothesis))
    return Dropped(hypothesis, check_line(fewer, the_step, k, proof))


def explain_without(proof: Proof, step: int, k: int, hypothesis: str) -> str:
    """:func:`drop`, explained: the verdict, residual, counterexample and what it breaks."""
    return drop(proof, step, k, hypothesis).explain()


def explain_theorem(report: ProofReport) -> str:
    """The theorem row: its verdict, the lines it is derived from and the hypotheses it rests on."""
    thm = report.theorem_check
    if thm is None:
        return f"theorem: {report.theorem}\n  not checked"
    out = [f"theorem: {thm.latex}", f"  {thm.summary()}"]
    out += [f"    {step} line {i} × {m}" for step, i, m in thm.lines]
    if thm.status == "verified":
        out.append(f"  rests on: {', '.join(thm.uses) or 'no hypothesis'}")
    if thm.counterexample is not None:
        out += _counterexample(thm.counterexample, "")
    return "\n".join(out)


def _order(report: ProofReport, names: set[str]) -> list[str]:
    declared = [h.name for h in report.hypotheses]
    return [n for n in declared if n in names] + sorted(names - set(declared))


def _columns(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1]
                     for r in rows)


def hypotheses_table(report: ProofReport) -> str:
    """Per step, the hypotheses its lines use (in the order the proof declares them).

    A step's ``assumptions`` (stated by the step, used by no line's algebra) follow in brackets;
    the last row is the theorem and the hypotheses it rests on.

    >>> from derive.proof import heat_capacity_proof
    >>> from verify.checker import check_proof
    >>> print(hypotheses_table(check_proof(heat_capacity_proof())).splitlines()[1])
    step-1   expansion, mean-gradient-zero [assumes positive-definite]
    """
    rows = [("step", "hypotheses its lines use")]
    for step in report.steps:
        used = ", ".join(_order(report, {u for line in step.lines for u in line.uses})) or "-"
        if step.assumptions:
            used += f" [assumes {', '.join(step.assumptions)}]"
        rows.append((step.id, used))
    thm = report.theorem_check
    if thm is not None and thm.status == "verified":
        rows.append(("theorem", f"{', '.join(thm.uses)} ({thm.summary()})"))
    elif thm is not None:
        rows.append(("theorem", thm.summary()))
    return _columns(rows)


def hypotheses_list(report: ProofReport) -> str:
    """Each hypothesis: name, kind, role, its statement as checked, and the lines that use it.

    >>> from derive.proof import heat_capacity_proof
    >>> from verify.checker import check_proof
    >>> print(hypotheses_list(check_proof(heat_capacity_proof())).splitlines()[3])
    mean-gradient-zero (mean-zero, primitive)
    """
    out: list[str] = []
    for h in report.hypotheses:
        role = h.role if h.status is None else f"{h.role}, {h.status}"
        out += [f"{h.name} ({h.kind}, {role})", f"    states:  {h.latex}",
                f"    used by: {', '.join(h.used_by) or 'no line'}"]
        if h.relies_on:
            label = "relies on" if h.role == "lemma" else "checked from"
            out.append(f"    {label}: {', '.join(h.relies_on)}")
    return "\n".join(out)

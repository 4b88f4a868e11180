"""verify.explain: the text the pages print is the checker's report, line by line.

Each test reads the expected facts from an independent source — the Proof object the file was
read into, or a direct call of ``check_equation`` — and checks that the explanation states them.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from derive.proof import Proof, heat_capacity_proof
from verify.checker import check_equation, check_proof
from verify.explain import (
    drop,
    explain_line,
    explain_theorem,
    explain_without,
    hypotheses_list,
    hypotheses_table,
    line_result,
)
from verify.results import ProofReport


@pytest.fixture(scope="module")
def proof() -> Proof:
    return heat_capacity_proof()


@pytest.fixture(scope="module")
def report(proof: Proof) -> ProofReport:
    return check_proof(proof)


@pytest.mark.parametrize(("step", "k"), [(1, 1), (1, 3), (2, 2), (3, 1), (3, 3), (4, 2), (4, 3)])
def test_explain_line_states_the_result(report: ProofReport, proof: Proof, step: int, k: int) -> None:
    text = explain_line(report, step, k)
    result = report.steps[step - 1].lines[k - 1]
    first, checked, hyps = text.splitlines()[:3]
    assert first == f"{proof.steps[step - 1].id}, line {k}: {result.status}"
    assert checked.split(":", 1)[1].strip() == result.latex
    named = hyps.split(":", 1)[1].strip()
    assert named == (", ".join(proof.steps[step - 1].lines[k - 1].uses) or "(none)")
    cert = result.certificate
    assert cert is not None
    for name, multiplier in (*cert.equations, *cert.limits):
        assert f"({multiplier}) · [{name}]" in text
    for name, equation in cert.derived:
        assert f"{name} (derived from the SGD model):  {equation}" in text


def test_the_lecture_step_3_is_minus_a_quarter_over_eta_of_stationarity(report: ProofReport) -> None:
    text = explain_line(report, 3, 3)
    assert r"lhs - rhs = (-1/(4*eta)) · [stationarity[\|\Delta\Phi\|^2]]" in text


def test_explain_line_of_a_refuted_line_shows_residual_and_counterexample() -> None:
    written = check_proof(heat_capacity_proof(as_written=True))
    result = written.steps[2].lines[2]
    text = explain_line(written, 3, 3)
    assert result.status == "refuted" and result.residual and result.counterexample
    assert text.startswith("step-3, line 3: refuted")
    assert f"residual (lhs - rhs, reduced): {result.residual}" in text
    assert f"lhs = {result.counterexample.lhs}" in text
    assert f"rhs = {result.counterexample.rhs}" in text
    assert "certificate" not in text


@pytest.mark.parametrize(("step", "k", "hypothesis"), [
    (1, 3, "mean-gradient-zero"),
    (3, 1, "independence"),
    (3, 3, "sgd-step"),
    (4, 2, "independence"),
])
def test_drop_agrees_with_check_equation(proof: Proof, step: int, k: int, hypothesis: str) -> None:
    line = proof.steps[step - 1].lines[k - 1]
    fewer = tuple(u for u in line.uses if u != hypothesis)
    status, residual, _cert, cx, reason = check_equation(line.lhs, line.rhs, fewer, proof.hypotheses)
    dropped = drop(proof, step, k, hypothesis)
    assert dropped.hypothesis == hypothesis
    assert dropped.status == status
    assert dropped.result.uses == fewer
    assert dropped.breaks == (cx.violates if cx is not None else ())
    text = dropped.explain()
    assert text.splitlines()[0] == f"{proof.steps[step - 1].id}, line {k} without {hypothesis}: {status}"
    if residual:
        assert residual in text
    elif reason:
        assert reason in text
    if cx is not None:  # every broken hypothesis is listed, not only the one removed
        assert text.splitlines()[-1].endswith(": " + ", ".join(cx.violates))
    assert explain_without(proof, step, k, hypothesis) == text


def test_a_counterexample_may_break_more_than_the_removed_hypothesis(proof: Proof) -> None:
    dropped = drop(proof, 3, 1, "independence")
    assert dropped.status == "refuted"
    assert "independence" in dropped.breaks and len(dropped.breaks) >= 2
    assert ", ".join(dropped.breaks) in dropped.explain()


def test_hypotheses_table_is_the_union_of_each_steps_uses(report: ProofReport, proof: Proof) -> None:
    rows = hypotheses_table(report).splitlines()
    assert rows[0].split() == ["step", "hypotheses", "its", "lines", "use"]
    for row, step in zip(rows[1:], proof.steps, strict=False):
        name, _, rest = row.partition(" ")
        assert name == step.id
        listed, _, assumed = rest.strip().partition(" [assumes ")
        expected = {u for line in step.lines for u in line.uses}
        assert set(listed.split(", ")) == expected
        assert assumed.rstrip("]") == ", ".join(step.assumptions)
    theorem = rows[len(proof.steps) + 1]
    assert theorem.startswith("theorem") and "verified from step-4 lines 2–3" in theorem
    for name in report.theorem_check.uses:
        assert name in theorem


def test_hypotheses_list_has_every_declared_hypothesis(report: ProofReport, proof: Proof) -> None:
    text = hypotheses_list(report)
    blocks = text.split("\n")
    heads = [x for x in blocks if not x.startswith(" ")]
    assert [x.split(" (")[0] for x in heads] == list(proof.hypotheses)
    for row in report.hypotheses:
        at = blocks.index(next(x for x in heads if x.startswith(row.name + " (")))
        assert blocks[at] == f"{row.name} ({row.kind}, {row.role})"
        assert blocks[at + 1] == f"    states:  {proof.hypotheses[row.name].statement}"
        assert blocks[at + 2] == f"    used by: {', '.join(row.used_by) or 'no line'}"
    assert "    relies on: " in text  # the lemma small-eta-limit


def test_explain_theorem_names_the_lines_and_what_it_rests_on(report: ProofReport) -> None:
    text = explain_theorem(report)
    thm = report.theorem_check
    assert text.splitlines()[1].strip() == thm.summary()
    for step, i, m in thm.lines:
        assert f"{step} line {i} × {m}" in text
    assert text.splitlines()[-1] == "  rests on: " + ", ".join(thm.uses)


def test_explain_theorem_of_a_false_theorem(proof: Proof) -> None:
    half = replace(proof.theorem, rhs=proof.theorem.rhs * 2)  # ½ E_b‖g_b‖² is not the slope
    false = check_proof(replace(proof, theorem=half))
    thm, text = false.theorem_check, explain_theorem(false)
    assert thm.status == "refuted" and thm.counterexample is not None
    assert text.splitlines()[1] == f"  {thm.summary()}"
    assert "rests on" not in text
    assert f"lhs = {thm.counterexample.lhs}" in text
    assert text.splitlines()[-1] == "    it breaks: " + (", ".join(thm.counterexample.violates) or "none")


@pytest.mark.parametrize(("step", "k", "message"), [
    (0, 1, "step 0: expected a step from 1 to 4"),
    (5, 1, "step 5: expected a step from 1 to 4"),
    (3, 5, "line 5: expected a line from 1 to 4"),
])
def test_out_of_range_is_one_clear_error(report: ProofReport, step: int, k: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        line_result(report, step, k)


def test_dropping_a_hypothesis_the_line_does_not_use_is_an_error(proof: Proof) -> None:
    expected = 'step-1 line 3 does not use "independence"; it uses mean-gradient-zero'
    with pytest.raises(ValueError, match=expected):
        drop(proof, 1, 3, "independence")


@pytest.mark.parametrize(("step", "k", "how"), [
    (2, 2, "by the definitions alone"), (1, 2, "with the rules: expansion"),
])
def test_a_certificate_without_equations(report: ProofReport, step: int, k: int, how: str) -> None:
    cert = report.steps[step - 1].lines[k - 1].certificate
    assert cert is not None and not cert.equations and not cert.limits
    assert explain_line(report, step, k).splitlines()[-1] == f"  certificate: lhs - rhs reduces to 0 {how}"


def test_a_long_value_is_cut_and_says_so(proof: Proof) -> None:
    dropped = drop(proof, 2, 3, "mean-gradient-zero")
    long = "1/3 + " * 50 + "1"  # 301 characters
    cx = replace(dropped.result.counterexample, lhs=long)
    text = replace(dropped, result=replace(dropped.result, counterexample=cx)).explain()
    line = next(x for x in text.splitlines() if x.startswith("    lhs = "))
    assert line == f"    lhs = {long[:200]} … (301 characters in all)"
    assert f"    rhs = {cx.rhs}" in text  # a short value is whole


@pytest.mark.parametrize(("step", "k", "hypothesis", "moments"), [
    (1, 3, "mean-gradient-zero", False),  # E_b u^T g_b: data and a probe vector only
    (2, 3, "mean-gradient-zero", True),   # E_b m^T g_b
])
def test_the_moment_legend_comes_with_moments(proof: Proof, step: int, k: int, hypothesis: str,
                                              moments: bool) -> None:
    dropped = drop(proof, step, k, hypothesis)
    assert dropped.result.residual is not None
    assert ("m^\\top" in dropped.result.residual) == moments  # the residual itself, as the checker wrote it
    assert ("    where m = E_" in dropped.explain()) == moments

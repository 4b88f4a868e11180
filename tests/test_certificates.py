"""Every certificate of the proof is confirmed by the independent re-checker (tests/recheck.py);
the lines whose certificates pass through a limit are confirmed on exact generic instances."""

from __future__ import annotations

import pytest

from derive.hypotheses import HYPOTHESES
from derive.proof import heat_capacity_proof
from tests.recheck import certificate_holds, derived_equations
from verify.checker import check_proof
from verify.generic import generic_step4

EQUATIONS = {name: h.equation for name, h in HYPOTHESES.items() if h.equation is not None}
PROOF = heat_capacity_proof()
REPORT = check_proof(PROOF)
LINES = [
    (step.id, i, line, result)
    for step, sr in zip(PROOF.steps, REPORT.steps, strict=True)
    for i, (line, result) in enumerate(zip(step.lines, sr.lines, strict=True), 1)
]


LIMIT_LINES = [("step-4", 2), ("step-4", 3)]


def _through_a_limit(result) -> bool:
    return bool(result.certificate.limits) or "small-eta-limit" in result.certificate.rewrites


def test_exactly_the_step_4_limit_lines_pass_through_a_limit() -> None:
    assert [(s, i) for s, i, _, r in LINES if _through_a_limit(r)] == LIMIT_LINES


@pytest.mark.parametrize(("step", "index"), [(s, i) for s, i, *_ in LINES if (s, i) not in LIMIT_LINES])
def test_certificate_is_confirmed(step: str, index: int) -> None:
    _, _, line, result = next(x for x in LINES if x[:2] == (step, index))
    cert = result.certificate
    assert result.status == "verified" and cert is not None
    multipliers = dict(cert.equations)
    mean_zero = "mean-gradient-zero" in line.uses
    equations = {**EQUATIONS, **derived_equations(cert)}
    assert certificate_holds(line.lhs, line.rhs, multipliers, equations, mean_zero)


STATIONARITY = r"stationarity[\|\Delta\Phi\|^2]"


def test_the_stationarity_lines_use_the_derived_second_moment_equation() -> None:
    cert = REPORT.steps[2].lines[2].certificate
    assert cert.equations == ((STATIONARITY, "-1/(4*eta)"),)
    ((name, _latex),) = cert.derived
    assert name == STATIONARITY
    # the equation the SGD model gives for f(x) = ‖x‖² is the lecture's Step 3, line 1
    assert derived_equations(cert)[name] == PROOF.steps[2].lines[0].equation


def test_a_wrong_certificate_is_rejected_by_the_rechecker() -> None:
    line = PROOF.steps[2].lines[2]  # needs λ = −1/(4η)
    equations = derived_equations(REPORT.steps[2].lines[2].certificate)
    assert not certificate_holds(line.lhs, line.rhs, {STATIONARITY: "-1/(2*eta)"}, equations, True)
    assert certificate_holds(line.lhs, line.rhs, {STATIONARITY: "-1/(4*eta)"}, equations, True)


@pytest.mark.parametrize("d", [1, 2])
def test_limit_lines_hold_on_generic_instances(d: int) -> None:
    result = generic_step4(d)
    assert result.holds, result.lines
    assert result.slope == result.expected

"""The built-in proof: every line verified; the seed as written refuted at Step 3, line 3."""

from __future__ import annotations

import pytest
from sympy import Matrix, Rational, sympify

from derive.hypotheses import HYPOTHESES
from derive.proof import heat_capacity_proof
from verify.checker import check_proof
from verify.counterexample import holds
from verify.evaluate import evaluate
from verify.instances import Data, Instance, MomentLaw


@pytest.fixture(scope="module")
def corrected():
    return check_proof(heat_capacity_proof())


@pytest.fixture(scope="module")
def as_written():
    return check_proof(heat_capacity_proof(as_written=True))


def test_every_step_of_the_corrected_proof_is_verified(corrected) -> None:
    assert corrected.ok
    for step in corrected.steps:
        for line in step.lines:
            assert line.status == "verified", (step.id, line.index, line.reason)
            assert line.certificate is not None


def test_the_stationarity_lines_carry_their_multiplier(corrected) -> None:
    step3 = corrected.steps[2]
    assert step3.lines[2].certificate.equations == ((r"stationarity[\|\Delta\Phi\|^2]", "-1/(4*eta)"),)
    limit_line = corrected.steps[3].lines[1]
    assert limit_line.certificate.limits  # the pole of (L(η) − L*)/η is removed by stationarity


def test_the_seed_as_written_is_refuted_at_step_3_line_3(as_written) -> None:
    statuses = {(s.id, x.index): x.status for s in as_written.steps for x in s.lines}
    assert statuses[("step-3", 3)] == "refuted"
    assert [k for k, v in statuses.items() if v != "verified"] == [("step-3", 3)]
    assert not as_written.ok


def _instance(cx: dict) -> Instance:
    law = cx["law"]
    data = Data(
        tuple(Matrix([sympify(v) for v in g]) for g in cx["g"]),
        tuple(Matrix([[sympify(v) for v in row] for row in H]) for H in cx["H"]),
        tuple(sympify(v) for v in cx["L_star"]),
        tuple(sympify(v) for v in cx["cubic_remainder"]),
    )
    m = Matrix([sympify(v) for v in law["m"]])
    S = Matrix([[sympify(v) for v in row] for row in law["S"]])
    return Instance(data, MomentLaw(m, S, law["description"]), sympify(cx["eta"]))


def test_the_refutation_is_at_the_exact_stationary_law(as_written) -> None:
    line = as_written.steps[2].lines[2]
    cx = line.counterexample.to_json()
    assert cx["law"]["kind"] == "stationary" and cx["d"] >= 3
    inst = _instance(cx)
    # independent check of stationarity: S solves the generalized Lyapunov equation
    data, eta = inst.data, inst.eta
    H = sum(data.H, Matrix.zeros(3, 3)) / data.n
    C = sum((g * g.T for g in data.g), Matrix.zeros(3, 3)) / data.n
    HSH = sum((h * inst.law.S * h for h in data.H), Matrix.zeros(3, 3)) / data.n
    assert H * inst.law.S + inst.law.S * H - eta * HSH == eta * C
    # the two sides: ½ tr(H S) against (η/4)[tr C + E_b tr(H_b² S)], with the seed's minus sign
    quarter = eta / 4 * (C.trace() + sum((h * h * inst.law.S).trace() for h in data.H) / data.n)
    assert sympify(cx["lhs"]) == -Rational(1, 2) * (H * inst.law.S).trace()
    assert sympify(cx["rhs"]) == quarter
    assert sympify(cx["lhs"]) != sympify(cx["rhs"])
    for name in line.uses:
        assert holds(name, inst, HYPOTHESES)


def test_as_written_residual_is_printed_in_latex(as_written) -> None:
    residual = as_written.steps[2].lines[2].residual
    assert residual.startswith(r"- \frac{\eta}{2}")
    assert r"\operatorname{tr}" in residual


def test_evaluate_matches_closed_forms_on_the_stationary_law(as_written) -> None:
    inst = _instance(as_written.steps[2].lines[2].counterexample.to_json())
    from derive.expectation import E_P, E_b
    from derive.scalar import SquaredNorm
    from derive.symbols import DeltaPhi, g_b

    assert evaluate(E_P(SquaredNorm(DeltaPhi)), inst) == inst.law.S.trace()
    assert evaluate(E_b(SquaredNorm(g_b)), inst) == sum((g.T * g)[0] for g in inst.data.g) / 3

"""The variants of the argument as proofs: every line verified; each hypothesis needed."""

from __future__ import annotations

import pytest

from derive.variants import VARIANTS
from verify.checker import check_equation, check_proof


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_proof_is_verified(name: str) -> None:
    report = check_proof(VARIANTS[name]())
    assert report.ok, [(s.id, x.index, x.reason) for s in report.steps for x in s.lines]


def _needed(name: str) -> list[tuple[int, str]]:
    proof = VARIANTS[name]()
    lines = [line for step in proof.steps for line in step.lines]
    return [(i, u) for i, line in enumerate(lines) for u in line.uses
            if u not in ("small-eta-limit", "expansion") and not line.chained]


@pytest.mark.parametrize(("name", "index", "dropped"),
                         [(n, i, u) for n in sorted(VARIANTS) for i, u in _needed(n)])
def test_dropping_a_hypothesis_is_not_verified(name: str, index: int, dropped: str) -> None:
    proof = VARIANTS[name]()
    line = [x for step in proof.steps for x in step.lines][index]
    uses = tuple(u for u in line.uses if u != dropped)
    status, _residual, cert, cx, _reason = check_equation(line.lhs, line.rhs, uses, proof.hypotheses)
    if index < 3:  # the algebraic lines: refuted, with a counterexample breaking what was dropped
        assert status == "refuted", (name, index, dropped)
        assert dropped in cx.violates and cx.lhs != cx.rhs
    else:
        assert status != "verified" and cert is None

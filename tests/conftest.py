"""Shared fixtures: the built-in hypotheses and a helper that checks one equation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sympy import Basic

from derive.hypotheses import HYPOTHESES
from verify.checker import check_equation


@pytest.fixture
def decide() -> Callable[..., tuple]:
    """decide(lhs, rhs, *uses) -> (status, residual, certificate, counterexample, reason)."""

    def run(lhs: Basic, rhs: Basic, *uses: str) -> tuple:
        return check_equation(lhs, rhs, tuple(uses), HYPOTHESES)

    return run

"""The module docstrings' examples run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["errors", "data", "scaled", "model", "symmetric", "floatsolve", "digits", "crossval", "analysis",
           "lines"]


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name: str) -> None:
    module = importlib.import_module(f"verify.numeric.{name}")
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0

"""The terminal report is readable Unicode (no LaTeX), and a counterexample shows all its data."""

from __future__ import annotations

import doctest
import importlib
import re

import pytest
from sympy import sympify

from verify.cli import main
from verify.terminal import number
from verify.unicode import to_unicode

NEW_MODULES = ["verify.unicode", "verify.terminal", "verify.names", "verify.world", "verify.invariance",
               "verify.meaning", "verify.theorem", "verify.hypothesis_rows", "verify.context",
               "derive.statements", "derive.hypotheses"]


@pytest.mark.parametrize("name", NEW_MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("flags", [[], ["--as-written"]])
def test_check_prints_no_latex(flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", *flags])
    out = capsys.readouterr().out
    assert "\\" not in out
    assert "ΔΦᵀ (E_b H_b) ΔΦ" in out and "‖g_b + H_b ΔΦ‖²" in out and "η/4" in out


def test_the_refutation_shows_every_datum_with_decimals(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--as-written"])
    out = capsys.readouterr().out
    block = out[out.index("step-3, line 3: refuted"):]
    for name in ("g_1", "g_3", "H_1", "H_3", "L_b(Φ*)", "m = E ΔΦ", "S = E ΔΦΔΦᵀ", "lhs =", "rhs =",
                 "η = 1/10"):
        assert name in block, name
    assert "⎡" in block and "⎦" in block  # matrices, aligned
    lhs = re.search(r"lhs = (-?\d+/\d+) ≈ (\S+)", block)
    assert lhs and abs(float(sympify(lhs.group(1))) - float(lhs.group(2))) < 1e-3 * abs(float(lhs.group(2)))


@pytest.mark.parametrize(("latex", "text"), [
    (r"\frac{\eta}{4}", "η/4"),
    (r"\Delta\Phi^\top H_b \Delta\Phi", "ΔΦᵀ H_b ΔΦ"),
    (r"\|g_b\|^2", "‖g_b‖²"),
    (r"E_b \; H_b", "E_b H_b"),
    (r"\mathcal{L}(2 \eta)", "𝓛(2 η)"),
    (r"H_b \succeq 0", "H_b ⪰ 0"),
    (r"\input{/etc/passwd}", "input/etc/passwd"),
])
def test_to_unicode(latex: str, text: str) -> None:
    assert to_unicode(latex) == text


def test_number_shows_the_decimal_of_a_fraction() -> None:
    assert number("-1/8") == "-1/8 ≈ -0.125"
    assert number("7") == "7"

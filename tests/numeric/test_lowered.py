"""The shipped table of lowered proof lines: current, exact, and what a fresh `numeric` run reads.

Laurent coefficients and values at η are checked against SymPy's ``series`` and ``subs``
(an independent computation) on random rational functions.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Rational, Symbol, series

from verify.numeric import lowered
from verify.numeric.lowered import at_rate, laurent

ROOT = Path(__file__).resolve().parents[2]
x = Symbol("x")
small = st.fractions(min_value=-5, max_value=5, max_denominator=7)


def _sympy(coeffs: list[Fraction]) -> object:
    return sum((Rational(c.numerator, c.denominator) * x ** k for k, c in enumerate(coeffs)), Rational(0))


def test_the_shipped_table_is_the_shipped_proof_lowered_now() -> None:
    shipped = lowered.TABLE.read_text(encoding="utf-8")
    assert shipped == lowered.table_json(), "stale table: run python -m verify.numeric.lowered"


@settings(max_examples=60, deadline=None)
@given(num=st.lists(small, min_size=1, max_size=4),
       den=st.lists(small, min_size=1, max_size=4).filter(lambda d: any(d)),
       shift=st.integers(0, 3), order=st.integers(0, 4))
def test_laurent_coefficients_are_sympys(num: list[Fraction], den: list[Fraction], shift: int,
                                         order: int) -> None:
    den = [Fraction(0)] * shift + den
    expr = _sympy(num) / _sympy(den)
    expected = series(expr, x, 0, order + 1).removeO().expand()
    got = laurent(num, den, order)
    assert _sympy_laurent(got) == expected


def _sympy_laurent(coeffs: dict[int, Fraction]) -> object:
    return sum((Rational(c.numerator, c.denominator) * x ** k for k, c in coeffs.items()), Rational(0))


@settings(max_examples=40, deadline=None)
@given(num=st.lists(small, min_size=1, max_size=4), den=st.lists(small, min_size=1, max_size=4),
       eta=small)
def test_values_at_a_rate_are_sympys(num: list[Fraction], den: list[Fraction], eta: Fraction) -> None:
    d = _sympy(den).subs(x, Rational(eta.numerator, eta.denominator))
    if d == 0:
        return
    value = (_sympy(num) / _sympy(den)).subs(x, Rational(eta.numerator, eta.denominator))
    assert at_rate(num, den, eta) == Fraction(int(value.p), int(value.q))


def test_a_table_for_another_proof_file_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    table = json.loads(lowered.TABLE.read_text(encoding="utf-8"))
    table["lines"] = table["lines"][:1]  # what a stale table would hold
    table["proof_sha256"] = "0" * 64
    fake = tmp_path / "table.json"
    fake.write_text(json.dumps(table))
    monkeypatch.setattr(lowered, "TABLE", fake)
    lowered.shipped_lines.cache_clear()
    try:
        assert len(lowered.shipped_lines()) == 13
    finally:
        lowered.shipped_lines.cache_clear()


def test_a_negative_power_of_eta_left_in_a_limit_is_not_dropped() -> None:
    """lim (1/η³) E_b‖g_b‖² does not exist: the evaluator must not return its η⁰ part (0)."""
    from verify.numeric import LeastSquaresData
    from verify.numeric.lines import LineEvaluator, _precision

    data = LeastSquaresData.from_arrays([[1, 0], [0, 1], [1, 1]], [1, 0, 3])
    last = next(x for x in lowered.shipped_lines() if (x.step, x.line) == ("step-4", 3))
    (norm_g, _, _), = last.rhs[1]  # ¼ E_b‖g_b‖²: one monomial
    one, cube = [Fraction(1)], [Fraction(0)] * 3 + [Fraction(1)]
    with _precision(20):
        ev = LineEvaluator(data, np.zeros((2, 2), dtype=object), [], Fraction(1, 10))
        value, _ = ev.value(("coefficient", 0, ((norm_g, one, cube),)))
        finite, _ = ev.value(("coefficient", 0, ((norm_g, one, one),)))
    assert not value.is_finite()
    assert finite.is_finite() and finite > 0


def test_a_fresh_numeric_run_does_not_import_sympy(tmp_path: Path) -> None:
    csv = tmp_path / "d.csv"
    csv.write_text("x1,x2,y\n1,0,1\n0,1,0\n1,1,3\n2,1,1\n")
    probe = ("import sys, runpy; sys.argv = ['heatcap', 'numeric', sys.argv[1], '--eta', '1/20'];\n"
             "try:\n    runpy.run_module('verify.cli', run_name='__main__')\n"
             "except SystemExit as e:\n    code = e.code\n"
             "print('SYMPY' if 'sympy' in sys.modules else 'NO-SYMPY', code)")
    out = subprocess.run([sys.executable, "-c", probe, str(csv)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "NO-SYMPY 0", out.stdout + out.stderr

"""heatcap in a notebook: the facade, the rich displays, and the tutorial run in a real kernel.

The tutorial (docs/tutorial.ipynb) is executed by nbclient in a fresh ipykernel; its own cells
assert the theorem's slope against a hand computation (exact rationals from the normal equations).
Here the displays it produced are read back: statuses coloured, lines typeset, numbers shown.
"""

from __future__ import annotations

import importlib.util
import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import heatcap
from heatcap import display

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.ipynb"
X = [[1, 0], [0, 1], [1, 1], [2, 1], ["0.5", -1]]
Y = [1, 0, 2, 2, "0.25"]


def _by_hand() -> Fraction:
    """¼ E_b ‖g_b‖² of (X, Y) at the least-squares optimum, from the normal equations (sympy)."""
    import sympy

    x = sympy.Matrix([[sympy.Rational(str(v)) for v in row] for row in X])
    y = sympy.Matrix([sympy.Rational(str(v)) for v in Y])
    phi = (x.T * x).solve(x.T * y)
    grads = [x.row(b).T * (x.row(b) * phi - y.row(b)) for b in range(x.rows)]
    return Fraction(str(sum(g.dot(g) for g in grads) / x.rows / 4))


def _needs_jupyter() -> None:
    missing = [m for m in ("nbclient", "nbformat", "ipykernel") if importlib.util.find_spec(m) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} not installed, and CI=true: pip install '.[test]'")
        pytest.skip(f"{', '.join(missing)} not installed (pip install '.[test]')")


@pytest.fixture(scope="module")
def executed() -> Any:
    _needs_jupyter()
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(TUTORIAL, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    return notebook


def _outputs(notebook: Any, marker: str) -> list[dict[str, Any]]:
    cells = [c for c in notebook.cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1, marker
    return cells[0].outputs


def _html(notebook: Any, marker: str) -> str:
    (result,) = [o for o in _outputs(notebook, marker) if o.output_type == "execute_result"]
    return result["data"]["text/html"]


def test_tutorial_runs_without_errors(executed: Any) -> None:
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []


def test_report_display_colours_statuses_and_typesets_lines(executed: Any) -> None:
    page = _html(executed, "report = heatcap.check()")
    assert page.count('class="heatcap-verified"') == 13 + 1  # each line, and the theorem
    assert "heatcap-refuted" not in page
    assert page.count('<span class="arithmatex">\\(') == 13 + 1 + 8  # lines, theorem, the hypotheses
    assert "from step-4 lines 2–3" in page
    assert "#1b7f3b" in page  # green


def test_as_written_display_shows_the_erratum(executed: Any) -> None:
    page = _html(executed, "as_written = heatcap.check(as_written=True)")
    rows = re.findall(r"<tr>(.*?)</tr>", page)
    refuted = [r for r in rows if 'class="heatcap-refuted"' in r]
    assert len(refuted) == 1 and ">step-3.3<" in refuted[0]
    assert "lhs − rhs =" in refuted[0]  # why it is refuted
    assert "#b3261e" in page  # red


def test_plain_reprs_are_one_line(executed: Any) -> None:
    (printed,) = [o for o in _outputs(executed, "print(repr(report))") if o.output_type == "stream"]
    lines = printed["text"].splitlines()
    assert lines[0] == "<ProofReport 'Heat Capacity Theorem': 13 lines (13 verified, 0 refuted, 0 unknown)>"
    assert "12 verified, 1 refuted" in lines[1]
    for name in ("proof", "numbers", "heavy_ball"):
        (result,) = [o for o in _outputs(executed, f"\n{name}") if o.output_type == "execute_result"]
        plain = result["data"]["text/plain"]
        assert "\n" not in plain and len(plain) < 160, plain


def test_proof_display_lists_every_line(executed: Any) -> None:
    page = _html(executed, "proof = heatcap.load(path)")
    assert page.count('<span class="arithmatex">') == 13 + 1
    assert "Step step-3: Stationarity of the second moment" in page


def test_numeric_display_shows_the_slope(executed: Any) -> None:
    page = _html(executed, "numbers = heatcap.numeric")
    by_hand = _by_hand()  # the tutorial's data
    assert f">{float(by_hand):.12g}<" in page  # 0.07976
    assert "digits agree" in page and "Certified digits" in page
    variant = _html(executed, "heavy_ball = heatcap.numeric")
    assert "momentum = 1/2" in variant and f">{float(2 * by_hand):.12g}<" in variant


def test_numeric_facade_takes_arrays_paths_and_variants(tmp_path: Path) -> None:
    csv = tmp_path / "d.csv"
    csv.write_text("".join(f"{a},{b},{t}\n" for (a, b), t in zip(X, Y, strict=True)))
    from_path = heatcap.numeric(csv, "1/100", mode="exact", dps=20)
    from_arrays = heatcap.numeric((X, Y), "1/100", mode="exact", dps=20)
    slope = Fraction(str(from_path.slope_at_zero))
    assert slope == Fraction(str(from_arrays.slope_at_zero)) == _by_hand()
    batch = heatcap.numeric((X, Y), "1/100", mode="exact", dps=20, batch_size=2)
    assert Fraction(str(batch.slope_at_zero)) == _by_hand() / 2  # c_B = 1/B


def test_facade_refuses_bad_input_in_one_line(tmp_path: Path) -> None:
    from derive.parse.errors import ProofFileError
    from verify.numeric.errors import NumericInputError

    with pytest.raises(NumericInputError, match="unknown variant option 'batch'"):
        heatcap.numeric((X, Y), "1/100", batch=2)
    with pytest.raises(NumericInputError, match="expected a CSV path"):
        heatcap.numeric([1, 2, 3], "1/100")
    with pytest.raises(ValueError, match="give no proof"):
        heatcap.check(tmp_path / "p.toml", as_written=True)
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\n')
    with pytest.raises(ProofFileError):
        heatcap.load(bad)


def test_check_takes_a_path_or_a_proof() -> None:
    path = ROOT / "derive" / "proofs" / "heat_capacity_as_written.toml"
    by_path = heatcap.check(path)
    by_proof = heatcap.check(heatcap.load(path))
    assert not by_path.ok and by_path.to_json()["steps"] == by_proof.to_json()["steps"]
    assert by_path.steps[2].lines[2].location is not None  # places in the file


def test_displays_escape_hostile_text_and_tolerate_missing_keys() -> None:
    hostile = {"title": "<script>alert(1)</script>", "steps": [
        {"id": "s", "lines": [{"latex": "a < b & c", "status": "refuted", "reason": "<b>x</b>"}]}]}
    page = display.check_html(hostile)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "a &lt; b &amp; c" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "heatcap-refuted" in page
    assert display.check_html({}) and display.numeric_html({}) and display.proof_html({})


@pytest.mark.parametrize(("text", "shown"), [
    ("-0.000000000000000000000000000000000000639012", "−6.39012×10⁻³⁷"),
    ("123456789012345678", "1.23456789012×10¹⁷"),
    ("0.0001", "0.0001"),
    ("2.5E-20", "2.5×10⁻²⁰"),
    ("0", "0"),
    ("nan", "nan"),
])
def test_numbers_keep_their_exponent(text: str, shown: str) -> None:
    assert display.number(text) == shown

"""``heatcap latex``: driven through add_arguments/run, as verify/cli.py registers it."""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from verify.latexdoc import NumericAppendix, numeric_appendix
from verify.latexdoc.command import add_arguments, run

DATA = "x1,x2,y\n1,0,1\n0,1,0\n1,1,2\n2,1,2\n0.5,-1,0.25\n"


def latex_cmd(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


def need_pdflatex() -> None:
    if shutil.which("pdflatex") is None and os.environ.get("CI") != "true":
        pytest.skip("pdflatex is not installed (CI installs TeX Live)")


def test_article_to_a_file(tmp_path: Path, capsys) -> None:
    out = tmp_path / "proof.tex"
    assert latex_cmd("-o", str(out)) == 0
    tex = out.read_text(encoding="utf-8")
    assert tex.startswith("\\documentclass[11pt]{article}") and "13 of 13 lines verified." in tex
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proof.tex"]
    assert capsys.readouterr().out.strip() == f"wrote {out}"


def test_as_written_slides_to_stdout(capsys) -> None:
    assert latex_cmd("--as-written", "--slides") == 0
    tex = capsys.readouterr().out
    assert tex.startswith("\\documentclass[aspectratio=169,11pt]{beamer}")
    assert "\\begin{frame}{Erratum at line (3.3)}" in tex and "\\textbf{Corrected (3.3)}" in tex
    assert "\\subtitle{Loss as Energy and Learning Rate as Temperature}" in tex


@pytest.mark.parametrize("slides", [False, True])
def test_pdf_writes_both_files(slides: bool, tmp_path: Path, capsys) -> None:
    need_pdflatex()
    out = tmp_path / "deck.tex"
    args = ["--as-written", "--pdf", "-o", str(out)] + (["--slides"] if slides else [])
    assert latex_cmd(*args) == 0
    assert (tmp_path / "deck.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.pdf", "deck.tex"]
    assert "compiled by" in capsys.readouterr().out


def test_numeric_appendix(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text(DATA)
    out = tmp_path / "n.tex"
    assert latex_cmd("--data", str(data), "--eta", "1/10", "-o", str(out)) == 0
    tex = out.read_text()
    assert "\\section{Numeric cross-validation}" in tex and "\\texttt{data.csv}" in tex
    assert "(4.3) & $0." in tex


def _fails(capsys, *argv: str) -> str:
    assert latex_cmd(*argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("heatcap: error: "), captured.err
    return lines[0]


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.tex"
    assert "no such directory" in _fails(capsys, "-o", str(tmp_path / "missing" / "x.tex"))
    assert "is a directory" in _fails(capsys, "-o", str(tmp_path))
    assert "--pdf needs -o" in _fails(capsys, "--pdf")
    assert "both --data" in _fails(capsys, "--eta", "1/10", "-o", str(out))
    assert "absent.csv" in _fails(capsys, "--data", str(tmp_path / "absent.csv"), "--eta", "1/10",
                                  "-o", str(out))
    data = tmp_path / "d.csv"
    data.write_text(DATA)
    assert "critical" in _fails(capsys, "--data", str(data), "--eta", "5", "-o", str(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


def test_output_under_a_file_is_bad_input(tmp_path: Path, capsys) -> None:
    plain = tmp_path / "plain"
    plain.write_text("")
    assert "no such directory" in _fails(capsys, "-o", str(plain / "x.tex"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain"]


def test_write_failure_leaves_no_partial_file(tmp_path: Path, capsys, monkeypatch) -> None:
    def broken(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", dst)

    monkeypatch.setattr(os, "replace", broken)
    assert "cannot write" in _fails(capsys, "-o", str(tmp_path / "x.tex"))
    assert list(tmp_path.iterdir()) == []


def test_latex_error_leaves_no_files(tmp_path: Path, capsys, monkeypatch) -> None:
    need_pdflatex()
    out = tmp_path / "bad.tex"
    out.write_text("old contents")
    broken = "\\documentclass{article}\n\\begin{document}\n\\frac{1}{2}\n\\end{document}\n"
    from verify.latexdoc import article

    monkeypatch.setattr(article, "article_latex", lambda *a, **k: broken)  # imported when the command runs
    message = _fails(capsys, "--pdf", "--engine", "pdflatex", "-o", str(out))
    assert message == "heatcap: error: LaTeX error: ! Missing $ inserted. at line 3: \\frac{1}{2}"
    assert out.read_text() == "old contents" and sorted(p.name for p in tmp_path.iterdir()) == ["bad.tex"]


def test_proof_file(tmp_path: Path, capsys) -> None:
    out = tmp_path / "f.tex"
    if importlib.util.find_spec("derive.prooffile") is None:
        assert _fails(capsys, "proof.toml", "-o", str(out)) == (
            "heatcap: error: proof files are not supported yet")
        return
    assert "no such proof file" in _fails(capsys, str(tmp_path / "none.toml"), "-o", str(out))
    bad = tmp_path / "bad.toml"
    bad.write_text("this is not toml = = =\n")
    assert _fails(capsys, str(bad), "-o", str(out)).startswith(f"heatcap: error: {bad}: ")
    source = Path(__file__).resolve().parents[1] / "derive" / "proofs" / "heat_capacity.toml"
    if source.exists():
        assert latex_cmd(str(source), "-o", str(out)) == 0
        tex = out.read_text()
        assert "13 of 13 lines verified." in tex and "\\subtitle" not in tex


def _table_cells(tex: str) -> dict[str, tuple[str, str]]:
    """{row label: (lhs cell, rhs cell)} of the numeric table of an article or a deck."""
    rows = {}
    for line in tex.splitlines():
        parts = line.split(" & ")
        if len(parts) == 4 and parts[3].rstrip(" \\").isdigit():
            rows[parts[0]] = (parts[1], parts[2])
    return rows


def _decimal(cell: str) -> Decimal:
    match = re.fullmatch(r"\$(-?[0-9.]+)(?: \\times 10\^\{(-?\d+)\})?\$", cell)
    assert match, cell
    return Decimal(match[1] + ("E" + match[2] if match[2] else ""))


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, NumericAppendix]:
    """``heatcap latex --data … --eta 1/10`` as an article and as a deck, and the backend's rows."""
    tmp = tmp_path_factory.mktemp("real")
    data = tmp / "data.csv"
    data.write_text(DATA)
    texts = []
    for extra in ([], ["--slides"]):
        out = tmp / "doc.tex"
        assert latex_cmd("--data", str(data), "--eta", "1/10", "-o", str(out), *extra) == 0
        texts.append(out.read_text())
    return texts[0], texts[1], numeric_appendix(data, "1/10", dps=20)


def test_a_real_appendix_prints_every_digit_and_the_exponent(real_run) -> None:
    article, deck, app = real_run
    tiny = [r for r in app.rows if "E-" in r.lhs]
    assert tiny, "the data should give sides that are 0 up to rounding"       # e.g. -6.4E-37
    for tex, digits in ((article, None), (deck, 12)):
        cells = _table_cells(tex)
        assert len(cells) == len(app.rows)
        table = tex[tex.index("line & left-hand side"):]
        assert re.search(r"\dE[-+]?\d", table) is None
        for row, (lhs, rhs) in zip(app.rows, cells.values(), strict=True):
            for cell, text in ((lhs, row.lhs), (rhs, row.rhs)):
                expected = Decimal(text) if digits is None or Decimal(text) == 0 else Decimal(
                    format(Decimal(text), f".{digits - 1}e"))
                assert _decimal(cell) == expected, (cell, text)
        assert all("\\times 10^{-" in cells[label][0] for label in
                   (k for k, r in zip(cells, app.rows, strict=True) if r in tiny))


def test_the_c2_row_holds_half_the_second_derivative(real_run, tmp_path: Path) -> None:
    from fractions import Fraction

    from verify.numeric import analyze
    from verify.numeric.data import read_csv
    from verify.numeric.digits import as_fraction

    article, deck, _ = real_run
    label = "Step 4, $c_2 = \\tfrac{1}{2} \\mathcal{L}''(0)$"
    value = _decimal(_table_cells(article)[label][0])
    assert abs(_decimal(_table_cells(deck)[label][0]) - value) < Decimal("1e-11") * value
    # independently: exact L(η) − L* at two small rates, E(h)/h = c1 + c2 h + O(h²)
    data = tmp_path / "data.csv"
    data.write_text(DATA)
    h = Fraction(1, 10**5)
    excess = [as_fraction(analyze(read_csv(data), x, mode="exact", dps=20, crossval=False).excess_loss)
              for x in (h, 2 * h)]
    c2 = (excess[1] / (2 * h) - excess[0] / h) / h
    assert abs(float(value) - float(c2)) < 1e-3 * float(c2)                 # c2, not L''(0) = 2 c2


def test_heatcap_numeric_names_the_c2_row_as_the_deck_does(tmp_path: Path) -> None:
    from verify.numeric import analyze
    from verify.numeric.command import human_report
    from verify.numeric.data import read_csv

    data = tmp_path / "data.csv"
    data.write_text(DATA)
    lines = human_report(analyze(read_csv(data), "1/10", mode="mp", dps=20)).splitlines()
    row = [x for x in lines if "second-derivative" in x]
    assert len(row) == 1 and row[0].strip().startswith("step-4 c_2 = L''(0)/2 (second-derivative): ")
    assert any(x.strip().startswith("c_2 = ") for x in lines)        # the same c_2 as the Taylor list

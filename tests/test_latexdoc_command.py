"""``heatcap latex``: driven through add_arguments/run, as verify/cli.py registers it."""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from verify.latexdoc import command
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
    assert "\\textbf{Erratum:} should read" in tex
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
    assert "(4.3) & \\texttt{" in tex


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
    monkeypatch.setattr(command, "article_latex", lambda *a, **k: broken)
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

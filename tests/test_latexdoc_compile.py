"""The article and the deck compile with the real pdflatex -halt-on-error, without any error, and
read right in the PDF (pdftotext): powers of ten, margins, no stray numerals in frame titles.

Skipped only when pdflatex (or pdftotext, for the PDF's text) is not installed and the
environment variable CI is not "true".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from derive.proof import heat_capacity_proof
from verify.checker import check_proof
from verify.latexdoc import LatexError, article_latex, compile_pdf, find_errata, slides_latex
from verify.latexdoc.appendix import CrossvalRow, NumericAppendix
from verify.latexdoc.compile import log_problems
from verify.latexdoc.slides import frame_titles


def require_pdflatex() -> None:
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdflatex is not installed, and CI=true: install texlive-latex-base, "
                        "texlive-latex-recommended and texlive-pictures")
        pytest.skip("pdflatex is not installed (CI installs TeX Live)")


def require_pdftotext() -> None:
    require_pdflatex()
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext is not installed, and CI=true: install poppler-utils")
        pytest.skip("pdftotext is not installed (CI installs poppler-utils)")


def pdflatex(tex: str, tmp_path: Path) -> str:
    """Compile twice with -halt-on-error; fail on any ``!`` line or undefined control sequence."""
    require_pdflatex()
    (tmp_path / "doc.tex").write_text(tex, encoding="utf-8")
    for _ in range(2):
        done = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, timeout=180, check=False,
        )
        log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
        assert log_problems(log) == [], log[-3000:]
        assert done.returncode == 0, log[-3000:]
    assert (tmp_path / "doc.pdf").read_bytes().startswith(b"%PDF")
    return log


@pytest.fixture(scope="module")
def checked() -> dict[str, tuple]:
    out = {}
    fixed = heat_capacity_proof()
    fixed_report = check_proof(fixed)
    out["corrected"] = (fixed, fixed_report, ())
    seed = heat_capacity_proof(as_written=True)
    seed_report = check_proof(seed)
    out["as-written"] = (seed, seed_report, find_errata(seed, seed_report, fixed, fixed_report))
    return out


APPENDIX = NumericAppendix(
    "data_set.csv", "1/10", "mp", 5, 2, 20, 20, "0.0797",
    (CrossvalRow("step-3", 3, "0.00968904724780323459", "0.00968904724780323459", 20),
     CrossvalRow("step-4", "richardson", "0.0797", "0.0797", 20)),
)


@pytest.mark.parametrize("which", ["corrected", "as-written"])
@pytest.mark.parametrize("numeric", [False, True], ids=["plain", "appendix"])
def test_article_compiles(which: str, numeric: bool, checked, tmp_path: Path) -> None:
    proof, report, errata = checked[which]
    log = pdflatex(article_latex(proof, report, errata=errata,
                                 numeric=APPENDIX if numeric else None), tmp_path)
    assert "Output written on doc.pdf" in log


@pytest.mark.parametrize("which", ["corrected", "as-written"])
def test_slides_compile(which: str, checked, tmp_path: Path) -> None:
    proof, report, errata = checked[which]
    tex = slides_latex(proof, report, errata=errata, numeric=APPENDIX, subtitle="Loss as Energy")
    log = pdflatex(tex, tmp_path)
    pages = int(log.split("Output written on doc.pdf (")[1].split(" page")[0])
    assert pages >= 9          # title, theorem, setting, 4 steps, assumptions, lemma, summary


def test_compile_pdf_returns_the_pdf(checked) -> None:
    require_pdflatex()
    proof, report, _ = checked["corrected"]
    done = compile_pdf(article_latex(proof, report))
    assert done.pdf.startswith(b"%PDF") and done.engine in ("pdflatex", "latexmk")
    assert log_problems(done.log) == []


def test_compile_pdf_reports_the_first_error_and_its_source_line() -> None:
    require_pdflatex()
    source = "\\documentclass{article}\n\\begin{document}\nfine\n\\undefinedmacro here\n\\end{document}\n"
    with pytest.raises(LatexError) as info:
        compile_pdf(source, engine="pdflatex")
    err = info.value
    assert err.message == "! Undefined control sequence."
    assert err.line == 4 and err.source_line == "\\undefinedmacro here"
    assert err.describe() == "LaTeX error: ! Undefined control sequence. at line 4: \\undefinedmacro here"


def test_a_missing_engine_is_a_latex_error(monkeypatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(LatexError, match="not installed"):
        compile_pdf("\\documentclass{article}\\begin{document}x\\end{document}")


@pytest.mark.parametrize("engine", ["pdflatex", "latexmk"])
def test_each_engine_compiles_and_reports_errors(engine: str, checked) -> None:
    require_pdflatex()
    from verify.latexdoc import find_engine

    if find_engine(engine) is None:       # latexmk is optional: without it --pdf uses pdflatex
        assert engine == "latexmk" and find_engine() == "pdflatex"
        return
    proof, report, _ = checked["as-written"]
    assert compile_pdf(article_latex(proof, report), engine=engine).engine == engine
    with pytest.raises(LatexError, match="Undefined control sequence"):
        compile_pdf("\\documentclass{article}\n\\begin{document}\n\\oops\n\\end{document}\n", engine=engine)


# --- what the compiled PDF shows --------------------------------------------------------------

Word = tuple[float, float, float, float, str]      # xMin, yMin, xMax, yMax, text


def pdf_pages(pdf: Path) -> list[tuple[float, float, list[Word]]]:
    """(width, height, words) of every page, from ``pdftotext -bbox``."""
    require_pdftotext()
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        width, height = (float(re.search(rf'{k}="([\d.]+)"', page)[1]) for k in ("width", "height"))
        words = [(float(a), float(b), float(c), float(d), unescape(w)) for a, b, c, d, w in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page)]
        pages.append((width, height, words))
    return pages


def pdf_text(pdf: Path) -> str:
    require_pdftotext()
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


TINY_AND_HUGE = NumericAppendix(
    "data_set.csv", "1/10", "mp", 5, 2, 20, 20, "2.8589858267719059154E-21",
    (CrossvalRow("step-1", 3, "-6.3946892684732440433E-37", "0", 20),
     CrossvalRow("step-3", 2, "9.4039548065783000637E-38", "0", 20),
     CrossvalRow("step-4", 2, "1.2345678901234567890E+25", "1.2345678901234567890E+25", 20),
     CrossvalRow("step-4", "second-derivative", "0.53545393385214484888", "0.53545393385214484888", 20)),
)


def _compiled(make: object, checked: dict[str, tuple], tmp: Path) -> Path:
    proof, report, errata = checked["as-written"]
    pdflatex(make(proof, report, errata=errata, numeric=TINY_AND_HUGE), tmp)  # type: ignore[operator]
    return tmp / "doc.pdf"


@pytest.fixture(scope="module")
def deck_pdf(checked, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _compiled(slides_latex, checked, tmp_path_factory.mktemp("deck"))


@pytest.fixture(scope="module")
def article_pdf(checked, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _compiled(article_latex, checked, tmp_path_factory.mktemp("article"))


@pytest.mark.parametrize("which", ["deck_pdf", "article_pdf"])
def test_the_pdf_prints_powers_of_ten(which: str, request: pytest.FixtureRequest) -> None:
    text = pdf_text(request.getfixturevalue(which))
    assert re.search(r"\dE[-+]?\d", text) is None                   # never 6.39E-37
    digits = 12 if which == "deck_pdf" else 20
    mantissa = "-6.39468926847" if digits == 12 else "-6.3946892684732440433"
    assert re.search(re.escape(mantissa.replace("-", "−")) + r" × 10−37", text), text
    assert re.search(r"1\.23456789012\d* × 1025", text)
    assert "c2 = 21 L′′ (0)" in text or "c2 = 12 L′′ (0)" in text   # ½ as a stacked fraction


def test_frame_titles_carry_no_stray_numeral(deck_pdf: Path, checked) -> None:
    proof, report, errata = checked["as-written"]
    titles = frame_titles(slides_latex(proof, report, errata=errata, numeric=TINY_AND_HUGE))
    pages = pdf_pages(deck_pdf)
    assert len(pages) == len(titles) + 1                              # one page per frame
    for _width, _height, words in pages[1:]:
        top = min(w[1] for w in words)
        title = [w[4] for w in words if w[1] < top + 5]
        assert title[-1] not in {"I", "II", "III"}, title


def test_every_frame_keeps_its_text_margins(deck_pdf: Path) -> None:
    margin = 1.0 / 2.54 * 72 * 0.9                                   # beamer's 1 cm, less 10 %
    for width, height, words in pdf_pages(deck_pdf):
        body = [w for w in words if 40 < w[1] < height - 15]          # below the title, above the footline
        assert body, "an empty frame"
        assert min(w[0] for w in body) > margin and max(w[2] for w in body) < width - margin, body[:3]


def test_the_erratum_and_setting_frames_read_right(deck_pdf: Path) -> None:
    text = pdf_text(deck_pdf)
    erratum = text[text.index("Erratum at line (3.3)"):]
    assert "The seed has (E_b - H_b) where the slide source has (E_b \\; H_b)." in erratum
    assert "\\; is a thick space, a spacing command, not an operator" in " ".join(erratum.split())
    assert "— ✓" not in text and "\n— " not in text
    setting = text[text.index("Setting: SGD near an optimum"):text.index("Heat Capacity\n")]
    for symbol in ("∆Φ′ = ∆Φ − η (gb + Hb ∆Φ)", "H = Eb Hb ,", "C = Eb gb gb⊤", "L(η) = E∆Φ∼Pη"):
        assert symbol in setting, symbol

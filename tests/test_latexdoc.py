"""heatcap latex: the lecture notation, the article and the deck as LaTeX text (no TeX needed)."""

from __future__ import annotations

import dataclasses
import importlib.util
import random
import re
from decimal import Decimal

import pytest
from sympy import Rational, ZeroMatrix

from derive.expectation import E_P, E_b
from derive.limits import DerivativeAtZero, LimitAtZero
from derive.losses import ConvergedLoss, ExampleLoss, TrainingLoss
from derive.printing import latex, lecture_latex
from derive.proof import heat_capacity_proof
from derive.scalar import SquaredNorm, inner, quadratic_form
from derive.sgd import sgd_step
from derive.symbols import DeltaPhi, H_b, d, eta, g_b
from tests.prooftext import DOUBLE
from verify.checker import check_proof
from verify.latexdoc import article_latex, find_errata, slides_latex
from verify.latexdoc.appendix import CrossvalRow, NumericAppendix, appendix_latex, number_latex
from verify.latexdoc.blocks import certificate_latex, justification, step_chain
from verify.latexdoc.erratum import source_difference
from verify.latexdoc.slides import frame_titles
from verify.latexdoc.text import tex_escape, tex_text, tex_value

NOISE = E_P(E_b(SquaredNorm(g_b + H_b * DeltaPhi)))


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (E_b(g_b), r"E_b g_b"),
        (E_b(H_b), r"E_b H_b"),
        (E_P(SquaredNorm(DeltaPhi)), r"E_{\Delta\Phi \sim P_\eta} \|\Delta\Phi\|^2"),
        (E_P(SquaredNorm(DeltaPhi), DeltaPhi, eta / 2),
         r"E_{\Delta\Phi \sim P_{\frac{\eta}{2}}} \|\Delta\Phi\|^2"),
        (SquaredNorm(g_b), r"\|g_b\|^2"),
        (SquaredNorm(g_b + H_b * DeltaPhi), r"\|g_b + H_b \Delta\Phi\|^2"),
        (inner(g_b, DeltaPhi), r"g_b^\top \Delta\Phi"),
        (quadratic_form(DeltaPhi, H_b), r"\Delta\Phi^\top H_b \Delta\Phi"),
        (quadratic_form(DeltaPhi, E_b(H_b)), r"\Delta\Phi^\top \left(E_b H_b\right) \Delta\Phi"),
        (ExampleLoss(), r"\mathcal{L}_b(\Phi^*)"),
        (ExampleLoss(DeltaPhi), r"\mathcal{L}_b(\Phi^* + \Delta\Phi)"),
        (TrainingLoss(), r"\mathcal{L}(\Phi^*)"),
        (TrainingLoss(DeltaPhi), r"\mathcal{L}(\Phi^* + \Delta\Phi)"),
        (ConvergedLoss(), r"\mathcal{L}(\eta)"),
        (ConvergedLoss(2 * eta), r"\mathcal{L}(2 \eta)"),
        (LimitAtZero(NOISE),
         r"\lim_{\eta \rightarrow 0} E_{\Delta\Phi \sim P_\eta} E_b \|g_b + H_b \Delta\Phi\|^2"),
        (DerivativeAtZero(ConvergedLoss()),
         r"\left.\frac{\partial \mathcal{L}(\eta)}{\partial \eta}\right|_{\eta=0}"),
        (ZeroMatrix(d, 1), "0"),
        (sgd_step(), r"\Delta\Phi - \eta \left(g_b + H_b \Delta\Phi\right)"),
        (TrainingLoss() + eta / 4 * NOISE,
         r"\mathcal{L}(\Phi^*) + \frac{\eta}{4} E_{\Delta\Phi \sim P_\eta} E_b \|g_b + H_b \Delta\Phi\|^2"),
        (ExampleLoss() + inner(g_b, DeltaPhi) + Rational(1, 2) * quadratic_form(DeltaPhi, H_b),
         r"\mathcal{L}_b(\Phi^*) + g_b^\top \Delta\Phi + \frac{1}{2} \Delta\Phi^\top H_b \Delta\Phi"),
        (E_b(ExampleLoss()) + E_P(inner(E_b(g_b), DeltaPhi)),
         r"\left(E_b \mathcal{L}_b(\Phi^*)\right) + E_{\Delta\Phi \sim P_\eta}"
         r" \left(E_b g_b\right)^\top \Delta\Phi"),
        (E_P(E_b(-2 * eta * inner(DeltaPhi, g_b) + eta**2 * SquaredNorm(g_b))),
         r"E_{\Delta\Phi \sim P_\eta} E_b \left[- 2 \eta \Delta\Phi^\top g_b + \eta^{2} \|g_b\|^2\right]"),
    ],
)
def test_lecture_notation_of_each_construct(expr, expected) -> None:
    assert lecture_latex(expr) == expected


def test_the_default_printer_is_unchanged() -> None:
    assert latex(sgd_step()) == r"- \eta \left(H_{b} \Delta\Phi + g_{b}\right) + \Delta\Phi"
    assert latex(SquaredNorm(g_b)) == r"\left\|g_{b}\right\|^{2}"


def test_the_theorem_reads_like_the_lecture() -> None:
    thm = heat_capacity_proof().theorem
    text = f"{lecture_latex(thm.lhs)} = {lecture_latex(thm.rhs)}"
    assert text == (r"\left.\frac{\partial \mathcal{L}(\eta)}{\partial \eta}\right|_{\eta=0}"
                    r" = \frac{1}{4} E_b \|g_b\|^2")


@pytest.mark.skipif(importlib.util.find_spec("derive.parse") is None,
                    reason="the proof-file parser (derive.parse) is not available")
@pytest.mark.parametrize("as_written", [False, True])
def test_generated_latex_parses_back_to_the_same_expressions(as_written: bool) -> None:
    from derive.parse.display import parse_equation

    proof = heat_capacity_proof(as_written=as_written)
    for eq in (proof.theorem, *(line for step in proof.steps for line in step.lines)):
        back = parse_equation(f"{lecture_latex(eq.lhs)} = {lecture_latex(eq.rhs)}")
        assert (back.lhs, back.rhs) == (eq.lhs, eq.rhs)


def test_text_is_escaped_and_unicode_set_in_math() -> None:
    assert tex_text("a_b & 50%") == r"$a_b$ \& 50\%"
    assert tex_text("ΔΦ → 0") == r"$\Delta\Phi$ $\rightarrow$ 0"
    assert tex_text("tr(H S) <= η") == r"tr(H S) $\le$ $\eta$"
    assert tex_text("λ_max(H_b)") == r"$\lambda_{\mathrm{max}}(H_b)$"
    assert tex_text("{unbalanced_") == r"\{unbalanced\_"
    assert all(ord(c) < 128 for c in tex_text("Ω ‖x‖² ≈ ☃"))
    assert tex_value("1/10") == r"\frac{1}{10}"
    assert tex_value("-3") == "-3"


def test_a_step_is_an_aligned_chain_with_marks_and_justifications() -> None:
    proof = heat_capacity_proof()
    report = check_proof(proof)
    chain = step_chain(proof.steps[1], report.steps[1], 2)
    lines = chain.splitlines()
    assert lines[0] == r"\begin{aligned}" and lines[-1] == r"\end{aligned}"
    assert lines[1].startswith(r"\mathcal{L}(\eta) &= E_{\Delta\Phi \sim P_\eta} E_b \left[")
    assert lines[2].startswith("&= ") and lines[3].startswith("&= ")
    assert lines[1].endswith(r"&& \text{(2.1)~\hcok{}} \\")
    assert justification(()) == "by definition"
    assert justification(("expansion", "independence")) == r"by \hyp{expansion}, \hyp{independence}"
    cert = report.steps[2].lines[2].certificate
    assert certificate_latex(cert) == (
        r"$\mathrm{lhs} - \mathrm{rhs} = - \frac{1}{4 \eta}\,"
        r"[\text{\hyp{stationarity}},\ f = \|\Delta\Phi\|^2]$")


@pytest.fixture(scope="module")
def as_written() -> tuple:
    proof = heat_capacity_proof(as_written=True)
    fixed = heat_capacity_proof()
    report = check_proof(proof)
    return proof, report, find_errata(proof, report, fixed, check_proof(fixed))


def test_article_has_every_part(as_written) -> None:
    proof, report, errata = as_written
    tex = article_latex(proof, report, errata=errata)
    assert tex.startswith("\\documentclass[11pt]{article}\n")
    assert "\\usepackage{amsmath}" in tex and tex.rstrip().endswith("\\end{document}")
    for part in ("\\section*{Theorem}", "\\section{Setting and hypotheses}", "\\section{The proof}",
                 "\\section{Assumptions the lecture leaves implicit}", "\\section{Verification summary}"):
        assert part in tex
    assert tex.count("\\subsection{Step ") == 4 and tex.count("\\begin{aligned}") == 4
    for name in proof.hypotheses:
        assert f"\\item[\\hyp{{{name}}}]" in tex
    assert "12 of 13 lines verified, 1 refuted." in tex
    assert "\\paragraph{Line (3.3) is refuted.}" in tex
    assert "\\mathrm{lhs} - \\mathrm{rhs} = - \\frac{\\eta}{2} E_{b}" in tex      # the residual
    assert "A counterexample that satisfies every hypothesis the line names" in tex
    assert "left-hand side $- \\frac{183873076670824}{556349362605615}$" in tex
    assert tex.count("\\textbf{Erratum at line (3.3).}") == 1
    erratum = tex.index("Erratum at line (3.3)")
    assert tex.index("\\subsection{Step 3") < erratum < tex.index("\\subsection{Step 4")
    assert "\\left(E_b H_b\\right) \\Delta\\Phi\\right] = \\frac{\\eta}{4}" in tex[erratum:]
    assert all(ord(c) < 128 for c in tex)


def test_the_corrected_article_has_no_refutation_and_no_erratum() -> None:
    proof = heat_capacity_proof()
    tex = article_latex(proof, check_proof(proof))
    assert "13 of 13 lines verified." in tex
    assert "\\hcrefuted" not in tex.split("\\begin{document}")[1] and "Erratum" not in tex


def test_slides_have_a_frame_per_step_and_the_assumptions(as_written) -> None:
    proof, report, errata = as_written
    tex = slides_latex(proof, report, errata=errata, subtitle="Loss as Energy")
    assert tex.startswith("\\documentclass[aspectratio=169,11pt]{beamer}\n")
    titles = frame_titles(tex)
    assert titles[:4] == ["Setting: SGD near an optimum", "Heat Capacity", "Hypotheses",
                          "Reading a certificate"]
    for k in range(1, 5):
        assert f"Proof Step {k}" in titles
    assert "Proof Step 3: line (3.3)" in titles and "Erratum at line (3.3)" in titles
    assert "Assumptions the lecture leaves implicit" in titles and "Summary" in titles
    assert "\\titlepage" in tex and "\\subtitle{Loss as Energy}" in tex
    assert tex.count("\\hcok{}") == 12 and tex.count("\\hcno{}") == 1
    assert all(ord(c) < 128 for c in tex)


def test_numeric_appendix_table() -> None:
    rows = (CrossvalRow("step-3", 3, "0.5", "0.5", 20), CrossvalRow("step-3", "identity", "1", "1.0", 19))
    app = NumericAppendix("my_data.csv", "1/10", "mp", 5, 2, 20, 20, "0.0797", rows)
    tex = appendix_latex(app, heat_capacity_proof())
    assert "\\section{Numeric cross-validation}" in tex and "\\texttt{my\\_data.csv}" in tex
    assert "(3.3) & $0.5$ & $0.5$ & 20 \\\\" in tex
    assert "Step 3, $\\text{identity at } \\eta$ & $1$ & $1.0$ & 19 \\\\" in tex
    assert "(\\textsf{identity}): $\\tfrac{1}{2} \\operatorname{tr}(H S)" in tex
    proof = heat_capacity_proof()
    full = article_latex(proof, check_proof(proof), numeric=app)
    assert "\\appendix\n\\section{Numeric cross-validation}" in full


@pytest.mark.parametrize(
    "module",
    ["derive.printing", "verify.latexdoc", "verify.latexdoc.text", "verify.latexdoc.blocks",
     "verify.latexdoc.erratum", "verify.latexdoc.article", "verify.latexdoc.slides",
     "verify.latexdoc.appendix", "verify.latexdoc.compile", "verify.output",
     "verify.latexdoc.command", "verify.latexdoc.notation", "verify.latexdoc.rows"],
)
def test_module_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# --- numbers: a power of ten, never E-37 ------------------------------------------------------

def decimal_of(tex: str) -> Decimal:
    """Read a number printed by number_latex back: ``$m \times 10^{e}$`` → Decimal(mEe)."""
    match = re.fullmatch(r"\$(-?[0-9.]+)(?: \\times 10\^\{(-?\d+)\})?\$", tex)
    assert match, tex
    return Decimal(match[1] + ("E" + match[2] if match[2] else ""))


@pytest.mark.parametrize("text", [
    "-6.3946892684732440433E-37", "9.4039548065783000637E-38", "1.2345678901234567890E+25",
    "-3E-300", "7.5E+300", "0.074757941816984302966", "0.00012", "-0.000012", "123456.7",
    "1234567.8", "0.79555365848234142870", "2.57E-20",
])
def test_a_number_is_printed_with_its_power_of_ten(text: str) -> None:
    tex = number_latex(text)
    assert "E" not in tex and decimal_of(tex) == Decimal(text)     # every digit, the exponent kept
    mantissa = tex.strip("$").split(" ")[0]
    assert "\\times" not in tex or 1 <= abs(Decimal(mantissa)) < 10


def test_hand_made_tiny_and_huge_values() -> None:
    assert number_latex("-6.3946892684732440433E-37") == r"$-6.3946892684732440433 \times 10^{-37}$"
    assert number_latex("1.2345678901234567890E+25", 4) == r"$1.235 \times 10^{25}$"
    assert number_latex("9.99999E-5", 3) == "$0.000100$"           # rounding moves the exponent
    assert number_latex("123456.7", 3) == r"$1.23 \times 10^{5}$"   # no false zeros: 123000
    assert number_latex("0") == "$0$" and number_latex("-0.0") == "$0$"
    assert number_latex("inf") == r"$\infty$" and number_latex("-inf") == r"$-\infty$"
    assert number_latex("nan") == r"\texttt{nan}" and number_latex("1/3") == r"\texttt{1/3}"


def test_random_numbers_round_trip_and_round_like_python() -> None:
    rng = random.Random(12)
    for _ in range(300):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 25))).lstrip("0") or "7"
        text = f"{rng.choice(['', '-'])}{digits[0]}.{digits[1:] or '0'}E{rng.randint(-320, 320)}"
        assert decimal_of(number_latex(text)) == Decimal(text)
        rounded = decimal_of(number_latex(text, 12))
        assert rounded == Decimal(format(Decimal(text), ".11e"))   # Python's own rounding


# --- the deck sets up SGD, P_η, H, C, L(η) ----------------------------------------------------

def frame_body(tex: str, title: str) -> str:
    start = tex.index(f"{{{title}}}\n") + len(title) + 3
    return tex[start:tex.index("\\end{frame}", start)]


@pytest.fixture(scope="module")
def deck(as_written) -> str:
    proof, report, errata = as_written
    app = NumericAppendix("d.csv", "1/10", "mp", 5, 2, 20, 20, "0.0797",
                          (CrossvalRow("step-1", 3, "-6.3946892684732440433E-37", "0", 20),))
    return slides_latex(proof, report, errata=errata, numeric=app)


def test_the_deck_sets_up_sgd_and_its_stationary_law(deck: str) -> None:
    body = frame_body(deck, "Setting: SGD near an optimum")
    sgd = heat_capacity_proof().hypotheses["sgd-step"].statement
    assert sgd == r"\Delta\Phi' = \Delta\Phi - \eta \left(g_b + H_b \Delta\Phi\right)"
    for symbol in (f"${sgd}$", r"$P_\eta$", r"$H = E_b H_b,\ C = E_b g_b g_b^\top$",
                   r"$\mathcal{L}(\eta) = E_{\Delta\Phi \sim P_\eta} \mathcal{L}(\Phi^* + \Delta\Phi)$",
                   r"$m = E_{\Delta\Phi \sim P_\eta} \Delta\Phi$",
                   r"$S = E_{\Delta\Phi \sim P_\eta} \Delta\Phi \Delta\Phi^\top$",
                   r"$E_b = \tfrac{1}{n} \textstyle\sum_{b=1}^{n}$"):
        assert sum(line.startswith(symbol + " & ") for line in body.splitlines()) == 1, symbol
    assert r"if $\Delta\Phi \sim P_\eta$, then $\Delta\Phi' \sim P_\eta$" in body
    assert deck.index("{Setting: SGD near an optimum}") < deck.index("{Heat Capacity}")


def test_no_frame_body_opens_with_a_brace_group(deck: str) -> None:
    # beamer drops a frame's text margins when its body opens with {\small ...}
    frames = deck.split("\\begin{frame}")[1:]
    assert len(frames) == deck.count("\\end{frame}") > 10
    assert [f for f in frames if f.split("\n", 1)[1].startswith("{")] == []
    assert "\\setbeamertemplate{frametitle continuation}[from second][(cont.)]" in deck


def test_the_hypotheses_are_an_aligned_table_of_the_report_rows(as_written, deck: str) -> None:
    _proof, report, _ = as_written
    body = frame_body(deck, "Hypotheses")
    assert body.count("\\begin{tabular}") == 1 and "\\begin{description}" not in body
    rows = [line for line in body.splitlines() if line.startswith("\\hyp{")]
    assert [line.split("}")[0][5:] for line in rows] == [r.name for r in report.hypotheses]
    for line, row in zip(rows, report.hypotheses, strict=True):
        assert line.count("&") == 3 and f"& ${row.latex}$ &" in line
    by_name = {line.split("}")[0][5:]: line for line in rows}
    assert "& assumed & (3.1)--(3.4), (4.1)--(4.2) \\\\" in by_name["stationarity"]
    assert "lemma, from \\hyp{sgd-step}" in by_name["small-eta-limit"]
    assert "used by the lemma \\hyp{small-eta-limit} & ---" in by_name["psd-hessians"]


def test_the_article_gives_each_hypothesis_its_statement_and_standing(as_written) -> None:
    proof, report, errata = as_written
    tex = article_latex(proof, report, errata=errata)
    for row in report.hypotheses:
        item = tex.index(f"\\item[\\hyp{{{row.name}}}]")
        assert tex.index(f"\\[ {row.latex} \\]", item) < tex.index("\\item", item + 5)
    assert "(assumed; used in (3.1)--(3.4), (4.1)--(4.2)):" in tex
    assert "(lemma, from \\hyp{sgd-step}" in tex


# --- the erratum: the reason, H_b, m and S, the corrected line --------------------------------

def test_the_erratum_frame_says_why_and_shows_the_corrected_line(as_written, deck: str) -> None:
    body = frame_body(deck, "Erratum at line (3.3)")
    assert "\\mbox{\\texttt{(E\\_b - H\\_b)}} where the slide source has" in body
    assert "\\mbox{\\texttt{(E\\_b \\textbackslash{}; H\\_b)}}" in body
    assert "is a thick space, a spacing command, not an operator" in body
    assert "the seed's \\mbox{\\texttt{-}} is a transcription error" in body
    fixed = heat_capacity_proof().steps[2].lines[2]
    assert f"{lecture_latex(fixed.lhs)} = {lecture_latex(fixed.rhs)}" in body
    assert "$H_b$: the Hessian of example $b$" in body
    assert ("The corrected line is \\hcverified{} by \\hyp{sgd-step}, \\hyp{stationarity}, "
            "\\hyp{independence}, \\hyp{mean-gradient-zero}") in body
    assert not any(line.startswith("---") for line in deck.splitlines())


def test_the_refuted_frame_defines_m_and_s(deck: str) -> None:
    body = frame_body(deck, "Proof Step 3: line (3.3)")
    residual = body[body.index("Residual"):]
    assert "m = E_{\\Delta\\Phi \\sim P_\\eta} \\Delta\\Phi" in residual.split("\\mathrm{lhs}")[0]
    assert "S = E_{\\Delta\\Phi \\sim P_\\eta} \\Delta\\Phi \\Delta\\Phi^\\top" in residual
    assert "E_{b} m^\\top H_{b} g_{b}" in residual and "\\left(S H_{b} H_{b}\\right)" in residual


def test_source_difference_finds_the_group() -> None:
    assert source_difference("a + (b - c) = d", "a + (b \\; c) = d") == ("(b - c)", "(b \\; c)")
    assert source_difference("x = 1", "x = 2") == ("1", "2")
    assert source_difference("f(x) = y", "g(x) = y") == ("f(x)", "g(x)")
    assert source_difference("same", "same") is None


def test_spacing_commands_stay_visible_in_text() -> None:
    assert tex_text("has (E_b \\; H_b), a thick space") == (
        "has $(E_b$ \\textbackslash{}; $H_b),$ a thick space")
    assert tex_escape("a b") == "a b" and tex_escape("a\u00a0b") == "a~b"


# --- certificates, the theorem row ------------------------------------------------------------

def test_both_documents_explain_the_certificate_notation(as_written, deck: str) -> None:
    proof, report, errata = as_written
    article = article_latex(proof, report, errata=errata)
    used = {n: e for s in report.steps for x in s.lines if x.certificate
            for n, e in x.certificate.derived}
    assert list(used) == ["stationarity[\\|\\Delta\\Phi\\|^2]"]
    equation = used["stationarity[\\|\\Delta\\Phi\\|^2]"]
    for tex, head in ((article, "\\subsection*{How to read a certificate}"),
                      (frame_body(deck, "Reading a certificate"), "")):
        part = tex[tex.index(head):] if head else tex
        assert "A certificate $\\mathrm{lhs} - \\mathrm{rhs} = \\sum_i \\lambda_i\\,[e_i]$" in part
        assert "the invariance of $P_\\eta$" in part and "\\hyp{independence}" in part
        assert "E_{\\Delta\\Phi \\sim P_\\eta} E_b\\, f(\\Delta\\Phi') = " in part
        assert ("[\\text{\\hyp{stationarity}},\\ f = \\|\\Delta\\Phi\\|^2]:\\quad " + equation) in part
        assert "line (3.4) carries $\\mathrm{lhs} - \\mathrm{rhs} = - \\frac{1}{4 \\eta}\\," in part
    assert article.index("How to read a certificate") < article.index("\\section{The proof}")


def test_both_documents_show_the_theorem_row(as_written, deck: str) -> None:
    proof, report, errata = as_written
    assert report.theorem_check.summary() == "verified from step-4 lines 2–3"
    expected = "\\hcverified{} --- derived from the verified lines (4.2), (4.3): "
    article = article_latex(proof, report, errata=errata)
    for tex in (article, frame_body(deck, "Summary")):
        assert expected in tex and "$\\mathrm{lhs} - \\mathrm{rhs} = [(4.2)] + [(4.3)]$" in tex
        assert "It rests on \\hyp{expansion}" in tex and "\\hyp{psd-hessians}." in tex


def test_a_theorem_that_is_not_derived_says_so(as_written) -> None:
    from verify.theorem import TheoremResult

    proof, report, _errata = as_written
    cx = report.steps[2].lines[2].counterexample
    for status, counterexample in (("unknown", None), ("refuted", cx)):
        row = TheoremResult("x", status, counterexample=counterexample,
                            reason="the theorem is not a combination of the verified lines")
        changed = dataclasses.replace(report, theorem_check=row)
        for doc in (article_latex(proof, changed), slides_latex(proof, changed)):
            tex = doc[doc.index("The theorem"):]
            mark = "\\hcunknown{}" if status == "unknown" else "\\hcrefuted{}"
            assert f"{mark} --- the theorem is not a combination of the verified lines." in tex
            assert ("left-hand side $- \\frac{183873076670824}{556349362605615}$" in tex) == (
                status == "refuted")


# --- the appendix: c2 is labelled c2 ----------------------------------------------------------

def test_the_second_derivative_row_is_labelled_c2() -> None:
    app = NumericAppendix("d.csv", "1/10", "mp", 5, 2, 20, 20, "0.0797",
                          (CrossvalRow("step-4", "second-derivative", "0.5", "0.5", 20),))
    proof = heat_capacity_proof()
    tex = appendix_latex(app, proof)
    assert "Step 4, $c_2 = \\tfrac{1}{2} \\mathcal{L}''(0)$ & $0.5$ & $0.5$ & 20 \\\\" in tex
    assert "\\textsf{second-derivative}}" not in tex.split("\\begin{description}")[0]
    assert "$\\mathcal{L}(\\eta) = \\mathcal{L}(\\Phi^*) + c_1 \\eta + c_2 \\eta^2 + \\cdots$" in tex
    deck = slides_latex(proof, check_proof(proof), numeric=app)
    assert "Step 4, $c_2 = \\tfrac{1}{2} \\mathcal{L}''(0)$ & $0.5$ & $0.5$ & 20 \\\\" in deck




def test_a_refuted_consequence_shows_its_verdict_and_counterexample() -> None:
    from pathlib import Path

    from derive.prooffile import loads_proof

    source = Path(__file__).resolve().parents[1] / "derive" / "proofs" / "heat_capacity.toml"
    proof = loads_proof(source.read_text(encoding="utf-8") + DOUBLE, "user.toml")
    report = check_proof(proof)
    row = next(r for r in report.hypotheses if r.name == "double-stationarity")
    assert (row.role, row.status, row.used_by) == ("consequence", "refuted", ())
    article = article_latex(proof, report)
    item = article[article.index("\\item[\\hyp{double-stationarity}]"):]
    assert item.index("(consequence, checked: \\hcrefuted{}):") < item.index(
        "It is false under the primitive hypotheses:") < item.index("\\end{description}")
    deck = frame_body(slides_latex(proof, report), "Hypotheses")
    assert "\\hyp{double-stationarity} & $" in deck and "& consequence, checked: \\hcrefuted{} & ---" in deck


def test_a_residual_in_a_files_own_notation_has_its_own_legend() -> None:
    """Index i, state x, law Q_α: the residual and the moments under it use the file's names."""
    from pathlib import Path

    from derive.prooffile import loads_proof
    from verify.latexdoc.blocks import MOMENTS

    text = (Path(__file__).parent / "proofs" / "own_notation.toml").read_text(encoding="utf-8")
    third = text.replace(r"\frac{1}{4}", r"\frac{1}{3}").replace(r"\frac{\alpha}{4}", r"\frac{\alpha}{3}")
    proof = loads_proof(third, "thirds.toml")
    report = check_proof(proof)
    for doc in (article_latex(proof, report), slides_latex(proof, report)):
        assert MOMENTS not in doc
        assert r"m=E_{x\sim Q_\alpha}x" in doc and "E_{i} q_{i}^\\top q_{i}" in doc
        # the setting table too: index i, state x, law Q_α, rate α, q_i and K_i
        assert r"$E_i = \tfrac{1}{n} \textstyle\sum_{i=1}^{n}$" in doc
        assert r"$\mathcal{L}(\alpha) = E_{x \sim Q_\alpha} \mathcal{L}(\Phi^* + x)$" in doc
        assert r"$H = E_i K_i,\ C = E_i q_i q_i^\top$" in doc and "$P_\\eta$ &" not in doc
    lecture = check_proof(heat_capacity_proof(as_written=True))
    assert MOMENTS in article_latex(heat_capacity_proof(as_written=True), lecture)


def test_a_counterexample_at_a_symbolic_rate_says_so() -> None:
    """A line refuted as a function of η (a limit, or no η at all) has no number for η."""
    from pathlib import Path

    from derive.prooffile import loads_proof
    from verify.latexdoc.blocks import counterexample_items
    from verify.terminal import counterexample_lines

    path = Path(__file__).parents[1] / "derive" / "proofs" / "heat_capacity.toml"
    text = path.read_text(encoding="utf-8")
    third = loads_proof(text.replace(r"\frac{1}{4} E_b", r"\frac{1}{3} E_b"), "third.toml")
    report = check_proof(third)
    cx = report.theorem_check.counterexample
    assert cx is not None and cx.instance["eta"] == "eta"
    assert "η symbolic" in counterexample_lines(cx)[0] and "η = eta" not in counterexample_lines(cx)[0]
    assert r"$\eta$ symbolic" in counterexample_items(cx)[0]

"""heatcap latex: the lecture notation, the article and the deck as LaTeX text (no TeX needed)."""

from __future__ import annotations

import importlib.util

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
from verify.checker import check_proof
from verify.latexdoc import article_latex, find_errata, slides_latex
from verify.latexdoc.appendix import CrossvalRow, NumericAppendix, appendix_latex
from verify.latexdoc.blocks import certificate_latex, justification, step_chain
from verify.latexdoc.slides import frame_titles
from verify.latexdoc.text import tex_text, tex_value

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
    assert titles[:2] == ["Heat Capacity", "Setting and hypotheses"]
    for k in range(1, 5):
        assert f"Proof Step {k}" in titles
    assert "Proof Step 3: line (3.3)" in titles
    assert "Assumptions the lecture leaves implicit" in titles and "Summary" in titles
    assert "\\titlepage" in tex and "\\subtitle{Loss as Energy}" in tex
    assert tex.count("\\hcok{}") == 12 and tex.count("\\hcno{}") == 1
    assert all(ord(c) < 128 for c in tex)


def test_numeric_appendix_table() -> None:
    rows = (CrossvalRow("step-3", 3, "0.5", "0.5", 20), CrossvalRow("step-3", "identity", "1", "1.0", 19))
    app = NumericAppendix("my_data.csv", "1/10", "mp", 5, 2, 20, 20, "0.0797", rows)
    tex = appendix_latex(app, heat_capacity_proof())
    assert "\\section{Numeric cross-validation}" in tex and "\\texttt{my\\_data.csv}" in tex
    assert "(3.3) & \\texttt{0.5} & \\texttt{0.5} & 20 \\\\" in tex
    assert "Step 3, \\textsf{identity} & \\texttt{1} & \\texttt{1.0} & 19 \\\\" in tex
    assert "\\item[\\textsf{identity}]" in tex
    proof = heat_capacity_proof()
    full = article_latex(proof, check_proof(proof), numeric=app)
    assert "\\appendix\n\\section{Numeric cross-validation}" in full


@pytest.mark.parametrize(
    "module",
    ["derive.printing", "verify.latexdoc", "verify.latexdoc.text", "verify.latexdoc.blocks",
     "verify.latexdoc.erratum", "verify.latexdoc.article", "verify.latexdoc.slides",
     "verify.latexdoc.appendix", "verify.latexdoc.compile", "verify.output",
     "verify.latexdoc.command"],
)
def test_module_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0

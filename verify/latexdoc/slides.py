r"""The lecture deck: a ``beamer`` presentation in the spirit of the lecture's slides.

Frames: the title; the setting (the SGD step, the stationary law P_η, H = E_b H_b,
C = E_b g_b g_bᵀ, L(η), the moments m and S); the theorem; the hypotheses as an aligned table
(statement as checked, standing, lines using each); how to read a certificate; one frame per
step of the proof (its ``aligned`` chain with a check mark, cross or question mark on every line,
then each line's justification and certificate); a frame for every line that is not verified
(residual, counterexample) and one for every erratum (why, the corrected line, its verdict); the
implicit assumptions; the small-η lemma; a summary with the theorem row; and, when asked, the
numeric cross-validation.

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> proof = heat_capacity_proof()
>>> tex = slides_latex(proof, check_proof(proof))
>>> tex.startswith(r"\documentclass[aspectratio=169,11pt]{beamer}")
True
>>> [t for t in frame_titles(tex) if t.startswith("Proof")]
['Proof Step 1', 'Proof Step 2', 'Proof Step 3', 'Proof Step 4']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from derive.lemma import SMALL_ETA_LEMMA, Lemma
from derive.printing import lecture_latex
from derive.proof import Line, Proof
from verify.results import LineResult, ProofReport

from .appendix import NumericAppendix, crossval_table, zero_rows
from .blocks import (
    PREAMBLE_MACROS,
    counterexample_items,
    justification,
    justification_items,
    line_label,
    line_latex,
    moments,
    require_same_proof,
    status_mark,
    step_chain,
    summary_sentence,
    summary_table,
)
from .erratum import Erratum
from .notation import MOMENT_EQUATION, certificate_legend, derived_display, setting_table
from .rows import hypotheses_table, step_numbers, theorem_row
from .text import tex_escape, tex_text, user_math

__all__ = ["frame_titles", "slides_latex"]

PREAMBLE = r"""\documentclass[aspectratio=169,11pt]{beamer}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath}
\usepackage{amssymb}
\setbeamertemplate{navigation symbols}{}
\setbeamertemplate{footline}[frame number]
\setbeamertemplate{frametitle continuation}[from second][(cont.)]
""" + PREAMBLE_MACROS


def frame_titles(tex: str) -> list[str]:
    """The titles of the frames of a deck, in order."""
    return re.findall(r"\\begin\{frame\}(?:\[[^\]]*\])?\{((?:[^{}]|\{[^{}]*\})*)\}", tex)


def _frame(title: str, body: str, options: str = "", size: str = "") -> str:
    r"""A frame; ``size`` (``small``, ``footnotesize``, …) is declared for the whole frame.

    A frame body must not open with a brace group (``{\small …}``): beamer then loses the frame's
    text margins, and the body runs to the paper's edges.
    """
    opts = f"[{options}]" if options else ""
    head = f"\\{size}\n" if size else ""
    return f"\\begin{{frame}}{opts}{{{title}}}\n{head}{body}\n\\end{{frame}}\n"


def _fit(math: str) -> str:
    r"""Display math scaled down to the frame's width when it is wider (``\hcfit``)."""
    return "\\begin{center}\n\\hcfit{$\\displaystyle\n" + math + "\n$}\n\\end{center}"


def _title(proof: Proof, subtitle: str | None, author: str | None) -> str:
    lines = [f"\\title{{{tex_text(proof.title)}}}"]
    if subtitle:
        lines.append(f"\\subtitle{{{tex_text(subtitle)}}}")
    lines.append(f"\\author{{{tex_text(author) if author else 'heatcap'}}}")
    lines.append("\\date{checked line by line by \\texttt{heatcap}}")
    return "\n".join(lines) + "\n\\begin{document}\n\\begin{frame}\n\\titlepage\n\\end{frame}\n"


def _theorem(proof: Proof, report: ProofReport) -> str:
    eq = proof.theorem
    body = (
        "Let $b$ index a training example and let $g_b$ denote "
        "$\\nabla_\\Phi \\mathcal{L}_b(\\Phi)$ at $\\Phi = \\Phi^*$.\n\n\\medskip\n"
        "\\textbf{Heat Capacity Theorem:}\n"
        + _fit(f"{lecture_latex(eq.lhs)} = {lecture_latex(eq.rhs)}")
        + "\n\\medskip\nChecked: " + summary_sentence(report)
    )
    return _frame("Heat Capacity", body)


def _setting(proof: Proof) -> str:
    body = ("\\hcfit{" + setting_table(proof, r"0.55\linewidth") + "}\n\n\\medskip\n"
            "The Heat Capacity Theorem is about the slope of $\\mathcal{L}(\\eta)$ at $\\eta = 0$.")
    return _frame("Setting: SGD near an optimum", body, size="small")


def _hypotheses(proof: Proof, report: ProofReport) -> str:
    body = ("Named hypotheses a line may use, with their statements as checked:\n\n"
            "\\medskip\n\\hcfit{" + hypotheses_table(report, proof) + "}")
    return _frame("Hypotheses", body, size="footnotesize")


def _certificates(proof: Proof, report: ProofReport) -> str:
    legend = certificate_legend(proof, report)
    body = legend.intro() + "\n\n\\medskip\n"
    if legend.derived:
        body += (legend.model() + ":\n" + _fit(MOMENT_EQUATION)
                 + "\nThe certificates use\n"
                 + "\n".join(_fit(derived_display(n, e)) for n, e in legend.derived) + "\n")
    return _frame("Reading a certificate", body + legend.example_text(), size="small")


def _step_frames(proof: Proof, report: ProofReport, errata: Sequence[Erratum]) -> str:
    out = []
    for number, (step, result) in enumerate(zip(proof.steps, report.steps, strict=True), 1):
        head = f"{tex_text(step.title)}\n"
        if step.assumptions:
            head += ("(assumes "
                     + ", ".join(f"\\hyp{{{tex_escape(a)}}}" for a in step.assumptions) + ")\n")
        chain = step_chain(step, result, number)
        items = justification_items(step, result, number, certificates=True)
        uses = "\n".join(f"{label} & {text} \\\\" for label, text in items)
        table = ("{\\scriptsize\n\\begin{tabular}{@{}lp{0.9\\linewidth}@{}}\n" + uses
                 + "\n\\end{tabular}}")
        out.append(_frame(f"Proof Step {number}", head + _fit(chain) + "\n" + table, size="small"))
        for line, res in zip(step.lines, result.lines, strict=True):
            if res.status != "verified":
                out.append(_refuted_frame(number, line, res))
            out += [_erratum_frame(number, err) for err in errata
                    if err.step == step.id and err.index == res.index]
    return "\n".join(out)


def _refuted_frame(number: int, line: Line, res: LineResult) -> str:
    body = f"Line {line_label(number, res.index)} is {status_mark(res.status)}.\n"
    if line.source:
        body += "As written:\n" + _fit(user_math(line.source)) + "\n"
    if res.residual:
        body += (f"Residual (reduced), where {moments(res)}:\n"
                 + _fit(f"\\mathrm{{lhs}} - \\mathrm{{rhs}} = {res.residual}") + "\n")
    elif res.reason:
        body += tex_text(res.reason) + ".\n"
    if res.counterexample is not None:
        items = counterexample_items(res.counterexample, brief=True)
        body += ("{\\footnotesize A counterexample that satisfies every hypothesis the line names:\n"
                 "\\begin{itemize}\n" + "\n".join(f"\\item {i}" for i in items) + "\n\\end{itemize}}\n")
    return _frame(f"Proof Step {number}: line {line_label(number, res.index)}", body, size="small")


def _erratum_frame(number: int, err: Erratum) -> str:
    label = line_label(number, err.index)
    result, corrected = err.result, line_latex(err.line)
    hessian = (r" ($H_b$: the Hessian of example $b$ at $\Phi^*$, $E_b H_b = H$)"
               if "H_b" in corrected else "")
    body = (
        f"\\textbf{{Why {label} is wrong.}} {err.reason()}\n\n\\medskip\n"
        "The seed's line, as heatcap reads it (refuted):\n" + _fit(line_latex(err.written)) + "\n"
        f"\\textbf{{Corrected {label}}}{hessian}:\n" + _fit(corrected) + "\n"
        f"The corrected line is {status_mark(result.status)} {justification(result.uses)}, the "
        "hypotheses the seed's line names."
    )
    return _frame(f"Erratum at line {label}", body, size="small")


def _assumptions(proof: Proof) -> str:
    if not proof.implicit:
        return ""
    items = "\n".join(f"\\item {tex_text(a)}" for a in proof.implicit)
    return _frame("Assumptions the lecture leaves implicit",
                  f"\\begin{{itemize}}\n{items}\n\\end{{itemize}}", "allowframebreaks", "footnotesize")


def _lemma(lemma: Lemma) -> str:
    steps = "\n".join(f"\\item $ {s} $" for s in lemma.steps)
    body = (f"\\[ {lemma.statement} \\]\n{{\\footnotesize $H = E_b H_b$, $C = E_b g_b g_b^\\top$, "
            "$m, S$: mean and second moment of $\\Delta\\Phi$.\n"
            f"\\begin{{enumerate}}\n{steps}\n\\end{{enumerate}}}}")
    return _frame(f"Lemma \\hyp{{{tex_escape(lemma.name)}}}", body)


#: Significant digits of the deck's numeric table (the article prints them all).
DECK_DIGITS = 12


def _numeric(app: NumericAppendix, proof: Proof) -> str:
    table = crossval_table(app, proof, digits=DECK_DIGITS, size=r"\scriptsize")
    zeros = zero_rows(app, proof)
    note = (f"{{\\tiny Exact stationary law on \\texttt{{{tex_escape(app.source)}}} ($n = {app.n}$, "
            f"$d = {app.d}$); values rounded to {DECK_DIGITS} digits, agreement counted at {app.dps} "
            "digits relative to the size of the line's terms"
            + (f": in {', '.join(zeros)} one side is $0$, the other $0$ up to rounding" if zeros else "")
            + ".\\par}")
    fitted = "\\hcfit{\\hcfitheight{0.72\\textheight}{" + table + "}}"
    return _frame(f"Numeric cross-validation ($\\eta = {tex_escape(app.eta)}$)",
                  "\\begin{center}\n" + fitted + "\n\\end{center}\n" + note)


def _summary(proof: Proof, report: ProofReport) -> str:
    body = ("\\begin{center}\n" + summary_table(report, size=r"\scriptsize") + "\n\\end{center}\n"
            "{\\scriptsize \\textbf{The theorem:} "
            + theorem_row(report, step_numbers(proof.steps), brief=True) + "\\par}")
    return _frame("Summary", body)


def slides_latex(
    proof: Proof,
    report: ProofReport,
    *,
    errata: Sequence[Erratum] = (),
    numeric: NumericAppendix | None = None,
    lemma: Lemma | None = SMALL_ETA_LEMMA,
    subtitle: str | None = None,
    author: str | None = None,
) -> str:
    """The beamer deck (a complete LaTeX document) for ``proof`` and its checked ``report``."""
    require_same_proof(proof, report)
    parts = [
        PREAMBLE,
        _title(proof, subtitle, author),
        _setting(proof),
        _theorem(proof, report),
        _hypotheses(proof, report),
        _certificates(proof, report),
        _step_frames(proof, report, errata),
        _assumptions(proof),
        _lemma(lemma) if lemma is not None else "",
        _summary(proof, report),
    ]
    if numeric is not None:
        parts.append(_numeric(numeric, proof))
    parts.append("\\end{document}\n")
    return "\n".join(p for p in parts if p)

r"""The lecture deck: a ``beamer`` presentation in the spirit of the lecture's slides.

Frames: the title, the theorem, the setting and hypotheses, one frame per step of the proof
(its ``aligned`` chain with a check mark, cross or question mark on every line), a frame for
every line that is not verified (residual, counterexample, erratum), the implicit assumptions,
the small-η lemma, a summary and, when asked, the numeric cross-validation.

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
from derive.proof import Proof
from verify.results import ProofReport

from .appendix import NumericAppendix, row_label
from .blocks import (
    PREAMBLE_MACROS,
    counterexample_items,
    hypothesis_statement,
    justification_items,
    line_label,
    line_latex,
    require_same_proof,
    status_mark,
    step_chain,
    summary_sentence,
    summary_table,
)
from .erratum import Erratum
from .text import tex_escape, tex_text, user_math

__all__ = ["frame_titles", "slides_latex"]

PREAMBLE = r"""\documentclass[aspectratio=169,11pt]{beamer}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath}
\usepackage{amssymb}
\setbeamertemplate{navigation symbols}{}
\setbeamertemplate{footline}[frame number]
""" + PREAMBLE_MACROS


def frame_titles(tex: str) -> list[str]:
    """The titles of the frames of a deck, in order."""
    return re.findall(r"\\begin\{frame\}(?:\[[^\]]*\])?\{([^}]*)\}", tex)


def _frame(title: str, body: str, options: str = "") -> str:
    opts = f"[{options}]" if options else ""
    return f"\\begin{{frame}}{opts}{{{title}}}\n{body}\n\\end{{frame}}\n"


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
    items = "\n".join(
        f"\\item[\\hyp{{{tex_escape(n)}}}] ${hypothesis_statement(h)}$"
        for n, h in proof.hypotheses.items()
    )
    body = ("{\\small Named hypotheses a line may use:\n"
            f"\\begin{{description}}\n{items}\n\\end{{description}}}}")
    return _frame("Setting and hypotheses", "\\hcfit{\\parbox{1.15\\linewidth}{" + body + "}}")


def _step_frames(proof: Proof, report: ProofReport, errata: Sequence[Erratum]) -> str:
    out = []
    for number, (step, result) in enumerate(zip(proof.steps, report.steps, strict=True), 1):
        head = f"{{\\small {tex_text(step.title)}}}\n"
        if step.assumptions:
            head += ("{\\small (assumes "
                     + ", ".join(f"\\hyp{{{tex_escape(a)}}}" for a in step.assumptions) + ")}\n")
        chain = step_chain(step, result, number)
        uses = "; ".join(f"{label} {text}" for label, text in justification_items(step, result, number))
        out.append(_frame(f"Proof Step {number}", head + _fit(chain) + f"\n{{\\scriptsize {uses}}}"))
        for line, res in zip(step.lines, result.lines, strict=True):
            if res.status == "verified":
                continue
            body = f"Line {line_label(number, res.index)} is {status_mark(res.status)}.\n"
            if line.source:
                body += "As written:\n" + _fit(user_math(line.source)) + "\n"
            if res.residual:
                body += ("Residual (reduced):\n"
                         + _fit(f"\\mathrm{{lhs}} - \\mathrm{{rhs}} = {res.residual}") + "\n")
            if res.counterexample is not None:
                items = counterexample_items(res.counterexample, brief=True)
                body += ("{\\footnotesize Counterexample:\n\\begin{itemize}\n"
                         + "\n".join(f"\\item {i}" for i in items) + "\n\\end{itemize}}\n")
            for err in errata:
                if err.step == step.id and err.index == res.index:
                    body += ("\\textbf{Erratum:} should read\n" + _fit(line_latex(err.line))
                             + f"\n--- {status_mark(err.result.status)}\n")
            out.append(_frame(f"Proof Step {number}: line {line_label(number, res.index)}",
                              "{\\small\n" + body + "}"))
    return "\n".join(out)


def _assumptions(proof: Proof) -> str:
    if not proof.implicit:
        return ""
    items = "\n".join(f"\\item {tex_text(a)}" for a in proof.implicit)
    return _frame("Assumptions the lecture leaves implicit",
                  f"{{\\footnotesize\n\\begin{{itemize}}\n{items}\n\\end{{itemize}}}}",
                  "allowframebreaks")


def _lemma(lemma: Lemma) -> str:
    steps = "\n".join(f"\\item $ {s} $" for s in lemma.steps)
    body = (f"\\[ {lemma.statement} \\]\n{{\\footnotesize $H = E_b H_b$, $C = E_b g_b g_b^\\top$, "
            "$m, S$: mean and second moment of $\\Delta\\Phi$.\n"
            f"\\begin{{enumerate}}\n{steps}\n\\end{{enumerate}}}}")
    return _frame(f"Lemma \\hyp{{{tex_escape(lemma.name)}}}", body)


def _numeric(app: NumericAppendix, proof: Proof) -> str:
    numbers = {s.id: k for k, s in enumerate(proof.steps, 1)}
    rows = "\n".join(
        f"{row_label(r, numbers)} & \\texttt{{{tex_escape(r.lhs[:22])}}} & "
        f"\\texttt{{{tex_escape(r.rhs[:22])}}} & {r.agree_digits} \\\\"
        for r in app.rows
    )
    table = ("{\\tiny\n\\begin{tabular}{lllr}\nline & lhs & rhs & digits \\\\\n\\hline\n"
             + rows + "\n\\end{tabular}}")
    return _frame(f"Numeric cross-validation ($\\eta = \\text{{{tex_escape(app.eta)}}}$)",
                  "\\begin{center}\n\\hcfit{" + table + "}\n\\end{center}", "allowframebreaks")


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
        _theorem(proof, report),
        _setting(proof),
        _step_frames(proof, report, errata),
        _assumptions(proof),
        _lemma(lemma) if lemma is not None else "",
        _frame("Summary", "\\begin{center}\n" + summary_table(report, size=r"\scriptsize")
               + "\n\\end{center}"),
    ]
    if numeric is not None:
        parts.append(_numeric(numeric, proof))
    parts.append("\\end{document}\n")
    return "\n".join(p for p in parts if p)

r"""The verified article: a standalone ``article`` with ``amsmath``.

Title, the theorem, the setting and the named hypotheses, then each step as an ``aligned``
chain in which every line carries its number, its verification status (verified, refuted,
unknown) and its justification; a refuted line shows its residual and a counterexample; the
assumptions the lecture leaves implicit get their own section; an erratum note marks each line
whose seed text differs from the corrected proof; an optional appendix holds the numeric
cross-validation.

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> proof = heat_capacity_proof()
>>> tex = article_latex(proof, check_proof(proof))
>>> tex.startswith(r"\documentclass[11pt]{article}")
True
>>> r"\section{Assumptions the lecture leaves implicit}" in tex, tex.count(r"\begin{aligned}")
(True, 4)
"""

from __future__ import annotations

from collections.abc import Sequence

from derive.lemma import SMALL_ETA_LEMMA, Lemma
from derive.printing import lecture_latex
from derive.proof import Proof
from verify.results import ProofReport

from .appendix import NumericAppendix, appendix_latex
from .blocks import (
    PREAMBLE_MACROS,
    justification,
    justification_items,
    line_label,
    line_latex,
    refutation_body,
    require_same_proof,
    status_mark,
    step_chain,
    summary_sentence,
    summary_table,
)
from .erratum import Erratum
from .notation import MOMENT_EQUATION, certificate_legend, derived_display, setting_table
from .rows import hypotheses_items, step_numbers, theorem_row
from .text import tex_escape, tex_text, user_math

__all__ = ["SETTING", "article_latex"]

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{graphicx}
\usepackage{xcolor}
\usepackage[margin=2cm]{geometry}
""" + PREAMBLE_MACROS

#: The setting of the lecture (LaTeX text), before the table of symbols.
SETTING = r"""The training set has $n$ examples indexed by $b$ and the model has $d$ parameters.
SGD with learning rate $\eta$ draws an example $b$ uniformly and takes one step on its loss
$\mathcal{L}_b$; near a local optimum $\Phi^*$ the proof uses these symbols:"""


def _title(proof: Proof, report: ProofReport) -> str:
    return (
        f"\\title{{{tex_text(proof.title)}}}\n"
        "\\author{derived and checked line by line by \\texttt{heatcap}}\n\\date{}\n"
        "\\begin{document}\n\\maketitle\n"
        "\\begin{abstract}\nEvery line of the proof below was checked mechanically against the "
        "hypotheses it names: " + summary_sentence(report) + "\n\\end{abstract}\n"
    )


def _theorem(proof: Proof) -> str:
    eq = proof.theorem
    return (
        "\\section*{Theorem}\n"
        "Let $b$ index a training example and let $g_b$ denote "
        "$\\nabla_\\Phi \\mathcal{L}_b(\\Phi)$ at $\\Phi = \\Phi^*$. Then\n"
        f"\\[ {lecture_latex(eq.lhs)} = {lecture_latex(eq.rhs)}. \\]\n"
    )


def _hypotheses(proof: Proof, report: ProofReport) -> str:
    items = hypotheses_items(report, proof)
    return ("\\section{Setting and hypotheses}\n" + SETTING + "\n\n\\begin{center}\n"
            + setting_table(proof, r"0.55\linewidth") + "\n\\end{center}\n\n"
            "A line of the proof may use the following named hypotheses; each line below says "
            "which ones it uses. Each is given with its standing (assumed, a lemma, or a "
            "consequence that heatcap checks like a line), the lines that use it, and its "
            "statement exactly as the checker reads it.\n\\begin{description}\n"
            + "\n".join(items) + "\n\\end{description}\n" + _certificates(proof, report))


def _certificates(proof: Proof, report: ProofReport) -> str:
    legend = certificate_legend(proof, report)
    derived = "".join(f"\\[ {derived_display(n, e)} \\]\n" for n, e in legend.derived)
    text = "\\subsection*{How to read a certificate}\n" + legend.intro() + "\n\n"
    if derived:
        text += (legend.model() + f"\n\\[ {MOMENT_EQUATION}, \\]\n"
                 "an exact equation in the first two moments of $P_\\eta$ when $f$ has degree at "
                 "most 2. The certificates below use\n" + derived)
    return text + legend.example_text() + "\n"


def _erratum_note(err: Erratum, number: int) -> str:
    label = line_label(number, err.index)
    return (
        f"\\begin{{quote}}\n\\textbf{{Erratum at line {label}.}} {err.reason()} "
        "The line as typeset above follows the seed; it should read\n"
        f"\\[ {line_latex(err.line)} \\qquad \\text{{{label} corrected}} \\]\n"
        f"and this corrected line is {status_mark(err.result.status)} "
        f"{justification(err.result.uses)}, the same hypotheses.\n\\end{{quote}}\n"
    )


def _steps(proof: Proof, report: ProofReport, errata: Sequence[Erratum]) -> str:
    out = ["\\section{The proof}\n"]
    for number, (step, result) in enumerate(zip(proof.steps, report.steps, strict=True), 1):
        out.append(f"\\subsection{{Step {number}: {tex_text(step.title)}}}\n")
        if step.assumptions:
            out.append("This step assumes "
                       + ", ".join(f"\\hyp{{{tex_escape(a)}}}" for a in step.assumptions) + ".\n")
        out.append("\\[\n" + step_chain(step, result, number) + "\n\\]\n")
        items = justification_items(step, result, number, certificates=True)
        out.append("\\begin{description}\\small\\sloppy\n"
                   + "\n".join(f"\\item[{label}] {text}" for label, text in items)
                   + "\n\\end{description}\n")
        for line, res in zip(step.lines, result.lines, strict=True):
            if res.status == "verified":
                continue
            label = line_label(number, res.index)
            text = f"\\paragraph{{Line {label} is {res.status}.}}\n"
            if line.source:
                text += f"As written in the lecture:\n\\[ {user_math(line.source)} \\]\n"
            text += refutation_body(res) + "\n"
            out.append(text)
        for err in errata:
            if err.step == step.id:
                out.append(_erratum_note(err, number))
    return "\n".join(out)


def _lemma(lemma: Lemma) -> str:
    steps = "\n".join(f"\\item $ {s} $" for s in lemma.steps)
    uses = ", ".join(f"\\hyp{{{tex_escape(u)}}}" for u in lemma.uses)
    return (
        f"\\paragraph{{Lemma \\hyp{{{tex_escape(lemma.name)}}}.}} "
        f"\\[ {lemma.statement} \\]\nIt follows from {uses}. With $H = E_b H_b$, "
        "$C = E_b g_b g_b^\\top$, $\\Lambda = \\max_b \\lambda_{\\max}(H_b)$, "
        "$m = E_{\\Delta\\Phi \\sim P_\\eta} \\Delta\\Phi$ and "
        "$S = E_{\\Delta\\Phi \\sim P_\\eta} \\Delta\\Phi \\Delta\\Phi^\\top$:\n"
        f"\\begin{{enumerate}}\n{steps}\n\\end{{enumerate}}\n"
    )


def _implicit(proof: Proof, lemma: Lemma | None) -> str:
    if not proof.implicit and lemma is None:
        return ""
    items = "\n".join(f"\\item {tex_text(a)}" for a in proof.implicit)
    body = f"\\begin{{itemize}}\n{items}\n\\end{{itemize}}\n" if proof.implicit else ""
    return ("\\section{Assumptions the lecture leaves implicit}\n"
            "The slides use these without stating them; the checker names them.\n"
            + body + (_lemma(lemma) if lemma is not None else ""))


def _summary(proof: Proof, report: ProofReport) -> str:
    return ("\\section{Verification summary}\n" + summary_sentence(report) + "\n\n"
            "\\begin{center}\n" + summary_table(report) + "\n\\end{center}\n\n"
            "\\paragraph{The theorem.} A proof is more than its lines: heatcap derives the stated "
            "theorem as an exact combination of verified lines. "
            + theorem_row(report, step_numbers(proof.steps)) + "\n")


def article_latex(
    proof: Proof,
    report: ProofReport,
    *,
    errata: Sequence[Erratum] = (),
    numeric: NumericAppendix | None = None,
    lemma: Lemma | None = SMALL_ETA_LEMMA,
) -> str:
    """The article (a complete LaTeX document) for ``proof`` and its checked ``report``."""
    require_same_proof(proof, report)
    parts = [
        PREAMBLE,
        _title(proof, report),
        _theorem(proof),
        _hypotheses(proof, report),
        _steps(proof, report, errata),
        _implicit(proof, lemma),
        _summary(proof, report),
    ]
    if numeric is not None:
        parts.append("\\appendix\n" + appendix_latex(numeric, proof))
    parts.append("\\end{document}\n")
    return "\n".join(parts)

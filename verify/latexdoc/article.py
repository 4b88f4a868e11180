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
    hypothesis_statement,
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

#: The setting of the lecture (LaTeX text): the symbols every step uses.
SETTING = r"""The training set has $n$ examples indexed by $b$ and the model has $d$ parameters.
At a local optimum $\Phi^*$ of the training loss
$\mathcal{L}(\Phi) = E_b \mathcal{L}_b(\Phi)$, let $g_b$ be the gradient and $H_b$ the (symmetric)
Hessian of the loss $\mathcal{L}_b$ of example $b$. SGD with learning rate $\eta$ draws an
example $b$ and moves $\Delta\Phi = \Phi - \Phi^*$ to
$\Delta\Phi - \eta \left(g_b + H_b \Delta\Phi\right)$. Its stationary distribution on $\Phi$ is
$Q_\eta$; $P_\eta$ is the law of $\Delta\Phi$ for $\Phi \sim Q_\eta$, and
$\mathcal{L}(\eta) = E_{\Delta\Phi \sim P_\eta} \mathcal{L}(\Phi^* + \Delta\Phi)$ is the loss SGD
converges to. $E_b$ averages over the examples, $E_{\Delta\Phi \sim P_\eta}$ over the stationary
law."""


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


def _hypotheses(proof: Proof) -> str:
    items = []
    for name, hyp in proof.hypotheses.items():
        items.append(f"\\item[\\hyp{{{tex_escape(name)}}}] {tex_text(hyp.description)}:\n"
                     f"\\[ {hypothesis_statement(hyp)} \\]")
    return ("\\section{Setting and hypotheses}\n" + SETTING + "\n\n"
            "A line of the proof may use the following named hypotheses; each line below says "
            "which ones it uses.\n\\begin{description}\n" + "\n".join(items) + "\n\\end{description}\n")


def _erratum_note(err: Erratum, number: int) -> str:
    note = tex_text(err.note) + ". " if err.note else ""
    return (
        "\\begin{quote}\n\\textbf{Erratum at line "
        f"{line_label(number, err.index)}.}} {note}"
        "The line as typeset above follows the seed; it should read\n"
        f"\\[ {line_latex(err.line)}, \\]\n"
        f"and this corrected line is {status_mark(err.result.status)} "
        "with the same hypotheses.\n\\end{quote}\n"
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
        _hypotheses(proof),
        _steps(proof, report, errata),
        _implicit(proof, lemma),
        "\\section{Verification summary}\n" + summary_sentence(report) + "\n\n"
        "\\begin{center}\n" + summary_table(report) + "\n\\end{center}\n",
    ]
    if numeric is not None:
        parts.append("\\appendix\n" + appendix_latex(numeric, proof))
    parts.append("\\end{document}\n")
    return "\n".join(parts)

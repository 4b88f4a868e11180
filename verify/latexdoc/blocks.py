r"""The LaTeX pieces shared by the article and the deck.

A step of a proof is set as one ``aligned`` chain: a line that continues the chain is written
``&= rhs``, every other line ``lhs &= rhs``, and each ends with its number and a check mark
(or a cross, or a question mark); :func:`justification_items` gives, for every line, its
verification status and its justification (the hypotheses it uses):

>>> from derive.proof import heat_capacity_proof
>>> from verify.checker import check_proof
>>> proof = heat_capacity_proof()
>>> report = check_proof(proof)
>>> print(step_chain(proof.steps[3], report.steps[3], 4).splitlines()[3])
&= \frac{1}{4} E_b \|g_b\|^2 && \text{(4.3)~\hcok{}}
>>> justification_items(proof.steps[3], report.steps[3], 4)[2]
('(4.3)', '\\hcverified{} --- by \\hyp{small-eta-limit}')
>>> status_mark("refuted")
'\\hcrefuted{}'

The macros ``\hcverified``, ``\hcrefuted``, ``\hcunknown``, their short forms ``\hcok``,
``\hcno``, ``\hcmaybe``, ``\hyp``, the column type ``P{width}`` (ragged right), ``\hcfit``
(scale a box down to the line width when it is wider) and ``\hcfitheight{H}`` (scale a box down
to the height H when it is taller) are defined by :data:`PREAMBLE_MACROS`, which both documents
include.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from derive.hypotheses import Hypothesis
from derive.printing import lecture_latex
from derive.proof import Line, Proof, Step
from verify.render import MOMENT_LEGEND, RATE_NOTE
from verify.results import Certificate, Counterexample, LineResult, ProofReport, Status, StepResult

from .text import parse_number, tex_escape, tex_text, tex_value, user_math

__all__ = [
    "MOMENTS",
    "PREAMBLE_MACROS",
    "certificate_latex",
    "counterexample_items",
    "derived_name",
    "hypothesis_statement",
    "justification",
    "justification_items",
    "line_label",
    "line_latex",
    "moments",
    "refutation_body",
    "require_same_proof",
    "scaled",
    "short_mark",
    "status_counts",
    "status_mark",
    "step_chain",
    "summary_sentence",
    "summary_table",
]

PREAMBLE_MACROS = r"""\usepackage{array}
\newcolumntype{P}[1]{>{\raggedright\arraybackslash}p{#1}}
\definecolor{hcgreen}{rgb}{0,0.5,0}
\definecolor{hcred}{rgb}{0.75,0,0}
\definecolor{hcgray}{rgb}{0.4,0.4,0.4}
\newcommand{\hcverified}{\textcolor{hcgreen}{\ensuremath{\checkmark}~verified}}
\newcommand{\hcrefuted}{\textcolor{hcred}{\ensuremath{\times}~\textbf{refuted}}}
\newcommand{\hcunknown}{\textcolor{hcgray}{?~unknown}}
\newcommand{\hcok}{\textcolor{hcgreen}{\ensuremath{\checkmark}}}
\newcommand{\hcno}{\textcolor{hcred}{\ensuremath{\times}}}
\newcommand{\hcmaybe}{\textcolor{hcgray}{?}}
\newcommand{\hyp}[1]{\textsf{#1}}
\newcommand{\hcfit}[1]{\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{#1}}
\newsavebox{\hcbox}
\newcommand{\hcfitheight}[2]{\sbox{\hcbox}{#2}\ifdim\dimexpr\ht\hcbox+\dp\hcbox\relax>#1\relax
  \resizebox{!}{#1}{\usebox{\hcbox}}\else\usebox{\hcbox}\fi}
"""

#: The moments a residual is written in (LaTeX text).
MOMENTS = (r"$m = E_{\Delta\Phi \sim P_\eta} \Delta\Phi$ and "
           r"$S = E_{\Delta\Phi \sim P_\eta} \Delta\Phi \Delta\Phi^\top$, the first two moments "
           r"of $P_\eta$ ($m_r$, $S_r$ under $P_r$), and $H_b$ is the Hessian of example $b$")


def moments(res: LineResult) -> str:
    """The moments of ``res``'s residual (LaTeX text): :data:`MOMENTS`, or the setting's own."""
    if res.legend is None or res.legend == MOMENT_LEGEND:
        return MOMENTS
    math = user_math(res.legend.removesuffix(RATE_NOTE))
    return f"${math}$, the first two moments of the stationary law ($m_r$, $S_r$ at the rate $r$)"

_SHORT: dict[str, str] = {
    "verified": r"\hcok{}",
    "refuted": r"\hcno{}",
    "unknown": r"\hcmaybe{}",
}
_MARKS: dict[str, str] = {
    "verified": r"\hcverified{}",
    "refuted": r"\hcrefuted{}",
    "unknown": r"\hcunknown{}",
}


def require_same_proof(proof: Proof, report: ProofReport) -> None:
    """Refuse a report checked against another proof (a different number of steps)."""
    if len(proof.steps) != len(report.steps):
        raise ValueError("the report does not belong to this proof (different number of steps)")


def status_mark(status: Status | str) -> str:
    """The macro that shows a verification status (check mark, cross or question mark)."""
    return _MARKS[status]


def short_mark(status: Status | str) -> str:
    """The short mark of a status inside a chain: a check mark, a cross or a question mark."""
    return _SHORT[status]


def line_label(step_number: int, index: int) -> str:
    """The number of a line: ``(3.3)`` is the third line of Step 3."""
    return f"({step_number}.{index})"


def line_latex(line: Line) -> str:
    """``lhs = rhs`` of a proof line in the lecture's notation."""
    return f"{lecture_latex(line.lhs)} = {lecture_latex(line.rhs)}"


def justification(uses: Sequence[str]) -> str:
    """The hypotheses a line uses, as LaTeX text (``by \\hyp{expansion}, ...``)."""
    if not uses:
        return "by definition"
    return "by " + ", ".join(r"\hyp{" + tex_escape(u) + "}" for u in uses)


def certificate_latex(cert: Certificate | None) -> str:
    r"""The certificate of a verified line as inline math, or ``""`` when there is nothing to show.

    ``lhs − rhs = Σ λ_i (eq_i)``: the multiples of the named equations that make the line hold
    (the rewrites by hypotheses are in the justification already).
    """
    if cert is None or not (cert.equations or cert.limits):
        return ""
    parts = []
    for name, multiplier in cert.equations:
        parts.append(_multiple(multiplier, name))
    text = r"\mathrm{lhs} - \mathrm{rhs} = " + " + ".join(parts) if parts else ""
    if cert.limits:
        inner = " + ".join(_multiple(m, n) for n, m in cert.limits)
        text += (r",\ " if text else "") + r"\text{in the limit: } " + inner
    return "$" + text + "$"


def _multiple(multiplier: str, name: str) -> str:
    return scaled(multiplier, derived_name(name))


def scaled(multiplier: str, term: str) -> str:
    """``multiplier`` (text of an expression in η) times ``term`` as math: ``-\\frac{1}{4 \\eta}\\,[…]``."""
    value = tex_value(multiplier)
    factor = "" if value == "1" else ("-" if value == "-1" else value + r"\,")
    return factor + term


def derived_name(name: str) -> str:
    r"""An equation of a certificate in brackets (math): ``[\text{\hyp{stationarity}},\ f = …]``
    for the moment equation derived with the test function f, ``[\text{\hyp{name}}]`` else."""
    base, test = _derived(name)
    suffix = "" if test is None else r",\ f = " + test
    return r"[\text{\hyp{" + tex_escape(base) + "}}" + suffix + "]"


def _derived(name: str) -> tuple[str, str | None]:
    """A moment equation the SGD model gives is named ``hyp[f]``: (hyp, the LaTeX of f that
    heatcap printed); any other name is (name, None)."""
    if not name.endswith("]") or "[" not in name:
        return name, None
    base, _, rest = name.partition("[")
    return base, rest[:-1]


def step_chain(step: Step, result: StepResult, number: int) -> str:
    """The lines of a step as one ``aligned`` chain, each ending with its number and mark."""
    rows = []
    for index, (line, res) in enumerate(zip(step.lines, result.lines, strict=True), 1):
        rhs = lecture_latex(line.rhs)
        body = f"&= {rhs}" if line.chained else f"{lecture_latex(line.lhs)} &= {rhs}"
        rows.append(body + r" && \text{" + line_label(number, index) + "~" + short_mark(res.status) + "}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def justification_items(step: Step, result: StepResult, number: int, *,
                        certificates: bool = False) -> list[tuple[str, str]]:
    """(line number, LaTeX text) for every line: its status and the hypotheses it uses."""
    out = []
    for index, res in enumerate(result.lines, 1):
        text = f"{status_mark(res.status)} --- {justification(res.uses)}"
        cert = certificate_latex(res.certificate) if certificates else ""
        if cert:
            text += "; " + cert
        out.append((line_label(number, index), text))
    return out


def hypothesis_statement(hyp: Hypothesis) -> str:
    """A hypothesis as math: its statement as heatcap printed it from the parsed objects (the
    relation included: =, ≻, ⪰, ⊥, ΔΦ' = …, ΔΦ' ∼ P_η), never the file's own string."""
    return hyp.statement


def _vector(values: Sequence[Any]) -> str:
    return r"\left(" + ", ".join(tex_value(v) for v in values) + r"\right)^\top"


def _matrix(rows: Sequence[Sequence[Any]], approx: bool = False) -> str:
    cell = _approx if approx else tex_value
    body = r" \\ ".join(" & ".join(cell(v) for v in row) for row in rows)
    return r"\begin{pmatrix} " + body + r" \end{pmatrix}"


def _approx(text: Any) -> str:
    """A number to 6 significant digits (exact text when it is not a plain number)."""
    from sympy import Float

    value = parse_number(text)
    if value is not None and value.is_number and not value.is_Integer:
        return tex_value(str(Float(value, 6)))
    return tex_value(text)


def counterexample_items(cx: Counterexample, *, brief: bool = False) -> list[str]:
    """The items (LaTeX) describing a counterexample: data, law, both sides, broken hypotheses."""
    inst = cx.instance
    law: Mapping[str, Any] = inst.get("law", {})
    rate = (r"$\eta$ symbolic (the law is computed at every $\eta$)" if inst["eta"] == "eta"
            else f"$\\eta = {tex_value(inst['eta'])}$")
    items = [
        f"$d = {inst['d']}$, $n = {inst['n']}$, {rate}; "
        f"the law of $\\Delta\\Phi$: {tex_text(str(law.get('description', '')))}"
    ]
    if not brief:
        grads = ", ".join(f"g_{{{b}}} = {_vector(g)}" for b, g in enumerate(inst.get("g", []), 1))
        items.append(f"gradients: ${grads}$")
        hess = r",\quad ".join(f"H_{{{b}}} = {_matrix(h)}" for b, h in enumerate(inst.get("H", []), 1))
        items.append(f"Hessians: \\[{hess}\\]")
        losses = ", ".join(f"\\mathcal{{L}}_{{{b}}}(\\Phi^*) = {tex_value(v)}"
                           for b, v in enumerate(inst.get("L_star", []), 1))
        if losses:
            items.append(f"losses at the optimum: ${losses}$")
        kappa = inst.get("cubic_remainder", [])
        if any(str(k) != "0" for k in kappa):
            power = inst.get("remainder_degree", 3)
            items.append(f"remainders $\\kappa_b (\\mathbf{{1}}^\\top \\Delta\\Phi)^{power}$: $" + ", ".join(
                f"\\kappa_{{{b}}} = {tex_value(v)}" for b, v in enumerate(kappa, 1)) + "$")
        items += _law_items(law)
    if cx.where:
        where = ", ".join(_where(k, v) for k, v in cx.where.items())
        items.append(f"at ${where}$")
    items.append(f"left-hand side ${tex_value(cx.lhs)}$, right-hand side ${tex_value(cx.rhs)}$")
    if cx.violates:
        items.append("it breaks the hypotheses the line does not name: "
                     + ", ".join(r"\hyp{" + tex_escape(v) + "}" for v in cx.violates))
    return items


def _law_items(law: Mapping[str, Any]) -> list[str]:
    if law.get("kind") == "moments":
        return [f"its moments: $m = {_vector(law['m'])}$, "
                f"$S \\approx {_matrix(law['S'], approx=True)}$"]
    if law.get("kind") == "finite":
        atoms = "; ".join(
            f"${tex_value(a['weight'])}$ at $\\Delta\\Phi = {_vector(a['DeltaPhi'])}$, $b = {a['b']}$"
            for a in law.get("atoms", []))
        return [f"its atoms: {atoms}"]
    return []


def _where(key: str, value: Any) -> str:
    name = r"\Delta\Phi" if key == "DeltaPhi" else tex_escape(key)
    if isinstance(value, list):
        return f"{name} = {_vector(value)}"
    return f"{name} = {tex_value(value)}"


def refutation_body(res: LineResult, *, brief: bool = False) -> str:
    """Residual and counterexample of a refuted (or unknown) line, as LaTeX paragraphs."""
    out = []
    if res.residual:
        out.append("Its residual, reduced modulo the hypotheses it names, is\n"
                   f"\\[ \\mathrm{{lhs}} - \\mathrm{{rhs}} = {res.residual} \\]\n"
                   f"where {moments(res)}.")
    elif res.reason:
        out.append(tex_text(res.reason) + ".")
    if res.counterexample is not None:
        items = counterexample_items(res.counterexample, brief=brief)
        out.append("A counterexample that satisfies every hypothesis the line names:\n"
                   "\\begin{itemize}\n" + "\n".join(r"\item " + i for i in items) + "\n\\end{itemize}")
    return "\n\n".join(out)


def status_counts(report: ProofReport) -> dict[str, int]:
    """How many lines are verified, refuted and unknown."""
    counts = {"verified": 0, "refuted": 0, "unknown": 0}
    for step in report.steps:
        for line in step.lines:
            counts[line.status] += 1
    return counts


def summary_sentence(report: ProofReport) -> str:
    """``12 of 13 lines verified, 1 refuted.`` (LaTeX text)."""
    counts = status_counts(report)
    total = sum(counts.values())
    text = f"{counts['verified']} of {total} lines verified"
    for status in ("refuted", "unknown"):
        if counts[status]:
            text += f", {counts[status]} {status}"
    return text + "."


def summary_table(report: ProofReport, *, size: str = r"\small") -> str:
    """A ``tabular`` of every line: its number, status and hypotheses."""
    rows = []
    for number, step in enumerate(report.steps, 1):
        for line in step.lines:
            uses = ", ".join(tex_escape(u) for u in line.uses) or "---"
            rows.append(f"{line_label(number, line.index)} & {status_mark(line.status)} & "
                        f"\\textsf{{{uses}}} \\\\")
    return (f"{{{size}\n\\begin{{tabular}}{{llp{{0.6\\linewidth}}}}\n\\hline\n"
            "line & status & hypotheses used \\\\\n\\hline\n" + "\n".join(rows)
            + "\n\\hline\n\\end{tabular}}")

r"""The numeric appendix: the cross-validation table of the numeric backend.

``heatcap latex --data DATA.csv --eta ETA`` runs :func:`verify.numeric.analysis.analyze` on the
data set and typesets its ``crossval`` rows: each line of the proof (and the backend's named
checks of Steps 3 and 4), both sides in numbers at the exact stationary law of SGD, and the
number of decimal digits on which they agree.

Numbers are set as decimals, with a power of ten ``\times 10^{n}`` when they are very small or
very large (never ``E-37``), by :func:`number_latex`:

>>> number_latex("-6.3946892684732440433E-37")
'$-6.3946892684732440433 \\times 10^{-37}$'
>>> number_latex("0.79555365848234142870", 6), number_latex("1.5E+7")
('$0.795554$', '$1.5 \\times 10^{7}$')

>>> rows = (CrossvalRow("step-4", 3, "0.25", "0.25", 20), CrossvalRow("step-4", "taylor", "0.25", "0.25", 20))
>>> app = NumericAppendix("data.csv", "1/10", "mp", 4, 2, 20, 20, "0.25", rows)
>>> tex = appendix_latex(app)
>>> "(4.3)" in tex and "$0.25$" in tex
True
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from derive.proof import Proof

from .blocks import line_label
from .text import tex_escape

__all__ = ["CHECK_DESCRIPTIONS", "CHECK_LABELS", "CrossvalRow", "NumericAppendix", "appendix_latex",
           "crossval_table", "digits_note", "number_latex", "number_math", "numeric_appendix", "row_label",
           "zero_rows"]

#: What the numeric backend's named (non-numbered) checks compare, as LaTeX math. The Taylor
#: coefficients are those of L(η) = L(Φ*) + c₁η + c₂η² + ⋯ and S(η) = S₁η + S₂η² + ⋯.
CHECK_DESCRIPTIONS: dict[str, str] = {
    "identity": r"\tfrac{1}{2} \operatorname{tr}(H S) = \tfrac{\eta}{4}\left[\operatorname{tr} C"
                r" + E_b \operatorname{tr}(H_b^2 S)\right]",
    "taylor": r"c_1 = \tfrac{1}{2} \operatorname{tr}(H S_1) = \tfrac{1}{4} \operatorname{tr} C",
    "richardson": r"\lim_{\eta \rightarrow 0} \frac{\mathcal{L}(\eta) - \mathcal{L}(\Phi^*)}{\eta}"
                  r" = \tfrac{1}{4} \operatorname{tr} C \text{ (Richardson extrapolation)}",
    "second-derivative": r"c_2 = \tfrac{1}{2} \operatorname{tr}(H S_2) = \tfrac{1}{4} E_b"
                         r" \operatorname{tr}(H_b^2 S_1)",
}

#: How a named check is labelled in the table (math): what the row holds. The row the backend
#: calls ``second-derivative`` holds the Taylor coefficient c₂ = L''(0)/2, not L''(0).
CHECK_LABELS: dict[str, str] = {
    "identity": r"\text{identity at } \eta",
    "taylor": r"c_1 = \mathcal{L}'(0)",
    "richardson": r"\mathcal{L}'(0) \text{ by extrapolation}",
    "second-derivative": r"c_2 = \tfrac{1}{2} \mathcal{L}''(0)",
}

#: Decimal exponents outside [PLAIN_MIN, PLAIN_MAX] are written as a power of ten.
PLAIN_MIN, PLAIN_MAX = -4, 5


@dataclass(frozen=True)
class CrossvalRow:
    """Both sides of one checked line, as decimal strings, and their agreeing digits."""

    step: str
    line: int | str
    lhs: str
    rhs: str
    agree_digits: int

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> CrossvalRow:
        return cls(str(row["step"]), row["line"], str(row["lhs"]), str(row["rhs"]),
                   int(row["agree_digits"]))


@dataclass(frozen=True)
class NumericAppendix:
    """The numeric backend's report on one data set, as the appendix needs it."""

    source: str
    eta: str
    mode: str
    n: int
    d: int
    dps: int
    certified_digits: int
    slope_at_zero: str
    rows: tuple[CrossvalRow, ...]


def numeric_appendix(path: str | Path, eta: str, *, dps: int = 20, mode: str = "mp") -> NumericAppendix:
    """Run the numeric backend on the CSV file ``path`` at learning rate ``eta``.

    Raises :class:`verify.numeric.errors.NumericInputError` on bad input (missing file, bad η, η
    beyond the critical rate, ...).
    """
    from verify.numeric.analysis import analyze
    from verify.numeric.data import read_csv
    from verify.numeric.digits import decimal_string

    report = analyze(read_csv(path), eta, mode=mode, dps=dps)
    return NumericAppendix(
        Path(path).name, str(eta), report.mode, report.n, report.d, report.dps,
        report.certified_digits, decimal_string(report.slope_at_zero, min(dps, 20)),
        tuple(CrossvalRow.from_json(dict(r)) for r in report.crossval),
    )


def number_latex(text: str, digits: int | None = None) -> str:
    r"""A decimal string (``-6.39E-37``, ``0.25``, ``inf``) as inline math, rounded to ``digits``
    significant digits when given; a power of ten ``\times 10^{n}`` outside 10⁻⁴ … 10⁶. Text
    that is not a number is shown verbatim (escaped)."""
    math = number_math(text, digits)
    return r"\texttt{" + tex_escape(text) + "}" if math is None else f"${math}$"


def number_math(text: str, digits: int | None = None) -> str | None:
    """The math of :func:`number_latex` without the dollars; None when ``text`` is no number."""
    try:
        value = decimal.Decimal(text.strip())
    except decimal.InvalidOperation:
        return None
    if value.is_nan():
        return None
    if value.is_infinite():
        return "-\\infty" if value < 0 else "\\infty"
    if digits is not None:
        with decimal.localcontext() as ctx:
            ctx.prec = digits
            value = +value
    if value.is_zero():
        return "0"
    exponent = value.adjusted()
    if PLAIN_MIN <= exponent <= PLAIN_MAX and int(value.as_tuple().exponent) <= 0:
        return f"{value:f}"
    return f"{value.scaleb(-exponent):f} \\times 10^{{{exponent}}}"


def row_label(row: CrossvalRow, numbers: dict[str, int]) -> str:
    """``(3.3)`` for a numbered line; ``Step 4, $c_2 = …$`` for a named check."""
    number = numbers.get(row.step)
    if isinstance(row.line, int) and number is not None:
        return line_label(number, row.line)
    step = f"Step {number}" if number is not None else tex_escape(row.step)
    name = str(row.line)
    if name in CHECK_LABELS:
        return f"{step}, ${CHECK_LABELS[name]}$"
    return f"{step}, \\textsf{{{tex_escape(name)}}}"


def _step_numbers(proof: Proof | None) -> dict[str, int]:
    numbers = {s.id: k for k, s in enumerate(proof.steps, 1)} if proof is not None else {}
    return numbers or {f"step-{k}": k for k in range(1, 10)}


def crossval_table(app: NumericAppendix, proof: Proof | None = None, *, digits: int | None = None,
                   size: str = r"\footnotesize") -> str:
    """The ``tabular`` of the cross-validation rows; values rounded to ``digits`` when given."""
    numbers = _step_numbers(proof)
    rows = [
        f"{row_label(r, numbers)} & {number_latex(r.lhs, digits)} & {number_latex(r.rhs, digits)}"
        f" & {r.agree_digits} \\\\"
        for r in app.rows
    ]
    return (f"{{{size}\n\\begin{{tabular}}{{lllr}}\n\\hline\n"
            + "line & left-hand side & right-hand side & digits \\\\\n\\hline\n"
            + "\n".join(rows) + "\n\\hline\n\\end{tabular}}")


def zero_rows(app: NumericAppendix, proof: Proof | None = None) -> list[str]:
    """The labels of the numbered lines where one side is exactly 0 and the other is not."""
    numbers = _step_numbers(proof)
    out = []
    for r in app.rows:
        zeros = [_is_zero(s) for s in (r.lhs, r.rhs)]
        if isinstance(r.line, int) and any(zeros) and not all(zeros):
            out.append(row_label(r, numbers))
    return out


def _is_zero(text: str) -> bool:
    try:
        return decimal.Decimal(text.strip()).is_zero()
    except decimal.InvalidOperation:
        return False


def digits_note(app: NumericAppendix, proof: Proof | None = None) -> str:
    """How the digits are counted, and which rows compare 0 with a number that is 0 to rounding."""
    text = ("For a numbered line the digits are counted relative to the size of the terms of the "
            "line, so a side that is exactly $0$ is compared with the cancellation that produced "
            "the other side.")
    zeros = zero_rows(app, proof)
    if zeros:
        which = ", ".join(zeros)
        text += (f" In {which} one side is $0$ and the other is $0$ up to rounding: a number many "
                 "orders of magnitude below the terms of the line.")
    return text


def appendix_latex(app: NumericAppendix, proof: Proof | None = None) -> str:
    """The appendix section (LaTeX): the data, then the cross-validation table."""
    named = dict.fromkeys(str(r.line) for r in app.rows if not isinstance(r.line, int))
    legend = "".join(
        f"\\item[${CHECK_LABELS.get(name, tex_escape(name))}$] (\\textsf{{{tex_escape(name)}}}): "
        f"${CHECK_DESCRIPTIONS[name]}$\n"
        for name in named if name in CHECK_DESCRIPTIONS
    )
    return (
        "\\section{Numeric cross-validation}\n"
        f"The numeric backend solved the stationary law of single-example SGD on the least-squares "
        f"data \\texttt{{{tex_escape(app.source)}}} ($n = {app.n}$ examples, $d = {app.d}$ "
        f"parameters) at $\\eta = \\text{{{tex_escape(app.eta)}}}$, in {tex_escape(app.mode)} arithmetic "
        f"with {app.dps} digits ({app.certified_digits} certified). "
        "Each row evaluates both sides of a line of the proof in numbers and counts the decimal "
        "digits on which they agree. " + digits_note(app, proof) + " The heat capacity is "
        f"$\\tfrac{{1}}{{4}} E_b \\|g_b\\|^2$ = {number_latex(app.slope_at_zero)}.\n\n"
        "\\begin{center}\n" + crossval_table(app, proof) + "\n\\end{center}\n"
        + ("The named checks compare, with the Taylor series "
           "$\\mathcal{L}(\\eta) = \\mathcal{L}(\\Phi^*) + c_1 \\eta + c_2 \\eta^2 + \\cdots$ "
           "(so $c_k = \\mathcal{L}^{(k)}(0)/k!$) and $S(\\eta) = S_1 \\eta + S_2 \\eta^2 + \\cdots$:\n"
           f"\\begin{{description}}\n{legend}\\end{{description}}\n"
           if legend else "")
    )

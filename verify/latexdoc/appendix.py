r"""The numeric appendix: the cross-validation table of the numeric backend.

``heatcap latex --data DATA.csv --eta ETA`` runs :func:`verify.numeric.analysis.analyze` on the
data set and typesets its ``crossval`` rows: each line of the proof (and the backend's named
checks of Steps 3 and 4), both sides in numbers at the exact stationary law of SGD, and the
number of decimal digits on which they agree.

>>> rows = (CrossvalRow("step-4", 3, "0.25", "0.25", 20), CrossvalRow("step-4", "taylor", "0.25", "0.25", 20))
>>> app = NumericAppendix("data.csv", "1/10", "mp", 4, 2, 20, 20, "0.25", rows)
>>> tex = appendix_latex(app)
>>> "(4.3)" in tex and r"\texttt{0.25}" in tex
True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from derive.proof import Proof

from .blocks import line_label
from .text import tex_escape

__all__ = ["CHECK_DESCRIPTIONS", "CrossvalRow", "NumericAppendix", "appendix_latex", "numeric_appendix",
           "row_label"]

#: What the numeric backend's named (non-numbered) checks compare, as LaTeX math.
CHECK_DESCRIPTIONS: dict[str, str] = {
    "identity": r"\tfrac{1}{2} \operatorname{tr}(H S) = \tfrac{\eta}{4}\left[\operatorname{tr} C"
                r" + E_b \operatorname{tr}(H_b^2 S)\right]",
    "taylor": r"c_1 = \tfrac{1}{2} \operatorname{tr}(H S_1) = \tfrac{1}{4} \operatorname{tr} C",
    "richardson": r"\lim_{\eta \rightarrow 0} \frac{\mathcal{L}(\eta) - \mathcal{L}(\Phi^*)}{\eta}"
                  r" = \tfrac{1}{4} \operatorname{tr} C \text{ (Richardson extrapolation)}",
    "second-derivative": r"c_2 = \tfrac{1}{2} \operatorname{tr}(H S_2) = \tfrac{1}{4} E_b"
                         r" \operatorname{tr}(H_b^2 S_1)",
}


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


def row_label(row: CrossvalRow, numbers: dict[str, int]) -> str:
    number = numbers.get(row.step)
    if isinstance(row.line, int) and number is not None:
        return line_label(number, row.line)
    step = f"Step {number}" if number is not None else tex_escape(row.step)
    return f"{step}, \\textsf{{{tex_escape(str(row.line))}}}"


def _number(text: str) -> str:
    return r"\texttt{" + tex_escape(text) + "}"


def appendix_latex(app: NumericAppendix, proof: Proof | None = None) -> str:
    """The appendix section (LaTeX): the data, then the cross-validation table."""
    steps = proof.steps if proof is not None else ()
    numbers = {s.id: k for k, s in enumerate(steps, 1)}
    if not numbers:
        numbers = {f"step-{k}": k for k in range(1, 10)}
    rows = [
        f"{row_label(r, numbers)} & {_number(r.lhs)} & {_number(r.rhs)} & {r.agree_digits} \\\\"
        for r in app.rows
    ]
    named = sorted({str(r.line) for r in app.rows if not isinstance(r.line, int)})
    legend = "".join(
        f"\\item[\\textsf{{{tex_escape(name)}}}] ${CHECK_DESCRIPTIONS[name]}$\n"
        for name in named if name in CHECK_DESCRIPTIONS
    )
    return (
        "\\section{Numeric cross-validation}\n"
        f"The numeric backend solved the stationary law of single-example SGD on the least-squares "
        f"data \\texttt{{{tex_escape(app.source)}}} ($n = {app.n}$ examples, $d = {app.d}$ "
        f"parameters) at $\\eta = \\text{{{tex_escape(app.eta)}}}$, in {tex_escape(app.mode)} arithmetic "
        f"with {app.dps} digits ({app.certified_digits} certified). "
        "Each row evaluates both sides of a line of the proof in numbers and counts the decimal "
        "digits on which they agree. The heat capacity is "
        f"$\\tfrac{{1}}{{4}} E_b \\|g_b\\|^2 = {tex_escape(app.slope_at_zero)}$.\n\n"
        "\\begin{center}\n{\\footnotesize\n\\begin{tabular}{lllr}\n\\hline\n"
        "line & left-hand side & right-hand side & digits \\\\\n\\hline\n"
        + "\n".join(rows) + "\n\\hline\n\\end{tabular}}\n\\end{center}\n"
        + (f"The named checks compare:\n\\begin{{description}}\n{legend}\\end{{description}}\n"
           if legend else "")
    )

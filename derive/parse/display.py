r"""Displays: rows of an ``aligned``/``eqnarray`` chain, their relations, and remarks.

A display is split into rows at ``\\``; ``&`` only aligns. A row is ``[lhs] relation rhs …``;
a row that starts with its relation (``&= rhs``) continues the chain from the previous row's
right-hand side. ``\quad`` followed by ``\text{...}`` starts a remark that is kept as text.
Environment wrappers (``$$``, ``\begin{aligned}`` …) are blanked so columns stay true.

>>> from derive.parse.display import parse_display
>>> rows = parse_display(r"\mathcal{L}(\Phi) &= E_b \mathcal{L}_b(\Phi) \\ &= E_b \mathcal{L}_b(\Phi)")
>>> [(r.text, [x.chained for x in r.relations]) for r in rows]
[('\\mathcal{L}(\\Phi) &= E_b \\mathcal{L}_b(\\Phi)', [False]), ('&= E_b \\mathcal{L}_b(\\Phi)', [True])]
>>> parse_display(r"E_b H_b \quad \text{is positive definite}")[0].remark
'\\text{is positive definite}'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sympy import Basic

from derive.parse import algebra
from derive.parse.errors import LatexError
from derive.parse.expression import RELATIONS, ExpressionParser
from derive.parse.lexer import Token, tokenize
from derive.parse.notation import LECTURE, Notation
from derive.sgd import Equation

__all__ = ["Relation", "Row", "parse_display", "parse_equation", "parse_row", "split_rows"]

_WRAPPERS = re.compile(r"\$\$|\\\[|\\\]|\\(begin|end)\{(aligned|align\*?|eqnarray\*?|split|gathered)\}")
EQUALITIES = frozenset({"=", r"\doteq"})


@dataclass(frozen=True)
class Relation:
    """``lhs symbol rhs`` in a row; ``chained`` when lhs is the previous right-hand side."""

    lhs: Basic
    symbol: str
    rhs: Basic
    chained: bool = False

    @property
    def equation(self) -> Equation:
        return Equation(self.lhs, self.rhs)


@dataclass(frozen=True)
class Row:
    """One row of a display: its text, offset in the display, relations, value and remark."""

    text: str
    offset: int
    relations: tuple[Relation, ...]
    value: Basic | None = None
    remark: str | None = None


def split_rows(latex: str) -> list[tuple[int, str]]:
    """(offset, text) of each non-empty row, split at top-level ``\\\\``."""
    text = _WRAPPERS.sub(lambda m: " " * len(m.group(0)), latex)
    rows, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        depth += {"{": 1, "}": -1}.get(c, 0)
        if text.startswith("\\\\", i) and depth == 0:
            rows.append((start, text[start:i]))
            start, i = i + 2, i + 2
            continue
        i += 2 if c == "\\" else 1
    rows.append((start, text[start:]))
    return [(off + len(t) - len(t.lstrip()), t.strip()) for off, t in rows if t.strip()]


def _split_remark(text: str, tokens: list[Token]) -> tuple[list[Token], str | None]:
    for k, tok in enumerate(tokens):
        if tok.kind == "quad" and any(t.kind == "text" for t in tokens[k:]):
            return tokens[:k], text[tok.end :].strip()
    stray = next((t for t in tokens if t.kind == "text"), None)
    if stray is not None:
        raise LatexError("\\text{...} is read only as a remark after \\quad", text, stray.start)
    return [t for t in tokens if t.kind != "quad"], None


def _relation(parser: ExpressionParser, lhs: Basic, chained: bool) -> Relation:
    op = parser.next()
    rhs = parser.parse_sum()
    if op.text in EQUALITIES:
        lhs, rhs = parser.algebra(lambda: algebra.equate(lhs, rhs), op)
    return Relation(lhs, op.text, rhs, chained)


def parse_row(text: str, previous: Basic | None = None, notation: Notation = LECTURE) -> Row:
    """One row; ``previous`` is the right-hand side a leading ``&=`` continues from."""
    tokens, remark = _split_remark(text, tokenize(text))
    if not tokens:
        raise LatexError("empty line: expected an expression", text, 0)
    parser = ExpressionParser(text, notation, tokens)
    value = None if parser.at(*RELATIONS) else parser.parse_sum()
    if value is None and previous is None:
        parser.fail("this line continues a chain ('&= ...') but no line comes before it")
    relations: list[Relation] = []
    while parser.at(*RELATIONS):
        lhs = value if value is not None else previous
        relations.append(_relation(parser, lhs, chained=value is None))
        value = relations[-1].rhs
    if parser.peek().kind != "end":
        parser.fail(
            f"unexpected {parser.found()}; expected an operator (+, -), a relation (=) or the end of the line"
        )
    return Row(text, 0, tuple(relations), None if relations else value, remark)


def parse_display(latex: str, notation: Notation = LECTURE) -> tuple[Row, ...]:
    """Every row of a display; the errors point into the offending row."""
    rows: list[Row] = []
    previous: Basic | None = None
    for offset, text in split_rows(latex):
        row = parse_row(text, previous, notation)
        rows.append(Row(row.text, offset, row.relations, row.value, row.remark))
        previous = row.relations[-1].rhs if row.relations else row.value
    return tuple(rows)


def parse_equation(latex: str, notation: Notation = LECTURE) -> Equation:
    """Exactly one equation ``lhs = rhs`` (or ``\\doteq``)."""
    rows = parse_display(latex, notation)
    relations = [r for row in rows for r in row.relations]
    if len(relations) != 1 or relations[0].symbol not in EQUALITIES:
        text = rows[0].text if rows else latex
        raise LatexError("expected exactly one equation 'lhs = rhs'", text, 0)
    return relations[0].equation

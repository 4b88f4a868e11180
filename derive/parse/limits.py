r"""Limits on proof files: bounded size, bounded nesting, bounded work — every one named in its error.

A proof file is hostile until read: a 155-byte line ``(\eta + \|g_b\|^2)^{999999999}`` would
ask the checker to multiply out more terms than there are atoms, ``10^{999999999}`` to compute
a billion digits, ten thousand nested parentheses to recurse past Python's stack. The reader
therefore refuses, with one message naming the limit, anything past these bounds (they are
documented in ``docs/proof-files.md``; a proof of the lecture is far below every one):

=====================  ======================================================================
limit                  what it bounds
=====================  ======================================================================
``MAX_FILE_BYTES``     the size of a proof file (read at most this many bytes, then stop)
``MAX_TOML_DEPTH``     nesting of TOML arrays and inline tables (``[[[…]]]``)
``MAX_LINE_CHARS``     characters of one line of LaTeX (one row of a display)
``MAX_PROOF_LINES``    lines (rows) in all the steps of a proof together
``MAX_NUMBER_DIGITS``  digits of one number written in the LaTeX (``123.45`` has 5)
``MAX_EXPONENT``       the size \|n\| of an integer power ``x^{n}``
``MAX_VALUE_DIGITS``   digits of a number the reader computes (``(10^{16})^{16}``)
``MAX_TERMS``          terms of an expression once multiplied out (``(a+b)^{8}`` has 256)
``MAX_DEPTH``          nesting of groups and operators: ``( [ { \| \frac E_b \lim``
``MAX_OPERATOR_DEPTH`` nesting of averages, limits and derivatives (``E_b E_b …``): each
                       level multiplies the work of checking by the number of examples
=====================  ======================================================================

The reader calls the checks through small hooks: :func:`check_line` and
:func:`check_numbers` in the lexer, :func:`bounded_sum` and :func:`exponent` in the
expression parser, and :func:`read_text_limited`, :func:`check_toml` and :func:`check_steps` in
:mod:`derive.prooffile`.

>>> from derive.parse import parse_expression
>>> parse_expression(r"(\eta + 1)^{999999999}")
Traceback (most recent call last):
...
derive.parse.errors.LatexError: the power 999999999 is larger than the limit MAX_EXPONENT = 16
    (\eta + 1)^{999999999}
               ^
>>> parse_expression(r"(\eta + 1)^{9}")
Traceback (most recent call last):
...
derive.parse.errors.LatexError: multiplied out, this has more terms than the limit MAX_TERMS = 256
    (\eta + 1)^{9}
               ^
>>> terms(parse_expression(r"(\eta + 1)^{8}"))
256
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sympy import Add, Basic, Integer, Pow, Rational
from sympy.matrices.expressions import MatAdd, MatPow

from derive.parse.algebra import AlgebraError
from derive.parse.errors import LatexError, ProofFileError

if TYPE_CHECKING:
    from derive.parse.expression import ExpressionParser
    from derive.parse.lexer import Token

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_FILE_BYTES",
    "MAX_LINE_CHARS",
    "MAX_NUMBER_DIGITS",
    "MAX_OPERATOR_DEPTH",
    "MAX_PROOF_LINES",
    "MAX_TERMS",
    "MAX_TOML_DEPTH",
    "MAX_VALUE_DIGITS",
    "LimitError",
    "bounded_sum",
    "check_line",
    "check_name",
    "check_numbers",
    "check_steps",
    "check_toml",
    "exponent",
    "operator_depth",
    "read_text_limited",
    "terms",
]

MAX_FILE_BYTES = 256 * 1024
MAX_TOML_DEPTH = 16
MAX_LINE_CHARS = 4000
MAX_PROOF_LINES = 500
MAX_NUMBER_DIGITS = 30
MAX_EXPONENT = 16
MAX_VALUE_DIGITS = 200
MAX_TERMS = 256
MAX_DEPTH = 32
MAX_OPERATOR_DEPTH = 6

_LOG10_2 = math.log10(2)
_TOO_MANY_TERMS = f"multiplied out, this has more terms than the limit MAX_TERMS = {MAX_TERMS}"


class LimitError(AlgebraError):
    """An expression past a limit (the parser reports it at the offending token)."""


# -- files ----------------------------------------------------------------------------------
def read_text_limited(path: str | os.PathLike[str], name: str) -> str:
    """The UTF-8 text of the file ``path`` (newlines as ``\n``), refused past ``MAX_FILE_BYTES``.

    At most ``MAX_FILE_BYTES + 1`` bytes are read, so ``/dev/zero`` or a huge file costs nothing.
    Raises :class:`OSError` when the file cannot be read, :class:`UnicodeDecodeError` when it
    is not UTF-8.
    """
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ProofFileError(_too_large(name))
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _too_large(name: str) -> str:
    return f"{name}: the file is larger than the limit MAX_FILE_BYTES = {MAX_FILE_BYTES} bytes"


def _toml_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` outside TOML strings and comments."""
    depth = deepest = i = 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            i = _string_end(text, i)
            continue
        if c == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest


def _string_end(text: str, i: int) -> int:
    """The index after the TOML string starting at ``text[i]`` (basic, literal, multi-line)."""
    quote = text[i]
    delim = quote * 3 if text.startswith(quote * 3, i) else quote
    j = i + len(delim)
    while j < len(text):
        if quote == '"' and text[j] == "\\":
            j += 2
            continue
        if text.startswith(delim, j):
            return j + len(delim)
        if len(delim) == 1 and text[j] == "\n":
            return j  # an unterminated string: tomllib reports it
        j += 1
    return j


def check_toml(text: str, name: str) -> None:
    """Refuse TOML text larger than ``MAX_FILE_BYTES`` or nested deeper than ``MAX_TOML_DEPTH``."""
    if len(text) > MAX_FILE_BYTES:
        raise ProofFileError(_too_large(name))
    if _toml_depth(text) > MAX_TOML_DEPTH:
        raise ProofFileError(f"{name}: arrays or tables are nested deeper than the limit "
                             f"MAX_TOML_DEPTH = {MAX_TOML_DEPTH}")


def check_steps(tables: Iterable[Mapping[str, Any]], name: str) -> None:
    """Refuse steps that hold more than ``MAX_PROOF_LINES`` lines together (before reading them)."""
    from derive.parse.display import split_rows

    count = sum(len(split_rows(t["latex"])) for t in tables if isinstance(t.get("latex"), str))
    if count > MAX_PROOF_LINES:
        raise ProofFileError(f"{name}: the steps hold {count} lines, more than the limit "
                             f"MAX_PROOF_LINES = {MAX_PROOF_LINES}")


def check_name(latex: str, where: str) -> None:
    """Refuse a declared name (a symbol, the index, state, law or rate) with anything but ASCII
    letters, digits, Greek letters (``\\eta``), ``_`` and braces: it is printed into LaTeX."""
    from derive.parse.lexer import tokenize
    from derive.parse.notation import GREEK

    for tok in tokenize(latex):
        if tok.kind == "cmd" and tok.text[1:] in GREEK:
            continue
        if (tok.kind in ("letter", "number") and tok.text.isascii()) or tok.text in ("_", "{", "}"):
            continue
        raise ProofFileError(f"{where}: the name {latex!r} may hold only ASCII letters, digits, Greek "
                             f"letters (\\eta), '_' and braces, not {tok.text!r}")


# -- the lexer -------------------------------------------------------------------------------
def check_line(text: str) -> None:
    """Refuse a line of LaTeX longer than ``MAX_LINE_CHARS`` (before reading it)."""
    if len(text) > MAX_LINE_CHARS:
        raise LatexError(f"the line has {len(text)} characters, more than the limit "
                         f"MAX_LINE_CHARS = {MAX_LINE_CHARS}", text[:60] + " …", 0)


def check_numbers(text: str, tokens: Iterable[Token]) -> None:
    """Refuse a number written with more than ``MAX_NUMBER_DIGITS`` digits."""
    for tok in tokens:
        digits = sum(c.isdigit() for c in tok.text) if tok.kind == "number" else 0
        if digits > MAX_NUMBER_DIGITS:
            raise LatexError(f"the number has {digits} digits, more than the limit "
                             f"MAX_NUMBER_DIGITS = {MAX_NUMBER_DIGITS}", text, tok.start)


# -- the parser ------------------------------------------------------------------------------
def _digits(value: Rational) -> int:
    """Decimal digits of the larger of numerator and denominator (from the bit length)."""
    return math.ceil(max(abs(int(value.p)), int(value.q)).bit_length() * _LOG10_2)


def terms(expr: Basic, cap: int = MAX_TERMS) -> int:
    """How many terms ``expr`` has once every product and power is multiplied out (at most cap+1).

    Sums add, products multiply, ``x^n`` and ``\\|x\\|^2`` raise to the power; any other head
    (E_b, a loss, a trace …) multiplies the terms of its arguments.
    """
    from derive.scalar import SquaredNorm

    if isinstance(expr, Add | MatAdd):
        return min(cap + 1, sum(terms(a, cap) for a in expr.args))
    if isinstance(expr, Pow | MatPow) and isinstance(expr.args[1], Integer):
        return min(cap + 1, terms(expr.args[0], cap) ** min(abs(int(expr.args[1])), MAX_EXPONENT + 1))
    if isinstance(expr, SquaredNorm):
        return min(cap + 1, terms(expr.args[0], cap) ** 2)
    count = 1
    for arg in expr.args:
        count = min(cap + 1, count * terms(arg, cap)) if isinstance(arg, Basic) else count
    return count


def operator_depth(expr: Basic) -> int:
    """How deeply averages (E_b, E_{ΔΦ∼P_η}), limits and derivatives at 0 nest in ``expr``."""
    from derive.expectation import ExampleMean, StationaryMean
    from derive.limits import DerivativeAtZero, LimitAtZero

    inner = max((operator_depth(a) for a in expr.args if isinstance(a, Basic)), default=0)
    nests = isinstance(expr, ExampleMean | StationaryMean | DerivativeAtZero | LimitAtZero)
    return inner + 1 if nests else inner


def _check_value(value: Basic) -> None:
    if operator_depth(value) > MAX_OPERATOR_DEPTH:
        raise LimitError("averages, limits and derivatives are nested deeper than the limit "
                         f"MAX_OPERATOR_DEPTH = {MAX_OPERATOR_DEPTH}")
    if terms(value) > MAX_TERMS:
        raise LimitError(_TOO_MANY_TERMS)
    for number in value.atoms(Rational):
        if _digits(number) > MAX_VALUE_DIGITS:
            raise LimitError(f"this computes a number with more digits than the limit "
                             f"MAX_VALUE_DIGITS = {MAX_VALUE_DIGITS}")


def exponent(base: Basic, text: str) -> int:
    """The integer power ``text`` of ``base``, refused past ``MAX_EXPONENT``, ``MAX_TERMS`` or
    ``MAX_VALUE_DIGITS`` (checked before the power is computed)."""
    try:
        n = int(text)
    except ValueError:
        raise LimitError(f"expected ^\\top or an integer power, found ^{text}") from None
    if abs(n) > MAX_EXPONENT:
        raise LimitError(f"the power {n} is larger than the limit MAX_EXPONENT = {MAX_EXPONENT}")
    count = terms(base) ** abs(n)
    if count > MAX_TERMS:
        raise LimitError(_TOO_MANY_TERMS)
    digits = max((_digits(r) for r in base.atoms(Rational)), default=0) * abs(n)
    if digits > MAX_VALUE_DIGITS:
        raise LimitError(f"this power has about {digits} digits, more than the limit "
                         f"MAX_VALUE_DIGITS = {MAX_VALUE_DIGITS}")
    return n


def bounded_sum(parse_sum: Callable[[ExpressionParser], Basic]) -> Callable[[ExpressionParser], Basic]:
    """Decorate ``ExpressionParser.parse_sum``: nesting within ``MAX_DEPTH``, the value within
    ``MAX_TERMS`` and ``MAX_VALUE_DIGITS`` (errors point at the start of the sum)."""

    @functools.wraps(parse_sum)
    def wrapper(self: ExpressionParser) -> Basic:
        start = self.peek()
        depth = getattr(self, "_depth", 0)
        if depth >= MAX_DEPTH:
            self.fail(f"groups and operators are nested deeper than the limit MAX_DEPTH = {MAX_DEPTH}")
        self._depth = depth + 1  # type: ignore[attr-defined]
        try:
            value = parse_sum(self)
        finally:
            self._depth = depth  # type: ignore[attr-defined]
        return self.algebra(lambda: _check_value(value) or value, start)

    return wrapper

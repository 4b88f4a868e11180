r"""Tokens of the lecture's LaTeX.

Spacing (``\;``, ``\,``, ``\quad`` …), alignment marks ``&`` and delimiter sizes (``\Big``,
``\bigg`` …) carry no meaning and are dropped — except ``\quad`` and ``\qquad``, which are kept
as ``quad`` tokens because ``\quad \text{...}`` starts a remark. ``\|`` and ``||`` are both the
norm delimiter; ``\text{...}`` is one ``text`` token; letters are single tokens, as in TeX.

>>> from derive.parse.lexer import tokenize
>>> [t.text for t in tokenize(r"E_b \|g_b\|^2 \; = \left. x \right|")]
['E', '_', 'b', '\\|', 'g', '_', 'b', '\\|', '^', '2', '=', '\\left', '.', 'x', '\\right', '|']
>>> [t.kind for t in tokenize(r"||x|| \quad \text{ok}")]
['norm', 'letter', 'norm', 'quad', 'text']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from derive.parse.errors import LatexError
from derive.parse.limits import check_line, check_numbers

__all__ = ["Token", "TokenKind", "tokenize"]

TokenKind = Literal["cmd", "letter", "number", "char", "norm", "quad", "text", "end"]

SPACING = frozenset({",", ";", ":", "!", " ", ">", "enspace", "thinspace", "medspace", "thickspace",
                     "negthinspace", "displaystyle", "textstyle", "limits", "nolimits"})
SIZES = frozenset(
    f"{size}{side}" for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "r", "m")
)
QUADS = frozenset({"quad", "qquad"})
TEXTS = frozenset({"text", "textrm", "mbox", "textnormal"})


@dataclass(frozen=True)
class Token:
    """One token: its kind, its text, and its span [start, end) in the LaTeX."""

    kind: TokenKind
    text: str
    start: int
    end: int


def _command(text: str, i: int) -> tuple[str, int]:
    """The name of the command starting at ``text[i] == '\\'`` and the index after it."""
    j = i + 1
    if j < len(text) and text[j].isalpha():
        while j < len(text) and text[j].isalpha():
            j += 1
        return text[i + 1 : j], j
    if j < len(text):
        return text[j], j + 1
    raise LatexError("a lone backslash ends the LaTeX", text, i)


def _braced(text: str, i: int, name: str) -> int:
    """The index after the ``{...}`` argument of ``\\text`` starting at or after ``i``."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text) or text[i] != "{":
        raise LatexError(f"\\{name} needs a braced argument, e.g. \\{name}{{words}}", text, i)
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j + 1
    raise LatexError(f"unbalanced braces: the '{{' of \\{name} is never closed", text, i)


def _scan(text: str, i: int) -> tuple[Token | None, int]:
    """The token at ``i`` (None for ignorable text) and the index after it."""
    c = text[i]
    if c.isspace() or c in "&~":
        return None, i + 1
    if c == "%":
        end = text.find("\n", i)
        return None, len(text) if end < 0 else end
    if c == "\\":
        name, j = _command(text, i)
        if name in SPACING or name in SIZES:
            return None, j
        if name in QUADS:
            return Token("quad", "\\" + name, i, j), j
        if name in TEXTS:
            k = _braced(text, j, name)
            return Token("text", text[i:k], i, k), k
        if name == "|":
            return Token("norm", "\\|", i, j), j
        return Token("cmd", "\\" + name, i, j), j
    if c == "|" and text.startswith("||", i):
        return Token("norm", "\\|", i, i + 2), i + 2
    if c.isdigit():
        j = i
        while j < len(text) and (text[j].isdigit() or (text[j] == "." and text[j + 1 : j + 2].isdigit())):
            j += 1
        return Token("number", text[i:j], i, j), j
    if c.isalpha():
        return Token("letter", c, i, i + 1), i + 1
    return Token("char", c, i, i + 1), i + 1


def _check_braces(text: str, tokens: list[Token]) -> None:
    opened: list[Token] = []
    for tok in tokens:
        if tok.kind == "char" and tok.text == "{":
            opened.append(tok)
        elif tok.kind == "char" and tok.text == "}":
            if not opened:
                raise LatexError("unbalanced braces: this '}' closes nothing", text, tok.start)
            opened.pop()
    if opened:
        raise LatexError("unbalanced braces: this '{' is never closed", text, opened[-1].start)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (without a final ``end`` token); braces are checked for balance."""
    check_line(text)
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        tok, i = _scan(text, i)
        if tok is not None:
            tokens.append(tok)
    check_numbers(text, tokens)
    _check_braces(text, tokens)
    return tokens

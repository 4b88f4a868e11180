r"""Errors of the proof-file reader: one short message that says where and what was expected.

:class:`ProofFileError` is every malformed-file error (bad TOML, missing keys, unknown
hypotheses, …). :class:`LatexError` is the LaTeX-specific kind: it keeps the offending text and
column so that its message shows the LaTeX with a caret under the column.

>>> from derive.parse.errors import LatexError
>>> err = LatexError("unknown macro \\foo", r"E_b \foo", 4)
>>> print(err)
unknown macro \foo
    E_b \foo
        ^
>>> print(err.located('proof.toml, step "step-1", line 2'))
proof.toml, step "step-1", line 2: unknown macro \foo
    E_b \foo
        ^
"""

from __future__ import annotations

__all__ = ["LatexError", "ProofFileError"]


class ProofFileError(ValueError):
    """A malformed proof file (or LaTeX in it): the message is meant for the person who wrote it."""


class LatexError(ProofFileError):
    """LaTeX that cannot be read: a message, the LaTeX, and the 0-based column of the culprit."""

    def __init__(self, message: str, text: str, column: int, where: str | None = None) -> None:
        self.message = message
        self.text = text
        self.column = max(0, min(column, len(text)))
        self.where = where
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"{self.where}: {self.message}" if self.where else self.message
        return f"{head}\n    {self.text}\n    {' ' * self.column}^"

    def located(self, where: str) -> LatexError:
        """The same error, prefixed by where it happened (file, step, line)."""
        return LatexError(self.message, self.text, self.column, where)

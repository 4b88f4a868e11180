"""A griffe extension for the API reference: the reST bits of our docstrings, as Markdown.

The docstrings are numpydoc (python-control's style) with a little reST: roles such as
``:class:`Proof``` or ``:func:`~verify.checker.check_proof```, ``\\ s`` after a role, and doctest
blocks (``>>>``) outside an "Examples" section. mkdocstrings renders docstrings as Markdown, where
those show raw; this extension rewrites them before rendering: a role becomes inline code (the
last dotted part with ``~``), a doctest block becomes a ``pycon`` code block.
Configured in mkdocs.yml (``extensions: [docs/scripts/griffe_rest.py:RestToMarkdown]``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|data|obj|exc|const|ref|term):`(~?)([^`]+)`(\\ )?")
FENCE = re.compile(r"^\s*(```|~~~)")


def _role(match: re.Match[str]) -> str:
    short, target = match.group(1), match.group(2)
    shown = target.rsplit(".", 1)[-1] if short else target
    return f"`{shown}`"


def _doctests(text: str) -> str:
    """Wrap each run of ``>>>`` lines and their output (up to a blank line) in a pycon fence."""
    out: list[str] = []
    in_fence = in_doctest = False
    indent = ""
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and not in_doctest and line.lstrip().startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}```pycon")
            in_doctest = True
        elif in_doctest and not line.strip():
            out.append(f"{indent}```")
            in_doctest = False
        out.append(line)
    if in_doctest:
        out.append(f"{indent}```")
    return "\n".join(out)


def rest_to_markdown(text: str) -> str:
    """The docstring text with reST roles as inline code and doctest blocks fenced.

    >>> rest_to_markdown("A :class:`Line`\\\\ s, see :func:`~verify.checker.check_proof`.")
    'A `Line`s, see `check_proof`.'
    """
    return _doctests(ROLE.sub(_role, text))


class RestToMarkdown(griffe.Extension):
    """Rewrite every docstring of the loaded objects (see the module docstring)."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None:
            return
        text = ROLE.sub(_role, obj.docstring.value)
        obj.docstring.value = text if _in_examples_only(text) else _doctests(text)


def _in_examples_only(text: str) -> bool:
    """True when every doctest sits in a numpydoc "Examples" section (griffe renders those)."""
    head, sep, _ = text.partition("\nExamples\n--------")
    return bool(sep) and ">>>" not in head

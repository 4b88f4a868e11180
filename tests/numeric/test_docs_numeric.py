"""Every ```python block of docs/numeric.md runs, in order, in one namespace."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "numeric.md"


def python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", DOC.read_text(), flags=re.S | re.M)


def test_docs_have_python_blocks() -> None:
    assert len(python_blocks()) >= 8


def test_every_python_block_runs() -> None:
    namespace: dict[str, object] = {}
    for i, block in enumerate(python_blocks()):
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(block, f"docs/numeric.md block {i}", "exec"), namespace)
            except Exception as exc:  # pragma: no cover - the failure message names the block
                raise AssertionError(f"block {i} failed: {exc!r}\n{block}") from exc

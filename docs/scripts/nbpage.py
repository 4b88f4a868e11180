"""A Jupyter notebook as a page of the site: executed in a real kernel, then written as Markdown.

Usage: python docs/scripts/nbpage.py NOTEBOOK.ipynb [--out PAGE.md] [--no-execute]

The hook (``hooks.py``) turns ``docs/tutorial.ipynb`` into the page ``tutorial.md`` this way.
Markdown cells are copied; each code cell becomes a `` ```python title="In [k]" `` block (the
title keeps the hook from running it a second time) followed by its outputs: printed text in an
output box, HTML displays (heatcap's typeset tables) as they are, PNG images inline, a plain
``repr`` otherwise. A cell that raises stops the build with the kernel's error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 600


class NotebookError(RuntimeError):
    """A cell of the notebook raised, or the notebook could not be read."""


def execute(notebook: Any, cwd: Path = ROOT) -> Any:
    """The notebook, executed in a fresh python3 kernel started in ``cwd``."""
    import nbclient
    from nbclient.exceptions import CellExecutionError

    client = nbclient.NotebookClient(notebook, timeout=TIMEOUT_SECONDS, kernel_name="python3",
                                     resources={"metadata": {"path": str(cwd)}})
    try:
        return client.execute()
    except CellExecutionError as exc:
        raise NotebookError(f"a cell of the notebook raised:\n{exc}") from exc


def _fence(text: str, header: str) -> str:
    ticks = "````" if "```" in text else "```"
    return f"{ticks}{header}\n{text.rstrip()}\n{ticks}\n"


def _output(output: Any) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return _fence(output["text"], '{.text .output title="output"}')
    if kind == "error":
        raise NotebookError(f"{output.get('ename')}: {output.get('evalue')}")
    data = output.get("data", {})
    if "text/html" in data:
        body = "".join(data["text/html"])
        # one raw HTML block for Markdown: no blank line inside it
        return '<div class="nb-output">' + "\n".join(x for x in body.splitlines() if x.strip()) + "</div>\n"
    if "image/png" in data:
        return f'<img class="nb-output" alt="figure" src="data:image/png;base64,{data["image/png"]}">\n'
    if "text/plain" in data:
        return _fence("".join(data["text/plain"]), '{.text .output title="output"}')
    return ""


def to_markdown(notebook: Any) -> str:
    """The Markdown page of an (executed) notebook."""
    pieces: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            pieces.append(cell.source.rstrip() + "\n")
        elif cell.cell_type == "code" and cell.source.strip():
            count = cell.get("execution_count")
            title = f"In [{count}]" if count else "In"
            pieces.append(_fence(cell.source, f'python title="{title}"'))
            pieces += [_output(out) for out in cell.get("outputs", ())]
    return "\n".join(pieces)


def notebook_page(path: Path, *, run: bool = True) -> str:
    """The page of the notebook at ``path``: executed (``run``) or with its stored outputs."""
    import nbformat

    try:
        notebook = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:
        raise NotebookError(f"{path}: not a readable notebook ({exc})") from exc
    if run:
        notebook = execute(notebook)
    download = (f"\n*This page is the notebook [`{path.name}`]({path.name}), executed when the site "
                "was built.*\n")
    text = to_markdown(notebook)
    first, _, rest = text.partition("\n")
    return f"{first}\n{download}\n{rest}" if first.startswith("# ") else download + text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="the page (default: stdout)")
    parser.add_argument("--no-execute", action="store_true", help="use the stored outputs")
    args = parser.parse_args(argv)
    try:
        page = notebook_page(args.notebook, run=not args.no_execute)
    except NotebookError as exc:
        print(f"notebook: error: {exc}", file=sys.stderr)
        return 2
    if args.out is None:
        sys.stdout.write(page)
    else:
        args.out.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

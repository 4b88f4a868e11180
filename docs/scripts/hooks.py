"""MkDocs hooks of the heatcap site: generated pages and figures, executed code blocks.

* ``on_files`` adds the generated files (``figures/*.png`` from ``make_figures.py``,
  ``reference/cli.md`` and ``reference/api.md`` from ``make_reference.py``) when they are not
  already in ``docs/``: a bare ``mkdocs build`` works from a clean checkout, and CI (which runs
  the two scripts first) builds exactly the files it generated. ``HEATCAP_DOCS_GENERATED=DIR``
  takes them from DIR/figures and DIR/reference instead (the tests generate them once).
* ``on_page_markdown`` runs every `` ```python `` block of a page, in order and in one namespace
  (as ``tests/test_docs.py`` does), from the repository root, and inserts what the block printed
  right after it. A block that raises fails the build. ``HEATCAP_DOCS_EXEC=0`` skips this (for a
  fast ``mkdocs serve`` while writing).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent
BLOCK = re.compile(r"^```python\n(.*?)^```\n", re.DOTALL | re.MULTILINE)
GENERATED = {
    "figures": ("make_figures.py", ("figures/curve.png", "figures/schedule.png", "figures/variants.png")),
    "reference": ("make_reference.py", ("reference/cli.md", "reference/api.md")),
}
_TMP: list[tempfile.TemporaryDirectory[str]] = []


def on_config(config: Any) -> Any:
    """The examples import heatcap from this checkout (as the tests do), installed or not."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return config


def _generate(script: str, out: Path) -> None:
    sys.path.insert(0, str(SCRIPTS))
    try:
        module = __import__(Path(script).stem)
        module.main(["--out", str(out)])
    finally:
        sys.path.remove(str(SCRIPTS))


def on_files(files: Files, config: Any) -> Files:
    docs = Path(config["docs_dir"])
    for folder, (script, paths) in GENERATED.items():
        if all((docs / p).exists() for p in paths):
            continue
        given = os.environ.get("HEATCAP_DOCS_GENERATED")
        if given and all((Path(given) / p).exists() for p in paths):
            base = given
        else:
            tmp = tempfile.TemporaryDirectory(prefix="heatcap-docs-")
            _TMP.append(tmp)
            base = tmp.name
            _generate(script, Path(base) / folder)
        for path in sorted((Path(base) / folder).iterdir()):
            rel = f"{folder}/{path.name}"
            if files.get_file_from_path(rel) is None:
                files.append(File(rel, base, config["site_dir"], config["use_directory_urls"]))
    return files


def _run(code: str, namespace: dict[str, Any], where: str) -> str:
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            exec(compile(code, where, "exec"), namespace)
    except Exception as exc:
        raise PluginError(f"{where}: the code block raised\n{traceback.format_exc()}") from exc
    finally:
        os.chdir(cwd)
    return out.getvalue()


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if os.environ.get("HEATCAP_DOCS_EXEC", "1") == "0":
        return markdown
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    pieces: list[str] = []
    last = 0
    for k, match in enumerate(BLOCK.finditer(markdown), 1):
        printed = _run(match.group(1), namespace, f"docs/{page.file.src_uri} (code block {k})")
        pieces.append(markdown[last : match.end()])
        if printed.strip():
            fence = "````" if "```" in printed else "```"
            pieces.append(f'\n{fence}text title="output"\n{printed.rstrip()}\n{fence}\n')
        last = match.end()
    pieces.append(markdown[last:])
    return "".join(pieces)


def on_post_build(config: Any) -> None:
    while _TMP:
        _TMP.pop().cleanup()

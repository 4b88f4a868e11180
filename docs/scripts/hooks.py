"""MkDocs hooks of the heatcap site: generated pages and figures, executed code blocks.

* ``on_files`` adds the generated files (``figures/*.png`` from ``make_figures.py``,
  ``reference/cli.md`` and ``reference/api.md`` from ``make_reference.py``) when they are not
  already in ``docs/``: a bare ``mkdocs build`` works from a clean checkout, and CI (which runs
  the two scripts first) builds exactly the files it generated. ``HEATCAP_DOCS_GENERATED=DIR``
  takes them from DIR/figures and DIR/reference instead (the tests generate them once).
* ``on_files`` also adds the page ``tutorial.md``: the notebook ``docs/tutorial.ipynb`` executed in
  a real kernel (``nbpage.py``; ``HEATCAP_DOCS_EXEC=0`` shows its stored outputs instead), and
  the site's own MathJax (``javascripts/mathjax/``, from ``node_modules``
  after ``npm ci``; see ``vendor.py``): the formulas typeset offline, no CDN.
* ``on_page_markdown`` runs every `` ```python `` block of a page, in order and in one namespace
  (as ``tests/test_docs.py`` does), from the repository root, and inserts what the block printed
  right after it. A block that raises fails the build. ``HEATCAP_DOCS_EXEC=0`` skips this (for a
  fast ``mkdocs serve`` while writing).
* A block opened with `` ```python setup `` is helper code: it runs like any other block, but the
  page shows it folded (a collapsed "Helper code" box), so that a page opens with its content.
"""

from __future__ import annotations

import contextlib
import io
import logging
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
BLOCK = re.compile(r"^```python( setup)?\n(.*?)^```\n", re.DOTALL | re.MULTILINE)
NOTEBOOKS = {"tutorial.md": "tutorial.ipynb"}  # page: notebook, executed at build time (nbpage.py)
SETUP_TITLE = "Helper code for this page (it runs before the examples below)"
GENERATED = {
    "figures": ("make_figures.py", ("figures/curve.png", "figures/schedule.png", "figures/variants.png")),
    "reference": ("make_reference.py", ("reference/cli.md", "reference/api.md")),
}
_TMP: list[tempfile.TemporaryDirectory[str]] = []


AUTOREFS_LOGGERS = (
    "mkdocs.plugins.mkdocs_autorefs._internal.plugin", "mkdocs.plugins.mkdocs_autorefs.plugin",
)
UNRESOLVED = re.compile(r"Could not find cross-reference target '(.*)'$")
API_PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")


def _api_refs_only(record: logging.LogRecord) -> bool:
    """Keep autorefs' "could not find" warnings for dotted API paths only.

    mkdocstrings' autorefs reads every ``[a][b]`` of the rendered pages as a cross-reference, so
    ``R[k][j]`` in a formula and ``['step-1', …]`` in a doctest's output would fail the strict
    build; an unresolved ``[verify.checker.check_proof][]`` still does.
    """
    found = UNRESOLVED.search(record.getMessage())
    return found is None or API_PATH.fullmatch(found.group(1)) is not None


def on_config(config: Any) -> Any:
    """The examples import heatcap from this checkout (as the tests do), installed or not."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    for name in AUTOREFS_LOGGERS:
        logger = logging.getLogger(name)
        if _api_refs_only not in logger.filters:
            logger.addFilter(_api_refs_only)
    return config


def _script(name: str) -> Any:
    """A module of docs/scripts (imported by name: the folder is not a package)."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(SCRIPTS))


def _generate(script: str, out: Path) -> None:
    _script(Path(script).stem).main(["--out", str(out)])


def _add_mathjax(files: Files, config: Any) -> None:
    vendor = _script("vendor")
    try:
        served = vendor.mathjax_files()
    except vendor.MissingMathJax as exc:
        raise PluginError(str(exc)) from exc
    for rel, path in served:
        files.append(File.generated(config, rel, abs_src_path=str(path)))


def _add_notebooks(files: Files, config: Any) -> None:
    notebook = _script("nbpage")
    run = os.environ.get("HEATCAP_DOCS_EXEC", "1") != "0"
    for page, source in NOTEBOOKS.items():
        path = Path(config["docs_dir"]) / source
        if not path.exists() or files.get_file_from_path(page) is not None:
            continue
        try:
            content = notebook.notebook_page(path, run=run)
        except notebook.NotebookError as exc:
            raise PluginError(f"docs/{source}: {exc}") from exc
        files.append(File.generated(config, page, content=content))


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
    _add_mathjax(files, config)
    _add_notebooks(files, config)
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


def _fold(code: str, printed: str) -> str:
    """A setup block and its output, indented into a collapsed details box."""
    body = f"```python\n{code}```\n" + _output(printed)
    indented = "".join(f"    {line}" if line.strip() else line for line in body.splitlines(True))
    return f'??? example "{SETUP_TITLE}"\n\n{indented}\n'


def _output(printed: str) -> str:
    if not printed.strip():
        return ""
    fence = "````" if "```" in printed else "```"
    return f'\n{fence}{{.text .output title="output"}}\n{printed.rstrip()}\n{fence}\n'


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    run = os.environ.get("HEATCAP_DOCS_EXEC", "1") != "0"
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    pieces: list[str] = []
    last = 0
    for k, match in enumerate(BLOCK.finditer(markdown), 1):
        setup, code = match.group(1), match.group(2)
        where = f"docs/{page.file.src_uri} (code block {k})"
        printed = _run(code, namespace, where) if run else ""
        pieces.append(markdown[last : match.start()])
        pieces.append(_fold(code, printed) if setup else match.group(0) + _output(printed))
        last = match.end()
    pieces.append(markdown[last:])
    return "".join(pieces)


def on_post_build(config: Any) -> None:
    while _TMP:
        _TMP.pop().cleanup()

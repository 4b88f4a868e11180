"""The documentation site: generators, generated pages, and a strict MkDocs build.

(a) ``docs/scripts/make_figures.py`` and ``make_reference.py`` run into a temporary directory: the
figures decode as PNG images, the CLI reference holds the real ``--help`` text, the API reference
covers every public name. (b) ``mkdocs build --strict`` succeeds (skipped only when MkDocs is not
installed and CI is not "true"; one build shared with tests/test_browser.py), names no CDN, folds
the helper blocks, renders the API reference and the executed tutorial notebook. (c) The
doctests of every module of the API reference run.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.sitebuild import built_site, require_mkdocs

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "docs" / "scripts"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_{name}", SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generators' outputs in a temporary directory: DIR/figures and DIR/reference."""
    return tmp_path_factory.mktemp("generated")


@pytest.fixture(scope="module")
def figures(generated: Path) -> Path:
    out = generated / "figures"
    assert _script("make_figures").main(["--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def reference(generated: Path) -> Path:
    out = generated / "reference"
    assert _script("make_reference").main(["--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("kind", ["curve", "schedule", "variants"])
def test_figures_decode(figures: Path, kind: str) -> None:
    import json

    import matplotlib.image

    image = matplotlib.image.imread(figures / f"{kind}.png")
    assert image.ndim == 3 and image.shape[0] > 200 and image.shape[1] > 300
    assert image.std() > 0.05  # not a blank canvas
    assert json.loads((figures / f"{kind}.json").read_text(encoding="utf-8"))


def test_curve_figure_numbers_are_the_theorem(figures: Path) -> None:
    import json

    from verify.numeric import analyze, read_csv

    numbers = json.loads((figures / "curve.json").read_text(encoding="utf-8"))
    report = analyze(read_csv(ROOT / "docs" / "data" / "example.csv"), "1/20", mode="exact")
    assert numbers["slope_at_zero"] == pytest.approx(float(report.slope_at_zero), rel=1e-12)
    assert all(abs(p["z"]) < 4 for p in numbers["monte_carlo"])


def _help(*args: str) -> str:
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "verify.cli", *args, "--help"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    return done.stdout.rstrip()


@pytest.mark.parametrize("sub", ["check", "numeric", "latex", "simulate", "plot"])
def test_cli_reference_is_the_real_help(reference: Path, sub: str) -> None:
    page = (reference / "cli.md").read_text(encoding="utf-8")
    assert f"## `heatcap {sub}`" in page
    assert _help(sub) in page


def test_cli_reference_has_check_options(reference: Path) -> None:
    page = (reference / "cli.md").read_text(encoding="utf-8")
    for option in ("--as-written", "--json", "--generic", "--variant"):
        assert option in page
    assert _help() in page


def test_api_reference_covers_public_names(reference: Path) -> None:
    make_reference = _script("make_reference")
    page = (reference / "api.md").read_text(encoding="utf-8")
    for _, modules in make_reference.MODULES:
        for name in modules:
            module = importlib.import_module(name)
            assert f"::: {name}\n" in page
            for public in make_reference._public(module):
                where = make_reference.home(module, public)
                assert f"        - {public}\n" in page or f"::: {where}.{public}\n" in page
    assert "```python" not in page  # tests/test_docs.py would execute it


def _text(html: str) -> str:
    """The text of an HTML page: tags dropped, entities decoded, spaces collapsed."""
    import html as html_module

    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_api_reference_renders_numpydoc() -> None:
    make_reference = _script("make_reference")
    html = (built_site() / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    for _, modules in make_reference.MODULES:
        for name in modules:
            module = importlib.import_module(name)
            for public in make_reference._public(module):
                where = make_reference.home(module, public)
                assert f'id="{where}.{public}"' in html, f"{where}.{public}"
    text = _text(html)
    assert "check_equation ( lhs : Basic , rhs : Basic" in text  # the signature, annotated
    assert "def check_equation" not in text  # signatures, not source
    for raw in (":class:`", ":func:`", ":mod:`", ":meth:`"):
        assert raw not in text, raw  # reST roles became code
    assert '<span class="gp">&gt;&gt;&gt; </span>' in html  # doctests are highlighted code blocks


def _api_modules() -> list[str]:
    make_reference = _script("make_reference")
    return [name for _, modules in make_reference.MODULES for name in modules]


@pytest.mark.parametrize("name", _api_modules())
def test_api_doctests(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_nav_lists_every_page() -> None:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = set(re.findall(r":\s+([\w/.-]+\.md)$", text, re.MULTILINE))
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    pages -= {"reference/cli.md", "reference/api.md"}  # generated
    assert pages <= nav
    assert {"reference/cli.md", "reference/api.md", "theorem.md", "erratum.md", "benchmarks.md"} <= nav
    assert {f"steps/step-{k}.md" for k in (1, 2, 3, 4)} <= nav


def test_step_pages_drop_a_hypothesis() -> None:
    """Each step page explains its lines and drops a hypothesis with verify.explain (no helper
    code of its own), and opens with a folded setup block."""
    for k in (1, 2, 3, 4):
        text = (ROOT / "docs" / "steps" / f"step-{k}.md").read_text(encoding="utf-8")
        assert "```python setup\n" in text and "from verify.explain import" in text
        assert re.search(rf"^dropped = drop\(proof, {k}, \d, \"[\w-]+\"\)$", text, re.MULTILINE)
        assert f"explain_line(report, {k}, k)" in text
        assert not re.search(r"^def ", text, re.MULTILINE)


def test_readme_and_home_quote_the_last_line_of_heatcap_check() -> None:
    from derive.proof import heat_capacity_proof
    from verify.checker import check_proof
    from verify.report import render_text

    last = render_text(check_proof(heat_capacity_proof())).splitlines()[-1]
    for page in (ROOT / "README.md", ROOT / "docs" / "index.md"):
        text = " ".join(page.read_text(encoding="utf-8").replace("#", " ").split())
        assert text.count("lines verified") == text.count(last) >= 1, page.name


CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com",
             "fonts.gstatic.com", "polyfill.io", "ajax.googleapis.com")
# The theme's JavaScript bundle holds two CDN URLs it loads only on demand: a ResizeObserver
# polyfill (for browsers without one) and mermaid (for pages with mermaid diagrams, which this
# site has none of). tests/test_browser.py checks that no page requests anything but the site.
THEME_ON_DEMAND = ("https://unpkg.com/resize-observer-polyfill", "https://unpkg.com/mermaid@")


def test_built_site_names_no_cdn() -> None:
    site = built_site()
    found = []
    for path in site.rglob("*"):
        # binary files, the notebook download, and the theme's source maps (its TypeScript
        # sources with their comments, which no page loads)
        if not path.is_file() or path.suffix in {".png", ".woff", ".woff2", ".gz", ".ipynb", ".map"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.parent.name == "javascripts" and path.name.startswith("bundle."):
            for url in THEME_ON_DEMAND:
                text = text.replace(url, "")
        found += [f"{path.relative_to(site)}: {host}" for host in CDN_HOSTS if host in text]
    assert found == []
    theorem = (site / "theorem" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<script src="\.\./javascripts/mathjax/startup\.js', theorem)
    assert (site / "javascripts" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
            / "MathJax_Main-Regular.woff").is_file()


def test_missing_mathjax_is_one_clear_line(tmp_path: Path) -> None:
    vendor = _script("vendor")
    with pytest.raises(vendor.MissingMathJax, match=r"^MathJax is not installed .*: run `npm ci`"):
        vendor.mathjax_files(tmp_path / "nowhere")


def test_setup_blocks_run_and_fold() -> None:
    require_mkdocs()  # the hooks are an MkDocs plugin module
    hooks = _script("hooks")
    page = type("Page", (), {"file": type("F", (), {"src_uri": "x.md"})()})()
    markdown = "# T\n\n```python setup\nx = 2\nprint(x)\n```\n\n```python\nprint(x + 1)\n```\n"
    out = hooks.on_page_markdown(markdown, page, {}, None)
    assert f'??? example "{hooks.SETUP_TITLE}"\n\n    ```python\n    x = 2\n' in out
    assert '    ```{.text .output title="output"}\n    2\n' in out  # its output, folded too
    assert '```python\nprint(x + 1)\n```\n\n```{.text .output title="output"}\n3\n```' in out
    variants = (built_site() / "variants" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<details class="example">\s*<summary>Helper code', variants)


def test_tutorial_page_is_the_executed_notebook() -> None:
    site = built_site()
    page = (site / "tutorial" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="heatcap-verified"') >= 14 and 'class="heatcap-refuted"' in page
    assert (site / "tutorial.ipynb").is_file()  # the notebook itself, to download


def test_mkdocs_build_strict() -> None:
    site = built_site()
    for page in ("index.html", "theorem/index.html", "steps/step-3/index.html", "erratum/index.html",
                 "reference/cli/index.html", "reference/api/index.html", "benchmarks/index.html",
                 "tutorial/index.html"):
        assert (site / page).is_file(), page
    assert (site / "figures" / "curve.png").is_file()
    theorem = (site / "theorem" / "index.html").read_text(encoding="utf-8")
    assert "figures/curve.png" in theorem and "arithmatex" in theorem
    step3 = (site / "steps" / "step-3" / "index.html").read_text(encoding="utf-8")
    assert "without independence: refuted" in step3  # the executed output is on the page
    assert not (site / "scripts").exists()

"""The documentation site: generators, generated pages, and a strict MkDocs build.

(a) ``docs/scripts/make_figures.py`` and ``make_reference.py`` run into a temporary directory: the
figures decode as PNG images, the CLI reference holds the real ``--help`` text, the API reference
covers every public name. (b) ``mkdocs build --strict`` succeeds (skipped only when MkDocs is not
installed and CI is not "true"). (c) The doctests of every module of the API reference run.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

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
            assert f"### `{name}`" in page
            for public in make_reference._public(module):
                assert f"#### `{name}.{public}`" in page
    assert "def check_equation" not in page  # signatures, not source
    assert "check_equation(lhs: 'Basic', rhs: 'Basic'" in page
    assert "```python" not in page  # tests/test_docs.py would execute it


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
    for k in (1, 2, 3, 4):
        text = (ROOT / "docs" / "steps" / f"step-{k}.md").read_text(encoding="utf-8")
        assert re.search(rf"^drop\({k}, \d, \"[\w-]+\"\)$", text, re.MULTILINE)
        assert f"show({k}, k)" in text


def test_mkdocs_build_strict(tmp_path: Path, figures: Path, reference: Path) -> None:
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or shutil.which("mkdocs")
    if importlib.util.find_spec("mkdocs") is None or mkdocs is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mkdocs is not installed, and CI=true: pip install '.[docs]'")
        pytest.skip("mkdocs is not installed (pip install '.[docs]')")
    site = tmp_path / "site"
    env = {
        **os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg",
        "HEATCAP_DOCS_GENERATED": str(figures.parent), "NO_MKDOCS_2_WARNING": "1",
    }
    env.pop("HEATCAP_DOCS_EXEC", None)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    for page in ("index.html", "theorem/index.html", "steps/step-3/index.html", "erratum/index.html",
                 "reference/cli/index.html", "reference/api/index.html", "benchmarks/index.html"):
        assert (site / page).is_file(), page
    assert (site / "figures" / "curve.png").is_file()
    theorem = (site / "theorem" / "index.html").read_text(encoding="utf-8")
    assert "figures/curve.png" in theorem and "arithmatex" in theorem
    step3 = (site / "steps" / "step-3" / "index.html").read_text(encoding="utf-8")
    assert "without independence: refuted" in step3  # the executed output is on the page
    assert not (site / "scripts").exists()

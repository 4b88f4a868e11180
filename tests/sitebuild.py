"""One strict MkDocs build of the site per test session, shared by tests/test_site.py and
tests/test_browser.py (building takes about half a minute: every code block of the docs runs).

``built_site()`` builds into a temporary directory the first time it is called and returns the
same directory afterwards; a failed build fails every caller with MkDocs' own message.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def require_mkdocs() -> None:
    """Skip without MkDocs, except in CI (CI=true), where the docs extra must be installed."""
    if importlib.util.find_spec("mkdocs") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mkdocs is not installed, and CI=true: pip install '.[docs]'")
        pytest.skip("mkdocs is not installed (pip install '.[docs]')")


@functools.cache
def _build() -> tuple[Path, int, str]:
    work = Path(tempfile.mkdtemp(prefix="heatcap-site-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    site = work / "site"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("HEATCAP_DOCS_EXEC", None)
    env.pop("HEATCAP_DOCS_GENERATED", None)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    return site, done.returncode, done.stderr


def built_site() -> Path:
    """The site built by ``mkdocs build --strict`` from this checkout."""
    require_mkdocs()
    site, code, stderr = _build()
    assert code == 0, f"mkdocs build --strict failed:\n{stderr[-4000:]}"
    return site

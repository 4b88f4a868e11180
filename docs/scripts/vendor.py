"""The site's own copy of MathJax, so that the docs typeset their formulas offline.

MathJax comes from the npm registry at build time (``npm ci`` installs the version pinned by
``package.json`` and ``package-lock.json`` into ``node_modules/``); the hook copies the components
the site loads into ``site/javascripts/mathjax/``. The components are loaded one by one (startup,
TeX input, CommonHTML output and its fonts, assistive MathML) rather than the combined
``tex-mml-chtml.js``: the combined file and the menu carry the speech engine, which holds URLs of a
CDN as fallbacks. None of the files below names a CDN; ``tests/test_site.py`` checks the built site.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MATHJAX = ROOT / "node_modules" / "mathjax" / "es5"
SITE_DIR = "javascripts/mathjax"
COMPONENTS = (
    "startup.js",
    "core.js",
    "input/tex.js",
    "input/tex/extensions/*.js",
    "output/chtml.js",
    "output/chtml/fonts/tex.js",
    "output/chtml/fonts/woff-v2/*.woff",
    "a11y/assistive-mml.js",
)


class MissingMathJax(RuntimeError):
    """MathJax is not installed in node_modules/."""


def mathjax_files(source: Path = MATHJAX) -> list[tuple[str, Path]]:
    """Each MathJax file the site serves: (its path in the site, the installed file)."""
    if not (source / "startup.js").is_file():
        raise MissingMathJax(
            f"MathJax is not installed ({source.relative_to(ROOT) if source.is_relative_to(ROOT) else source}"
            " is missing): run `npm ci` in the repository root"
        )
    found: list[tuple[str, Path]] = []
    for pattern in COMPONENTS:
        matches = sorted(source.glob(pattern))
        if not matches:
            raise MissingMathJax(f"MathJax in {source} has no {pattern}: run `npm ci` again")
        found += [(f"{SITE_DIR}/{path.relative_to(source).as_posix()}", path) for path in matches]
    return found

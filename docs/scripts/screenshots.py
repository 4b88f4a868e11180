"""Screenshots for a reviewer: the docs' theorem and Step 3 pages (offline) and the beamer deck.

Usage: python docs/scripts/screenshots.py [OUT_DIR] [--site SITE_DIR] [--width 1280]

Builds the site (``mkdocs build --strict`` into a temporary folder, unless ``--site`` names a
built one), serves it on 127.0.0.1, and has headless Chromium — which resolves no other host, so
nothing comes from a CDN — take ``theorem.png`` and ``step-3.png`` at a 1280-px wide window. Then
``heatcap latex --slides --pdf`` writes the deck and ``pdftoppm`` turns its pages into
``deck-N.png``; without pdflatex or pdftoppm the deck is skipped with a note. OUT_DIR defaults to
docs/screenshots/ (git-ignored). Exit code 2 with one line on stderr when the site cannot be
built or Chromium is missing.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAGES = {"theorem": "theorem/", "step-3": "steps/step-3/"}
PAGE_HEIGHT = 2400
TIMEOUT_SECONDS = 180
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--virtual-time-budget=15000",
)


class ScreenshotError(RuntimeError):
    """The site did not build, or a tool the screenshots need is missing."""


def build_site(out: Path) -> Path:
    """``mkdocs build --strict`` of this checkout into ``out``."""
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=ROOT, capture_output=True, text=True, check=False,
                          timeout=TIMEOUT_SECONDS * 5)
    if done.returncode != 0:
        raise ScreenshotError(f"mkdocs build failed: {done.stderr.strip().splitlines()[-1:]}")
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """The site on 127.0.0.1 (a free port) for the duration of the block: its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise ScreenshotError("chromium is not installed (apt-get install chromium)")
    return found


def page_shot(url: str, png: Path, width: int) -> None:
    """A headless Chromium screenshot of ``url``, ``width`` × 2400 px, with a fresh profile."""
    with tempfile.TemporaryDirectory(prefix="heatcap-shot-") as profile:
        command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   f"--window-size={width},{PAGE_HEIGHT}", f"--screenshot={png}", url]
        subprocess.run(command, capture_output=True, check=False, timeout=TIMEOUT_SECONDS)
    if not png.is_file():
        raise ScreenshotError(f"chromium wrote no screenshot of {url}")


def deck_shots(out: Path) -> list[Path] | str:
    """The deck's pages as PNGs, or the reason they were skipped."""
    missing = [tool for tool in ("pdflatex", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        return f"skipped the deck: {' and '.join(missing)} not installed"
    with tempfile.TemporaryDirectory(prefix="heatcap-deck-") as tmp:
        tex = Path(tmp) / "deck.tex"
        command = [sys.executable, "-m", "verify.cli", "latex", "--slides", "--pdf", "-o", str(tex)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                              timeout=TIMEOUT_SECONDS)
        pdf = tex.with_suffix(".pdf")
        if done.returncode != 0 or not pdf.is_file():
            return f"skipped the deck: heatcap latex --slides --pdf failed: {done.stderr.strip()[-300:]}"
        for old in out.glob("deck-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(out / "deck")], check=True,
                       timeout=TIMEOUT_SECONDS)
    return sorted(out.glob("deck-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--site", type=Path, default=None, help="an already built site")
    parser.add_argument("--width", type=int, default=1280, help="window width in px (default 1280)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="heatcap-site-") as tmp:
            site = args.site or build_site(Path(tmp) / "site")
            with serve(site) as base:
                for name, path in PAGES.items():
                    page_shot(base + path, args.out / f"{name}.png", args.width)
                    print(f"wrote {args.out / name}.png")
    except (ScreenshotError, subprocess.TimeoutExpired) as exc:
        print(f"screenshots: error: {exc}", file=sys.stderr)
        return 2
    deck = deck_shots(args.out)
    print(deck if isinstance(deck, str) else "\n".join(f"wrote {p}" for p in deck))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

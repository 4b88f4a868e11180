"""The built site in a real browser (headless Chromium driven by Selenium), offline.

The site is served from 127.0.0.1 by a local HTTP server; Chromium resolves no other host, so a
page that needed a CDN would show raw ``\\( … \\)``. For each page: MathJax typesets every formula
(no raw ``\\(`` or ``\\[`` left in the text a reader sees, the table of contents included; no TeX
error), every resource the page loaded came from the local server, and at a 1280-px wide window
no element overflows its box without a visible scrollbar (wide displays and code scroll, output
boxes wrap).

Skipped when Chromium, its driver or Selenium is missing, except in CI (CI=true), where
``.ci/run`` installs them.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.sitebuild import built_site

PAGES = (
    "",  # the home page
    "theorem/",
    "steps/step-2/",
    "steps/step-3/",
    "steps/step-4/",
    "variants/",
    "tutorial/",
    "reference/api/",
)
WIDTH, HEIGHT = 1280, 900
TYPESET_SECONDS = 60

# Text a reader sees outside code: raw math delimiters mean MathJax did not run on it.
VISIBLE_TEXT = """
const skip = (node) => node.parentElement && node.parentElement.closest('pre, code, script, style');
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const parts = [];
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (!skip(node) && node.parentElement.offsetParent !== null) parts.push(node.textContent);
}
return parts.join(' ');
"""

# Elements that stick out of the box that should hold them, with no visible scrollbar to reach
# the hidden part: the nearest ancestor that clips (overflow not "visible") clips them without a
# scrollbar or with a transparent one (the theme's default for code blocks), or no ancestor clips
# and they stick out of the content column (its gutters included: the theme's table wrappers
# reach into them). Sub-pixel and
# glyph-level overhangs (≤ 2 px) are not overflow. An element is reported once, not again for
# each of its descendants.
OVERFLOWING = """
const root = document.querySelector('.md-content');
const column = root.getBoundingClientRect();  // the content column, its gutters included
const scrolls = (style) => ['auto', 'scroll'].includes(style.overflowX);
const visibleThumb = (style) => {
  const color = style.scrollbarColor;
  if (!color || color === 'auto') return true;
  const thumb = color.match(/rgba?\\([^)]*\\)|[a-z]+/)[0];
  return !(thumb === 'transparent' || /rgba\\([^)]*,\\s*0\\)$/.test(thumb));
};
const describe = (el, r, box) => {
  const cls = typeof el.className === 'string' ? el.className.split(' ').join('.') : '';
  const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
  return `${el.tagName.toLowerCase()}.${cls} [${Math.round(r.left)}, ${Math.round(r.right)}]`
    + ` outside [${Math.round(box.left)}, ${Math.round(box.right)}]: ${text}`;
};
const bad = [];
const reported = new Set();
for (const el of root.querySelectorAll('*')) {
  if (el.closest('mjx-assistive-mml')) continue;  // MathJax's screen-reader copy, hidden on purpose
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  let up = el.parentElement;
  while (up && up !== root && getComputedStyle(up).overflowX === 'visible') up = up.parentElement;
  const clip = up && up !== root ? up : null;
  const style = clip ? getComputedStyle(clip) : null;
  if (clip && scrolls(style) && visibleThumb(style)) continue;  // reachable by scrolling
  const box = clip ? clip.getBoundingClientRect() : column;
  if (r.right <= box.right + 2 && r.left >= box.left - 2) continue;
  if ([...reported].some((done) => done.contains(el))) continue;
  reported.add(el);
  const how = !clip ? 'spills' : scrolls(style) ? 'invisible scrollbar' : 'clipped';
  bad.push(`${how}: ${describe(el, r, box)}`);
}
return bad;
"""


def _needs(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true: .ci/run installs it")
    pytest.skip(reason)


@functools.cache
def _executables() -> tuple[str | None, str | None]:
    browser = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
    return browser, shutil.which("chromedriver")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The built site on a local HTTP server: its base URL."""
    site = built_site()
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium at 1280 × 900 that resolves no host but 127.0.0.1."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _needs("selenium is not installed (pip install '.[test]')")
    chromium, driver_path = _executables()
    if chromium is None or driver_path is None:
        _needs("chromium or chromedriver is missing (apt-get install chromium chromium-driver)")
    profile = tempfile.TemporaryDirectory(prefix="heatcap-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile.name}",
                 f"--window-size={WIDTH},{HEIGHT}",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(TYPESET_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()
        profile.cleanup()


def _open(browser: Any, url: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, TYPESET_SECONDS).until(
        lambda d: d.execute_script("return document.documentElement.dataset.mathjax") == "done"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "home")
def test_math_is_typeset_offline(browser: Any, server: str, page: str) -> None:
    _open(browser, server + page)
    text = browser.execute_script(VISIBLE_TEXT)
    for raw in ("\\(", "\\)", "\\[", "\\]", "\\frac", "\\mathcal"):
        at = text.find(raw)
        assert at < 0, f"raw {raw!r} on {page or 'home'}: …{text[max(0, at - 80):at + 80]}…"
    formulas = browser.execute_script("return document.querySelectorAll('mjx-container').length")
    errors = browser.execute_script("return document.querySelectorAll('mjx-merror').length")
    assert errors == 0
    if page != "reference/api/":
        assert formulas > 0
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert any("javascripts/mathjax/output/chtml/fonts/woff-v2/" in u for u in loaded) or formulas == 0
    assert [u for u in loaded if not u.startswith(server)] == []


def test_table_of_contents_typesets_headings(browser: Any, server: str) -> None:
    _open(browser, server + "theorem/")
    entries = browser.execute_script(
        "return [...document.querySelectorAll('.md-nav--secondary .md-nav__link')]"
        ".filter(a => a.querySelector('mjx-container')).length"
    )
    assert entries >= 2  # "the stationary law P_η", "The converged loss L(η)"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "home")
def test_nothing_is_clipped_at_1280_px(browser: Any, server: str, page: str) -> None:
    _open(browser, server + page)
    assert browser.execute_script("return window.innerWidth") == WIDTH
    assert browser.execute_script(OVERFLOWING) == []


def test_the_overflow_check_sees_a_clipped_box(browser: Any, server: str) -> None:
    """The check above can fail: a box made too narrow for its formula, with overflow hidden."""
    _open(browser, server + "steps/step-3/")
    browser.execute_script(
        "const box = document.querySelector('div.arithmatex');"
        "box.style.overflowX = 'hidden'; box.style.width = '200px';"
    )
    assert any(line.startswith("clipped: mjx") for line in browser.execute_script(OVERFLOWING))


def test_output_boxes_wrap(browser: Any, server: str) -> None:
    _open(browser, server + "steps/step-3/")
    wraps = browser.execute_script(
        "return [...document.querySelectorAll('.output pre > code')]"
        ".map(c => getComputedStyle(c).whiteSpace)"
    )
    assert wraps and set(wraps) == {"pre-wrap"}


def test_helper_code_is_folded(browser: Any, server: str) -> None:
    _open(browser, server + "variants/")
    folded = browser.execute_script(
        "return [...document.querySelectorAll('details')]"
        ".filter(d => d.textContent.includes('Helper code') && !d.open).length"
    )
    assert folded >= 1

"""The built book in a real browser: headless Chromium driven by Playwright, served on 127.0.0.1.

Every page is opened once, at desktop width, then resized to phone width (375 px). Screenshots of
both are saved next to the HTML folder (`<html-dir>/../screenshots/`), so a person can look at what
was tested.
Run: `pytest tests/browser --html-dir _build/html` (Chromium: as tools/prereqs.py finds it).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.course import NOTEBOOKS, REPOSITORY_URL
from tools.prereqs import Missing, find_chromium

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
    "--no-first-run", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SKIP = ("_static/", "_sources/", "mathjax/", "genindex.html")


@pytest.fixture(scope="module")
def site(html_dir):
    handler = functools.partial(QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def browser():
    try:  # the Chromium that `make test` checked first: $CHROMIUM, PATH or Playwright's
        executable = find_chromium(dict(os.environ), Path.home())
    except Missing as problem:
        pytest.fail(str(problem))
    if executable is None:
        pytest.fail("no Chromium: run tools/prereqs.py --chromium, which names the fix")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def book_pages(html_dir: Path) -> list[str]:
    pages = [p.relative_to(html_dir).as_posix() for p in sorted(html_dir.rglob("*.html"))]
    return [p for p in pages if not p.startswith(SKIP)]


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        folder = Path(metafunc.config.getoption("--html-dir")).resolve()
        pages = book_pages(folder) if folder.is_dir() else ["index.html"]
        metafunc.parametrize("page_path", pages)


class Visit:
    """One page opened in a fresh browser tab, with everything that went wrong on the way."""

    def __init__(self, browser, url: str, width: int, height: int = 900) -> None:
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", self._response)
        self.page.goto(url, wait_until="networkidle")
        self.page.wait_for_function("document.readyState === 'complete'")
        self.page.evaluate("() => (window.MathJax?.startup?.promise ?? Promise.resolve())")

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} at {message.location.get('url')}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def close(self) -> None:
        self.page.close()


def shot_path(html_dir: Path, page_path: str, suffix: str) -> Path:
    folder = html_dir.parent / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder / f"{page_path.removesuffix('.html').replace('/', '__')}{suffix}.png"


def test_page_loads_cleanly_renders_and_fits_a_phone(browser, site, html_dir, page_path):
    """One visit per page: no failed request or console error, every image and formula rendered
    at desktop width; then, resized to 375 px, no horizontal scroll; a notebook page's launch
    buttons open that very notebook on Colab and Binder."""
    visit = Visit(browser, f"{site}/{page_path}", width=1280)
    try:
        page = visit.page
        assert visit.failed == [], f"failed requests: {visit.failed}"
        assert visit.console_errors == [], f"console errors: {visit.console_errors}"
        broken = page.evaluate(
            "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
            ".map(i => i.src)"
        )
        assert broken == [], f"images that did not load: {broken}"
        text = page.inner_text("body")
        assert "$$" not in text and "\\(" not in text and "\\[" not in text, "raw TeX left"
        if page.locator("span.math, div.math").count():
            assert page.locator("mjx-container").count() > 0, "MathJax did not render"
        page.screenshot(
            path=shot_path(html_dir, page_path, "")
        )  # first screen: full page costs 2 s
        if page_path.startswith("notebooks/"):
            assert_launch_buttons_open(page, page_path.removeprefix("notebooks/"))

        page.set_viewport_size({"width": 375, "height": 812})
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{overflow} px of horizontal scroll at 375 px width"
        page.screenshot(path=shot_path(html_dir, page_path, "@375px"))
    finally:
        visit.close()


def assert_launch_buttons_open(page, html_name: str) -> None:
    notebook = html_name.removesuffix(".html") + ".ipynb"
    repo = REPOSITORY_URL.removeprefix("https://github.com/")
    for service in ("colab.research.google.com", "mybinder.org"):
        href = page.locator(f"a[href*='{service}']").first.get_attribute("href")
        assert href and repo in href and notebook in href, f"{service} button: {href}"


def test_every_notebook_has_its_page(html_dir):
    pages = html_dir / "notebooks"
    missing = [p.stem for p in NOTEBOOKS if not (pages / f"{p.stem}.html").is_file()]
    assert not missing, f"notebooks without a page (and so without launch buttons): {missing}"


def test_search_finds_bottleneck(browser, site):
    visit = Visit(browser, f"{site}/search.html?q=bottleneck", width=1280)
    try:
        results = visit.page.locator("#search-results li")
        results.first.wait_for(timeout=15_000)
        assert results.count() > 0
    finally:
        visit.close()


def test_solutions_open_on_click(browser, site, html_dir):
    chapters = sorted((html_dir / "book").glob("ch*.html"))
    assert chapters, "no chapter pages were built"
    visit = Visit(browser, f"{site}/book/{chapters[0].name}", width=1280)
    try:
        solution = visit.page.locator(".solution").first
        body = solution.locator("section").first
        assert not body.is_visible(), "the solution is open before any click"
        solution.locator("button.toggle-button").first.click()
        body.wait_for(state="visible", timeout=5_000)
    finally:
        visit.close()


def test_a_checked_sentence_shows_its_numbers_on_keyboard_focus(browser, site, html_dir):
    chapters = sorted((html_dir / "book").glob("ch*.html"))
    visit = Visit(browser, f"{site}/book/{chapters[0].name}", width=1280)
    try:
        mark = visit.page.locator(".claim-mark").first
        tip = mark.get_attribute("data-tip")
        assert tip and mark.get_attribute("aria-label") == tip
        shown = "el => getComputedStyle(el, '::after').content"
        assert mark.evaluate(shown) == "none", "the numbers show before focus"
        mark.focus()
        assert mark.evaluate(shown) == f'"{tip}"', "focus does not show the checked numbers"
        visit.page.screenshot(path=str(shot_path(html_dir, "claim-mark", "-focused")))
    finally:
        visit.close()

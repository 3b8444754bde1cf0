"""The built book in a real browser: headless Chromium driven by Playwright, served on 127.0.0.1.

Every page is opened once, at desktop width, then resized to phone width (375 px). Screenshots of
both are saved next to the HTML folder (`<html-dir>/../screenshots/`), so a person can look at what
was tested.
Run: `pytest tests/browser --html-dir _build/html` (Chromium: as tools/prereqs.py finds it).
"""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import Visit, shot_path
from tests.course import NOTEBOOKS, REPOSITORY_URL

SKIP = ("_static/", "_sources/", "mathjax/", "genindex.html")


def book_pages(html_dir: Path) -> list[str]:
    pages = [p.relative_to(html_dir).as_posix() for p in sorted(html_dir.rglob("*.html"))]
    return [p for p in pages if not p.startswith(SKIP)]


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        folder = Path(metafunc.config.getoption("--html-dir")).resolve()
        pages = book_pages(folder) if folder.is_dir() else ["index.html"]
        metafunc.parametrize("page_path", pages)


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

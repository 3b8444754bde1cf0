"""What the browser tests share: the built book served on 127.0.0.1, headless Chromium driven by
Playwright, a page visit that records what went wrong, and where screenshots go."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tools.prereqs import Missing, find_chromium

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
    "--no-first-run", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def site(html_dir):
    handler = functools.partial(QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output readable
        pass


@pytest.fixture(scope="session")
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


class Visit:
    """One page opened in a fresh browser tab, with everything that went wrong on the way."""

    def __init__(self, browser, url: str, width: int, height: int = 900) -> None:
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.requested: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.on("request", lambda request: self.requested.append(request.url))
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

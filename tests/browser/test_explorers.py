"""The in-page explorers (book/_ext/explorer.py) in headless Chromium: each runs the model its
notebook trained and gives the pixels PyTorch gave, answers the pointer, the keys and its controls,
decodes within a frame, fits a phone, needs nothing outside the book, and works from file://.

Measurements (decode times, largest difference from PyTorch, bytes added to the site) are written to
`<html-dir>/../explorers.json`, screenshots next to the other browser tests' screenshots.
Run: `pytest tests/browser/test_explorers.py --html-dir _build/html`.
"""

from __future__ import annotations

import base64
import json
import statistics
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from tests.browser.conftest import Visit, shot_path

PAGES = {  # explorer -> the chapter page it is tested on (chapter 3 shows the latent map too)
    "latent-map": "book/ch07-plain-ae-does-not-generate.html",
    "interpolation": "book/ch08-generating-mnist.html",
    "denoising": "book/ch09-variants.html",
    "anomaly": "book/ch10-applications.html",
}
EVERY_PAGE = {**PAGES, "latent-map (chapter 3)": "book/ch03-latent-space.html"}
TOLERANCE = 1e-3  # pixels: the browser's against PyTorch's
FRAME_MS = 16.0

NETWORKS = """el => {
  const X = AEExplorer, found = [];
  (function walk(v) {
    if (v && typeof v === "object") {
      if (v.layers && v.check) found.push(v);
      else Object.values(v).forEach(walk);
    }
  })(el.explorerData);
  return found.map((spec) => {
    const net = new X.Network(spec);
    const inputs = X.array(spec.check.inputs), outputs = X.array(spec.check.outputs);
    let worst = 0;
    for (let i = 0; i < inputs.shape[0]; i++) {
      const y = net.run(X.row(inputs, i)), t = X.row(outputs, i);
      for (let k = 0; k < y.length; k++) worst = Math.max(worst, Math.abs(y[k] - t[k]));
    }
    const x = X.row(inputs, 0), times = [];
    for (let batch = 0; batch < 40; batch++) {
      const start = performance.now();
      for (let r = 0; r < 10; r++) net.run(x);
      times.push((performance.now() - start) / 10);
    }
    return { rows: inputs.shape[0], worst, times, shape: [net.inputs, outputs.shape[1]] };
  });
}"""
PIXELS = "canvas => canvas.toDataURL()"


def open_explorer(visit: Visit, kind: str):
    """Scroll the page's explorer of `kind` into view and wait until it has started."""
    element = visit.page.locator(f'.ae-explorer[data-explorer="{kind}"]').first
    element.scroll_into_view_if_needed()
    element.evaluate("el => new Promise((ok) => { const t = setInterval(() => "
                     "{ if (el.explorer || el.textContent.includes('failed')) "
                     "{ clearInterval(t); ok(); } }, 50); })")  # fmt: skip
    assert element.evaluate("el => Boolean(el.explorer)"), element.inner_text()
    return element


@pytest.fixture(scope="module")
def report(html_dir):
    measured = {"decode_ms": {}, "largest_difference": {}}
    yield measured
    static = html_dir / "_static"
    files = [*static.glob("explorer-data/*.js"), *static.glob("explorer/*")]
    measured["bytes"] = {p.relative_to(html_dir).as_posix(): p.stat().st_size for p in files}
    measured["bytes_total"] = sum(measured["bytes"].values())
    (html_dir.parent / "explorers.json").write_text(json.dumps(measured, indent=1) + "\n")


@pytest.fixture(scope="module")
def explorers(browser, site):
    """kind -> (visit, explorer element), each page opened once at desktop width."""
    opened = {}

    def get(kind: str):
        if kind not in opened:
            visit = Visit(browser, f"{site}/{PAGES[kind]}", width=1280)
            opened[kind] = (visit, open_explorer(visit, kind))
        return opened[kind]

    yield get
    for visit, _ in opened.values():
        visit.close()


@pytest.mark.parametrize("kind", PAGES)
def test_loads_from_the_book_alone_without_errors(explorers, site, kind):
    visit, element = explorers(kind)
    visit.page.wait_for_load_state("networkidle")
    outside = [url for url in visit.requested if not url.startswith((site, "data:"))]
    assert outside == [], f"requested outside the book: {outside}"
    assert visit.failed == [] and visit.console_errors == [], visit.failed + visit.console_errors
    data = [url for url in visit.requested if "/_static/explorer-data/" in url]
    assert len(data) == 1, f"the data script should load once: {data}"


@pytest.mark.parametrize("kind", ["latent-map", "interpolation", "denoising"])
def test_decodes_the_pixels_pytorch_decoded_within_a_frame(explorers, report, kind):
    _, element = explorers(kind)
    networks = element.evaluate(NETWORKS)
    assert networks, "no network in the explorer's data"
    for n, network in enumerate(networks):
        assert network["rows"] >= 8
        assert network["worst"] <= TOLERANCE, f"network {n}: {network['worst']:.2e} from PyTorch"
        median = statistics.median(network["times"])
        assert median < FRAME_MS, f"network {n}: median decode {median:.2f} ms"
        name = f"{kind}[{n}] {network['shape'][0]}->{network['shape'][1]}"
        report["decode_ms"][name] = round(median, 4)
        report["largest_difference"][name] = network["worst"]


def test_latent_map_decodes_where_the_pointer_or_the_keys_go(explorers, report, html_dir):
    visit, element = explorers("latent-map")
    page = visit.page
    maps = element.locator("canvas.ae-map")
    assert maps.count() == 2
    for i in range(2):
        box = maps.nth(i).bounding_box()
        image = element.locator("canvas.ae-digit").nth(i)
        readout = element.locator(".ae-readout").nth(i)
        before = (image.evaluate(PIXELS), readout.inner_text())
        page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.3 * box["height"])
        moved = (image.evaluate(PIXELS), readout.inner_text())
        assert moved[0] != before[0] and moved[1] != before[1], "the pointer changed nothing"
        maps.nth(i).focus()
        page.keyboard.press("ArrowRight")
        assert readout.inner_text() != moved[1], "the arrow key changed nothing"
        assert image.evaluate(PIXELS) != moved[0]
    # The whole update of one pointer move (decode, map and image), timed in the page
    update = element.evaluate(
        """el => { const m = el.explorer.maps[0], times = [];
          for (let i = 0; i < 50; i++) { const t = performance.now();
            m.show([m.state.code[0] + 0.01, m.state.code[1]]); times.push(performance.now() - t); }
          times.sort((a, b) => a - b); return times[25]; }"""
    )
    assert update < FRAME_MS
    report["decode_ms"]["latent-map: a whole pointer update"] = round(update, 4)
    element.screenshot(path=shot_path(html_dir, "explorer-latent-map", ""))


def test_interpolation_walks_the_line_and_the_circle_as_pytorch_did(explorers, report, html_dir):
    visit, element = explorers("interpolation")
    worst = element.evaluate(
        """el => { const X = AEExplorer, c = el.explorerData.check; let worst = 0;
          for (const kind of ["linear", "slerp"]) {
            const expected = X.array(c[kind]);
            c.t.forEach((t, i) => { const y = el.explorer.decodeAt(c.from, c.to, t, kind);
              const e = X.row(expected, i);
              for (let k = 0; k < y.length; k++) worst = Math.max(worst, Math.abs(y[k] - e[k])); });
          } return worst; }"""
    )
    assert worst <= TOLERANCE
    report["largest_difference"]["interpolation: both paths"] = worst
    images = element.locator("canvas.ae-digit")
    slider = element.locator("input[type=range]")
    before = [images.nth(k).evaluate(PIXELS) for k in range(4)]
    slider.fill("0.9")
    after = [images.nth(k).evaluate(PIXELS) for k in range(4)]
    assert after[1] != before[1] and after[2] != before[2], "the slider moved no path"
    assert after[0] == before[0] and after[3] == before[3], "the ends moved with t"
    slider.focus()
    visit.page.keyboard.press("ArrowRight")
    assert element.evaluate("el => el.explorer.state.t") == pytest.approx(0.91)
    element.locator("select").nth(1).select_option(index=0)
    assert images.nth(3).evaluate(PIXELS) != after[3], "choosing the end digit changed nothing"
    element.screenshot(path=shot_path(html_dir, "explorer-interpolation", ""))


def test_denoising_follows_the_noise_level_with_pytorchs_psnr(explorers, html_dir):
    visit, element = explorers("denoising")
    worst = element.evaluate(
        """el => { const X = AEExplorer, d = el.explorerData, c = d.check;
          const clean = X.array(c.clean), out = X.array(d.models[0].network.check.outputs);
          const psnr = (i) => X.psnr(X.row(clean, i), X.row(out, i));
          return Math.max(...c.psnr.map((p, i) => Math.abs(psnr(i) - p))); }"""
    )
    assert worst < 1e-3, f"PSNR differs from scikit-image's by {worst} dB"
    slider = element.locator("input[type=range]")
    noisy = element.locator("canvas.ae-digit").nth(1)
    notes = element.locator(".ae-note")
    slider.fill("0")
    assert notes.nth(1).inner_text() == "\u221e dB", "no noise should give an infinite PSNR"
    slider.fill("0.5")
    first = (noisy.evaluate(PIXELS), notes.nth(2).inner_text(), notes.nth(3).inner_text())
    element.get_by_role("button", name="New noise").click()
    assert noisy.evaluate(PIXELS) != first[0], "New noise drew the same noise"
    slider.fill("0.9")
    assert (notes.nth(2).inner_text(), notes.nth(3).inner_text()) != first[1:]
    element.screenshot(path=shot_path(html_dir, "explorer-denoising", ""))


def read_data(html_dir: Path, kind: str) -> dict:
    (path,) = (html_dir / "_static" / "explorer-data").glob(f"*--{kind}.js")
    text = path.read_text()
    return json.loads(text[text.index(",") + 1 : text.rindex(")")])


def test_anomaly_auroc_is_scikit_learns_and_the_counts_follow_the_threshold(explorers, html_dir):
    visit, element = explorers("anomaly")
    data = read_data(html_dir, "anomaly")
    labels = np.frombuffer(base64.b64decode(data["labels"]["data"]), np.uint8)
    scores = np.frombuffer(base64.b64decode(data["scores"]["data"]), "<f4")
    scores = scores.reshape(data["scores"]["shape"])
    for digit in range(10):
        expected = roc_auc_score(labels != digit, scores[digit])
        assert element.evaluate(f"el => el.explorer.auroc({digit})") == pytest.approx(
            expected, abs=1e-9
        )
    choose, slider = element.locator("select"), element.locator("input[type=range]")
    choose.select_option("3")
    expected = roc_auc_score(labels != 3, scores[3])
    assert f"AUROC {expected:.3f}" in element.inner_text()
    state = "el => ['tp', 'fp', 'P', 'N'].map((key) => el.explorer.state[key])"
    slider.fill("0")
    tp, fp, positives, negatives = element.evaluate(state)
    lowest = int((scores[3] == scores[3].min()).sum())
    assert (positives, negatives) == ((labels != 3).sum(), (labels == 3).sum())
    assert tp + fp == len(labels) - lowest, "the lowest threshold flags all but the lowest"
    slider.fill("200")
    assert element.evaluate(state)[:2] == [0, 0], "the highest threshold flags nothing"
    slider.fill("100")
    tp, fp, _, _ = element.evaluate(state)
    assert f"{tp:,} of {positives:,}" in element.inner_text()
    element.screenshot(path=shot_path(html_dir, "explorer-anomaly", ""))


def test_controls_are_labelled_and_show_keyboard_focus(explorers):
    for kind in PAGES:
        visit, element = explorers(kind)
        unlabelled = element.evaluate(
            """el => [...el.querySelectorAll("input, select, button, canvas[tabindex]")]
              .filter((c) => !(c.closest("label")?.textContent.trim()
                               || c.getAttribute("aria-label") || c.textContent.trim()))
              .map((c) => c.outerHTML.slice(0, 80))"""
        )
        assert unlabelled == [], f"{kind}: controls without a label: {unlabelled}"
        control = element.locator("canvas[tabindex], input, select").first
        control.focus()
        visit.page.keyboard.press("Shift")  # a key press: the browser now shows focus rings
        outline = control.evaluate("c => getComputedStyle(c).outlineStyle")
        assert outline == "solid", f"{kind}: no visible focus ({outline})"


@pytest.mark.parametrize("kind", PAGES)
def test_fits_a_phone(explorers, kind, html_dir):
    visit, element = explorers(kind)
    visit.page.set_viewport_size({"width": 375, "height": 812})
    element.scroll_into_view_if_needed()
    overflow = visit.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{overflow} px of horizontal scroll at 375 px width"
    wider = element.evaluate(
        """el => [...el.querySelectorAll("*")].filter((c) =>
             c.getBoundingClientRect().right > el.getBoundingClientRect().right + 1).length"""
    )
    assert wider == 0, f"{wider} parts of the explorer stick out of it at 375 px"
    element.screenshot(path=shot_path(html_dir, f"explorer-{kind}", "@375px"))
    visit.page.set_viewport_size({"width": 1280, "height": 900})


def test_works_from_a_downloaded_copy(browser, html_dir):
    """Opened from file:// (no server): chapter 3's latent map starts and decodes."""
    visit = Visit(browser, (html_dir / EVERY_PAGE["latent-map (chapter 3)"]).as_uri(), width=1280)
    try:
        element = open_explorer(visit, "latent-map")
        assert all(network["worst"] <= TOLERANCE for network in element.evaluate(NETWORKS))
        assert visit.console_errors == [] and visit.failed == []
        assert all(url.startswith(("file://", "data:")) for url in visit.requested)
    finally:
        visit.close()

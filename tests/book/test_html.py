"""Checks of the built HTML book: internal links, images, launch buttons, pasted numbers.

Run on a built book: `pytest tests/book --html-dir _build/html` (`make test` passes its own build).
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from aeutils.book import CLAIM_METADATA
from tests.course import CHAPTER_TEXTS, NOTEBOOKS, REPOSITORY_URL, glue_references, load_notebook


@pytest.fixture(scope="module")
def pages(html_dir) -> dict[Path, BeautifulSoup]:
    return {
        p: BeautifulSoup(p.read_text(), "html.parser") for p in sorted(html_dir.rglob("*.html"))
    }


def page(pages, html_dir, name) -> BeautifulSoup:
    path = html_dir / name
    assert path in pages, f"{name} was not built"
    return pages[path]


def local_target(page_path: Path, url: str) -> tuple[Path, str] | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:")):
        return None
    target = (page_path.parent / unquote(parts.path)).resolve() if parts.path else page_path
    return target, parts.fragment


def test_internal_links_reach_existing_pages_and_anchors(pages, html_dir):
    broken = []
    for path, soup in pages.items():
        for a in soup.select("a[href]"):
            target = local_target(path, a["href"])
            if target is None:
                continue
            file, fragment = target
            if not file.exists():
                broken.append(f"{path.relative_to(html_dir)}: {a['href']} (no such file)")
            elif fragment and file.suffix == ".html":
                ids = {t["id"] for t in pages[file].select("[id]")} if file in pages else set()
                if fragment not in ids:
                    broken.append(f"{path.relative_to(html_dir)}: {a['href']} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_every_image_exists(pages, html_dir):
    missing = [
        f"{path.relative_to(html_dir)}: {img['src']}"
        for path, soup in pages.items()
        for img in soup.select("img[src]")
        if (target := local_target(path, img["src"])) and not target[0].is_file()
    ]
    assert not missing, "missing images:\n" + "\n".join(missing)


def test_every_image_has_alt_text_that_says_what_it_shows(pages, html_dir):
    # Notebook figures get their titles as alt text (aeutils.book.describe_figures, applied by
    # tools/build_book.py); left alone, myst-nb would use the image's file path.
    bad = [
        f"{path.relative_to(html_dir)}: {img.get('src')} has alt {img.get('alt')!r}"
        for path, soup in pages.items()
        for img in soup.select("article img")
        if len(img.get("alt", "").strip()) < 12 or "_images/" in img.get("alt", "")
    ]
    assert not bad, "images without a description:\n" + "\n".join(bad)


def test_headings_are_in_order(pages, html_dir):
    # one h1 per page, and no level skipped on the way down (h2 -> h4)
    bad = []
    for path, soup in pages.items():
        article = soup.select_one("article")
        if article is None:
            continue
        levels = [int(h.name[1]) for h in article.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        if levels and (levels[0] != 1 or levels.count(1) != 1):
            bad.append(f"{path.relative_to(html_dir)}: heading levels {levels}")
            continue
        bad += [
            f"{path.relative_to(html_dir)}: h{a} followed by h{b}"
            for a, b in zip(levels, levels[1:])
            if b > a + 1
        ]
    assert not bad, "headings out of order:\n" + "\n".join(bad)


def test_no_figure_was_rendered_as_text(pages, html_dir):
    # a figure whose PNG was not captured (e.g. a non-inline matplotlib backend) shows as its repr
    leaks = [
        str(p.relative_to(html_dir)) for p, soup in pages.items() if "<Figure size" in soup.text
    ]
    assert not leaks, f"figures shown as text instead of images on: {leaks}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_pages_have_launch_buttons_to_their_notebook(pages, html_dir, notebook):
    soup = page(pages, html_dir, f"notebooks/{notebook.stem}.html")
    links = [a["href"] for a in soup.select("a[href]")]
    repo = REPOSITORY_URL.removeprefix("https://github.com/")
    colab = f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/{notebook.name}"
    binder = f"https://mybinder.org/v2/gh/{repo}/main?urlpath=tree/notebooks/{notebook.name}"
    assert colab in links, f"no Colab button to {colab}"
    assert binder in links, f"no Binder button to {binder}"


@pytest.mark.parametrize("text", CHAPTER_TEXTS, ids=lambda p: p.stem)
def test_chapter_pages_show_their_pasted_numbers_and_figures(pages, html_dir, text):
    soup = page(pages, html_dir, f"book/{text.stem}.html")
    main = soup.select_one("main")
    wanted = glue_references().get(f"{text.stem}.ipynb", set())
    pasted = main.select(".pasted-text")
    figures = main.select("img")
    figure_keys = text.read_text().count("```{glue} ")
    assert len(figures) >= figure_keys, f"{figure_keys} figures pasted, {len(figures)} shown"
    assert pasted and all(p.get_text().strip() for p in pasted), "empty pasted values"
    assert len(wanted) > 0
    assert "glue" not in main.get_text().lower(), "an unresolved glue role shows as text"
    solutions = main.select(".solution")
    assert len(solutions) >= 3 and all("dropdown" in s.get("class", []) for s in solutions)


@pytest.mark.parametrize("text", CHAPTER_TEXTS, ids=lambda p: p.stem)
def test_each_checked_claim_is_marked_with_its_numbers(pages, html_dir, text):
    """Every claim the notebook ran carries a mark on its chapter's text or notebook page (on
    both where both say the sentence), and every mark is one of those claims."""
    # `make book` exports the notebooks from its execution cache to _build/executed; builds from
    # executed notebooks (`make test`) keep them in myst-nb's output folder
    folder = html_dir.parent / "executed"
    if not folder.is_dir():
        folder = html_dir.parent / "jupyter_execute" / "notebooks"
    executed = folder / f"{text.stem}.ipynb"
    records = [
        output["metadata"][CLAIM_METADATA]
        for cell in load_notebook(executed)["cells"]
        for output in cell.get("outputs", [])
        if CLAIM_METADATA in output.get("metadata", {})
    ]
    assert len(records) >= 3, f"{executed.name}: {len(records)} claims ran"
    marks = [
        mark
        for name in (f"book/{text.stem}.html", f"notebooks/{text.stem}.html")
        for mark in page(pages, html_dir, name).select("main .claim-mark")
    ]
    expected = {
        ("Checked by the notebook's run" if r["holds"] else "Not supported by this run")
        + "".join(
            f"{': ' if i == 0 else ', '}{k} = {v}" for i, (k, v) in enumerate(r["numbers"].items())
        )
        for r in records
    }
    assert {mark["data-tip"] for mark in marks} == expected
    assert all(mark.get_text() == ("✓" if "Checked" in mark["data-tip"] else "✗") for mark in marks)

"""Checks of the built HTML book: links, images, alt text, scripts, launch buttons, pasted numbers.

What the build itself proves is not checked again: tools/build_book.py builds with `-n -W`, so an
unresolved cross-reference, an image file it cannot read or a skipped heading level (MyST's
myst.header warning) stops it. Run on a built book:
`pytest tests/book --html-dir _build/html` (`make test` passes its own build).
"""

import base64
import hashlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from aeutils.book import claim_records
from tests.course import CHAPTER_TEXTS, NOTEBOOKS, REPOSITORY_URL, glue_references, load_notebook


@pytest.fixture(scope="module")
def pages(html_dir) -> dict[Path, BeautifulSoup]:
    return {
        p: BeautifulSoup(p.read_text(), "html.parser") for p in sorted(html_dir.rglob("*.html"))
    }


@pytest.fixture(scope="module")
def executed_dir(html_dir) -> Path:
    """The executed notebooks the book was built from."""
    # `make book` exports them from its execution cache to _build/executed; builds from executed
    # notebooks (`make test`) keep them in myst-nb's output folder
    folder = html_dir.parent / "executed"
    return folder if folder.is_dir() else html_dir.parent / "jupyter_execute" / "notebooks"


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


def test_links_sphinx_did_not_resolve_reach_existing_pages_and_anchors(pages, html_dir):
    """The links Sphinx resolved itself (class "reference internal": cross-references, the table
    of contents, MyST links to pages and anchors) are proven by the build, which `-n -W` stops at
    an unresolved one. This checks the others: those of the theme's templates (navigation,
    previous and next, source downloads, section links) and of raw HTML in pages and outputs."""
    ids = {path: {tag["id"] for tag in soup.find_all(id=True)} for path, soup in pages.items()}
    checked, broken = 0, []
    for path, soup in pages.items():
        for a in soup.select("a[href]"):
            target = local_target(path, a["href"])
            if target is None or {"reference", "internal"} <= set(a.get("class", [])):
                continue
            checked += 1
            file, fragment = target
            if not file.exists():
                broken.append(f"{path.relative_to(html_dir)}: {a['href']} (no such file)")
            elif fragment and file.suffix == ".html" and fragment not in ids.get(file, set()):
                broken.append(f"{path.relative_to(html_dir)}: {a['href']} (no such anchor)")
    assert checked >= 5 * len(pages), f"only {checked} links checked on {len(pages)} pages"
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_every_image_exists(pages, html_dir):
    """Sphinx checks the images of the pages it reads; figures glued from a notebook into a
    chapter text are added after that (by myst-nb), as are images in raw HTML."""
    missing = [
        f"{path.relative_to(html_dir)}: {img['src']}"
        for path, soup in pages.items()
        for img in soup.select("img[src]")
        if (target := local_target(path, img["src"])) and not target[0].is_file()
    ]
    assert not missing, "missing images:\n" + "\n".join(missing)


def test_every_image_has_alt_text_that_says_what_it_shows(pages, html_dir):
    # left alone, myst-nb gives a notebook figure its file path as alt text
    bad = [
        f"{path.relative_to(html_dir)}: {img.get('src')} has alt {img.get('alt')!r}"
        for path, soup in pages.items()
        for img in soup.select("article img")
        if len(img.get("alt", "").strip()) < 12 or "_images/" in img.get("alt", "")
    ]
    assert not bad, "images without a description:\n" + "\n".join(bad)


def test_notebook_figures_have_their_description_as_alt_text(pages, html_dir, executed_dir):
    """On the notebook's page and where a chapter text glues it (book/_ext/pages.py), a figure's
    alt text is its description (its text form, aeutils.book.describe_figures)."""
    descriptions = {}  # myst-nb names an output image by the sha256 of its bytes
    for notebook in executed_dir.glob("*.ipynb"):
        for cell in load_notebook(notebook)["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                text = "".join(data.get("text/plain", ""))
                if "image/png" in data and text.startswith("Figure"):
                    digest = hashlib.sha256(base64.b64decode(data["image/png"])).hexdigest()
                    descriptions[digest] = " ".join(text.split())
    found = {"book": 0, "notebooks": 0}
    wrong = []
    for path, soup in pages.items():
        for img in soup.select("article img"):
            description = descriptions.get(Path(img["src"]).stem)
            if description is None:
                continue
            found[path.relative_to(html_dir).parts[0]] += 1
            if " ".join(img.get("alt", "").split()) != description:
                wrong.append(f"{path.relative_to(html_dir)}: {img['src']}: {img.get('alt')!r}")
    assert found["book"] >= len(CHAPTER_TEXTS) and found["notebooks"] >= len(NOTEBOOKS), found
    assert not wrong, "figures without their description as alt text:\n" + "\n".join(wrong)


def test_no_script_is_written_twice_on_a_page(pages, html_dir):
    # Sphinx 7.4 writes extensions' inline scripts twice (book/_ext/pages.py drops the repeats):
    # a repeated `const` declaration is an error in the browser
    repeated = []
    for path, soup in pages.items():
        scripts = [str(script) for script in soup.select("head script")]
        repeated += [
            f"{path.relative_to(html_dir)}: {s[:80]}" for s in set(scripts) if scripts.count(s) > 1
        ]
    assert not repeated, "scripts written twice:\n" + "\n".join(repeated)


def test_each_page_has_one_title(pages, html_dir):
    # the build refuses skipped heading levels (MyST's myst.header warning), not a second h1
    bad = [
        f"{path.relative_to(html_dir)}: {len(titles)} h1 headings"
        for path, soup in pages.items()
        if (article := soup.select_one("article")) is not None
        and len(titles := article.find_all("h1")) != 1
    ]
    assert not bad, "pages without exactly one title:\n" + "\n".join(bad)


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
def test_each_checked_claim_is_marked_with_its_numbers(pages, html_dir, executed_dir, text):
    """Every claim the notebook ran carries a mark on its chapter's text or notebook page (on
    both where both say the sentence), and every mark is one of those claims."""
    records = claim_records(executed_dir / f"{text.stem}.ipynb")
    assert len(records) >= 3, f"{text.stem}: {len(records)} claims ran"
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

"""Sphinx extension: mark each sentence the notebooks checked with `aeutils.claim`.

The executed notebooks (from the execution cache, or myst-nb's output folder) carry one record per
claim in the metadata of its output. A claim of notebook chNN applies to the pages of chapter NN
(its text and its notebook): after reading, every claim's sentence must be found there, or the build
warns (and, with warnings as errors, fails), so words and checks cannot drift apart. When a page is
written, a small ✓ (or, in quick test builds, a ✗) follows the sentence, with the numbers it was
checked against as its tooltip.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from aeutils.book import claim_records, key_positions, sentence_key

LOGGER = logging.getLogger(__name__)
CHAPTER = re.compile(r"(?:^|/)(ch\d\d)")
SKIP = (nodes.literal_block, nodes.literal, nodes.math, nodes.math_block, nodes.raw, nodes.comment)


def executed_notebook(app, docname: str) -> dict:
    """The notebook page `docname` as executed in this build. In cache mode it comes from the
    execution cache: for a cache hit, myst-nb's output folder holds the notebook without outputs."""
    config = app.env.mystnb_config
    if config.execution_mode == "cache":
        from jupyter_cache import get_cache

        try:
            cache = get_cache(config.execution_cache_path)
            return cache.merge_match_into_file(str(Path(app.srcdir, docname + ".ipynb")))[1]
        except KeyError:  # not cached: executed now, or failed (which the build reports)
            pass
    return json.loads(Path(config.output_folder, docname + ".ipynb").read_text())


def _claims(app) -> dict[str, list[dict]]:
    """Chapter ("ch03") -> the claim records of its notebook, read once per build."""
    if getattr(app, "aeutils_claims", None) is None:
        app.aeutils_claims = {
            CHAPTER.search(docname).group(1): claim_records(executed_notebook(app, docname))
            for docname in sorted(app.env.found_docs)
            if docname.startswith("notebooks/") and CHAPTER.search(docname)
        }
    return app.aeutils_claims


def _runs(doctree: nodes.Node):
    """Runs of adjacent text nodes outside code and maths: a sentence of the source lies in one
    run (MyST makes each source line its own node) unless inline markup interrupts it."""
    for element in list(doctree.findall(nodes.Element)):
        parent = element
        while parent is not None and not isinstance(parent, SKIP):
            parent = parent.parent
        if parent is not None:
            continue
        run = []
        for child in [*element.children, None]:
            if isinstance(child, nodes.Text):
                run.append(child)
            elif run:
                yield run
                run = []


def _find(text: str, key: str) -> int | None:
    """End index in `text` of the first occurrence of the sentence key `key`, or None."""
    chars = key_positions(text)
    start = "".join(c for c, _ in chars).find(key)
    return None if start < 0 else chars[start + len(key) - 1][1] + 1


def _chapter_pages(env, chapter: str) -> list[str]:
    return [d for d in sorted(env.found_docs) if CHAPTER.search(d) and chapter in d.split("/")[-1]]


def check_consistency(app, env) -> None:
    """Warn about every claim whose sentence no page of its chapter contains (not in the
    assignment edition, whose hidden solutions may hold checked sentences)."""
    if getattr(app.config, "hide_solutions", False):
        return
    for chapter, checked in _claims(app).items():
        pages = _chapter_pages(env, chapter)
        texts = []
        for page in pages:
            texts += ["".join(run) for run in _runs(env.get_doctree(page))]
        for record in checked:
            if not any(_find(t, sentence_key(record["sentence"])) is not None for t in texts):
                LOGGER.warning(
                    "claim checked by the %s notebook not found in its pages %s: “%s”"
                    " (change the claim with the text)",
                    chapter,
                    pages,
                    record["sentence"],
                )


def _mark(record: dict) -> nodes.raw:
    numbers = ", ".join(f"{k} = {v}" for k, v in record["numbers"].items())
    if record["holds"]:
        symbol, css, label = "✓", "claim-mark", "Checked by the notebook's run"
    else:
        symbol, css, label = "✗", "claim-mark claim-false", "Not supported by this run"
    tip = f"{label}{': ' + numbers if numbers else ''}"
    html = (
        f'<span class="{css}" tabindex="0" role="note" aria-label="{escape(tip)}"'
        f' data-tip="{escape(tip)}">{symbol}</span>'
    )
    return nodes.raw("", html, format="html")


def mark_claims(app, doctree: nodes.document, docname: str) -> None:
    """Put a mark after the first occurrence of each of the chapter's claims on this page."""
    match = CHAPTER.search(docname)
    if app.builder.format != "html" or match is None:
        return
    pending = list(_claims(app).get(match.group(1), []))
    for run in _runs(doctree):
        text = "".join(run)
        found = []
        for record in list(pending):
            end = _find(text, sentence_key(record["sentence"]))
            if end is not None:
                found.append((end, record))
                pending.remove(record)
        for end, record in sorted(found, key=lambda item: item[0], reverse=True):
            _insert(run, end, _mark(record))


def _insert(run: list[nodes.Text], end: int, mark: nodes.Node) -> None:
    """Put `mark` at character `end` of the run's joined text, splitting the node it falls in
    (the run keeps both halves, so later insertions still find their place)."""
    offset = 0
    for i, node in enumerate(run):
        if end <= offset + len(node):
            cut = end - offset
            before, after = nodes.Text(node[:cut]), nodes.Text(node[cut:])
            node.parent.replace(node, [before, mark, after])
            run[i : i + 1] = [before, after]
            return
        offset += len(node)


def add_static(app) -> None:
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("builder-inited", add_static)
    app.connect("env-check-consistency", check_consistency)
    app.connect("doctree-resolved", mark_claims)
    app.add_css_file("claims.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

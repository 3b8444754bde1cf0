"""Sphinx extension: two fixes to the book's HTML pages.

- A notebook figure gets its text description as alt text, on the notebook's page and where a
  chapter text glues it (`{glue}` with `:doc:`): `aeutils.book.describe_figures` makes a figure's
  text form describe it ("Figure: ..."), and myst-nb would give the image its file path.
- Each script is written once per page: Sphinx 7.4 writes the inline scripts of extensions twice,
  once with the file name None and once with "" (fixed in Sphinx 8.2, sphinx-doc/sphinx#13402),
  and the repeated `const THEBE_JS_URL = ...` makes the browser log "Identifier 'THEBE_JS_URL'
  has already been declared".
"""

from __future__ import annotations

from docutils import nodes
from myst_nb.core.render import get_mime_priority
from myst_nb.ext.glue.crossref import generate_any_nodes, read_glue_cache
from myst_nb.ext.glue.utils import PendingGlueReference
from sphinx.transforms.post_transforms import SphinxPostTransform


def describe(found: list[nodes.Node], text: str) -> None:
    """Give the images in `found` that have no alt text `text`, if it describes a figure."""
    if text.startswith("Figure"):
        for node in found:
            for image in node.findall(nodes.image):
                image.setdefault("alt", text)


class DescribeOutputFigures(SphinxPostTransform):
    """Give the image of each notebook output the description in the same output's text form."""

    # Before myst-nb keeps only the image: SelectMimeType (4) picks one of an output's forms, and
    # ReplacePendingGlueReferences (5) turns a figure glued from another page into an image.
    default_priority = 3

    def run(self, **kwargs) -> None:
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") == "mime_bundle":
                texts = [c.astext() for c in bundle.children if c.get("mime_type") == "text/plain"]
                describe([bundle], texts[0] if texts else "")
        self.describe_glued_figures()

    def describe_glued_figures(self) -> None:
        """Resolve the figures glued from other pages as myst-nb would, with their description."""
        builder, glued = self.app.builder, {}  # glued: page -> what its notebook glued
        priority = get_mime_priority(builder.name, self.config.nb_mime_priority_overrides)
        for pending in list(self.document.findall(PendingGlueReference)):
            if pending.gtype == "text":
                continue
            if pending.refdoc not in glued:
                folder = self.env.mystnb_config.output_folder
                glued[pending.refdoc] = read_glue_cache(folder, pending.refdoc)
            output = glued[pending.refdoc].get(pending.key, {})
            text = "".join(output.get("data", {}).get("text/plain", ""))
            if text.startswith("Figure"):  # anything else is left to myst-nb
                found = generate_any_nodes(pending, output, priority, builder, self.env)
                if found:
                    describe(found, text)
                    pending.replace_self(found)


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    """Keep the first of the page's script files that differ only in a file name None or ""."""
    unique = {}
    for script in context.get("script_files", []):
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        unique.setdefault(key, script)
    context["script_files"] = list(unique.values())


def setup(app):
    app.add_post_transform(DescribeOutputFigures)
    app.connect("html-page-context", drop_repeated_scripts, priority=900)  # after the others
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

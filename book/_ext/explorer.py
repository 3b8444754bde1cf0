"""Sphinx extension: in-page explorers that run the notebooks' own trained models in the browser.

A chapter places one with

    ```{explorer} latent-map
    :notebook: ../notebooks/ch07-plain-ae-does-not-generate.ipynb

    What the reader can do, and which notebook trained the models (MyST).
    ```

The notebook glues the widget's data when it runs (`aeutils.explorer.export("latent-map", ...)`).
The build writes them to `_static/explorer-data/<notebook>--<kind>.js`, and the page loads the
shared code (`static/explorer/core.js`), the widget's own script (`static/explorer/<kind>.js`)
and its style; the data script is loaded only when the widget comes near the screen. Everything
is served by the book, so it works offline and from `file://`. Without JavaScript the widget
stays hidden and the chapter's static figure tells the story.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from myst_nb.ext.glue.crossref import read_glue_cache
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from aeutils.explorer import MIME

LOGGER = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
KINDS = tuple(p.stem for p in sorted((STATIC / "explorer").glob("*.js")) if p.stem != "core")
DATA_FOLDER = "explorer-data"  # in the site's _static folder


class explorer(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """A widget's place on the page: the app the script builds, then the caption."""


def data_file(node: explorer) -> str:
    """Where the site keeps the data of this explorer: one file per notebook and kind."""
    return f"_static/{DATA_FOLDER}/{Path(node['source']).name}--{node['kind']}.js"


def visit_explorer(self, node: explorer) -> None:
    src = relative_uri(self.builder.get_target_uri(self.builder.current_docname), data_file(node))
    attributes = "" if node.get("missing") else f' data-src="{src}" data-bytes="{node["bytes"]}"'
    self.body.append(
        f'<div class="ae-explorer" data-explorer="{node["kind"]}"{attributes} hidden>'
        '<div class="ae-explorer-app"></div><div class="ae-explorer-caption">'
    )


def depart_explorer(self, node: explorer) -> None:
    self.body.append("</div></div>\n")


class ExplorerDirective(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {"notebook": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0]
        if kind not in KINDS:
            raise self.error(f"explorer: unknown kind {kind!r}; the kinds are {', '.join(KINDS)}")
        if "notebook" not in self.options:
            raise self.error(f"explorer {kind}: name the notebook that exports its data")
        _, path = self.env.relfn2path(self.options["notebook"], self.env.docname)
        source = self.env.path2doc(path)
        if source is None:
            raise self.error(f"explorer {kind}: no notebook {self.options['notebook']!r}")
        node = explorer(kind=kind, source=source)
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def data_script(app, kind: str, source: str) -> str | None:
    """The script that hands the browser what notebook `source` glued for `kind`, or None."""
    key = f"explorer_{kind.replace('-', '_')}"
    glued = read_glue_cache(app.env.mystnb_config.output_folder, source).get(key, {})
    data = glued.get("data", {}).get(MIME)
    if data is None:
        return None
    return f"AEExplorer.register({json.dumps(kind)}, {json.dumps(data, separators=(',', ':'))});\n"


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as file:
        file.write(text)
    os.chmod(file.name, 0o644)  # readable by a web server, as the build's other files
    os.replace(file.name, path)


def write_data(app, doctree, docname) -> None:
    """Write the data of the page's explorers (each file once per build); an explorer whose
    notebook glued none gets a warning (an error in the book's builds) and stays hidden."""
    written = app.__dict__.setdefault("explorer_data_written", {})  # this build: path -> bytes
    for node in doctree.findall(explorer):
        kind, path = node["kind"], data_file(node)
        if path in written:
            node["bytes"] = written[path]
            continue
        script = data_script(app, kind, node["source"])
        if script is None:
            node["missing"] = True
            LOGGER.warning(
                f"explorer {kind}: {node['source']} glued no data for it (does the notebook"
                f" call aeutils.explorer.export({kind!r}, ...)?)",
                type="explorer",
                subtype="data",
                location=node,
            )
        else:
            write_atomically(Path(app.outdir, path), script)
            written[path] = node["bytes"] = len(script.encode())


def add_page_scripts(app, pagename, templatename, context, doctree) -> None:
    """A page with explorers loads the shared code, each widget's script and the style."""
    kinds = sorted({node["kind"] for node in doctree.findall(explorer)}) if doctree else []
    if kinds:
        app.add_css_file("explorer/explorer.css")
        app.add_js_file("explorer/core.js", loading_method="defer")
    for kind in kinds:
        app.add_js_file(f"explorer/{kind}.js", loading_method="defer")


def add_static(app) -> None:
    if str(STATIC) not in app.config.html_static_path:  # claims.py serves this folder too
        app.config.html_static_path.append(str(STATIC))


def setup(app):
    app.add_node(explorer, html=(visit_explorer, depart_explorer))
    app.add_directive("explorer", ExplorerDirective)
    app.connect("builder-inited", add_static)
    app.connect("doctree-resolved", write_data)
    app.connect("html-page-context", add_page_scripts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: the book serves MathJax itself, so its formulas render offline.

MathJax's browser bundle is fetched once from the npm registry (`npm pack`) into the repository's
_build/vendor/ and copied into every build of the site: `make book` and a plain
`jupyter-book build .` alike. Without npm, or when npm cannot fetch it, the build stops and says
what to do; it never falls back to a CDN, which offline readers could not reach.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sphinx.errors import ExtensionError

VERSION = "3.2.2"
SITE = Path(__file__).resolve().parents[2] / "_build" / "vendor" / f"mathjax-{VERSION}"


def vendored() -> Path:
    """A folder holding mathjax/ (MathJax's es5 bundle), fetched once with npm."""
    if (SITE / "mathjax" / "tex-mml-chtml.js").is_file():
        return SITE
    npm = shutil.which("npm")
    if npm is None:
        raise ExtensionError(
            f"npm not found: the book serves MathJax {VERSION} itself (formulas render offline)"
            " and fetches it once with npm. Install Node.js with npm (Debian/Ubuntu: sudo"
            " apt-get install npm; macOS: brew install node; conda: conda install nodejs), then"
            " build again."
        )
    SITE.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=SITE.parent) as tmp:
        command = [npm, "pack", f"mathjax@{VERSION}", "--pack-destination", tmp]
        result = subprocess.run(
            [*command, "--loglevel=error"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        if result.returncode != 0:
            raise ExtensionError(
                f"`{' '.join(command[:3])}` failed (exit {result.returncode}):\n"
                f"{result.stderr.decode(errors='replace').strip()}\n"
                "npm needs the npm registry once: check the network (or npm's proxy and registry"
                " settings: npm config get registry), then build again."
            )
        (tarball,) = Path(tmp).glob("mathjax-*.tgz")
        with tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
        site = Path(tmp) / "site"
        site.mkdir()
        (Path(tmp) / "package" / "es5").rename(site / "mathjax")
        try:
            os.replace(site, SITE)  # atomic: parallel builds never see half a copy
        except OSError:
            if not SITE.is_dir():
                raise
    print(f"MathJax {VERSION} vendored into {SITE}")
    return SITE


def serve_vendored(app, config) -> None:
    config.html_extra_path = [*config.html_extra_path, str(vendored())]
    config.mathjax_path = "../mathjax/tex-mml-chtml.js"  # relative to _static/: the site's root


def setup(app):
    app.connect("config-inited", serve_vendored)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Build the HTML book with warnings as errors.

    python tools/build_book.py                       # the book at full settings -> _build/html
    python tools/build_book.py --executed DIR --out OUT [--only ch03 ch06]
        # from notebooks already executed (in quick mode, by the tests) -> OUT/src/_build/html

The execution cache of Jupyter Book keys on a notebook's code only, so a change to aeutils or to the
pinned requirements would otherwise leave stale outputs: the cache is cleared when they change.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
SOURCES = ("_config.yml", "_toc.yml", "references.bib", "book")
BUILD_FLAGS = ["-W", "-n", "--keep-going", "--builder", "html"]


def dependencies_digest() -> str:
    """SHA-256 over aeutils' source files and the lock file: what the cached outputs depend on."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("aeutils/**/*.py"), ROOT / "requirements" / "lock.txt"]):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def invalidate_stale_cache() -> None:
    stamp = CACHE / "aeutils.sha256"
    current = dependencies_digest()
    if CACHE.exists() and (not stamp.exists() or stamp.read_text() != current):
        print("aeutils or the requirements changed since the last build: clearing the cache")
        shutil.rmtree(CACHE)
    CACHE.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)


def stage_executed(executed: Path, out: Path, only: list[str] | None = None) -> Path:
    """Copy the book's sources and the executed notebooks to OUT/src, with execution turned off.

    With `only` (chapter prefixes such as "ch03"), the staged table of contents keeps just those
    chapters (and the pages that are not chapters), for a quick look at work in progress.
    """
    src = out / "src"
    shutil.rmtree(out, ignore_errors=True)
    src.mkdir(parents=True)
    for name in SOURCES:
        path = ROOT / name
        (shutil.copytree if path.is_dir() else shutil.copy2)(path, src / name)

    def wanted(name: str) -> bool:
        return only is None or any(name.startswith(prefix) for prefix in only)

    notebooks = sorted(p for p in executed.glob("*.ipynb") if wanted(p.name))
    expected = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb") if wanted(p.name))
    if [p.name for p in notebooks] != expected:
        sys.exit(f"--executed {executed}: expected the notebooks {expected}, found {notebooks}")
    (src / "notebooks").mkdir()
    for notebook in notebooks:
        shutil.copy2(notebook, src / "notebooks" / notebook.name)
    config = yaml.safe_load((src / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    (src / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    if only is not None:
        toc = yaml.safe_load((src / "_toc.yml").read_text())
        for part in toc["parts"]:
            part["chapters"] = [
                c
                for c in part["chapters"]
                if not Path(c["file"]).name.startswith("ch") or wanted(Path(c["file"]).name)
            ]
        toc["parts"] = [part for part in toc["parts"] if part["chapters"]]
        (src / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    return src


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--executed", type=Path, help="folder of executed notebooks to build from")
    parser.add_argument("--out", type=Path, help="output folder (with --executed)")
    parser.add_argument("--only", nargs="+", help="with --executed: only these chapters (ch03 ...)")
    args = parser.parse_args()
    if args.executed:
        if args.out is None:
            parser.error("--executed needs --out")
        source = stage_executed(args.executed, args.out, args.only)
    else:
        invalidate_stale_cache()
        source = ROOT
    html = source / "_build" / "html"
    jupyter_book = Path(sys.executable).with_name("jupyter-book")  # the one next to this Python
    command = [str(jupyter_book), "build", str(source), *BUILD_FLAGS]
    print(" ".join(command), flush=True)
    status = subprocess.call(command)
    if status == 0:
        print(f"HTML: {html / 'index.html'}")
    return status


if __name__ == "__main__":
    sys.exit(main())

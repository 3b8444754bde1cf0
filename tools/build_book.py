"""Build the HTML book with warnings as errors.

    python tools/build_book.py                       # the book at full settings -> _build/html
    python tools/build_book.py --export-cache DIR    # notebooks as executed by the last full build
    python tools/build_book.py --executed DIR --out OUT [--only ch03 ch06] [--student]
        # from notebooks already executed (in quick mode, by the tests) -> OUT/src/_build/html

The execution cache of Jupyter Book keys on a notebook's code only, so a change to aeutils, to the
pinned requirements or to the data would otherwise leave stale outputs: the cache is cleared when
they change. At full settings every claim must hold ($AEUTILS_STRICT_CLAIMS=1: a false one stops the
build), and torch runs a fixed number of threads ($AEUTILS_THREADS, default min(2, cores)), so two
builds on one machine glue the same numbers.

MathJax is served from the book itself, so formulas render offline (book/_ext/offline_mathjax.py).

--student builds the assignment edition: exercise solutions hidden in the text, solution cells
removed from the notebooks and the outputs of their self-checks cleared.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml
from assignments import write_student_notebook  # tools/assignments.py

from aeutils.book import STRICT_ENV, claim_records
from aeutils.runtime import THREADS_ENV, available_cpus

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
SOURCES = ("_config.yml", "_toc.yml", "references.bib", "book")
BUILD_FLAGS = ["-W", "-n", "--keep-going", "--builder", "html"]


def dependencies_digest() -> str:
    """SHA-256 over aeutils' source files, the lock file and the MNIST files the notebooks will
    read: what the cached outputs depend on besides the notebooks' code."""
    from aeutils.data import resolve_data_root

    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("aeutils/**/*.py"), ROOT / "requirements" / "lock.txt"]):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    for path in sorted((resolve_data_root() / "MNIST" / "raw").glob("*-ubyte")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def invalidate_stale_cache() -> None:
    stamp = CACHE / "aeutils.sha256"
    current = dependencies_digest()
    if CACHE.exists() and (not stamp.exists() or stamp.read_text() != current):
        print(
            "aeutils, the requirements or the data changed since the last build: clearing the cache"
        )
        shutil.rmtree(CACHE)
    CACHE.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)


def configure(config: dict, student: bool = False) -> dict:
    """The book's configuration (and the assignment edition's settings)."""
    extensions = config["sphinx"]["local_extensions"]  # wherever the configuration is written
    config["sphinx"]["local_extensions"] = {k: str(ROOT / v) for k, v in extensions.items()}
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    if student:
        sphinx_config["hide_solutions"] = True
        config["title"] = f"{config['title']} (assignment edition)"
    return config


CHAPTER = re.compile(r"ch\d\d")  # a chapter's file-name prefix


def claims_per_chapter(executed: Path) -> dict[str, tuple[int, int]]:
    """Notebook name -> (claims checked, claims that held) in the executed notebooks."""
    counts = {}
    for path in sorted(executed.glob("*.ipynb")):
        records = claim_records(path)
        counts[path.stem] = (len(records), sum(r["holds"] for r in records))
    return counts


def report_claims(executed: Path) -> None:
    counts = claims_per_chapter(executed)
    print("Claims checked by the run (held / checked):")
    for name, (checked, held) in counts.items():
        print(f"  {name:<40} {held:>3} / {checked}")
    total = [sum(c[i] for c in counts.values()) for i in (0, 1)]
    print(f"  {'all chapters':<40} {total[1]:>3} / {total[0]}")


def export_cached(out: Path) -> None:
    """Write each notebook as executed by the last `make book` (from the execution cache) to OUT."""
    from jupyter_cache import get_cache

    cache = get_cache(str(CACHE))
    out.mkdir(parents=True, exist_ok=True)
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        match = cache.merge_match_into_file(str(notebook))  # raises KeyError if not cached
        nbformat.write(match[1], out / notebook.name)


def stage_executed(
    executed: Path, out: Path, only: list[str] | None = None, student: bool = False
) -> Path:
    """Copy the book's sources and the executed notebooks to OUT/src, with execution turned off.

    With `only` (chapter prefixes such as "ch03"), the staged table of contents keeps just those
    chapters and the other pages that refer to no left-out chapter, for a quick look at work in
    progress.
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
        if student:
            write_student_notebook(notebook, src / "notebooks" / notebook.name)
    config = configure(yaml.safe_load((src / "_config.yml").read_text()), student)
    config["execute"]["execute_notebooks"] = "off"
    if only is not None:
        toc = yaml.safe_load((src / "_toc.yml").read_text())

        def keep(page: str) -> bool:  # a chosen chapter, or a page citing no other chapter
            name = Path(page).name
            if CHAPTER.match(name):
                return wanted(name)
            text = next((src / page).parent.glob(f"{name}.*")).read_text()
            return all(wanted(chapter) for chapter in CHAPTER.findall(text))

        for part in toc["parts"]:
            part["chapters"] = [c for c in part["chapters"] if keep(c["file"])]
        toc["parts"] = [part for part in toc["parts"] if part["chapters"]]
        # Links to the pages left out (e.g. the index's link to the instructor page) stay broken,
        # and explorers whose notebook is left out stay hidden.
        config["sphinx"]["config"]["suppress_warnings"] = ["ref.doc", "explorer.data"]
        (src / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    (src / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return src


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--executed", type=Path, help="folder of executed notebooks to build from")
    parser.add_argument("--out", type=Path, help="output folder (with --executed)")
    parser.add_argument("--only", nargs="+", help="with --executed: only these chapters (ch03 ...)")
    parser.add_argument(
        "--student", action="store_true", help="with --executed: assignment edition"
    )
    parser.add_argument(
        "--export-cache",
        type=Path,
        help="write the notebooks executed by `make book` to this folder",
    )
    args = parser.parse_args()
    jupyter_book = Path(sys.executable).with_name("jupyter-book")  # the one next to this Python
    if args.export_cache:
        export_cached(args.export_cache)
        return 0
    if args.executed:
        if args.out is None:
            parser.error("--executed needs --out")
        source = stage_executed(args.executed, args.out, args.only, args.student)
        command = [str(jupyter_book), "build", str(source), *BUILD_FLAGS]
    else:
        if args.only or args.student:
            parser.error("--only and --student need --executed")
        invalidate_stale_cache()
        os.environ[STRICT_ENV] = "1"  # the kernels inherit it: a false claim stops the build
        os.environ.setdefault(THREADS_ENV, str(min(2, available_cpus())))
        print(f"torch threads in every notebook: {os.environ[THREADS_ENV]}")
        source = ROOT
        generated = ROOT / "_build" / "_config.generated.yml"
        config = configure(yaml.safe_load((ROOT / "_config.yml").read_text()))
        generated.write_text(yaml.safe_dump(config, sort_keys=False))
        command = [str(jupyter_book), "build", str(source), "--config", str(generated)]
        # --all: every page is written again, so each carries the marks of this run's claims
        # (notebooks are still taken from the execution cache)
        command += [*BUILD_FLAGS, "--all"]
    print(" ".join(command), flush=True)
    status = subprocess.call(command)
    if status == 0:
        executed = source / "_build" / "jupyter_execute" / "notebooks"
        if not args.executed:  # for cache hits that folder holds notebooks without outputs
            executed = ROOT / "_build" / "executed"
            export_cached(executed)
        report_claims(executed)
        print(f"HTML: {source / '_build' / 'html' / 'index.html'}")
    return status


if __name__ == "__main__":
    sys.exit(main())

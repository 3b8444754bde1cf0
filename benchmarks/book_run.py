"""Whole-book execution: every notebook run top to bottom with papermill, one after the other,
at full settings or in quick mode, starting from an empty model cache (so training is measured).

Each notebook runs in a child Python process that executes it with papermill; the kernel is that
child's own child, so after it exits the child reads the kernel's peak resident memory from
`getrusage(RUSAGE_CHILDREN)` (exact, not sampled) and reports it with the wall time.
`book_binder` runs them with another environment's Python ($BENCH_PYTHON): Binder's, whose
PyTorch is the CPU-only build (environment.yml), lighter to import than a CUDA build.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from aeutils.runtime import available_cpus

from .common import Check, Outcome

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PREFIXES_ENV = "BENCH_NOTEBOOKS"  # e.g. "ch00 ch01": run only notebooks whose names start so
# A folder (absent or empty) to keep the run's trained models (models/, e.g. for a following
# `AEUTILS_CACHE=DIR/models make book`) and executed notebooks (notebooks/) in; by default both
# go to a temporary folder.
KEEP_ENV = "BENCH_KEEP"
PYTHON_ENV = "BENCH_PYTHON"  # book_binder: the Python of an environment made from environment.yml
MIB = 1024 * 1024

CHILD = r"""
import json, resource, sys, time, papermill
source, out, quick = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
start = time.perf_counter()
error = None
try:
    papermill.execute_notebook(source, out, parameters={"QUICK": True} if quick else {},
                               cwd=str(__import__("pathlib").Path(source).parent),
                               kernel_name="python3", progress_bar=False)
except Exception as exc:
    error = f"{type(exc).__name__}: {str(exc)[-500:]}"
seconds = time.perf_counter() - start
kernel = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
runner = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "kernel_kib": kernel, "runner_kib": runner,
                  "error": error}))
"""


def notebooks(quick_suite: bool) -> list[Path]:
    """The notebooks to run: all of notebooks/ (only the first in the quick suite), filtered by
    the name prefixes in $BENCH_NOTEBOOKS if set."""
    found = sorted(NOTEBOOKS.glob("*.ipynb"))
    prefixes = os.environ.get(PREFIXES_ENV, "").split()
    if prefixes:
        found = [p for p in found if p.name.startswith(tuple(prefixes))]
    return found[:1] if quick_suite else found


def run_notebook(
    path: Path, out: Path, quick: bool, env: dict, python: str = sys.executable
) -> dict:
    result = subprocess.run(
        [python, "-c", CHILD, str(path), str(out), "1" if quick else "0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        report = {
            "seconds": 0.0,
            "kernel_kib": 0,
            "runner_kib": 0,
            "error": f"runner failed: {result.stderr[-500:]}",
        }
    return {
        "notebook": path.name,
        "seconds": round(report["seconds"], 1),
        "peak_mib": round(report["kernel_kib"] / 1024, 1),
        "runner_peak_mib": round(report["runner_kib"] / 1024, 1),
        "ok": report["error"] is None,
        "error": report["error"] or "",
    }


IDLE_IMPORTS = "import aeutils, matplotlib.pyplot, numpy, scipy, sklearn.decomposition, torch"


def idle_kernel(folder: Path, env: dict, python: str) -> dict:
    """A kernel that only imports what the notebooks import: the memory every notebook starts
    from, so that the rows can show what each notebook adds."""
    import nbformat

    path = folder / "idle-kernel.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(IDLE_IMPORTS)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, path)
    return run_notebook(path, folder / "idle-kernel.out.ipynb", False, env, python)


def work_folder(tmp: Path) -> Path:
    """Where the run's models and notebooks go: $BENCH_KEEP if set (absent or empty), else `tmp`."""
    kept = os.environ.get(KEEP_ENV)
    if not kept:
        return tmp
    folder = Path(kept).expanduser().resolve()
    if folder.exists() and any(folder.iterdir()):
        raise SystemExit(
            f"${KEEP_ENV}={kept}: expected an empty or absent folder, so that every model is"
            " trained and timed; it holds files"
        )
    return folder


@functools.cache
def torch_build(python: str) -> tuple[str, str | None]:
    """The torch version `python` imports and its CUDA version (None for a CPU-only build); asked
    once per interpreter (run.py's check, book_binder's and the row's settings all need it)."""
    probe = "import json, torch; print(json.dumps([torch.__version__, torch.version.cuda]))"
    result = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{python} cannot import torch: {result.stderr.strip()[-300:]}")
    version, cuda = json.loads(result.stdout.strip().splitlines()[-1])
    return version, cuda


def book(
    quick_mode: bool, quick_suite: bool, python: str = sys.executable, where: str = ""
) -> Outcome:
    paths = notebooks(quick_suite)
    kernel_torch, _ = torch_build(python)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        work = work_folder(Path(tmp))
        (work / "notebooks").mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "AEUTILS_CACHE": str(work / "models")}  # empty: train for real
        # threads as the runs this measures: `make book` (up to 2) or `make test` (1 per notebook)
        threads = 1 if quick_mode else min(2, available_cpus())
        env.setdefault("AEUTILS_THREADS", str(threads))
        if not quick_mode:
            env["AEUTILS_STRICT_CLAIMS"] = "1"  # as `make book`: a false claim fails the notebook
        idle = idle_kernel(Path(tmp), env, python)
        print(f"  idle kernel (imports only): {idle['peak_mib']:.0f} MiB", flush=True)
        for i, path in enumerate(paths, 1):
            row = run_notebook(path, work / "notebooks" / path.name, quick_mode, env, python)
            row["added_mib"] = round(row["peak_mib"] - idle["peak_mib"], 1)
            rows.append(row)
            status = "ok" if row["ok"] else f"FAILED: {row['error'][:200]}"
            print(
                f"  [{i}/{len(paths)}] {path.name:<40} {row['seconds']:>7.1f} s"
                f" {row['peak_mib']:>7.0f} MiB  {status}",
                flush=True,
            )
    total = sum(r["seconds"] for r in rows)
    peak = max((r["peak_mib"] for r in rows), default=0.0)
    limit = 180 if quick_mode else 900
    slowest = max(rows, key=lambda r: r["seconds"], default={"notebook": "", "seconds": 0.0})
    mode = "quick mode" if quick_mode else "full settings"
    failed = [r["notebook"] for r in rows if not r["ok"]]
    prefixes = os.environ.get(PREFIXES_ENV, "")
    what = f"notebooks {prefixes.replace(' ', ', ')}" if prefixes else "whole book"
    what += where
    checks = [
        Check(
            f"{what} at {mode}: total wall time",
            total,
            limit,
            "<=",
            "s",
            "",
            [],
            f"{len(rows)} notebook(s), one after the other"
            + (f"; FAILED: {', '.join(failed)}" if failed else ""),
        ),
        Check(
            f"{what} at {mode}: slowest notebook",
            slowest["seconds"],
            45 if quick_mode else 180,
            "<=",
            "s",
            "",
            [],
            slowest["notebook"],
        ),
        Check(
            f"{what} at {mode}: peak memory of any notebook",
            peak,
            1536,
            "<=",
            "MiB",
            "",
            [],
            "kernel's peak resident memory; Binder gives about 2 GB",
        ),
    ]
    settings = {
        "mode": mode,
        "notebooks": [p.name for p in paths],
        "cache": "empty AEUTILS_CACHE" + (" (kept)" if os.environ.get(KEEP_ENV) else ""),
        "runner": "papermill, kernel python3",
        "python": python,
        "kernel_torch": kernel_torch,
        "notebook_filter": os.environ.get(PREFIXES_ENV, ""),
    }
    return Outcome(
        f"Whole-book execution at {mode}{where}",
        "book",
        checks,
        {
            "rows": rows,
            "total_seconds": total,
            "peak_mib": peak,
            "idle_kernel_mib": idle["peak_mib"],
            "failed": failed,
        },
        settings,
        {"notebooks": len(paths)},
    )


def book_full(quick: bool) -> Outcome:
    """Every notebook at full settings, one after the other: wall time and peak memory."""
    return book(quick_mode=quick, quick_suite=quick)


def book_quick(quick: bool) -> Outcome:
    """Every notebook in quick mode (QUICK=True), one after the other: wall time and peak memory."""
    return book(quick_mode=True, quick_suite=quick)


def binder_unmet() -> str:
    """Why `book_binder` cannot run here, or "" if it can."""
    python = os.environ.get(PYTHON_ENV)
    if not python:
        return (
            f"set ${PYTHON_ENV} to the Python of an environment made from environment.yml"
            " (CPU-only PyTorch) that has aeutils installed (pip install -e .)"
        )
    version, cuda = torch_build(python)
    if cuda is not None:
        return (
            f"${PYTHON_ENV}={python} imports torch {version}, a CUDA {cuda} build; Binder"
            " installs PyTorch's CPU-only build (environment.yml): expected one without CUDA"
        )
    return ""


def book_binder(quick: bool) -> Outcome:
    """Every notebook at full settings with Binder's CPU-only PyTorch: wall time and peak memory."""
    if reason := binder_unmet():
        raise SystemExit(f"book_binder: {reason}")
    return book(quick, quick, os.environ[PYTHON_ENV], where=" in Binder's environment")


book_binder.unmet = binder_unmet  # run.py asks before it starts any benchmark
BENCHMARKS = {"book_full": book_full, "book_binder": book_binder, "book_quick": book_quick}

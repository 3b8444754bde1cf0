"""The results file: one JSON object holding each benchmark's latest result, by name, each with
its own provenance, so that benchmarks can be re-run one at a time. Written atomically."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path

SCHEMA = Path(__file__).with_name("schema.json")
FORMAT = "aeutils-benchmarks-1"


def load(path: str | os.PathLike) -> dict:
    """The results in `path`, or an empty results object if the file does not exist."""
    path = Path(path)
    if not path.is_file():
        return {"format": FORMAT, "benchmarks": {}}
    results = json.loads(path.read_text())
    if results.get("format") != FORMAT:
        raise ValueError(f"{path}: not a benchmark results file (format {results.get('format')!r})")
    return results


def validate(results: dict) -> None:
    """Raise jsonschema.ValidationError if `results` does not follow benchmarks/schema.json."""
    import jsonschema

    jsonschema.validate(results, json.loads(SCHEMA.read_text()))


def merge(path: str | os.PathLike, name: str, entry: dict) -> dict:
    """Put `entry` under `name` in the results file at `path` (atomically); return all results."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        return _merge(path, name, entry)


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on a hidden `.<name>.lock` beside `path`: parallel runs merge one
    after the other."""
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _merge(path: Path, name: str, entry: dict) -> dict:
    results = load(path)
    results["benchmarks"][name] = entry
    results["benchmarks"] = dict(sorted(results["benchmarks"].items()))
    validate(results)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as file:
            json.dump(results, file, indent=1, allow_nan=False)
            file.write("\n")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the results from others
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return results

"""What the tests need to know about the course's layout: its notebooks, pages and configuration."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHAPTER_TEXTS = sorted((ROOT / "book").glob("ch*.md"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPOSITORY_URL = CONFIG["repository"]["url"]
GLUE_REFERENCE = re.compile(r"/notebooks/([\w.-]+\.ipynb)::(\w+)")


def load_notebook(path: Path) -> dict:
    return json.loads(path.read_text())


def source(cell: dict) -> str:
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def glue_references() -> dict[str, set[str]]:
    """Glue keys the chapter texts paste, per notebook file name."""
    wanted: dict[str, set[str]] = {}
    for page in CHAPTER_TEXTS:
        for notebook, key in GLUE_REFERENCE.findall(page.read_text()):
            wanted.setdefault(notebook, set()).add(key)
    for page in CHAPTER_TEXTS:  # {glue} figure directives name the key and the notebook apart
        text = page.read_text()
        for key, notebook in re.findall(r"```\{glue\} (\w+)\n:doc: [./]*notebooks/([\w.-]+)", text):
            wanted.setdefault(notebook, set()).add(key)
    return wanted


def run_quick(path: Path, out: Path) -> None:
    """Execute notebook `path` in quick mode with papermill, writing the result to `out`."""
    import papermill

    out.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(path),
        str(out),
        parameters={"QUICK": True},
        cwd=str(path.parent),
        kernel_name="python3",
        progress_bar=False,
    )

"""The assignment edition of the notebooks: solution cells removed, stubs and self-checks kept.

    python tools/assignments.py OUT_DIR      # writes OUT_DIR/<chapter>.ipynb for every notebook

A solution cell is a cell tagged `solution`. The self-check cells after them stay, with their
outputs cleared, so students run them against their own code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def student_notebook(notebook: dict) -> dict:
    """A copy of `notebook` without solution cells and without self-check outputs."""
    cells = []
    for cell in notebook["cells"]:
        if "solution" in cell.get("metadata", {}).get("tags", []):
            continue
        cell = dict(cell)
        if cell["cell_type"] == "code" and "aeutils.check(" in "".join(cell["source"]):
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    return {**notebook, "cells": cells}


def write_student_notebook(source: Path, target: Path) -> None:
    notebook = json.loads(source.read_text())
    target.write_text(json.dumps(student_notebook(notebook), indent=1, ensure_ascii=False) + "\n")


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for source in sorted((ROOT / "notebooks").glob("*.ipynb")):
        write_student_notebook(source, out / source.name)
        print(f"student notebook: {out / source.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

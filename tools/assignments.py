"""The assignment edition of the notebooks: solution cells removed, stubs and self-checks kept.

    python tools/assignments.py OUT_DIR      # writes OUT_DIR/<chapter>.ipynb for every notebook

A solution cell is a cell tagged `solution`. The self-check cells after them stay, with their
outputs cleared, so students run them against their own code. A student notebook that would still
hold a solution cell or import a reference solution (aeutils.exercises.chNN, instructor/) is not
written: the tool stops and names the cell.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# An import of a reference solution: the exercise modules' chapters or the instructor folder.
REFERENCE_IMPORT = re.compile(
    r"^\s*(from|import)\s+(aeutils\.exercises\.ch\d\d|instructor)\b"
    r"|^\s*from\s+aeutils\.exercises\s+import\s+.*\bch\d\d\b"
    r"|\.reference\b",
    re.MULTILINE,
)


def leaks(notebook: dict) -> list[str]:
    """What in `notebook` gives a solution away: solution cells and imports of a reference."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        if "solution" in cell.get("metadata", {}).get("tags", []):
            found.append(f"cell {index} is a solution cell")
        text = "".join(cell["source"])
        if cell["cell_type"] == "code" and REFERENCE_IMPORT.search(text):
            found.append(f"cell {index} imports a reference: {REFERENCE_IMPORT.search(text)[0]!r}")
    return found


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
    """Write the student notebook of `source`; refuse if it would still give a solution away."""
    student = student_notebook(json.loads(source.read_text()))
    problems = leaks(student)
    if problems:
        raise SystemExit(f"{source.name}: the student notebook leaks: {'; '.join(problems)}")
    target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n")


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

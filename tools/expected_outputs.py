"""The quick-mode outputs the nbval stage expects, kept in the repository.

Cells tagged `nbval-check-output` print numbers that depend on what the course's code does: data
sizes, parameter counts, self-check results and numbers of trained models. Their outputs from a
quick-mode run (one torch thread) are recorded in tests/notebooks/expected/<notebook>.json, keyed by
cell id. The nbval stage of `make test` then re-runs each notebook and compares those cells with the
recorded outputs, so a change of behaviour anywhere (aeutils, a notebook, a dependency) fails the
stage, and so does a training run that does not repeat.

    python tools/expected_outputs.py record DIR        # record from notebooks executed into DIR
    python tools/expected_outputs.py compose DIR OUT   # for nbval: DIR's code, recorded outputs

After a change of behaviour that is intended, run `make test` (it fails at the nbval stage), then
`python tools/expected_outputs.py record _build/test/notebooks` and commit the changed JSON files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "notebooks" / "expected"
TAG = "nbval-check-output"
TEXT_KINDS = ("text/plain", "application/papermill.record/text/plain")


def checked_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in notebook.cells if TAG in c.get("metadata", {}).get("tags", [])]


def text_outputs(cell: nbformat.NotebookNode, where: str) -> list[dict]:
    """The cell's outputs, which must all be text: nbval cannot compare figures sensibly."""
    outputs = []
    for output in cell.outputs:
        if output.output_type == "stream":
            outputs.append({"output_type": "stream", "name": output.name, "text": output.text})
            continue
        kinds = set(output.get("data", {}))
        if output.output_type not in ("display_data", "execute_result") or not kinds <= set(
            TEXT_KINDS
        ):
            raise ValueError(
                f"{where}: a cell tagged {TAG!r} must print text only, got a "
                f"{output.output_type} with {sorted(kinds)}; move the figure to another cell"
            )
        outputs.append(dict(output))
    return outputs


def record(executed: Path) -> None:
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for path in sorted(executed.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        if notebook.metadata.get("papermill", {}).get("exception"):
            raise SystemExit(f"{path}: the run stopped with an error; nothing recorded from it")
        expected = {
            cell.id: text_outputs(cell, f"{path.name}, cell {cell.id}")
            for cell in checked_cells(notebook)
        }
        target = EXPECTED / f"{path.stem}.json"
        target.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
        print(f"{target.relative_to(ROOT)}: {len(expected)} cells")


def compose(executed: Path, out: Path) -> None:
    """Copies of DIR's notebooks for nbval: outputs cleared, except the recorded ones."""
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(executed.glob("*.ipynb")):
        source = EXPECTED / f"{path.stem}.json"
        if not source.is_file():
            raise SystemExit(
                f"no expected outputs for {path.name} in {EXPECTED.relative_to(ROOT)}; record "
                "them with: python tools/expected_outputs.py record _build/test/notebooks"
            )
        expected = json.loads(source.read_text())
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        for cell in checked_cells(notebook):
            if cell.id not in expected:
                raise SystemExit(
                    f"{path.name}: cell {cell.id} is tagged {TAG!r} but has no recorded output in "
                    f"{source.relative_to(ROOT)}; record with: python tools/expected_outputs.py "
                    "record _build/test/notebooks"
                )
            cell.outputs = [nbformat.from_dict(o) for o in expected[cell.id]]
            cell.execution_count = 1  # nbval reads a cell with outputs but no count as never run
        nbformat.write(notebook, out / path.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("record").add_argument("executed", type=Path)
    compose_parser = commands.add_parser("compose")
    compose_parser.add_argument("executed", type=Path)
    compose_parser.add_argument("out", type=Path)
    args = parser.parse_args()
    if not args.executed.is_dir():
        parser.error(f"{args.executed}: no such folder of executed notebooks (run `make test`)")
    if args.command == "record":
        record(args.executed)
    else:
        compose(args.executed, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

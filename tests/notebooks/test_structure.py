"""Static checks of the committed notebooks: the layout every chapter notebook follows."""

import ast
import json
import re

import pytest
import yaml

import aeutils
from aeutils.book import sentence_key
from tests.course import (
    CHAPTER_TEXTS,
    NOTEBOOKS,
    REPOSITORY_URL,
    ROOT,
    load_notebook,
    source,
    tags,
)

pytestmark = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)


def code_cells(path):
    return [c for c in load_notebook(path)["cells"] if c["cell_type"] == "code"]


def test_committed_without_outputs(path):
    dirty = [i for i, c in enumerate(code_cells(path)) if c["outputs"] or c["execution_count"]]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs; commit notebooks cleared"


def test_first_code_cell_installs_aeutils_from_the_repository_only(path):
    setup = source(code_cells(path)[0])
    installs = re.findall(r"%pip install .*", setup)
    assert installs == [f'%pip install --quiet "aeutils @ git+{REPOSITORY_URL}"'], installs
    assert "import aeutils" in setup


def test_has_one_parameters_cell_with_quick_switch(path):
    cells = [c for c in code_cells(path) if "parameters" in tags(c)]
    assert len(cells) == 1, f"{path.name}: expected one cell tagged 'parameters', got {len(cells)}"
    assert re.search(r"^QUICK = False\b", source(cells[0]), re.M), "QUICK must default to False"


def test_self_checks_name_registered_exercises_and_follow_solutions(path):
    cells = code_cells(path)
    checks = [re.search(r'aeutils\.check\("([\w-]+)"', source(c)) for c in cells]
    names = [m.group(1) for m in checks if m]
    assert len(names) >= 3, f"{path.name}: expected at least 3 self-checked exercises"
    assert set(names) <= set(aeutils.exercises.EXERCISES), set(names) - set(
        aeutils.exercises.EXERCISES
    )
    for i, match in enumerate(checks):
        if match:
            assert "solution" in tags(cells[i - 1]), f"cell before check {match.group(1)!r}"


def test_is_in_the_toc_after_its_chapter_text(path):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters = [c for part in toc["parts"] for c in part["chapters"]]
    pairs = {c["file"]: [s["file"] for s in c.get("sections", [])] for c in chapters}
    assert pairs.get(f"book/{path.stem}") == [f"notebooks/{path.stem}"]
    assert (ROOT / "book" / f"{path.stem}.md") in CHAPTER_TEXTS


def claims_in(path) -> list[str]:
    """The sentences of the notebook's `claim(...)` calls (they must be string literals)."""
    sentences = []
    for cell in code_cells(path):
        code = "\n".join(
            line for line in source(cell).splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.walk(ast.parse(code)):
            function = getattr(node, "func", None)
            name = getattr(function, "id", None) or getattr(function, "attr", None)
            if isinstance(node, ast.Call) and name == "claim":
                sentence = node.args[1] if len(node.args) > 1 else None
                assert isinstance(sentence, ast.Constant) and isinstance(sentence.value, str), (
                    f"{path.name}: claim at line {node.lineno} of a cell: the sentence must be a"
                    " string literal, so this test can find it in the text"
                )
                sentences.append(sentence.value)
    return sentences


def test_checks_at_least_three_claims_each_found_in_its_chapter(path):
    sentences = claims_in(path)
    assert len(sentences) >= 3, f"{path.name}: {len(sentences)} claims, expected at least 3"
    markdown = [source(c) for c in load_notebook(path)["cells"] if c["cell_type"] == "markdown"]
    # Markup characters stay in the key as "#": a fragment that crosses emphasis, maths, a role or
    # a link is broken into several nodes in the built page, where the mark could not follow it.
    source_text = (ROOT / "book" / f"{path.stem}.md").read_text() + " ".join(markdown)
    text = "".join("#" if c in "*`$[]{}<>|" else sentence_key(c) for c in source_text)
    missing = [s for s in sentences if sentence_key(s) not in text]
    assert not missing, f"{path.name} checks sentences its chapter no longer says: {missing}"
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert not repeated, f"{path.name}: the same sentence is claimed twice: {repeated}"


def test_every_checked_cell_has_its_expected_output_recorded(path):
    """The nbval stage compares the cells tagged nbval-check-output with outputs recorded in
    tests/notebooks/expected/ (tools/expected_outputs.py): each tagged cell needs a record, and
    each record a tagged cell."""
    checked = {c["id"] for c in code_cells(path) if "nbval-check-output" in tags(c)}
    assert checked, f"{path.name}: no cell is tagged nbval-check-output"
    record = ROOT / "tests" / "notebooks" / "expected" / f"{path.stem}.json"
    assert record.is_file(), f"{record} missing: python tools/expected_outputs.py record DIR"
    recorded = set(json.loads(record.read_text()))
    assert checked == recorded, (
        f"{path.name}: tagged but not recorded {sorted(checked - recorded)}, recorded but no "
        f"longer tagged {sorted(recorded - checked)}; re-record after `make test` with: "
        "python tools/expected_outputs.py record _build/test/notebooks"
    )

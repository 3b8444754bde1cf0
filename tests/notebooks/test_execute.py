"""Run every notebook top to bottom in quick mode with papermill.

The executed copies land in _build/test/notebooks, where the nbval stage re-runs them and compares
the cells tagged `nbval-check-output`, and from where the test build of the book is made.
"""

import pytest

from tests.course import NOTEBOOKS, ROOT, glue_references, load_notebook, run_quick, source

OUT = ROOT / "_build" / "test" / "notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_in_quick_mode_and_glues_what_the_text_quotes(path):
    executed = OUT / path.name
    run_quick(path, executed)
    cells = load_notebook(executed)["cells"]
    glued = {
        output["metadata"]["scrapbook"]["name"]
        for cell in cells
        for output in cell.get("outputs", [])
        if "scrapbook" in output.get("metadata", {})
    }
    missing = glue_references().get(path.name, set()) - glued
    assert not missing, f"the chapter text quotes {sorted(missing)}, which {path.name} never glues"
    checks = [c for c in cells if "aeutils.check(" in source(c)]
    for cell in checks:
        text = "".join("".join(o.get("text", "")) for o in cell["outputs"])
        assert text.startswith("✓"), f"self-check failed with the reference solution: {text}"

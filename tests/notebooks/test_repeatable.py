"""Same inputs, same numbers: a notebook run twice, each time training from scratch, glues the same
values (torch's thread count is pinned, as in `make book` and `make test`)."""

import os

from tests.course import ROOT, load_notebook, run_quick

NOTEBOOK = ROOT / "notebooks" / "ch00-first-autoencoder.ipynb"


def glued_values(path) -> dict[str, str]:
    """Glue key -> its text form (numbers, and figures' descriptions; not the PNG bytes)."""
    return {
        output["metadata"]["scrapbook"]["name"]: "".join(text)
        for cell in load_notebook(path)["cells"]
        for output in cell.get("outputs", [])
        if "scrapbook" in output.get("metadata", {})
        for mime, text in output["data"].items()
        if mime.endswith("text/plain")
    }


def test_two_runs_from_an_empty_model_cache_glue_the_same_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("AEUTILS_THREADS", os.environ.get("AEUTILS_THREADS") or "1")
    runs = []
    for run in ("first", "second"):
        monkeypatch.setenv("AEUTILS_CACHE", str(tmp_path / run / "models"))  # train again
        out = tmp_path / run / NOTEBOOK.name
        run_quick(NOTEBOOK, out)
        runs.append(glued_values(out))
    assert len(runs[0]) >= 10
    measured = {k for k in runs[0] if "seconds" in k}  # wall times: the only values that may vary
    differ = {
        k: (runs[0][k], runs[1].get(k))
        for k in runs[0].keys() - measured
        if runs[0][k] != runs[1].get(k)
    }
    assert runs[0].keys() == runs[1].keys()
    assert not differ, f"glued values differ between two identical runs: {differ}"

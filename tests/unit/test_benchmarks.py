"""The benchmark suite (benchmarks/): its results file, schema and results page.

Nothing here asserts a timing or a quality number: those depend on the machine and are what
`make bench` measures. The quick suite runs a few cheap benchmarks on tiny data instead.
"""

import json
import os
import re

import jsonschema
import pytest

from benchmarks import results, run
from benchmarks.common import Check
from tests.course import ROOT

CHEAP = ["vae_grey", "denoising"]  # a few seconds each in quick mode


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "benchmarks.json"
    assert run.main(["--quick", "--only", *CHEAP, "--out", str(out)]) == 0
    return out


def test_quick_suite_writes_valid_results_with_provenance(quick_results):
    data = json.loads(quick_results.read_text())
    results.validate(data)
    assert sorted(data["benchmarks"]) == sorted(CHEAP)
    for name, entry in data["benchmarks"].items():
        assert entry["name"] == name and entry["quick"] is True
        assert entry["checks"], f"{name} has no target"
        provenance = entry["provenance"]
        assert provenance["machine"]["cpu_model"] and provenance["dataset_sizes"]["test"] > 0


def test_rerunning_one_benchmark_keeps_the_others(quick_results, tmp_path):
    out = tmp_path / "b.json"
    out.write_text(quick_results.read_text())
    before = json.loads(out.read_text())["benchmarks"]
    assert run.main(["--quick", "--only", "vae_grey", "--out", str(out)]) == 0
    after = json.loads(out.read_text())["benchmarks"]
    assert after["denoising"] == before["denoising"]
    assert after["vae_grey"]["provenance"]["started"] >= before["vae_grey"]["provenance"]["started"]


def test_schema_rejects_an_entry_without_provenance(quick_results):
    data = json.loads(quick_results.read_text())
    del data["benchmarks"]["vae_grey"]["provenance"]["machine"]
    with pytest.raises(jsonschema.ValidationError, match="machine"):
        results.validate(data)


def test_quick_runs_never_overwrite_the_committed_results():
    with pytest.raises(SystemExit):
        run.main(["--quick", "--only", "vae_grey", "--out", str(run.FULL_OUT)])


def test_unknown_benchmark_names_are_refused():
    with pytest.raises(SystemExit):
        run.main(["--only", "no_such_benchmark"])


def test_check_reports_met_and_margin_in_the_target_direction():
    lower = Check("error", 3.5, 3.0, "<=").as_dict()
    assert lower["met"] is False and lower["margin"] == pytest.approx(-0.5)
    higher = Check("gain", 9.5, 9.0, ">=").as_dict()
    assert higher["met"] is True and higher["margin"] == pytest.approx(0.5)


def test_committed_results_are_valid_and_hold_every_benchmark_at_full_settings():
    data = json.loads(run.FULL_OUT.read_text())
    results.validate(data)
    assert sorted(data["benchmarks"]) == sorted(run.BENCHMARKS)
    assert not [n for n, e in data["benchmarks"].items() if e["quick"]], "quick results committed"


def test_results_page_renders_the_results_file(quick_results, monkeypatch):
    """Execute the code of book/benchmarks.md (as the book build does) on the quick results."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from nbclient import NotebookClient

    page = ROOT / "book" / "benchmarks.md"
    notebook = read_myst_markdown_notebook(page.read_text())
    monkeypatch.setenv("AEUTILS_BENCHMARKS", str(quick_results))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(page.parent)}},
    ).execute()
    shown = "\n".join(
        output.get("data", {}).get("text/markdown", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    for name in CHEAP:
        assert f"`{name}`" in shown, f"{name} is missing from the page"
    assert "Not measured yet" in shown  # the benchmarks this quick file lacks
    assert re.search(r"\b(met|missed)\b", shown)  # a verdict word, not "parameters"


def test_book_run_measures_a_notebook_and_its_kernels_peak_memory(tmp_path):
    import nbformat

    from benchmarks import book_run

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [
        nbformat.v4.new_code_cell("QUICK = False", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("block = bytearray(300 * 2**20)\nassert QUICK"),
    ]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(notebook, path)
    row = book_run.run_notebook(path, tmp_path / "out.ipynb", quick=True, env=dict(os.environ))
    assert row["ok"], row["error"]
    assert row["peak_mib"] >= 300, "the kernel's 300 MiB block was not seen"
    failed = book_run.run_notebook(path, tmp_path / "out.ipynb", quick=False, env=dict(os.environ))
    assert not failed["ok"] and "AssertionError" in failed["error"]


def test_book_run_keeps_its_models_only_in_an_empty_folder(tmp_path, monkeypatch):
    from benchmarks import book_run

    monkeypatch.delenv(book_run.KEEP_ENV, raising=False)
    assert book_run.work_folder(tmp_path) == tmp_path
    kept = tmp_path / "kept"
    monkeypatch.setenv(book_run.KEEP_ENV, str(kept))
    assert book_run.work_folder(tmp_path) == kept.resolve()  # absent: fine
    (kept / "models").mkdir(parents=True)
    (kept / "models" / "old.pt").write_bytes(b"")
    with pytest.raises(SystemExit, match=r"BENCH_KEEP=.*kept: expected an empty or absent folder"):
        book_run.work_folder(tmp_path)


def test_speed_tries_no_more_threads_than_aeutils_threads(monkeypatch):
    from benchmarks import speed

    monkeypatch.setenv("AEUTILS_THREADS", "1")
    assert speed.thread_counts() == [1]

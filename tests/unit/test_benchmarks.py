"""The benchmark suite (benchmarks/): its results file, schema and results page.

Nothing here asserts a timing or a quality number: those depend on the machine and are what
`make bench` measures. The quick suite runs a few cheap benchmarks on tiny data instead.
"""

import json
import os
import re
import sys

import jsonschema
import pytest
import torch

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
        # the machine's speed just before and after: a matrix product's GFLOP/s
        assert provenance["matmul_gflops_start"] > 0 and provenance["matmul_gflops_end"] > 0


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


def test_schema_requires_a_quality_result_to_record_its_protocol(quick_results):
    data = json.loads(quick_results.read_text())
    entry = data["benchmarks"]["denoising"]
    assert entry["protocol"]["seeds"] and entry["protocol"]["split"]
    del entry["protocol"]
    with pytest.raises(jsonschema.ValidationError, match="'protocol' is a required property"):
        results.validate(data)


def test_schema_requires_each_quality_check_to_say_how_it_departs_from_its_anchor(quick_results):
    data = json.loads(quick_results.read_text())
    del data["benchmarks"]["vae_grey"]["checks"][0]["deviation"]
    with pytest.raises(jsonschema.ValidationError, match="'deviation' is a required property"):
        results.validate(data)


def test_contrast_normalisation_centres_each_image_and_sets_its_l1_scale():
    from benchmarks.quality import contrast_normalise

    x = torch.rand(5, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    normalised = contrast_normalise(3 * x + 1)  # brightness and contrast do not matter
    assert normalised.shape == (5, 784) and normalised.dtype == torch.float32
    torch.testing.assert_close(normalised.mean(1), torch.zeros(5), atol=1e-5, rtol=0)
    torch.testing.assert_close(normalised.abs().mean(1), torch.ones(5))
    torch.testing.assert_close(normalised, contrast_normalise(x), atol=1e-5, rtol=0)


def test_iwae_vae_has_the_papers_architecture_and_output_biases():
    from benchmarks.quality import iwae_vae

    x = torch.rand(50, 784, generator=torch.Generator().manual_seed(0))
    model = iwae_vae(x)
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [
        (784, 200),
        (200, 200),
        (200, 50),
        (200, 50),
        (50, 200),
        (200, 200),
        (200, 784),
    ]
    assert not any(isinstance(m, torch.nn.ReLU) for m in model.modules())
    assert sum(isinstance(m, torch.nn.Tanh) for m in model.modules()) == 4
    with torch.no_grad():
        empty_code = torch.sigmoid(linears[-1].bias)
    torch.testing.assert_close(empty_code, x.mean(0).clamp(1e-3, 1 - 1e-3))


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


def test_book_binder_wants_an_environment_with_cpu_only_torch(monkeypatch, capsys):
    from benchmarks import book_run

    monkeypatch.delenv(book_run.PYTHON_ENV, raising=False)
    with pytest.raises(SystemExit, match=r"set \$BENCH_PYTHON to the Python of an environment"):
        book_run.book_binder(quick=True)
    with pytest.raises(SystemExit):  # asked for by name: refused before anything runs
        run.main(["--quick", "--only", "vae_grey", "book_binder"])
    assert "book_binder cannot run: set $BENCH_PYTHON" in capsys.readouterr().err
    monkeypatch.setenv(book_run.PYTHON_ENV, "/envs/gpu/bin/python")
    monkeypatch.setattr(book_run, "torch_build", lambda python: ("2.13.0+cu130", "13.0"))
    with pytest.raises(SystemExit, match=r"imports torch 2.13.0\+cu130, a CUDA 13.0 build"):
        book_run.book_binder(quick=True)


def test_torch_build_reports_the_interpreters_torch():
    from benchmarks import book_run

    assert book_run.torch_build(sys.executable) == (torch.__version__, torch.version.cuda)
    with pytest.raises(SystemExit, match="cannot import torch"):
        book_run.torch_build("/bin/false")


def test_speed_tries_no_more_threads_than_aeutils_threads(monkeypatch):
    from benchmarks import speed

    monkeypatch.setenv("AEUTILS_THREADS", "1")
    assert speed.thread_counts() == [1]

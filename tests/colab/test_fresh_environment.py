"""A notebook opened on Colab installs aeutils itself: checked in a fresh environment.

The environment is a new virtual environment that sees the packages Colab already has (torch,
torchvision, scikit-learn, ... taken from this project's environment through PYTHONPATH) but not
aeutils. Chapter 0's first cell must then install aeutils exactly as it does on Colab, from this
working tree (a copy of its package files) instead of from GitHub, and the notebook must run to the
end. Every notebook starts with the same install cell (tests/notebooks/test_structure.py), so one
notebook run covers them all.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig

import papermill

from tests.course import NOTEBOOKS, REPOSITORY_URL, ROOT, load_notebook, source

PROVIDED = sysconfig.get_paths()["purelib"]  # the packages Colab would already have
NOTEBOOK = next(p for p in NOTEBOOKS if p.name.startswith("ch00-"))


def fresh_kernel(tmp_path, monkeypatch):
    """A Jupyter kernel in a new virtual environment that sees PROVIDED but not aeutils."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    monkeypatch.setenv("PYTHONPATH", PROVIDED)
    probe = subprocess.run([python, "-c", "import aeutils"], capture_output=True, cwd=tmp_path)
    assert probe.returncode != 0, "aeutils is importable before the notebook installs it"
    kernel_dir = tmp_path / "jupyter" / "kernels" / "fresh"
    kernel_dir.mkdir(parents=True)
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "fresh environment",
        "language": "python",
    }
    (kernel_dir / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return venv


def test_chapter_0_installs_aeutils_from_the_working_tree_and_runs(tmp_path, monkeypatch):
    venv = fresh_kernel(tmp_path, monkeypatch)
    notebook = load_notebook(NOTEBOOK)
    setup = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    colab_url = f"git+{REPOSITORY_URL}"
    assert colab_url in source(setup)
    tree = tmp_path / "aeutils-source"  # the working tree's package, uncommitted changes too
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "aeutils", tree / "aeutils", ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    setup["source"] = source(setup).replace(colab_url, tree.as_uri())
    prepared, executed = tmp_path / NOTEBOOK.name, tmp_path / f"executed-{NOTEBOOK.name}"
    prepared.write_text(json.dumps(notebook))

    papermill.execute_notebook(
        str(prepared), str(executed), parameters={"QUICK": True}, kernel_name="fresh",
        cwd=str(NOTEBOOK.parent), progress_bar=False,
    )  # fmt: skip

    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    installed = {p.name.split("-")[0].lower() for p in (site / "site-packages").iterdir()}
    assert "aeutils" in installed, "the setup cell did not install aeutils into the fresh env"
    assert not installed & {"torch", "torchvision", "numpy"}, f"reinstalled: {installed}"
    python = venv / "bin" / "python"
    where = subprocess.run(
        [python, "-c", "import aeutils; print(aeutils.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    ).stdout  # fmt: skip
    assert str(site) in where, f"aeutils imported from {where}, not from the fresh environment"
    assert os.environ["PYTHONPATH"] == PROVIDED

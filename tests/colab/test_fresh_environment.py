"""Each notebook runs in a fresh environment that lacks aeutils, as it does when opened on Colab.

The environment is a new virtual environment that sees the packages Colab already has (torch,
torchvision, scikit-learn, ... taken from this project's environment through PYTHONPATH) but not
aeutils. The notebook's own first cell must then install aeutils exactly as it does on Colab; the
only change is that it installs from this checkout (git+file://) instead of from GitHub.
"""

import json
import os
import subprocess
import sys
import sysconfig

import papermill
import pytest

from tests.course import NOTEBOOKS, REPOSITORY_URL, ROOT, load_notebook, source

PROVIDED = sysconfig.get_paths()["purelib"]  # the packages Colab would already have


@pytest.fixture
def fresh_kernel(tmp_path, monkeypatch):
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_installs_aeutils_itself_and_runs(path, tmp_path, fresh_kernel):
    notebook = load_notebook(path)
    setup = notebook["cells"][
        next(i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code")
    ]
    colab_url = f"git+{REPOSITORY_URL}"
    assert colab_url in source(setup)
    setup["source"] = source(setup).replace(colab_url, f"git+file://{ROOT}")
    prepared, executed = tmp_path / path.name, tmp_path / f"executed-{path.name}"
    prepared.write_text(json.dumps(notebook))

    papermill.execute_notebook(
        str(prepared), str(executed), parameters={"QUICK": True}, kernel_name="fresh",
        cwd=str(path.parent), progress_bar=False,
    )  # fmt: skip

    site = fresh_kernel / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    installed = {p.name.split("-")[0].lower() for p in (site / "site-packages").iterdir()}
    assert "aeutils" in installed, "the setup cell did not install aeutils into the fresh env"
    assert not installed & {"torch", "torchvision", "numpy"}, f"reinstalled: {installed}"
    assert os.environ["PYTHONPATH"] == PROVIDED

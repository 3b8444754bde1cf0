"""A notebook opened on Colab installs aeutils itself: checked in a fresh environment.

The environment is a new virtual environment that sees the packages Colab already has (torch,
torchvision, scikit-learn, ... taken from this project's environment through PYTHONPATH) but not
aeutils. Chapter 0's first cell must then install aeutils exactly as it does on Colab, from this
working tree (a copy of its package files) instead of from GitHub, and the notebook must run to the
end. Every notebook starts with the same install cell (tests/notebooks/test_structure.py), so one
notebook run covers them all.
"""

import inspect
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

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


LEAK_PROBE = """
import importlib, inspect, json, sys
import aeutils
from aeutils import exercises
from aeutils.exercises import core

report = {"file": aeutils.__file__, "with_reference": [], "instructor": None, "sources": {}}
for name, exercise in exercises.EXERCISES.items():
    if hasattr(exercise, "reference"):
        report["with_reference"].append(name)
try:
    importlib.import_module("instructor.references")
    report["instructor"] = "importable"
except ModuleNotFoundError:
    pass
for module in list(sys.modules.values()):
    if getattr(module, "__name__", "").startswith("aeutils"):
        try:
            report["sources"][module.__name__] = inspect.getsource(module)
        except (OSError, TypeError):
            pass
right = lambda x, x_hat: (x - x_hat).pow(2).flatten(1).mean(dim=1)
report["passes"] = bool(exercises.check("per-image-mse", right))
print(json.dumps(report))
"""


def test_the_installed_package_holds_no_reference_solution(tmp_path, monkeypatch):
    """Build the wheel Colab's install cell builds (the package files of this working tree, with
    the instructor folder beside them), install it into a fresh environment, and look for the
    references: in the wheel's files, in the registry, and as an importable module."""
    sys.path.insert(0, str(ROOT))
    from instructor import references as instructor

    tree = tmp_path / "repository"
    skip = shutil.ignore_patterns("__pycache__")
    for folder in ("aeutils", "instructor"):  # the instructor folder is there, as in the repo
        shutil.copytree(ROOT / folder, tree / folder, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", str(wheels), str(tree)],
        check=True, cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = wheels.glob("aeutils-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    assert "aeutils/exercises/data/expected.pt" in files, "the expected outputs are not shipped"
    assert not [n for n in files if n.startswith("instructor")], sorted(files)
    texts = {n: b.decode("utf-8", "replace") for n, b in files.items() if n.endswith(".py")}
    assert len(texts) > 10
    references = instructor.references()
    for name, fn in references.items():
        body = inspect.getsource(fn)
        holding = [n for n, text in texts.items() if body in text]
        assert not holding, f"{name}: the reference {fn.__name__} is in {holding}"
        defines = f"def {fn.__name__}("
        in_exercises = [
            n for n in texts if n.startswith("aeutils/exercises/") and defines in texts[n]
        ]
        assert not in_exercises, f"{name}: {defines} in {in_exercises}"
    for name, known in instructor.mistakes().items():
        for _, fn in known:
            assert not [n for n, text in texts.items() if inspect.getsource(fn) in text], name

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    monkeypatch.setenv("PYTHONPATH", PROVIDED)  # torch & co, as Colab has them; not aeutils
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)], check=True)
    probe = subprocess.run(
        [python, "-c", LEAK_PROBE], capture_output=True, text=True, cwd=tmp_path, check=True,
        env={**os.environ, "AEUTILS_THREADS": "1"},
    )  # fmt: skip
    report = json.loads(probe.stdout.splitlines()[-1])
    assert str(venv) in report["file"], f"aeutils imported from {report['file']}"
    assert report["passes"], "the installed package cannot check an answer"
    assert report["with_reference"] == [], report["with_reference"]
    assert report["instructor"] is None, "instructor.references is importable"
    assert len(report["sources"]) > 10
    for name, fn in references.items():
        body = inspect.getsource(fn)
        assert not [m for m, text in report["sources"].items() if body in text], name

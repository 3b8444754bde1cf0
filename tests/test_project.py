"""Consistency of the project's configuration: pins, loose package requirements, the book config."""

import re
import tomllib

import yaml

from tests.course import CONFIG, ROOT


def test_package_requirements_are_loose_so_colab_keeps_its_torch():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        assert "==" not in requirement and "<" not in requirement, requirement


def test_book_config_has_launch_buttons_bibliography_and_exercises():
    assert CONFIG["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert CONFIG["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert CONFIG["execute"]["execute_notebooks"] == "cache"
    assert "sphinx_exercise" in CONFIG["sphinx"]["extra_extensions"]
    assert (ROOT / CONFIG["bibtex_bibfiles"][0]).is_file()


def test_publishing_cache_is_keyed_on_notebooks_aeutils_and_the_lock():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    cache = next(s for s in steps if s.get("with", {}).get("path") == "_build/.jupyter_cache")
    for part in ("notebooks/**", "aeutils/**", "requirements/lock.txt"):
        assert part in cache["with"]["key"], f"the execution cache key ignores {part}"
    assert any(s.get("run") == "make book" for s in steps), "the workflow must build with make book"


def test_publishing_keeps_data_and_models_in_separate_caches_without_fallback_for_models():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    caches = {
        s["with"]["path"]: s["with"]
        for s in workflow["jobs"]["build"]["steps"]
        if s.get("uses", "").startswith("actions/cache")
    }
    assert "~/.cache/aeutils/MNIST" in caches
    models = caches["~/.cache/aeutils/models"]
    assert "aeutils/**" in models["key"] and "requirements/lock.txt" in models["key"]
    assert "restore-keys" not in models, "a prefix fallback could restore models of other code"


def test_instructor_page_lists_every_exercise_and_self_check():
    import re

    page = (ROOT / "book" / "instructors.md").read_text()
    for text in sorted((ROOT / "book").glob("ch*.md")):
        for label in re.findall(r"^:label: (ex-[\w-]+)", text.read_text(), re.M):
            assert f"<{label}>`" in page, f"instructors.md does not list {label}"
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for name in re.findall(r'aeutils\.check\(\\"([\w-]+)', notebook.read_text()):
            assert f"`{name}`" in page, f"instructors.md does not list the self-check {name}"


def test_every_self_check_a_text_names_exists():
    import aeutils

    for page in sorted((ROOT / "book").glob("*.md")):
        for name in re.findall(r'aeutils\.check\("([\w-]+)"', page.read_text()):
            assert name in aeutils.exercises.EXERCISES, f"{page.name} names {name!r}"


def test_every_glue_text_role_names_a_format():
    # {glue:text} splits its argument at the last ":", so `path::key` without a format looks up
    # the key "path:" (a string needs `path::key:s`)
    for page in sorted((ROOT / "book").glob("*.md")):
        bare = re.findall(r"\{glue:text\}`([^`]*::\w+)`", page.read_text())
        assert not bare, f"{page.name}: glue:text without a format: {bare}"


def test_every_chapter_asks_the_reader_to_predict_then_run():
    import nbformat

    dropdown = "What the run showed (open it after you have made your prediction)"
    for notebook in sorted((ROOT / "notebooks").glob("ch*.ipynb")):
        code = [c.source for c in nbformat.read(notebook, 4).cells if c.cell_type == "code"]
        asks = [i for i, source in enumerate(code) if re.match(r"PREDICTION\w* = None", source)]
        assert asks, f"{notebook.name}: no cell `PREDICTION = None` for the reader's answer"
        experiment = code[asks[0] + 1]
        assert "with torch.random.fork_rng():" in experiment, f"{notebook.name}: not under fork_rng"
        assert re.search(r"aeutils\.reveal\(\s+PREDICTION", experiment), (
            f"{notebook.name}: no reveal"
        )
        text = (ROOT / "book" / f"{notebook.stem}.md").read_text()
        assert dropdown in text, f"{notebook.stem}.md: no closed dropdown with the run's answer"

"""The assignment edition leaks no solution: not in the student notebooks, not in the student book.

Each check first finds the solution in the reader edition, so it cannot pass by looking at nothing.
"""

import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.course import CHAPTER_TEXTS, NOTEBOOKS, ROOT, load_notebook, source, tags

sys.path.insert(0, str(ROOT / "tools"))
from assignments import leaks, student_notebook  # noqa: E402


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def notebook_solution_lines(path: Path) -> list[str]:
    return [
        line
        for cell in load_notebook(path)["cells"]
        if "solution" in tags(cell)
        for line in source(cell).splitlines()
    ]


def text_solution_lines(text: Path) -> list[str]:
    blocks = re.findall(r"````\{solution\}.*?\n````", text.read_text(), re.S)
    return [
        line
        for block in blocks
        for code in re.findall(r"```python\n(.*?)```", block, re.S)
        for line in code.splitlines()
    ]


def lesson_code(paths: list[Path]) -> str:
    """The code of the cells that are not solutions: what every reader sees anyway."""
    cells = [c for path in paths for c in load_notebook(path)["cells"]]
    return squash(" ".join(source(c) for c in cells if "solution" not in tags(c)))


def distinctive(lines: list[str], lesson: str = "") -> list[str]:
    """The lines worth searching for: long enough, not a bare signature or import, and not a line
    the lesson's own cells contain too (`lesson`: their code)."""
    kept = {squash(line) for line in lines if len(squash(line)) > 20} - {""}
    bare = ("def ", "import ", "#")
    return sorted(line for line in kept if not line.startswith(bare) and line not in lesson)


def solution_code_lines() -> list[str]:
    """Distinctive code lines of every solution: notebook solution cells and solution blocks."""
    lines = [line for path in NOTEBOOKS for line in notebook_solution_lines(path)]
    lines += [line for text in CHAPTER_TEXTS for line in text_solution_lines(text)]
    return distinctive(lines, lesson_code(NOTEBOOKS))


def compact(text: str) -> str:
    """Text without any white space: highlighted code in HTML splits lines into spaced tokens."""
    return re.sub(r"\s+", "", text)


def page_text(path: Path) -> str:
    return compact(BeautifulSoup(path.read_text(), "html.parser").get_text(" "))


def html_dirs(request) -> tuple[Path, Path]:
    reader = Path(request.config.getoption("--html-dir")).resolve()
    student = Path(request.config.getoption("--student-html-dir")).resolve()
    for folder in (reader, student):
        if not (folder / "index.html").is_file():
            pytest.fail(f"no built book in {folder} (run `make book` and `make assignments`)")
    return reader, student


def test_there_are_solutions_to_hide():
    assert len(solution_code_lines()) >= 3 * len(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_notebooks_keep_stubs_and_checks_but_no_solution(path):
    reader = load_notebook(path)
    student = student_notebook(reader)
    reader_code = squash(" ".join(source(c) for c in reader["cells"]))
    student_code = squash(" ".join(source(c) for c in student["cells"]))
    own = distinctive(notebook_solution_lines(path), lesson_code([path]))  # its own solutions
    shown = [line for line in own if line in reader_code]
    leaked = [line for line in own if line in student_code]
    assert shown, "found no solution code in the reader's notebook"
    assert not leaked, f"solution code in the student notebook: {leaked}"
    assert student_code.count("aeutils.check(") == reader_code.count("aeutils.check(")
    assert "NotImplementedError" in student_code  # the stubs are still there


def chapter_solution_lines(chapter: str) -> list[str]:
    """The distinctive solution lines of one chapter (e.g. "ch03"): its notebook and its text."""
    lines = [
        line for p in NOTEBOOKS if p.name.startswith(chapter) for line in notebook_solution_lines(p)
    ]
    lines += [
        line for t in CHAPTER_TEXTS if t.name.startswith(chapter) for line in text_solution_lines(t)
    ]
    return distinctive(lines, lesson_code([p for p in NOTEBOOKS if p.name.startswith(chapter)]))


def test_student_book_shows_exercises_but_no_solution(request):
    reader, student = html_dirs(request)
    for reader_page in sorted(reader.rglob("*.html")):
        relative = reader_page.relative_to(reader)
        if relative.parts[0] not in {"book", "notebooks"}:
            continue
        student_page = student / relative
        assert student_page.is_file(), f"{relative} missing from the student book"
        soup = BeautifulSoup(student_page.read_text(), "html.parser")
        assert not soup.select(".solution"), f"{relative}: a solution block is still there"
        if not relative.name.startswith("ch"):
            continue
        reader_text, student_text = page_text(reader_page), page_text(student_page)
        lines = chapter_solution_lines(relative.name[:4])
        in_reader = [line for line in lines if compact(line) in reader_text]
        leaked = [line for line in in_reader if compact(line) in student_text]
        assert not leaked, f"{relative}: solution text in the student book: {leaked}"
        if relative.parts[0] == "book":
            reader_soup = BeautifulSoup(reader_page.read_text(), "html.parser")
            assert reader_soup.select(".solution"), f"{relative}: no solution in the reader edition"
            assert soup.select(".exercise"), f"{relative}: the exercises are gone"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_notebook_imports_a_reference_and_no_student_notebook_holds_a_solution(path):
    reader = load_notebook(path)
    assert [p for p in leaks(reader) if "imports a reference" in p] == []
    assert leaks(student_notebook(reader)) == []


@pytest.mark.parametrize(
    "line",
    [
        "from aeutils.exercises.ch03 import image_slant",
        "from aeutils.exercises import ch12 as reference",
        "import instructor.references",
        "aeutils.exercises.EXERCISES['slerp'].reference",
    ],
)
def test_a_reference_import_is_caught(line):
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "source": [line]}]}
    assert leaks(notebook) == ["cell 0 imports a reference: " + repr(leaks_match(line))]


def leaks_match(line: str) -> str:
    from assignments import REFERENCE_IMPORT

    return REFERENCE_IMPORT.search(line)[0]

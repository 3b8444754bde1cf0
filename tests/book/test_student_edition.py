"""The assignment edition leaks no solution: not in the student notebooks, not in the student book.

Each check first finds the solution in the reader edition, so it cannot pass by looking at nothing.
"""

import json
import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.course import CHAPTER_TEXTS, NOTEBOOKS, ROOT, load_notebook, source, tags

sys.path.insert(0, str(ROOT / "tools"))
from assignments import student_notebook  # noqa: E402


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def solution_code_lines() -> list[str]:
    """Distinctive code lines of every solution: notebook solution cells and solution blocks."""
    lines = [
        line
        for path in NOTEBOOKS
        for cell in load_notebook(path)["cells"]
        if "solution" in tags(cell)
        for line in source(cell).splitlines()
    ]
    for text in CHAPTER_TEXTS:
        for block in re.findall(r"````\{solution\}.*?\n````", text.read_text(), re.S):
            lines += [line for code in re.findall(r"```python\n(.*?)```", block, re.S)
                      for line in code.splitlines()]  # fmt: skip
    distinctive = {squash(line) for line in lines if len(squash(line)) > 20}
    return sorted(line for line in distinctive if not line.startswith(("def ", "import ", "#")))


def page_text(path: Path) -> str:
    return squash(BeautifulSoup(path.read_text(), "html.parser").get_text(" "))


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
    student_code = squash(json.dumps([source(c) for c in student["cells"]]))
    leaked = [
        line for line in solution_code_lines() if line in reader_code and line in student_code
    ]
    shown = [line for line in solution_code_lines() if line in reader_code]
    assert shown, "found no solution code in the reader's notebook"
    assert not leaked, f"solution code in the student notebook: {leaked}"
    assert student_code.count("aeutils.check(") == reader_code.count("aeutils.check(")
    assert "NotImplementedError" in student_code  # the stubs are still there


def test_student_book_shows_exercises_but_no_solution(request):
    reader, student = html_dirs(request)
    lines = solution_code_lines()
    for reader_page in sorted(reader.rglob("*.html")):
        relative = reader_page.relative_to(reader)
        if relative.parts[0] not in {"book", "notebooks"}:
            continue
        student_page = student / relative
        assert student_page.is_file(), f"{relative} missing from the student book"
        reader_text, student_text = page_text(reader_page), page_text(student_page)
        in_reader = [line for line in lines if line in reader_text]
        leaked = [line for line in in_reader if line in student_text]
        assert not leaked, f"{relative}: solution text in the student book: {leaked}"
        soup = BeautifulSoup(student_page.read_text(), "html.parser")
        assert not soup.select(".solution"), f"{relative}: a solution block is still there"
        if relative.parts[0] == "book" and relative.name.startswith("ch"):
            assert in_reader, f"{relative}: no solution found in the reader edition"
            assert soup.select(".exercise"), f"{relative}: the exercises are gone"

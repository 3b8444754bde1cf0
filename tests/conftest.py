"""Shared test setup: a headless matplotlib backend and one torch thread (fast and repeatable)."""

import os
from pathlib import Path

import matplotlib
import pytest
import torch

matplotlib.use("Agg")
torch.set_num_threads(1)


@pytest.fixture
def unwritable_folder(tmp_path):
    """A folder nothing can be written into, also when the tests run as root.

    chmod does not stop root, so as root the "folder" is a path below a regular file,
    which makes creating it (or any file in it) fail.
    """
    if os.geteuid() == 0:
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        yield blocker / "out"
        return
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    yield folder
    folder.chmod(0o700)


def pytest_addoption(parser):
    parser.addoption(
        "--html-dir",
        default="_build/html",
        help="built HTML book checked by tests/book (default: _build/html, from `make book`)",
    )
    parser.addoption(
        "--student-html-dir",
        default="_build/assignments/book/src/_build/html",
        help="assignment edition of the book (default: from `make assignments`)",
    )


@pytest.fixture(scope="session")
def html_dir(request) -> Path:
    """The built book that tests/book and tests/browser check (--html-dir)."""
    folder = Path(request.config.getoption("--html-dir")).resolve()
    if not (folder / "index.html").is_file():
        pytest.fail(f"--html-dir {folder}: no built book there (run `make book` first)")
    return folder

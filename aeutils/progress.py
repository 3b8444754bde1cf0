"""Progress bars that read well in a terminal, in Jupyter or Colab, and in the built book.

In a notebook kernel with ipywidgets (Jupyter, Colab) the bar is tqdm's widget. In a kernel without
ipywidgets the text bar is drawn into one notebook output that is updated in place, so an executed
notebook (and the book page made from it) keeps only the bar's final state instead of every
intermediate one. Elsewhere it is tqdm's ordinary text bar on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from tqdm.std import tqdm as text_tqdm


def _in_notebook_kernel() -> bool:
    shell = sys.modules.get("IPython")
    try:
        return shell is not None and "IPKernelApp" in shell.get_ipython().config
    except AttributeError:  # IPython imported, but not running
        return False


class NotebookLine:
    """A file-like target for tqdm: each write replaces the text of one notebook output."""

    def __init__(self, display=None) -> None:
        if display is None:
            from IPython.display import display
        self._handle = display({"text/plain": ""}, raw=True, display_id=True)

    def write(self, text: str) -> None:
        line = text.strip("\r\n")
        if line:
            self._handle.update({"text/plain": line}, raw=True)

    def flush(self) -> None:
        pass


def progress_bar(iterable: Iterable, disable: bool = False, **options) -> text_tqdm:
    """A tqdm bar over `iterable` suited to where the code runs (see the module docstring)."""
    if disable or not _in_notebook_kernel():
        return text_tqdm(iterable, disable=disable, **options)
    try:
        import ipywidgets  # noqa: F401
        from tqdm.notebook import tqdm as widget_tqdm
    except ImportError:
        return text_tqdm(iterable, file=NotebookLine(), ascii=False, **options)
    return widget_tqdm(iterable, **options)

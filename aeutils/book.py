"""Hand numbers and figures from a notebook to the book's chapter text.

`glue` stores a value with myst-nb when it is installed (the book build), so the chapter text can
quote the number the run measured; on Colab or Binder, without myst-nb, it does nothing.
"""

from __future__ import annotations

from typing import Any


def glue(name: str, value: Any, display: bool = False) -> None:
    """Glue `value` under `name` for the book (without myst-nb: only shown, if `display`).

    Returns None, so a `glue(...)` call ending a cell prints nothing.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            from IPython.display import display as show

            show(value)
        return
    myst_glue(name, value, display=display)

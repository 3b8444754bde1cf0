"""Hand numbers and figures from a notebook to the book's chapter text.

`glue` stores a value with myst-nb when it is installed (the book build), so the chapter text can
quote the number the run measured; on Colab or Binder, without myst-nb, it does nothing.
`describe_figures` gives every figure a notebook shows a text description (its titles and axis
labels), which the book uses as the figure's alt text.
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


def describe_figure(figure: Any) -> str:
    """A one-line description of a matplotlib figure from its titles and axis labels."""
    parts = []
    suptitle = figure.get_suptitle()
    panels = [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]
    for ax in panels:
        words = [ax.get_title()]
        if len(panels) <= 3:
            words += [
                f"{name} axis: {label}"
                for name, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel()))
                if label
            ]
        words = [w for w in words if w]
        if words:
            parts.append(", ".join(words))
    parts = list(dict.fromkeys(parts))
    text = "Figure"
    if suptitle:
        text += f": {suptitle}" + (". Panels: " if parts else "")
    elif parts:
        text += ": " if len(parts) == 1 else ". Panels: "
    text += "; ".join(parts)
    return text if len(text) <= 400 else text[:399] + "…"


def describe_figures() -> None:
    """In IPython, show figures' text form as `describe_figure` (not "<Figure size ...>")."""
    try:
        from IPython import get_ipython
        from matplotlib.figure import Figure
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    try:  # set up the inline backend now: doing so at the first plot would drop the formatter
        import matplotlib_inline.backend_inline  # noqa: F401
    except ImportError:
        pass
    plain = shell.display_formatter.formatters["text/plain"]
    plain.for_type(Figure, lambda figure, printer, cycle: printer.text(describe_figure(figure)))

"""Hand numbers and figures from a notebook to the book's chapter text.

`glue` stores a value with myst-nb when it is installed (the book build), so the chapter text can
quote the number the run measured; on Colab or Binder, without myst-nb, it does nothing.
`claim` checks a sentence of the text against the numbers it rests on: the book's build stops on a
false one ($AEUTILS_STRICT_CLAIMS=1, set by `make book`); elsewhere (quick mode, a reader's run) it
is reported. The build marks each checked sentence in the HTML.
`describe_figures` gives every figure a notebook shows a text description (its titles and axis
labels), which the book uses as the figure's alt text. `release_memory_after_cells` hands memory
freed in a cell back to the system. `setup` is a notebook's first call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import math
import numbers as _numbers
import os
import re
import unicodedata
from typing import Any

STRICT_ENV = "AEUTILS_STRICT_CLAIMS"
CLAIM_METADATA = "aeutils_claim"  # key of a claim's record in its output's metadata
_MARKUP = re.compile(r"[`$*{}\\[\]<>|]")


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


@functools.cache
def _malloc_trim() -> Any:
    """glibc's `malloc_trim`, or None where the C library has none (macOS, Windows, musl)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


def release_memory(*_: Any) -> bool:
    """Return the heap memory freed so far to the operating system (glibc's `malloc_trim(0)`).

    glibc keeps freed blocks for reuse, so without this a notebook's resident memory only grows:
    each cell's peak sits on top of what earlier cells freed. True if memory could be trimmed.
    """
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False


def release_memory_after_cells() -> None:
    """In IPython, call `release_memory` after every cell (once, however often this is called)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or _malloc_trim() is None:
        return
    if release_memory not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", release_memory)


def setup(seed: int = 0, threads: int | None = None):
    """A notebook's first call: `aeutils.runtime.configure(seed, threads)` (seeds, threads, the
    device `fit` trains on), `describe_figures()` and `release_memory_after_cells()`; returns the
    seeded torch generator."""
    from .runtime import configure

    generator = configure(seed, threads)
    describe_figures()
    release_memory_after_cells()
    return generator


class ClaimFailed(AssertionError):
    """A sentence of the book that the run's numbers do not support."""


def sentence_key(text: str) -> str:
    """`text` reduced to lowercase letters and digits: how a claim's sentence is found in the
    chapter sources and in the built pages, whatever their quotes, dashes and line breaks."""
    return "".join(c for c, _ in key_positions(text))


def key_positions(text: str) -> list[tuple[str, int]]:
    """The characters of `sentence_key(text)`, each with its index in `text`."""
    out = []
    for i, char in enumerate(text):
        for c in unicodedata.normalize("NFKD", char).lower():
            if c.isalnum() and c.isascii():
                out.append((c, i))
    return out


def _format(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    if isinstance(value, _numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, _numbers.Real):
        return f"{float(value):.4g}"
    raise TypeError(f"a claim's numbers must be real numbers or strings, got {value!r}")


def _as_bool(holds: Any) -> bool:
    """A bool, or a NumPy or torch boolean with one element (0-d), as a bool."""
    if isinstance(holds, bool):
        return holds
    if str(getattr(holds, "dtype", "")) in {"bool", "torch.bool"} and not getattr(holds, "ndim", 0):
        return bool(holds)
    raise TypeError(f"holds must be one bool (the comparison), got {holds!r}")


def claim(holds: Any, sentence: str, **numbers: Any) -> None:
    """Check that `sentence`, a comparison the book states in words, holds in this run.

    `holds` is the comparison computed from the run's numbers (a bool, or a 0-d boolean array or
    tensor); `sentence` is a fragment of the chapter text or of the notebook's markdown, quoted
    exactly and without markup; `numbers` are the values it rests on, shown beside it. With
    $AEUTILS_STRICT_CLAIMS=1 (the book's build) a false claim raises `ClaimFailed`; otherwise it
    is reported with a ✗. Returns None.
    """
    if not isinstance(sentence, str) or len(sentence_key(sentence)) < 10:
        raise ValueError(f"sentence must be a fragment of the text (10+ letters), got {sentence!r}")
    if _MARKUP.search(sentence):
        raise ValueError(
            f"sentence must be plain words as they read in the text, without markup"
            f" ({_MARKUP.pattern}); got {sentence!r}"
        )
    holds = _as_bool(holds)
    shown = {name: _format(value) for name, value in numbers.items()}
    if any(isinstance(v, _numbers.Real) and not math.isfinite(float(v)) for v in numbers.values()):
        holds = False  # a NaN or an infinity supports no comparison
    detail = ", ".join(f"{name} = {value}" for name, value in shown.items())
    line = f"{'✓' if holds else '✗'} “{sentence}”" + (f" ({detail})" if detail else "")
    if not holds and os.environ.get(STRICT_ENV) == "1":
        raise ClaimFailed(
            f"the run does not support this sentence of the book: “{sentence}”"
            + (f"; the numbers: {detail}" if detail else "")
            + ". Change the text (or the experiment), not the check."
        )
    record = {"sentence": sentence, "holds": holds, "numbers": shown}
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        print(line)
        return
    if get_ipython() is None:
        print(line)
        return
    display({"text/plain": line}, raw=True, metadata={CLAIM_METADATA: record})


def claim_records(notebook: Any) -> list[dict]:
    """The records `claim` left in an executed notebook's outputs, in order: dicts with the
    sentence, whether it held and its numbers. `notebook`: a notebook as nbformat or json reads
    it, or the path of an .ipynb file."""
    if isinstance(notebook, (str, os.PathLike)):
        import json

        with open(notebook, encoding="utf-8") as file:
            notebook = json.load(file)
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise TypeError(
            f"notebook must be a notebook (a dict with cells) or a path, got {notebook!r:.80}"
        )
    return [
        output["metadata"][CLAIM_METADATA]
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if CLAIM_METADATA in output.get("metadata", {})
    ]

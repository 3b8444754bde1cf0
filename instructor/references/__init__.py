"""Reference solutions of the exercises, one module per chapter (`chNN.py`), and known mistakes.

Each module defines `REFERENCES`, exercise name -> reference function, and `MISTAKES`, exercise
name -> [(diagnosis, wrong function), ...]. The inputs come from the case makers registered in
`aeutils/exercises/chNN.py`. After editing either, regenerate the stored outputs:

    python tools/exercise_data.py

(tests/unit/test_exercises_data.py fails while they are stale.)
"""

import importlib

CHAPTERS = [f"ch{n:02d}" for n in range(13)]


def modules() -> list:
    """Every chapter's reference module, in order."""
    return [importlib.import_module(f"{__name__}.{chapter}") for chapter in CHAPTERS]


def references() -> dict:
    """Exercise name -> reference function, over all chapters."""
    return {name: fn for module in modules() for name, fn in module.REFERENCES.items()}


def mistakes() -> dict:
    """Exercise name -> [(diagnosis, wrong function), ...], over all chapters."""
    return {name: list(known) for module in modules() for name, known in module.MISTAKES.items()}

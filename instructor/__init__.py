"""The instructor side of the course: what students must not be able to install or read.

Not part of the aeutils package (pyproject packages `aeutils*` only), so not in the wheel, not on
Colab or Binder. `instructor/references/` holds the exercises' reference solutions and known
mistakes; `tools/exercise_data.py` turns them into the outputs `aeutils.check` compares with.
"""

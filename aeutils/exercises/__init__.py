"""Exercise self-checks: `check("exercise-name", your_function)`, and `reveal(prediction, ...)`
for the predict-then-run experiments.

The package holds each exercise's input maker, hint and tolerances, and the expected outputs as data
(`data/expected.pt`); the reference solutions are not installed (instructor/references/ in the
repository).
"""

# Importing each chapter's module registers its exercises.
from . import ch00, ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10, ch11, ch12  # noqa: F401
from .core import EXERCISES, Exercise, check, register
from .predictions import reveal

__all__ = ["EXERCISES", "Exercise", "check", "register", "reveal"]

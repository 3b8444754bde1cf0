"""Exercise self-checks: `check("exercise-name", your_function)`."""

from . import ch00  # noqa: F401  (registers chapter 0's exercises)
from .core import EXERCISES, Exercise, check, register

__all__ = ["EXERCISES", "Exercise", "check", "register"]

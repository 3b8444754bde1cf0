"""Exercise self-checks: `check("exercise-name", your_function)`."""

from . import (
    ch00,  # noqa: F401  (registers chapter 0's exercises)
    ch01,  # noqa: F401  (registers chapter 1's exercises)
    ch02,  # noqa: F401  (registers chapter 2's exercises)
    ch03,  # noqa: F401  (registers chapter 3's exercises)
    ch04,  # noqa: F401  (registers chapter 4's exercises)
    ch05,  # noqa: F401  (registers chapter 5's exercises)
    ch06,  # noqa: F401  (registers chapter 6's exercises)
    ch07,  # noqa: F401  (registers chapter 7's exercises)
    ch08,  # noqa: F401  (registers chapter 8's exercises)
    ch09,  # noqa: F401  (registers chapter 9's exercises)
    ch10,  # noqa: F401  (registers chapter 10's exercises)
    ch11,  # noqa: F401  (registers chapter 11's exercises)
    ch12,  # noqa: F401  (registers chapter 12's exercises)
)
from .core import EXERCISES, Exercise, check, register

__all__ = ["EXERCISES", "Exercise", "check", "register"]

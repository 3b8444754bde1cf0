"""Self-checks: `check(name, answer)` tests a reader's function against a reference solution.

Each exercise registers a reference and a maker of random inputs. `check` calls both on the same
inputs and reports the first difference precisely (shape, type or values), without a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

Cases = Callable[[torch.Generator], list[tuple]]


@dataclass(frozen=True)
class Exercise:
    """A reference solution, random test inputs for it, and a hint shown when an answer fails."""

    reference: Callable
    cases: Cases
    hint: str
    rtol: float = 1e-5
    atol: float = 1e-6


EXERCISES: dict[str, Exercise] = {}


def register(name: str, exercise: Exercise) -> None:
    """Add `exercise` to the registry under `name` (names are unique)."""
    if name in EXERCISES:
        raise ValueError(f"exercise {name!r} is registered twice")
    EXERCISES[name] = exercise


def describe(value: object) -> str:
    """A short description of a value: tensors and arrays by dtype and shape, others by repr."""
    if isinstance(value, torch.Tensor):
        if value.numel() <= 4:
            return f"tensor({value.tolist()})"
        return f"tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"ndarray of shape {value.shape}"
    return repr(value)


def difference(got: object, expected: object, rtol: float, atol: float) -> str | None:
    """Why `got` does not match `expected`, or None if it does."""
    if got is None and expected is not None:
        return "returned None: did the function forget to `return` its result?"
    if isinstance(expected, torch.Tensor):
        if isinstance(got, np.ndarray):
            got = torch.from_numpy(got)
        if not isinstance(got, torch.Tensor):
            return f"returned a {type(got).__name__}, expected a torch.Tensor"
        if got.shape != expected.shape:
            return f"returned shape {tuple(got.shape)}, expected {tuple(expected.shape)}"
        got = got.detach().to(expected.dtype)
        if not torch.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
            worst = int((got - expected).abs().flatten().argmax())
            return (
                f"values differ: at flat index {worst} got {got.flatten()[worst].item():.6g},"
                f" expected {expected.flatten()[worst].item():.6g}"
            )
        return None
    if isinstance(expected, bool) or isinstance(got, bool):
        return None if got == expected else f"returned {got!r}, expected {expected!r}"
    if isinstance(expected, (int, float)):
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if not isinstance(got, (int, float, np.number)):
            return f"returned a {type(got).__name__}, expected a number"
        if not math.isclose(float(got), float(expected), rel_tol=rtol, abs_tol=atol):
            return f"returned {float(got):.6g}, expected {float(expected):.6g}"
        return None
    return None if got == expected else f"returned {got!r}, expected {expected!r}"


class Verdict:
    """The result of `check`: true when the answer passed. It shows nothing when it ends a
    notebook cell, since `check` has already printed the verdict."""

    def __init__(self, passed: bool) -> None:
        self.passed = passed

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"Verdict(passed={self.passed})"

    def _ipython_display_(self) -> None:
        pass


def check(name: str, answer: Callable, seed: int = 0) -> Verdict:
    """Test `answer` against exercise `name`'s reference on random inputs; print the verdict.

    Returns a `Verdict`, true when every input matches (false after printing what differs).
    """
    if name not in EXERCISES:
        raise KeyError(f"name: no exercise called {name!r}; known: {', '.join(sorted(EXERCISES))}")
    if not callable(answer):
        raise TypeError(f"answer must be a function, got {type(answer).__name__}")
    exercise = EXERCISES[name]
    cases = exercise.cases(torch.Generator().manual_seed(seed))
    call = getattr(answer, "__name__", "answer")
    for args in cases:
        shown = f"{call}({', '.join(describe(a) for a in args)})"
        expected = exercise.reference(*args)
        try:
            got = answer(*(a.clone() if isinstance(a, torch.Tensor) else a for a in args))
        except Exception as error:  # the reader's code: report, do not crash the notebook
            print(f"✗ {shown} raised {type(error).__name__}: {error}\n  hint: {exercise.hint}")
            return Verdict(False)
        problem = difference(got, expected, exercise.rtol, exercise.atol)
        if problem is not None:
            print(f"✗ {shown} {problem}\n  hint: {exercise.hint}")
            return Verdict(False)
    print(f"✓ {name}: matches the reference on {len(cases)} random inputs")
    return Verdict(True)

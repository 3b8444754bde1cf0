"""Self-checks: `check(name, answer)` tests a reader's function on stored inputs and outputs.

Each exercise registers a maker of random inputs (`cases(generator)`), a hint and tolerances. The
expected outputs are data, `data/expected.pt`, written by `tools/exercise_data.py` from the
reference solutions, which live outside the installed package (instructor/references/ in the
repository): the package ships what the answers must be, never how to compute them. Floats are
stored as values and compared with a tolerance; exact answers (ints, bools, integer and boolean
tensors) are stored as a SHA-256 of a canonical form, with their dtype and shape in clear.

`check` compares the way `torch.testing.assert_close` does: the type and dtype first (never cast),
then the shape, then the values, reporting the largest difference and where. When a wrong answer
gives what a known mistake gives, it names the mistake.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

Cases = Callable[[torch.Generator], list[tuple]]
DATA = Path(__file__).with_name("data") / "expected.pt"
FORMAT = 1  # the layout of DATA; tools/exercise_data.py writes it
REGENERATE = "python tools/exercise_data.py"


@dataclass(frozen=True)
class Exercise:
    """Random test inputs for an exercise, the hint shown when an answer fails, and tolerances."""

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


@functools.cache
def stored_data() -> dict:
    """The stored expected outputs of every exercise (loaded once, tensors only: no code)."""
    if not DATA.is_file():
        raise RuntimeError(f"the exercises' expected outputs are missing ({DATA}): {REGENERATE}")
    data = torch.load(DATA, weights_only=True)
    if data.get("format") != FORMAT:
        raise RuntimeError(
            f"{DATA} has format {data.get('format')!r}, this aeutils reads {FORMAT}: {REGENERATE}"
        )
    return data


def describe(value: object) -> str:
    """A short description of a value: tensors and arrays by dtype and shape, others by repr."""
    if isinstance(value, torch.Tensor):
        if value.numel() <= 4:
            return f"tensor({value.tolist()})"
        return f"tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"ndarray of shape {value.shape}"
    return repr(value)


# --- what is stored: one "spec" per output ---------------------------------------------------


def _exact(dtype: torch.dtype) -> bool:
    return not (dtype.is_floating_point or dtype.is_complex)


def fingerprint(value: object, salt: str) -> str:
    """SHA-256 of an exact value's canonical form: a bool, an int, or an integer/bool tensor.

    `salt` (the exercise's name and the case's index) makes equal values of different cases
    hash differently, so a table of hashes of small numbers does not read the answers off.
    """
    if isinstance(value, torch.Tensor):
        array = value.detach().cpu().contiguous().numpy()
        body = f"tensor:{str(value.dtype)}:{tuple(value.shape)}:".encode()
        body += array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    elif isinstance(value, bool):
        body = f"bool:{value}".encode()
    elif isinstance(value, int):
        body = f"int:{value}".encode()
    else:
        raise TypeError(f"value must be a bool, an int or an integer tensor, got {type(value)}")
    return hashlib.sha256(salt.encode() + b"\0" + body).hexdigest()


def spec_of(value: object, salt: str) -> dict:
    """What the data store about an output: its kind, dtype and shape in clear; its value for
    floats, a `fingerprint` for exact values."""
    if isinstance(value, torch.Tensor):
        spec = {
            "kind": "tensor",
            "dtype": str(value.dtype).removeprefix("torch."),
            "shape": list(value.shape),
        }
        if _exact(value.dtype):
            return {**spec, "sha256": fingerprint(value, salt)}
        return {**spec, "value": value.detach().cpu().clone()}
    if isinstance(value, bool):
        return {"kind": "bool", "sha256": fingerprint(value, salt)}
    if isinstance(value, int):
        return {"kind": "int", "sha256": fingerprint(value, salt)}
    if isinstance(value, float):
        return {"kind": "float", "value": value}
    if isinstance(value, (tuple, list)):
        kind = type(value).__name__
        return {"kind": kind, "items": [spec_of(v, f"{salt}/{i}") for i, v in enumerate(value)]}
    raise TypeError(f"cannot store an output of type {type(value).__name__}")


# --- comparison ------------------------------------------------------------------------------

_CONVERSIONS = {
    "bool": "compare (e.g. `x > 0`) or convert with `.bool()`",
    "float32": "convert with `.float()` (or `.to(torch.float32)`)",
    "float64": "convert with `.double()` (or `.to(torch.float64)`)",
    "int64": "convert with `.long()` (or `.to(torch.int64)`)",
}


def _one_number(got: object) -> object:
    """A one-element tensor or array, or a NumPy scalar, as a Python number; else unchanged."""
    if isinstance(got, torch.Tensor) and got.numel() == 1:
        return got.item()
    if isinstance(got, np.ndarray) and got.size == 1:
        return got.item()
    if isinstance(got, np.generic):
        return got.item()
    return got


def _tensor_difference(got: object, spec: dict, rtol: float, atol: float, salt: str) -> str | None:
    dtype, shape = spec["dtype"], tuple(spec["shape"])
    if isinstance(got, np.ndarray):
        got = torch.from_numpy(np.ascontiguousarray(got))
    if not isinstance(got, torch.Tensor):
        return (
            f"returned a {type(got).__name__}, expected a torch.Tensor of dtype torch.{dtype}"
            f" and shape {shape}"
        )
    got = got.detach().cpu()
    if str(got.dtype).removeprefix("torch.") != dtype:
        advice = _CONVERSIONS.get(dtype, f"convert with `.to(torch.{dtype})`")
        return f"returned dtype {got.dtype}, expected torch.{dtype}: {advice}"
    if tuple(got.shape) != shape:
        return f"returned shape {tuple(got.shape)}, expected {shape}"
    if "sha256" in spec:
        if fingerprint(got, salt) == spec["sha256"]:
            return None
        return f"values differ: the torch.{dtype} values are compared exactly, and some differ"
    expected = spec["value"]
    close = torch.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    if bool(close.all()):
        return None
    gap = (got.double() - expected.double()).abs()
    gap = torch.where(torch.isnan(gap), torch.full_like(gap, math.inf), gap)
    gap = torch.where(close, torch.zeros_like(gap), gap)
    flat = int(gap.flatten().argmax())
    where = tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()
    g, e = got.flatten()[flat].item(), expected.flatten()[flat].item()
    bad, total = int((~close).sum()), close.numel()
    at = f" at index {where}" if shape else ""
    return (
        f"values differ: largest difference {gap.flatten()[flat].item():.3g}{at}, got {g:.6g},"
        f" expected {e:.6g} ({bad} of {total} values outside rtol={rtol:g}, atol={atol:g})"
    )


def difference(got: object, spec: dict, rtol: float, atol: float, salt: str = "") -> str | None:
    """Why `got` does not match the stored output `spec` (see `spec_of`), or None if it does."""
    kind = spec["kind"]
    if got is None:
        return "returned None: did the function forget to `return` its result?"
    if kind == "tensor":
        return _tensor_difference(got, spec, rtol, atol, salt)
    if kind in ("tuple", "list"):
        items = spec["items"]
        if not isinstance(got, tuple if kind == "tuple" else list):
            return f"returned a {type(got).__name__}, expected a {kind} of {len(items)} values"
        if len(got) != len(items):
            return f"returned a {kind} of {len(got)} values, expected {len(items)}"
        for i, (value, item) in enumerate(zip(got, items, strict=True)):
            problem = difference(value, item, rtol, atol, f"{salt}/{i}")
            if problem is not None:
                return f"item {i} of the {kind} {problem}"
        return None
    got = _one_number(got)
    if kind == "bool":
        if not isinstance(got, bool):
            return f"returned {got!r} (a {type(got).__name__}), expected a bool: True or False"
        return (
            None
            if fingerprint(got, salt) == spec["sha256"]
            else f"returned {got}, expected {not got}"
        )
    if isinstance(got, bool):
        return f"returned a bool ({got}), expected {'an int' if kind == 'int' else 'a float'}"
    if kind == "int":
        if isinstance(got, float):
            return (
                f"returned a float ({got!r}), expected an int: count with integer arithmetic"
                " (// rather than /) or convert with int(...)"
            )
        if not isinstance(got, int):
            return f"returned a {type(got).__name__}, expected an int"
        if fingerprint(got, salt) == spec["sha256"]:
            return None
        return f"returned {got}, which is not the expected count"
    if not isinstance(got, (int, float)):
        return f"returned a {type(got).__name__}, expected a number (a Python float)"
    expected = spec["value"]
    if math.isclose(float(got), expected, rel_tol=rtol, abs_tol=atol) or (
        math.isnan(got) and math.isnan(expected)
    ):
        return None
    return f"returned {float(got):.6g}, expected {expected:.6g}"


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


def stored(name: str) -> dict:
    """The stored outputs of exercise `name`: its seed, expected outputs and known mistakes."""
    exercises = stored_data()["exercises"]
    if name not in exercises:
        raise RuntimeError(f"no stored outputs for exercise {name!r}: {REGENERATE}")
    return exercises[name]


def diagnosis(name: str, index: int, got: object, exercise: Exercise) -> str | None:
    """The diagnosis of the known mistake whose output on case `index` is `got`, if any."""
    for mistake in stored(name)["mistakes"]:
        spec = mistake["outputs"][index]
        salt = f"{name}/{index}"
        if spec is not None and difference(got, spec, exercise.rtol, exercise.atol, salt) is None:
            return mistake["diagnosis"]
    return None


def copy_input(value: object) -> object:
    """A copy of an input, so an answer that changes its inputs in place spoils no later case
    (a model it trains, a generator it draws from)."""
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return value.copy() if isinstance(value, np.ndarray) else value.clone()
    if isinstance(value, list):
        return list(value)
    if isinstance(value, torch.nn.Module):
        return copy.deepcopy(value)
    if isinstance(value, torch.Generator):
        clone = torch.Generator(device=value.device)
        clone.set_state(value.get_state())
        return clone
    return value


def check(name: str, answer: Callable, seed: int = 0) -> Verdict:
    """Test `answer` on exercise `name`'s stored inputs and outputs; print the verdict.

    Returns a `Verdict`, true when every input matches (false after printing what differs and,
    for a known mistake, its name).
    """
    if name not in EXERCISES:
        raise KeyError(f"name: no exercise called {name!r}; known: {', '.join(sorted(EXERCISES))}")
    if not callable(answer):
        raise TypeError(f"answer must be a function, got {type(answer).__name__}")
    exercise, data = EXERCISES[name], stored(name)
    if seed != data["seed"]:
        raise ValueError(f"seed: outputs are stored for seed {data['seed']} only, got {seed}")
    cases = exercise.cases(torch.Generator().manual_seed(seed))  # never the global generator
    if len(cases) != len(data["expected"]):
        raise RuntimeError(f"the stored outputs of {name!r} do not fit its cases: {REGENERATE}")
    call = getattr(answer, "__name__", "answer")
    for index, (args, spec) in enumerate(zip(cases, data["expected"], strict=True)):
        shown = f"{call}({', '.join(describe(a) for a in args)})"
        try:
            got = answer(*(copy_input(a) for a in args))
        except Exception as error:  # the reader's code: report, do not crash the notebook
            print(f"✗ {shown} raised {type(error).__name__}: {error}\n  hint: {exercise.hint}")
            return Verdict(False)
        problem = difference(got, spec, exercise.rtol, exercise.atol, f"{name}/{index}")
        if problem is not None:
            known = diagnosis(name, index, got, exercise)
            named = f"\n  diagnosis: {known}" if known else ""
            print(f"✗ {shown} {problem}{named}\n  hint: {exercise.hint}")
            return Verdict(False)
    print(f"✓ {name}: matches the reference on {len(cases)} random inputs")
    return Verdict(True)

"""Input checks shared by every public function, in scikit-learn's `check_scalar` style.

Each check names the argument, says what it got and what was expected, and returns the value
(converted only where said). Integers are accepted as any `numbers.Integral` (NumPy's too); a
bool is never accepted as a number.
"""

from __future__ import annotations

import math
import numbers
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

_BOUNDARIES = ("both", "left", "right", "neither")


def _got(value: object) -> str:
    shown = value.item() if isinstance(value, np.generic) else value  # 3, not np.int64(3)
    return f"got {shown!r:.80} ({type(value).__name__})"


def _expectation(kind: str, min_val, max_val, include_boundaries: str) -> str:
    left = include_boundaries in ("both", "left")
    right = include_boundaries in ("both", "right")
    article = "an" if kind == "int" else "a"
    if max_val is None and min_val == 0:
        return f"{'a non-negative' if left else 'a positive'} {kind}"
    if max_val is None and min_val == 1 and left and kind == "int":
        return "a positive int"
    if max_val is None and min_val is not None:
        return f"{article} {kind} {'>=' if left else '>'} {min_val}"
    if min_val is None and max_val is not None:
        return f"{article} {kind} {'<=' if right else '<'} {max_val}"
    if min_val is None:
        return f"{article} {kind}"
    return f"{article} {kind} in {'[' if left else '('}{min_val}, {max_val}{']' if right else ')'}"


def check_scalar(
    value: object,
    name: str,
    target_type: type = numbers.Real,
    *,
    min_val: float | None = None,
    max_val: float | None = None,
    include_boundaries: str = "both",
):
    """`value` if it is a finite number of `target_type` within the bounds, else a ValueError.

    `target_type` is `numbers.Integral` (returned as an int) or `numbers.Real` (returned as
    given); `include_boundaries` is "both", "left", "right" or "neither".
    """
    if include_boundaries not in _BOUNDARIES:
        raise ValueError(
            f"include_boundaries must be one of {_BOUNDARIES}, got {include_boundaries!r}"
        )
    kind = "int" if target_type is numbers.Integral else "float"
    expected = _expectation(kind, min_val, max_val, include_boundaries)
    if isinstance(value, bool) or not isinstance(value, target_type):
        raise TypeError(f"{name} must be {expected}, {_got(value)}")
    left = include_boundaries in ("both", "left")
    right = include_boundaries in ("both", "right")
    if (
        not math.isfinite(value)
        or (min_val is not None and (value < min_val if left else value <= min_val))
        or (max_val is not None and (value > max_val if right else value >= max_val))
    ):
        raise ValueError(f"{name} must be {expected}, {_got(value)}")
    return int(value) if kind == "int" else value


def check_bool(value: object, name: str) -> bool:
    """`value` if it is True or False (not 0, 1 or a string), else a TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, {_got(value)}")
    return bool(value)


def check_choice(value: object, name: str, choices: Sequence) -> object:
    """`value` if it is one of `choices`, else a ValueError listing them."""
    if not any(value is c or (type(value) is type(c) and value == c) for c in choices):
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def check_callable(value: object, name: str, signature: str = "") -> Callable:
    """`value` if it is callable, else a TypeError (`signature` says how it is called)."""
    if not callable(value):
        shape = f" {signature}" if signature else ""
        raise TypeError(f"{name} must be a function{shape}, {_got(value)}")
    return value


def _dtype_hint(x: torch.Tensor, name: str, dtype: torch.dtype) -> str:
    if x.dtype == torch.uint8:
        return f"; 8-bit images (0-255) must be divided by 255 and converted: {name}.float() / 255"
    if dtype == torch.float32:
        return f"; convert it with {name}.float()"
    return ""


def check_tensor(
    x: object,
    name: str,
    *,
    ndim: int | None = None,
    min_ndim: int = 1,
    dtype: torch.dtype | str | None = torch.float32,
    non_empty: bool = True,
    finite: bool = False,
    value_range: tuple[float, float] | None = None,
    where: str | None = None,
) -> torch.Tensor:
    """`x` if it is a torch.Tensor of the rank and dtype asked for, else a TypeError/ValueError.

    `dtype="floating"` accepts any floating dtype, `dtype=None` any dtype. `non_empty` asks for at
    least one value, `finite` for no NaN or infinity, `value_range=(low, high)` for values in
    [low, high].
    The value checks read the whole tensor: use them outside training loops.
    """
    label = f"{where}: {name}" if where else name
    if isinstance(x, (list, tuple, np.ndarray)):
        raise TypeError(
            f"{label} must be a torch.Tensor, got a {type(x).__name__}; convert it with"
            f" torch.as_tensor({name}, dtype=torch.float32)"
        )
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{label} must be a torch.Tensor, got {type(x).__name__}")
    floating = dtype == "floating"
    if (floating and not x.is_floating_point()) or (
        isinstance(dtype, torch.dtype) and x.dtype != dtype
    ):
        expected = "floating-point" if floating else str(dtype).replace("torch.", "")
        wanted = torch.float32 if floating else dtype
        raise TypeError(
            f"{label} must be a {expected} tensor, got {x.dtype}{_dtype_hint(x, name, wanted)}"
        )
    if (ndim is not None and x.ndim != ndim) or x.ndim < min_ndim:
        expected = f"{ndim} dimensions" if ndim is not None else f"at least {min_ndim} dimension(s)"
        raise ValueError(f"{label} must have {expected}, got shape {tuple(x.shape)}")
    if non_empty and (x.ndim == 0 or x.numel() == 0):
        raise ValueError(f"{label} must hold at least one example, got shape {tuple(x.shape)}")
    if (finite or value_range is not None) and x.numel() and x.is_floating_point():
        # aminmax reads the values without making a mask as large as x, and NaN propagates
        # through it: the bad values are only counted when there are some
        if not all(math.isfinite(float(v)) for v in torch.aminmax(x.detach())):
            bad = int((~torch.isfinite(x.detach())).sum())
            raise ValueError(f"{label} must be finite, got {bad} NaN or infinite values")
    if value_range is not None and x.numel():
        low, high = (float(v) for v in torch.aminmax(x.detach()))
        if low < value_range[0] or high > value_range[1]:
            raise ValueError(
                f"{label} must have values in [{value_range[0]:g}, {value_range[1]:g}], got values"
                f" from {low:.4g} to {high:.4g}"
            )
    return x


def check_images(x: object, name: str = "x", **options) -> torch.Tensor:
    """`check_tensor` for a batch of examples: at least 2 dimensions (N, ...) and float32."""
    return check_tensor(x, name, **{"min_ndim": 2, **options})


def check_batch(
    x: object,
    name: str,
    features: int,
    where: str,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """A model's input `x` of shape (N, features) or (N, ...) with `features` values per
    example, checked (type, dtype, not empty; no values read) and reshaped to (N, features)."""
    x = check_tensor(x, name, min_ndim=2, dtype=dtype, where=where)
    if x[0].numel() != features:
        raise ValueError(
            f"{where}: {name} must have shape (N, {features}) or (N, ...) with {features} values"
            f" per example, got {tuple(x.shape)}"
        )
    return x.reshape(len(x), features)


def check_image_array(value: object, name: str) -> np.ndarray:
    """Grayscale images (N, H, W), (N, 1, H, W) or flat square (N, H*W), as a float64 array,
    checked: not empty and finite."""
    if isinstance(value, torch.Tensor):
        array = value.detach().cpu().numpy()
    elif isinstance(value, np.ndarray):
        array = value
    else:
        raise TypeError(f"{name} must be a torch.Tensor or a NumPy array, {_got(value)}")
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    if array.ndim == 4 and array.shape[1] == 1:  # (N, 1, H, W) -> (N, H, W)
        array = array[:, 0]
    elif array.ndim == 2:  # flat square images (N, H*W)
        side = int(round(array.shape[1] ** 0.5))
        if side * side != array.shape[1]:
            raise ValueError(
                f"{name}: flat images must have a square number of pixels, got {array.shape}"
            )
        array = array.reshape(len(array), side, side)
    if array.ndim != 3:
        raise ValueError(
            f"{name}: expected images shaped (N, H, W), (N, 1, H, W) or (N, H*W), got {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"{name} must hold at least one image, got shape {array.shape}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        bad = int((~np.isfinite(array)).sum())
        raise ValueError(f"{name} must be finite, got {bad} NaN or infinite values")
    return array


def check_model(model: object, name: str = "model") -> nn.Module:
    """`model` if it is a torch.nn.Module, else a TypeError."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, {_got(model)}")
    return model


def check_model_device(model: object, name: str = "model") -> torch.device:
    """The device of `model`'s parameters (the CPU for a model without any)."""
    check_model(model, name)
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


def check_writable_folder(folder: Path, name: str) -> Path:
    """`folder`, created if missing, if a file can be written there, else a PermissionError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise PermissionError(
            f"{name}: cannot write to the folder {str(folder)!r} ({error.strerror or error});"
            " choose a writable location"
        ) from error
    return folder


def check_path(value: object, name: str) -> Path:
    """`value` (a str or os.PathLike) as a Path, else a TypeError."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or pathlib.Path), {_got(value)}")
    return Path(value)

"""aeutils.validation: each check names the argument, the value and what was expected."""

import numbers

import numpy as np
import pytest
import torch
from torch import nn

from aeutils import validation
from aeutils.validation import check_bool, check_callable, check_images, check_scalar


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "message"),
    [
        ("0.1", {"min_val": 0, "include_boundaries": "neither"}, TypeError,
         r"lr must be a positive float, got '0.1' \(str\)"),
        (True, {}, TypeError, r"lr must be a float, got True \(bool\)"),
        (0.0, {"min_val": 0, "include_boundaries": "neither"}, ValueError,
         r"lr must be a positive float, got 0.0 \(float\)"),
        (float("nan"), {"min_val": 0}, ValueError, r"lr must be a non-negative float, got nan"),
        (float("inf"), {}, ValueError, r"lr must be a float, got inf"),
        (1.0, {"min_val": 0, "max_val": 1, "include_boundaries": "left"}, ValueError,
         r"lr must be a float in \[0, 1\), got 1.0"),
        (2.0, {"max_val": 1}, ValueError, r"lr must be a float <= 1, got 2.0"),
    ],
)  # fmt: skip
def test_check_scalar_names_the_argument_the_value_and_the_expectation(
    value, kwargs, error, message
):
    with pytest.raises(error, match=message):
        check_scalar(value, "lr", **kwargs)


def test_check_scalar_accepts_numpy_numbers_and_returns_python_ints():
    assert check_scalar(np.int64(3), "n", numbers.Integral, min_val=1) == 3
    assert type(check_scalar(np.int64(3), "n", numbers.Integral)) is int
    assert check_scalar(np.float32(0.5), "p", min_val=0) == np.float32(0.5)
    with pytest.raises(TypeError, match=r"n must be a positive int, got 2.0 \(float\)"):
        check_scalar(2.0, "n", numbers.Integral, min_val=1)
    with pytest.raises(ValueError, match=r"n must be a positive int, got 0 \(int64\)"):
        check_scalar(np.int64(0), "n", numbers.Integral, min_val=1)


def test_check_bool_and_check_callable():
    assert check_bool(np.bool_(True), "flag") is True
    with pytest.raises(TypeError, match=r"flag must be True or False, got 'no' \(str\)"):
        check_bool("no", "flag")
    with pytest.raises(TypeError, match=r"corrupt must be a function \(x\) -> x, got 3 \(int\)"):
        check_callable(3, "corrupt", "(x) -> x")


@pytest.mark.parametrize(
    ("x", "kwargs", "error", "message"),
    [
        ([[0.0, 1.0]], {}, TypeError,
         r"x must be a torch.Tensor, got a list; convert it with torch.as_tensor\(x, dtype=torch.float32\)"),  # noqa: E501
        (np.zeros((2, 2)), {}, TypeError, "x must be a torch.Tensor, got a ndarray"),
        (torch.zeros(2, 2, dtype=torch.uint8), {}, TypeError,
         r"x must be a float32 tensor, got torch.uint8; 8-bit images \(0-255\) must be divided by"
         r" 255 and converted: x.float\(\) / 255"),
        (torch.zeros(2, 2, dtype=torch.float64), {}, TypeError,
         r"x must be a float32 tensor, got torch.float64; convert it with x.float\(\)"),
        (torch.zeros(0, 2), {}, ValueError, r"x must hold at least one example, got shape \(0, 2\)"),  # noqa: E501
        (torch.zeros(2), {}, ValueError, r"x must have at least 2 dimension\(s\), got shape \(2,\)"),  # noqa: E501
        (torch.tensor([[0.0, float("nan")]]), {"finite": True}, ValueError,
         "x must be finite, got 1 NaN or infinite values"),
        (torch.tensor([[0.0, float("inf")]]), {"finite": True}, ValueError,
         "x must be finite, got 1 NaN or infinite values"),
        (torch.tensor([[0.0, 2.0]]), {"value_range": (0, 1)}, ValueError,
         r"x must have values in \[0, 1\], got values from 0 to 2"),
    ],
)  # fmt: skip
def test_check_images_rejects_each_kind_of_bad_input(x, kwargs, error, message):
    with pytest.raises(error, match=message):
        check_images(x, "x", **kwargs)


def test_check_images_returns_a_good_tensor_unchanged():
    x = torch.rand(3, 1, 4, 4)
    assert check_images(x, "x", finite=True, value_range=(0, 1)) is x


def test_check_model_device_names_a_non_module_and_handles_a_model_without_parameters():
    with pytest.raises(TypeError, match=r"model must be a torch.nn.Module, got 'net' \(str\)"):
        validation.check_model_device("net")
    assert validation.check_model_device(nn.Identity()) == torch.device("cpu")
    assert validation.check_model_device(nn.Linear(2, 2)) == torch.device("cpu")

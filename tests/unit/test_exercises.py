import math

import numpy as np
import pytest
import torch

from aeutils import exercises, losses, metrics
from aeutils.exercises import ch00, core
from aeutils.models import MLPAutoencoder, count_parameters


@pytest.mark.parametrize("name", sorted(exercises.EXERCISES))
def test_reference_passes_its_own_check(name, capsys):
    assert exercises.check(name, exercises.EXERCISES[name].reference)
    assert capsys.readouterr().out.startswith(f"✓ {name}: matches the reference on ")


def test_wrong_shape_is_reported(capsys):
    def batch_mse(x, x_hat):
        return (x - x_hat).pow(2).mean()

    assert not exercises.check("per-image-mse", batch_mse)
    out = capsys.readouterr().out
    assert "batch_mse(tensor of shape (1, 784), tensor of shape (1, 784))" in out
    assert "returned shape (), expected (1,)" in out
    assert "hint: average over every pixel of each example" in out


def test_missing_return_is_reported(capsys):
    def forgot_return(x, x_hat):
        (x - x_hat).pow(2).flatten(1).mean(dim=1)

    assert not exercises.check("per-image-mse", forgot_return)
    assert "returned None: did the function forget to `return`" in capsys.readouterr().out


def test_exception_is_reported_without_a_traceback(capsys):
    def matrix_product(x, x_hat):
        return x @ x_hat

    assert not exercises.check("per-image-mse", matrix_product)
    out = capsys.readouterr().out
    assert "✗ matrix_product(tensor of shape (1, 784), tensor of shape (1, 784)) raised" in out
    assert "RuntimeError" in out and "Traceback" not in out


def test_wrong_values_are_reported_with_their_position(capsys):
    def summed(x, x_hat):
        return (x - x_hat).pow(2).flatten(1).sum(dim=1)

    assert not exercises.check("per-image-mse", summed)
    g = torch.Generator().manual_seed(0)
    x, x_hat = torch.rand(1, 784, generator=g), torch.rand(1, 784, generator=g)
    error = (x - x_hat).pow(2).mean().item()
    out = capsys.readouterr().out
    assert f"values differ: at flat index 0 got {784 * error:.6g}, expected {error:.6g}" in out


def test_wrong_number_is_reported(capsys):
    def without_biases(widths):
        return 2 * sum(a * b for a, b in zip(widths[:-1], widths[1:], strict=True))

    assert not exercises.check("mlp-parameter-count", without_biases)
    # 784-256-128-64 and back: 2 * 241664 weights, plus 256 + 128 + 64 and 128 + 256 + 784 biases
    assert "returned 483328, expected 484944" in capsys.readouterr().out


def test_numpy_answers_are_accepted(capsys):
    def numpy_mse(x, x_hat):
        return ((x.numpy() - x_hat.numpy()) ** 2).reshape(len(x), -1).mean(axis=1)

    assert exercises.check("per-image-mse", numpy_mse)


def test_unknown_exercise_names_it():
    with pytest.raises(
        KeyError, match="no exercise called 'per-pixel-mse'; known: .*per-image-mse"
    ):
        exercises.check("per-pixel-mse", ch00.per_image_mse)


def test_non_function_answer_is_rejected():
    with pytest.raises(TypeError, match="answer must be a function, got int"):
        exercises.check("per-image-mse", 3)


def test_register_refuses_a_duplicate_name():
    exercise = exercises.EXERCISES["per-image-mse"]
    with pytest.raises(ValueError, match="exercise 'per-image-mse' is registered twice"):
        exercises.register("per-image-mse", exercise)


def test_registered_exercise_is_checked_with_its_tolerance(monkeypatch, capsys):
    monkeypatch.setattr(core, "EXERCISES", {})
    core.register("double", core.Exercise(lambda v: 2 * v, lambda g: [(1.0,), (3.0,)], "2v", 1e-3))
    assert core.check("double", lambda v: 2 * v * (1 + 1e-4))
    assert not core.check("double", lambda v: 2 * v * (1 + 1e-2))
    assert "returned 2.02, expected 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (torch.tensor([1.0, 2.0]), "tensor([1.0, 2.0])"),
        (torch.zeros(2, 3), "tensor of shape (2, 3)"),
        (np.zeros((4, 5)), "ndarray of shape (4, 5)"),
        ([784, 10], "[784, 10]"),
    ],
)
def test_describe(value, text):
    assert core.describe(value) == text


@pytest.mark.parametrize(
    ("got", "expected", "problem"),
    [
        (torch.ones(2), torch.ones(2), None),
        (np.ones(2), torch.ones(2), None),
        ([1.0, 1.0], torch.ones(2), "returned a list, expected a torch.Tensor"),
        (torch.tensor(3.0), 3.0, None),
        ("3", 3.0, "returned a str, expected a number"),
        (True, False, "returned True, expected False"),
        ("a", "b", "returned 'a', expected 'b'"),
    ],
)
def test_difference(got, expected, problem):
    assert core.difference(got, expected, rtol=1e-5, atol=1e-6) == problem


def test_per_image_mse_reference_matches_mse_per_example():
    x, x_hat = torch.rand(4, 1, 5, 5), torch.rand(4, 1, 5, 5)
    expected = torch.stack([losses.mse(a, b) for a, b in zip(x_hat, x, strict=True)])
    assert torch.allclose(ch00.per_image_mse(x, x_hat), expected)


@pytest.mark.parametrize("case", ch00._widths(torch.Generator().manual_seed(0)))
def test_parameter_count_reference_matches_the_real_model(case):
    (widths,) = case
    model = MLPAutoencoder(tuple(widths), allow_overcomplete=True)
    assert ch00.mlp_parameter_count(widths) == count_parameters(model)


@pytest.mark.parametrize("error", [0.25, 0.01, 1e-4])
def test_psnr_reference_matches_the_metric(error):
    images = np.zeros((1, 4, 4))
    measured = metrics.psnr(images, images + math.sqrt(error))[0]
    assert abs(ch00.psnr_from_mse(error) - measured) < 1e-9


def test_a_verdict_is_true_or_false_and_shows_nothing_in_a_notebook(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    passed = exercises.check("per-image-mse", exercises.EXERCISES["per-image-mse"].reference)
    assert passed and repr(passed) == "Verdict(passed=True)"
    shell = InteractiveShell.instance()
    try:
        capsys.readouterr()
        shell.display_formatter.format(passed)  # what a cell ending in check(...) shows
        assert capsys.readouterr().out == ""
        assert shell.display_formatter.format(passed) == ({}, {})
    finally:
        InteractiveShell.clear_instance()

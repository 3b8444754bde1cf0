"""Chapter 0: reference solutions and known mistakes.

Per-image error, parameter counts, PSNR from MSE.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import math

import torch


def per_image_mse(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Mean squared error of each example: shape (N,), averaged over all its pixels."""
    return (x - x_hat).pow(2).flatten(1).mean(dim=1)


def mlp_parameter_count(widths: list[int]) -> int:
    """Parameters of an MLP autoencoder with encoder `widths` and the mirrored decoder."""
    weights = sum(a * b for a, b in zip(widths[:-1], widths[1:], strict=True))
    return 2 * weights + sum(widths[1:]) + sum(widths[:-1])


def psnr_from_mse(mse: float, data_range: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB of an image whose mean squared error is `mse`."""
    return 10 * math.log10(data_range**2 / mse)


REFERENCES = {
    "per-image-mse": per_image_mse,
    "mlp-parameter-count": mlp_parameter_count,
    "psnr-from-mse": psnr_from_mse,
}


def _batch_mean(x, x_hat):
    return (x - x_hat).pow(2).mean()


def _summed(x, x_hat):
    return (x - x_hat).pow(2).flatten(1).sum(dim=1)


def _without_biases(widths):
    return 2 * sum(a * b for a, b in zip(widths[:-1], widths[1:], strict=True))


def _encoder_only(widths):
    return sum(a * b + b for a, b in zip(widths[:-1], widths[1:], strict=True))


def _natural_log(mse, data_range=1.0):
    return 10 * math.log(data_range**2 / mse)


def _range_not_squared(mse, data_range=1.0):
    return 10 * math.log10(data_range / mse)


MISTAKES = {
    "per-image-mse": [
        ("one mean over the whole batch: the exercise asks for one mean per example", _batch_mean),
        ("this is the sum over pixels; the exercise asks for the mean", _summed),
    ],
    "mlp-parameter-count": [
        ("the biases are missing: each Linear(a, b) also has b biases", _without_biases),
        ("the encoder alone: the decoder mirrors it and has parameters too", _encoder_only),
    ],
    "psnr-from-mse": [
        ("natural logarithm: decibels use log10", _natural_log),
        ("data_range is not squared: PSNR compares data_range² with the MSE", _range_not_squared),
    ],
}

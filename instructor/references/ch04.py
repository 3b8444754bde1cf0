"""Chapter 4: reference solutions and known mistakes.

The Gaussian likelihood behind MSE and the σ that maximises it, the BCE floor, the range floor.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import math

import torch


def gaussian_nll(x_hat: torch.Tensor, x: torch.Tensor, sigma: float) -> torch.Tensor:
    """-log N(x; x_hat, sigma² I) of each example, in nats: shape (N,), summed over its values."""
    n = x[0].numel()
    squared = (x - x_hat).pow(2).flatten(1).sum(dim=1)
    return squared / (2 * sigma**2) + 0.5 * n * math.log(2 * math.pi * sigma**2)


def best_sigma(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The σ that maximises the likelihood of `x` under N(x_hat, σ² I), one σ for every value:
    setting d/dσ of Σ (x - x_hat)²/(2σ²) + log σ to zero gives σ² = the mean squared error."""
    return (x - x_hat).pow(2).mean().sqrt()


def binary_entropy(x: torch.Tensor) -> torch.Tensor:
    """Entropy in nats of a Bernoulli(x) variable, value by value, with 0·log 0 = 0."""
    return -(torch.xlogy(x, x) + torch.xlogy(1 - x, 1 - x))


def mse_floor(x: torch.Tensor, low: float, high: float) -> float:
    """The smallest mean squared error per value that outputs confined to [low, high] can reach."""
    return float((x - x.clamp(low, high)).pow(2).mean())


REFERENCES = {
    "gaussian-nll": gaussian_nll,
    "best-sigma": best_sigma,
    "binary-entropy": binary_entropy,
    "mse-floor": mse_floor,
}


def _mean_not_sum(x_hat, x, sigma):
    return gaussian_nll(x_hat, x, sigma) / x[0].numel()


def _without_constant(x_hat, x, sigma):
    return (x - x_hat).pow(2).flatten(1).sum(dim=1) / (2 * sigma**2)


def _missing_half(x_hat, x, sigma):
    n = x[0].numel()
    squared = (x - x_hat).pow(2).flatten(1).sum(dim=1)
    return squared / sigma**2 + 0.5 * n * math.log(2 * math.pi * sigma**2)


def _variance_not_sigma(x_hat, x):
    return (x - x_hat).pow(2).mean()


def _sum_not_mean(x_hat, x):
    return (x - x_hat).pow(2).sum().sqrt()


def _centred(x_hat, x):
    return (x - x_hat).std()


def _per_image(x_hat, x):
    return (x - x_hat).pow(2).flatten(1).mean(dim=1).sqrt()


def _naive_logs(x):
    return -(x * torch.log(x) + (1 - x) * torch.log(1 - x))


def _in_bits(x):
    return binary_entropy(x) / math.log(2)


def _summed_floor(x, low, high):
    return float((x - x.clamp(low, high)).pow(2).sum())


MISTAKES = {
    "gaussian-nll": [
        ("the mean over values: the negative log-likelihood sums over them", _mean_not_sum),
        ("the constant n/2 · log(2πσ²) is missing", _without_constant),
        ("missing the ½: the squared error is divided by 2σ²", _missing_half),
    ],
    "best-sigma": [
        ("that is σ², the variance: σ is its square root", _variance_not_sigma),
        ("the sum of the squared errors: σ² is their mean over every value", _sum_not_mean),
        (
            "the standard deviation of x - x̂ centres the errors (and divides by n - 1): the"
            " Gaussian is centred on x̂ itself, so σ² is the plain mean of (x - x̂)²",
            _centred,
        ),
        ("one σ per image: the exercise asks for one σ shared by the whole batch", _per_image),
    ],
    "binary-entropy": [
        ("0 · log 0 gave NaN: use torch.xlogy, which takes 0 · log 0 = 0", _naive_logs),
        ("bits (log2): the exercise asks for nats (natural logarithm)", _in_bits),
    ],
    "mse-floor": [
        ("the sum over values: the floor is a mean squared error", _summed_floor),
    ],
}

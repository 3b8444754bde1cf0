"""Chapter 7: reference solutions and known mistakes.

The share of points in holes, a Gaussian fit by hand, log N(z; 0, I).

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import math

import torch


def hole_share(
    points: torch.Tensor, train_codes: torch.Tensor, test_codes: torch.Tensor, q: float
) -> float:
    """Share of `points` farther from every training code than the q-quantile of the test codes'
    distances to their nearest training code (how far a new real digit typically lies)."""
    threshold = torch.quantile(torch.cdist(test_codes, train_codes).min(dim=1).values, q)
    return (torch.cdist(points, train_codes).min(dim=1).values > threshold).float().mean().item()


def gaussian_fit(codes: torch.Tensor) -> torch.Tensor:
    """Maximum-likelihood normal fit per dimension of `codes` (N, d): row 0 the means, row 1 the
    standard deviations (dividing by N), shape (2, d)."""
    return torch.stack([codes.mean(dim=0), codes.std(dim=0, correction=0)])


def log_prior(z: torch.Tensor) -> torch.Tensor:
    """log N(z; 0, I) of each row of `z` (N, d), in nats: -(|z|² + d log 2π) / 2, shape (N,)."""
    return -0.5 * (z.pow(2).sum(dim=1) + z.shape[1] * math.log(2 * math.pi))


REFERENCES = {
    "hole-share": hole_share,
    "gaussian-fit": gaussian_fit,
    "log-prior": log_prior,
}


def _quantile_of_points(points, train_codes, test_codes, q):
    distance = torch.cdist(points, train_codes).min(dim=1).values
    return (distance > torch.quantile(distance, q)).float().mean().item()


def _mean_distance(points, train_codes, test_codes, q):
    yardstick = torch.cdist(test_codes, train_codes).min(dim=1).values
    distance = torch.cdist(points, train_codes).mean(dim=1)
    return (distance > torch.quantile(yardstick, q)).float().mean().item()


def _unbiased_std(codes):
    return torch.stack([codes.mean(dim=0), codes.std(dim=0)])


def _per_code(codes):
    return torch.stack([codes.mean(dim=1), codes.std(dim=1, correction=0)])


def _variance(codes):
    return torch.stack([codes.mean(dim=0), codes.var(dim=0, correction=0)])


def _constant_once(z):
    return -0.5 * (z.pow(2).sum(dim=1) + math.log(2 * math.pi))


def _not_halved(z):
    return -(z.pow(2).sum(dim=1) + z.shape[1] * math.log(2 * math.pi))


MISTAKES = {
    "hole-share": [
        (
            "the threshold from the points' own distances: take the quantile of the test codes'",
            _quantile_of_points,
        ),
        ("the mean distance to all training codes: use the nearest one", _mean_distance),
    ],
    "gaussian-fit": [
        (
            "the sample std (divides by N - 1): the maximum-likelihood std divides by N",
            _unbiased_std,
        ),
        ("averaged over the dimensions (dim=1): average over the codes (dim=0)", _per_code),
        ("the variance in row 1: the exercise asks for the standard deviation", _variance),
    ],
    "log-prior": [
        ("the constant log 2π counted once: it counts once per dimension", _constant_once),
        ("missing the ½", _not_halved),
    ],
}

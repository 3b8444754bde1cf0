"""Chapter 1: reference solutions and known mistakes.

The reconstruction objective, an alarm threshold, the AUROC.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import torch


def reconstruction_objective(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """(1/N) sum_i ||x_i - x_hat_i||^2: squared errors summed over each example, averaged over N."""
    return (x - x_hat).pow(2).flatten(1).sum(dim=1).mean().item()


def anomaly_threshold(normal_errors: torch.Tensor, false_alarm_rate: float) -> float:
    """The (1 - false_alarm_rate) quantile of `normal_errors` (linear interpolation)."""
    return torch.quantile(normal_errors, 1 - false_alarm_rate).item()


def auroc(normal_scores: torch.Tensor, anomaly_scores: torch.Tensor) -> float:
    """Share of (normal, anomaly) pairs in which the anomaly scores higher; ties count one half."""
    difference = anomaly_scores[:, None] - normal_scores[None, :]
    higher = (difference > 0).double().mean()
    ties = (difference == 0).double().mean()
    return (higher + 0.5 * ties).item()


REFERENCES = {
    "reconstruction-objective": reconstruction_objective,
    "anomaly-threshold": anomaly_threshold,
    "auroc": auroc,
}


def _per_pixel_mean(x, x_hat):
    return ((x - x_hat) ** 2).mean().item()


def _total_sum(x, x_hat):
    return ((x - x_hat) ** 2).sum().item()


def _wrong_quantile(normal_errors, false_alarm_rate):
    return torch.quantile(normal_errors, false_alarm_rate).item()


def _ties_count_zero(normal, anomaly):
    return (anomaly[:, None] > normal[None, :]).float().mean().item()


def _ties_count_one(normal, anomaly):
    return (anomaly[:, None] >= normal[None, :]).float().mean().item()


def _reversed(normal, anomaly):
    return (normal[:, None] > anomaly[None, :]).float().mean().item()


def _means(normal, anomaly):
    return (anomaly.mean() > normal.mean()).float().item()


MISTAKES = {
    "reconstruction-objective": [
        (
            "the mean over every value: sum over each example's values, average over examples",
            _per_pixel_mean,
        ),
        ("the sum over the whole batch: average over the N examples", _total_sum),
    ],
    "anomaly-threshold": [
        (
            "the false_alarm_rate quantile: the threshold must leave that share of normal errors"
            " above it, the 1 - false_alarm_rate quantile",
            _wrong_quantile,
        ),
    ],
    "auroc": [
        ("ties count 0: count each tie as one half", _ties_count_zero),
        ("ties count 1: count each tie as one half", _ties_count_one),
        (
            "arguments swapped: this is the share of pairs where the normal score is higher",
            _reversed,
        ),
        ("one comparison of the two means: compare every (normal, anomaly) pair", _means),
    ],
}

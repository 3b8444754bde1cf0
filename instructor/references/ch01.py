"""Chapter 1: reference solutions and known mistakes.

The reconstruction objective, an alarm threshold, the false alarms it takes to catch most anomalies.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import math

import torch


def reconstruction_objective(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """(1/N) sum_i ||x_i - x_hat_i||^2: squared errors summed over each example, averaged over N."""
    return (x - x_hat).pow(2).flatten(1).sum(dim=1).mean().item()


def anomaly_threshold(normal_errors: torch.Tensor, false_alarm_rate: float) -> float:
    """The (1 - false_alarm_rate) quantile of `normal_errors` (linear interpolation)."""
    return torch.quantile(normal_errors, 1 - false_alarm_rate).item()


def _threshold(anomaly_scores: torch.Tensor, flagged: int) -> torch.Tensor:
    """The highest threshold that flags (score >= threshold) `flagged` of the anomalies."""
    return anomaly_scores.sort(descending=True).values[flagged - 1]


def _needed(catch: float, n: int) -> int:
    """How many of n anomalies make at least a share `catch` (rounded against float noise)."""
    return math.ceil(round(catch * n, 9))


def false_alarms_at(
    normal_scores: torch.Tensor, anomaly_scores: torch.Tensor, catch: float
) -> float:
    """The share of normal inputs flagged (score >= threshold) by the highest threshold that still
    flags at least a share `catch` of the anomalies: the false-positive rate at that true-positive
    rate."""
    threshold = _threshold(anomaly_scores, _needed(catch, len(anomaly_scores)))
    return (normal_scores >= threshold).double().mean().item()


REFERENCES = {
    "reconstruction-objective": reconstruction_objective,
    "anomaly-threshold": anomaly_threshold,
    "false-alarms-at": false_alarms_at,
}


def _per_pixel_mean(x, x_hat):
    return ((x - x_hat) ** 2).mean().item()


def _total_sum(x, x_hat):
    return ((x - x_hat) ** 2).sum().item()


def _wrong_quantile(normal_errors, false_alarm_rate):
    return torch.quantile(normal_errors, false_alarm_rate).item()


def _strictly_above(normal, anomaly, catch):
    threshold = _threshold(anomaly, _needed(catch, len(anomaly)))
    return (normal > threshold).double().mean().item()


def _rounded_down(normal, anomaly, catch):
    k = max(1, math.floor(catch * len(anomaly)))
    threshold = _threshold(anomaly, k)
    return (normal >= threshold).double().mean().item()


def _interpolated(normal, anomaly, catch):
    threshold = torch.quantile(anomaly, 1 - catch)
    return (normal >= threshold).double().mean().item()


def _anomalies_caught(normal, anomaly, catch):
    threshold = _threshold(anomaly, _needed(catch, len(anomaly)))
    return (anomaly >= threshold).double().mean().item()


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
    "false-alarms-at": [
        (
            "a normal score equal to the threshold is flagged too: compare with >=, not >",
            _strictly_above,
        ),
        (
            "at least a share catch: round the number of anomalies to flag up, not down",
            _rounded_down,
        ),
        (
            "an interpolated quantile falls between two anomaly scores: the threshold is the score"
            " of the last anomaly that must be flagged",
            _interpolated,
        ),
        (
            "that is the share of anomalies flagged: return the share of normal inputs flagged",
            _anomalies_caught,
        ),
    ],
}

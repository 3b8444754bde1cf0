"""Chapter 1 exercises: the reconstruction objective, an alarm threshold, the AUROC."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _pairs(g: torch.Generator) -> list[tuple]:
    shapes = [(1, 784), (5, 784), (4, 1, 28, 28), (7, 30), (3, 2, 5)]
    return [(torch.rand(s, generator=g), torch.rand(s, generator=g)) for s in shapes]


def _errors(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, rate in [(20, 0.05), (101, 0.01), (1000, 0.05), (37, 0.2), (500, 0.5)]:
        # skewed like reconstruction errors, so the low and the high quantile differ a lot
        errors = torch.rand(n, generator=g).pow(3) * 0.1
        cases.append((errors, rate))
    return cases


def _scores(g: torch.Generator) -> list[tuple]:
    cases = []
    for n_normal, n_anomaly, shift in [(5, 3, 0.5), (40, 25, 0.2), (200, 7, 1.0), (9, 9, -0.3)]:
        normal = torch.rand(n_normal, generator=g)
        anomaly = torch.rand(n_anomaly, generator=g) + shift
        cases.append((normal, anomaly))
    # many ties: scores rounded to a few values, so the handling of ties shows
    normal = torch.randint(0, 4, (30,), generator=g).float()
    anomaly = torch.randint(1, 5, (20,), generator=g).float()
    cases.append((normal, anomaly))
    cases.append((torch.tensor([0.1, 0.2]), torch.tensor([0.3, 0.4])))  # perfectly separated
    return cases


register(
    "reconstruction-objective",
    Exercise(
        _pairs,
        "sum the squared errors over each example's values, then average over the examples",
    ),
)
register(
    "anomaly-threshold",
    Exercise(
        _errors,
        "a fraction false_alarm_rate of normal errors must lie above the threshold:"
        " torch.quantile(normal_errors, 1 - false_alarm_rate)",
    ),
)
register(
    "auroc",
    Exercise(
        _scores,
        "compare every anomaly score with every normal score: count the pairs where the anomaly is"
        " higher, count ties as one half, divide by the number of pairs",
    ),
)

"""Chapter 1 exercises: the reconstruction objective, an alarm threshold, the false alarms it takes
to catch most anomalies."""

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
    for n_normal, n_anomaly, shift, catch in [
        (50, 20, 0.5, 0.95),
        (200, 40, 0.2, 0.95),
        (10, 7, -0.2, 0.5),
        (60, 25, 0.3, 1.0),
    ]:
        normal = torch.rand(n_normal, generator=g)
        anomaly = torch.rand(n_anomaly, generator=g) + shift
        cases.append((normal, anomaly, catch))
    # scores on a few values: normal inputs tie with the threshold
    normal = torch.randint(0, 5, (30,), generator=g).float()
    anomaly = torch.randint(2, 8, (25,), generator=g).float()
    cases.append((normal, anomaly, 0.9))
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
    "false-alarms-at",
    Exercise(
        _scores,
        "the threshold is the score of the k-th highest anomaly, k = ceil(catch * number of"
        " anomalies) (so at least that share is flagged, and no higher threshold flags as many);"
        " return the share of normal scores >= threshold",
    ),
)

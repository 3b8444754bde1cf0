"""Chapter 5 exercises: shifting images, early stopping, which input each output copies."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _shift_cases(g: torch.Generator) -> list[tuple]:
    cases = [(torch.rand(2, 1, 5, 5, generator=g), dy, dx) for dy, dx in ((1, 0), (0, -2))]
    cases += [
        (torch.rand(3, 1, 28, 28, generator=g), -3, 2),
        (torch.rand(1, 2, 6, 8, generator=g), 0, 0),
    ]
    return cases


def _loss_curves(g: torch.Generator) -> list[tuple]:
    cases = [
        ([0.5, 0.4, 0.3, 0.35, 0.36, 0.37, 0.2], 3),  # stops before the late improvement
        ([0.5, 0.4, 0.4, 0.4, 0.3], 2),  # a tie is no improvement
        ([0.5, 0.4, 0.3, 0.2], 1),  # never stops
        ([0.3, 0.4, 0.5], 5),  # best at epoch 1, runs to the end
    ]
    for _ in range(3):  # U-shaped noisy curves, like the chapter's
        t = torch.linspace(-1, 1, 40)
        curve = t**2 + 0.05 * torch.rand(40, generator=g)
        cases.append((curve.tolist(), int(torch.randint(1, 8, (1,), generator=g))))
    return cases


def _jacobian_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d in ((1, 4), (3, 16), (2, 49)):
        x = torch.rand(n, d, generator=g)
        x[:, 0] = 1.0  # at least one inked pixel per example
        jacobian = torch.randn(n, d, d, generator=g)
        diagonal = torch.randn(n, d, generator=g) * (torch.rand(n, d, generator=g) < 0.5) * 6
        jacobian += torch.diag_embed(diagonal)  # some outputs copy their own pixel, some not
        cases.append((jacobian, x, 0.5))
    return cases


register(
    "shift-images",
    Exercise(
        _shift_cases,
        "pad with zeros and crop, so what leaves on one side does not come back on the other"
        " (torch.roll wraps around); positive dy moves the content down, positive dx right",
    ),
)
register(
    "early-stopping",
    Exercise(
        _loss_curves,
        "an epoch improves only if its loss is strictly below the best so far; stop when"
        " `patience` epochs in a row did not improve; count epochs from 1; return a tuple",
    ),
)
register(
    "copy-share",
    Exercise(
        _jacobian_cases,
        "jacobian[n, i, j] is d output_i / d input_j: take |.|, the argmax over the inputs j (the"
        " last dimension), compare it with i, and average over the inked pixels only",
    ),
)

"""Chapter 12 exercises: images as sequences of patches, masking patches, the masked
autoencoder's loss on normalised hidden patches."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _patchify_cases(g: torch.Generator) -> list[tuple]:
    return [
        (torch.rand(2, 1, 28, 28, generator=g), 7),
        (torch.rand(3, 1, 8, 12, generator=g), 4),  # not square: 2 rows of 3 patches
        (torch.rand(2, 3, 6, 6, generator=g), 3),  # colour: channels inside each patch
        (torch.rand(1, 1, 28, 28, generator=g), 4),
    ]


def _random_mask(g: torch.Generator, n: int, rows: int, cols: int, ratio: float) -> torch.Tensor:
    return torch.rand(n, rows, cols, generator=g) < ratio


def _mask_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, rows, cols, patch, ratio in (
        (3, 4, 4, 7, 0.75),
        (2, 4, 4, 7, 0.5),
        (4, 2, 3, 5, 0.5),  # not square: rows and columns must not be swapped
        (2, 7, 7, 4, 0.25),
    ):
        images = torch.rand(n, 1, rows * patch, cols * patch, generator=g) + 0.1
        cases.append((images, _random_mask(g, n, rows, cols, ratio), patch))
    return cases


def _loss_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, rows, cols, patch, ratio in (
        (3, 4, 4, 7, 0.75),
        (5, 4, 4, 7, 0.5),
        (2, 3, 2, 4, 0.5),
    ):
        shape = (n, 1, rows * patch, cols * patch)
        x, x_hat = torch.rand(shape, generator=g), torch.rand(shape, generator=g)
        mask = _random_mask(g, n, rows, cols, ratio)
        mask[:, 0, 0] = True  # at least one masked patch per image
        mask[0] = True  # one image entirely masked, another with one patch only
        mask[1] = False
        mask[1, 0, 0] = True
        cases.append((x_hat, x, mask, patch))
    return cases


register(
    "patchify",
    Exercise(
        _patchify_cases,
        "cut the rows into blocks of `patch` and the columns into blocks of `patch`, bring the"
        " two block indices to the front (row block first), then flatten each patch"
        " (channels, then rows, then columns)",
    ),
)
register(
    "patch-mask",
    Exercise(
        _mask_cases,
        "patch (i, j) covers rows i·patch to (i+1)·patch - 1 and columns j·patch to"
        " (j+1)·patch - 1; set those pixels to 0 where mask[n, i, j] is True, keep the others",
    ),
)
register(
    "normalized-masked-loss",
    Exercise(
        _loss_cases,
        "each hidden patch's target: its own pixels minus their mean, divided by √(variance +"
        " 1e-6), the variance over that patch's pixels dividing by their number; then the mean"
        " of the squared errors over all hidden pixels of the batch (the output is not normalised)",
        rtol=1e-4,
        atol=1e-5,
    ),
)

"""Chapter 12 exercises: images as sequences of patches and back, the masked autoencoder's loss
on normalised hidden patches."""

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


def _sequence_cases(g: torch.Generator) -> list[tuple]:
    """Sequences of flat patches, with the patch size and the image's height and width."""
    cases = []
    for n, c, rows, cols, patch in (
        (2, 1, 4, 4, 7),
        (3, 1, 2, 3, 4),
        (2, 3, 2, 2, 3),
        (1, 1, 3, 5, 2),
    ):
        tokens = torch.rand(n, rows * cols, c * patch * patch, generator=g)
        cases.append((tokens, patch, rows * patch, cols * patch))
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
    "unpatchify",
    Exercise(
        _sequence_cases,
        "the inverse of patchify: element k of the sequence is patch (k // cols, k % cols), its"
        " numbers channel first, then row by row; unpatchify(patchify(x, p), p, H, W) gives x back",
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

"""Chapter 12 exercises: images as sequences of patches, masking patches, the masked-patch loss."""

from __future__ import annotations

import torch

from .core import Exercise, register


def patchify(images: torch.Tensor, patch: int) -> torch.Tensor:
    """Images (N, C, H, W) as sequences of flat patches: (N, (H/patch)*(W/patch), C*patch*patch).

    Patches are numbered row by row (left to right, then top to bottom), as a vision transformer
    reads them; each patch is flattened channel first, then row by row.
    """
    n, c, h, w = images.shape
    grid = images.reshape(n, c, h // patch, patch, w // patch, patch)
    return grid.permute(0, 2, 4, 1, 3, 5).reshape(n, (h // patch) * (w // patch), c * patch * patch)


def _patchify_cases(g: torch.Generator) -> list[tuple]:
    return [
        (torch.rand(2, 1, 28, 28, generator=g), 7),
        (torch.rand(3, 1, 8, 12, generator=g), 4),  # not square: 2 rows of 3 patches
        (torch.rand(2, 3, 6, 6, generator=g), 3),  # colour: channels inside each patch
        (torch.rand(1, 1, 28, 28, generator=g), 4),
    ]


def patch_mask_to_pixels(mask: torch.Tensor, patch: int) -> torch.Tensor:
    """Pixel mask (N, 1, rows*patch, cols*patch) of a patch mask (N, rows, cols): 1 if masked."""
    pixels = mask.to(torch.float32).repeat_interleave(patch, dim=1)
    return pixels.repeat_interleave(patch, dim=2).unsqueeze(1)


def mask_patches(images: torch.Tensor, mask: torch.Tensor, patch: int) -> torch.Tensor:
    """Images (N, 1, H, W) with every masked patch set to 0.

    `mask` (N, H // patch, W // patch) is True for the patches to hide; patch (i, j) covers rows
    i*patch to (i+1)*patch - 1 and columns j*patch to (j+1)*patch - 1.
    """
    return images * (1 - patch_mask_to_pixels(mask, patch).to(images.dtype))


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


def masked_mse(
    x_hat: torch.Tensor, x: torch.Tensor, mask: torch.Tensor, patch: int
) -> torch.Tensor:
    """Mean squared error over the pixels of the masked patches only, for the whole batch.

    The masked autoencoder's loss: the sum of the squared errors on masked pixels divided by the
    number of masked pixels (a scalar tensor). Visible patches do not count.
    """
    pixels = patch_mask_to_pixels(mask, patch).to(x.dtype)
    return ((x_hat - x).pow(2) * pixels).sum() / pixels.sum()


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
        patchify,
        _patchify_cases,
        "cut the rows into blocks of `patch` and the columns into blocks of `patch`, bring the"
        " two block indices to the front (row block first), then flatten each patch"
        " (channels, then rows, then columns)",
    ),
)
register(
    "patch-mask",
    Exercise(
        mask_patches,
        _mask_cases,
        "patch (i, j) covers rows i·patch to (i+1)·patch - 1 and columns j·patch to"
        " (j+1)·patch - 1; set those pixels to 0 where mask[n, i, j] is True, keep the others",
    ),
)
register(
    "masked-loss",
    Exercise(
        masked_mse,
        _loss_cases,
        "sum the squared errors over the masked pixels of the whole batch and divide by the number"
        " of masked pixels (not by all pixels, not image by image)",
        rtol=1e-4,
        atol=1e-6,
    ),
)

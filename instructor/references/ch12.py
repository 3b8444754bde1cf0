"""Chapter 12: reference solutions and known mistakes.

Images as sequences of patches, masking patches, the masked-patch loss.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import torch


def patchify(images: torch.Tensor, patch: int) -> torch.Tensor:
    """Images (N, C, H, W) as sequences of flat patches: (N, (H/patch)*(W/patch), C*patch*patch).

    Patches are numbered row by row (left to right, then top to bottom), as a vision transformer
    reads them; each patch is flattened channel first, then row by row.
    """
    n, c, h, w = images.shape
    grid = images.reshape(n, c, h // patch, patch, w // patch, patch)
    return grid.permute(0, 2, 4, 1, 3, 5).reshape(n, (h // patch) * (w // patch), c * patch * patch)


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


def masked_mse(
    x_hat: torch.Tensor, x: torch.Tensor, mask: torch.Tensor, patch: int
) -> torch.Tensor:
    """Mean squared error over the pixels of the masked patches only, for the whole batch.

    The masked autoencoder's loss: the sum of the squared errors on masked pixels divided by the
    number of masked pixels (a scalar tensor). Visible patches do not count.
    """
    pixels = patch_mask_to_pixels(mask, patch).to(x.dtype)
    return ((x_hat - x).pow(2) * pixels).sum() / pixels.sum()


REFERENCES = {
    "patchify": patchify,
    "patch-mask": mask_patches,
    "masked-loss": masked_mse,
}


def _column_major(images, patch):
    return patchify(images.transpose(-1, -2), patch)


def _channels_last(images, patch):
    n, c, h, w = images.shape
    grid = images.reshape(n, c, h // patch, patch, w // patch, patch)
    return grid.permute(0, 2, 4, 3, 5, 1).reshape(n, -1, c * patch * patch)


def _rows_and_columns_swapped(images, mask, patch):
    return mask_patches(images, mask.transpose(1, 2), patch)


def _visible_zeroed(images, mask, patch):
    return mask_patches(images, ~mask, patch)


def _over_all_pixels(x_hat, x, mask, patch):
    return ((x_hat - x).pow(2) * patch_mask_to_pixels(mask, patch)).mean()


def _per_image_then_mean(x_hat, x, mask, patch):
    pixels = patch_mask_to_pixels(mask, patch)
    per_image = ((x_hat - x).pow(2) * pixels).flatten(1).sum(1) / pixels.flatten(1).sum(1)
    return per_image.mean()


MISTAKES = {
    "patchify": [
        ("patches numbered column by column: number them row by row", _column_major),
        ("channels last inside each patch: flatten channel first", _channels_last),
    ],
    "patch-mask": [
        ("the mask's rows and columns swapped", _rows_and_columns_swapped),
        ("the visible patches zeroed: zero those where the mask is True", _visible_zeroed),
    ],
    "masked-loss": [
        ("divided by all pixels: divide by the number of masked pixels", _over_all_pixels),
        (
            "image by image, then averaged: pool the masked pixels of the whole batch",
            _per_image_then_mean,
        ),
    ],
}

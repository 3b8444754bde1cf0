"""Chapter 12: reference solutions and known mistakes.

Images as sequences of patches and back, the loss on normalised hidden patches.

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


def unpatchify(tokens: torch.Tensor, patch: int, height: int, width: int) -> torch.Tensor:
    """The inverse of `patchify`: sequences of flat patches (N, L, C*patch*patch) back to images
    (N, C, height, width); element k is patch (k // cols, k % cols), channel first inside."""
    n, _, size = tokens.shape
    c, rows, cols = size // (patch * patch), height // patch, width // patch
    grid = tokens.reshape(n, rows, cols, c, patch, patch)
    return grid.permute(0, 3, 1, 4, 2, 5).reshape(n, c, height, width)


def _patches(images: torch.Tensor, patch: int) -> torch.Tensor:
    """`patchify`'s sequence laid out as its grid: (N, rows, cols, C·patch·patch)."""
    n, _, h, w = images.shape
    return patchify(images, patch).reshape(n, h // patch, w // patch, -1)


def normalized_masked_mse(
    x_hat: torch.Tensor, x: torch.Tensor, mask: torch.Tensor, patch: int
) -> torch.Tensor:
    """The masked autoencoder's loss with normalised pixel targets (He et al., 2022).

    Each hidden patch's target is its pixels minus their mean, divided by √(variance + 1e-6), with
    the patch's own mean and (biased) variance; the loss is the mean squared error between the
    output and those targets over all hidden pixels of the batch (a scalar tensor).
    """
    target = _patches(x, patch)
    mean = target.mean(dim=-1, keepdim=True)
    var = target.var(dim=-1, correction=0, keepdim=True)
    target = (target - mean) / (var + 1e-6).sqrt()
    return (_patches(x_hat, patch) - target).pow(2)[mask].mean()


REFERENCES = {
    "patchify": patchify,
    "unpatchify": unpatchify,
    "normalized-masked-loss": normalized_masked_mse,
}


def _column_major(images, patch):
    return patchify(images.transpose(-1, -2), patch)


def _channels_last(images, patch):
    n, c, h, w = images.shape
    grid = images.reshape(n, c, h // patch, patch, w // patch, patch)
    return grid.permute(0, 2, 4, 3, 5, 1).reshape(n, -1, c * patch * patch)


def _unpatchify_column_major(tokens, patch, height, width):
    return unpatchify(tokens, patch, width, height).transpose(-1, -2)


def _unpatchify_channels_last(tokens, patch, height, width):
    n, _, size = tokens.shape
    c = size // (patch * patch)
    grid = tokens.reshape(n, height // patch, width // patch, patch, patch, c)
    return grid.permute(0, 5, 1, 3, 2, 4).reshape(n, c, height, width)


def _unpatchify_by_reshape(tokens, patch, height, width):
    n, _, size = tokens.shape
    return tokens.reshape(n, size // (patch * patch), height, width)


def _normalized_with(x_hat, x, mask, patch, *, over="patch", correction=0, output=False):
    target = _patches(x, patch)
    dims = (-1,) if over == "patch" else (1, 2, 3)
    mean = target.mean(dim=dims, keepdim=True)
    var = target.var(dim=dims, correction=correction, keepdim=True)
    target = (target - mean) / (var + 1e-6).sqrt()
    out = _patches(x_hat, patch)
    if output:
        out = (out - out.mean(-1, keepdim=True)) / (
            out.var(-1, correction=0, keepdim=True) + 1e-6
        ).sqrt()
    return (out - target).pow(2)[mask].mean()


def _raw_targets(x_hat, x, mask, patch):
    return (_patches(x_hat, patch) - _patches(x, patch)).pow(2)[mask].mean()


def _per_image(x_hat, x, mask, patch):
    return _normalized_with(x_hat, x, mask, patch, over="image")


def _unbiased(x_hat, x, mask, patch):
    return _normalized_with(x_hat, x, mask, patch, correction=1)


def _output_normalized(x_hat, x, mask, patch):
    return _normalized_with(x_hat, x, mask, patch, output=True)


def _over_every_patch(x_hat, x, mask, patch):
    return _normalized_with(x_hat, x, torch.ones_like(mask), patch)


MISTAKES = {
    "patchify": [
        ("patches numbered column by column: number them row by row", _column_major),
        ("channels last inside each patch: flatten channel first", _channels_last),
    ],
    "unpatchify": [
        (
            "patches placed column by column: patch k goes to row k // cols, column k % cols",
            _unpatchify_column_major,
        ),
        (
            "channels last inside each patch: its numbers are channel first",
            _unpatchify_channels_last,
        ),
        (
            "a plain reshape: the patches' pixels are not neighbours in the sequence",
            _unpatchify_by_reshape,
        ),
    ],
    "normalized-masked-loss": [
        (
            "raw pixels as targets: normalise each hidden patch by its own mean and spread",
            _raw_targets,
        ),
        ("normalised image by image: use each patch's own mean and variance", _per_image),
        ("the variance divides by n − 1: divide by the number of pixels", _unbiased),
        ("the output normalised too: only the target is", _output_normalized),
        ("every patch counted: only the hidden ones", _over_every_patch),
    ],
}

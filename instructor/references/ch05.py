"""Chapter 5: reference solutions and known mistakes.

Shifting images, early stopping, which input each output copies.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import operator

import torch
import torch.nn.functional as F


def shift_images(x: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    """Images (N, C, H, W) moved dy pixels down and dx right (negative: up, left), zero-filled."""
    height, width = x.shape[-2:]
    padded = F.pad(x, (abs(dx), abs(dx), abs(dy), abs(dy)))
    top, left = abs(dy) - dy, abs(dx) - dx
    return padded[..., top : top + height, left : left + width]


def early_stopping(val_losses: list[float], patience: int, improves=operator.lt) -> tuple[int, int]:
    """(best epoch, last epoch trained), 1-based, as `aeutils.fit(..., patience=...)` decides:
    an epoch improves when `improves(loss, best_loss)`, a strictly lower loss."""
    best_loss, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if improves(loss, best_loss):
            best_loss, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def copy_share(jacobian: torch.Tensor, x: torch.Tensor, ink: float = 0.5) -> torch.Tensor:
    """Per example: of the pixels with x > ink, the share whose strongest input is themselves.

    `jacobian[n, i, j]` is the derivative of output pixel i with respect to input pixel j for
    example n, shape (N, D, D); the strongest input of output i is the j of largest |derivative|.
    """
    strongest = jacobian.abs().argmax(dim=-1)  # (N, D): for each output, its strongest input
    itself = strongest == torch.arange(jacobian.shape[-1], device=jacobian.device)
    inked = x.flatten(1) > ink
    return (itself & inked).sum(dim=1) / inked.sum(dim=1)


REFERENCES = {
    "shift-images": shift_images,
    "early-stopping": early_stopping,
    "copy-share": copy_share,
}


def _rolled(x, dy, dx):
    return torch.roll(x, (dy, dx), dims=(-2, -1))


def _directions_swapped(x, dy, dx):
    return shift_images(x, dx, dy)


def _ties_improve(val_losses, patience):
    return early_stopping(val_losses, patience, improves=operator.le)


def _strongest_output(jacobian, x, ink=0.5):
    return copy_share(jacobian.transpose(-1, -2), x, ink)


MISTAKES = {
    "shift-images": [
        ("torch.roll wraps around: pad with zeros and crop", _rolled),
        ("dy and dx swapped: dy moves rows (down), dx columns (right)", _directions_swapped),
    ],
    "early-stopping": [
        (
            "a tie counted as an improvement: improve only when strictly below the best",
            _ties_improve,
        ),
    ],
    "copy-share": [
        (
            "the argmax over the outputs i: the strongest input of output i is the argmax over"
            " the last dimension j",
            _strongest_output,
        ),
    ],
}

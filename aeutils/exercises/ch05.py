"""Chapter 5 exercises: shifting images, early stopping, which input each output copies."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .core import Exercise, register


def shift_images(x: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    """Images (N, C, H, W) moved dy pixels down and dx right (negative: up, left), zero-filled."""
    height, width = x.shape[-2:]
    padded = F.pad(x, (abs(dx), abs(dx), abs(dy), abs(dy)))
    top, left = abs(dy) - dy, abs(dx) - dx
    return padded[..., top : top + height, left : left + width]


def _shift_cases(g: torch.Generator) -> list[tuple]:
    cases = [(torch.rand(2, 1, 5, 5, generator=g), dy, dx) for dy, dx in ((1, 0), (0, -2))]
    cases += [(torch.rand(3, 1, 28, 28, generator=g), -3, 2), (torch.rand(1, 2, 6, 8), 0, 0)]
    return cases


def early_stopping(val_losses: list[float], patience: int) -> tuple[int, int]:
    """(best epoch, last epoch trained), 1-based, as `aeutils.fit(..., patience=...)` decides."""
    best_loss, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best_loss:
            best_loss, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


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


def copy_share(jacobian: torch.Tensor, x: torch.Tensor, ink: float = 0.5) -> torch.Tensor:
    """Per example: of the pixels with x > ink, the share whose strongest input is themselves.

    `jacobian[n, i, j]` is the derivative of output pixel i with respect to input pixel j for
    example n, shape (N, D, D); the strongest input of output i is the j of largest |derivative|.
    """
    strongest = jacobian.abs().argmax(dim=-1)  # (N, D): for each output, its strongest input
    itself = strongest == torch.arange(jacobian.shape[-1], device=jacobian.device)
    inked = x.flatten(1) > ink
    return (itself & inked).sum(dim=1) / inked.sum(dim=1)


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
        shift_images,
        _shift_cases,
        "pad with zeros and crop, so what leaves on one side does not come back on the other"
        " (torch.roll wraps around); positive dy moves the content down, positive dx right",
    ),
)
register(
    "early-stopping",
    Exercise(
        early_stopping,
        _loss_curves,
        "an epoch improves only if its loss is strictly below the best so far; stop when"
        " `patience` epochs in a row did not improve; count epochs from 1; return a tuple",
    ),
)
register(
    "copy-share",
    Exercise(
        copy_share,
        _jacobian_cases,
        "jacobian[n, i, j] is d output_i / d input_j: take |.|, the argmax over the inputs j (the"
        " last dimension), compare it with i, and average over the inked pixels only",
    ),
)

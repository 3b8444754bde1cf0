"""Reconstruction losses with input checks: MSE, BCE, L1 and a weighted sum of them.

Each takes `(x_hat, x)` (reconstruction first, as torch's losses take `(input, target)`) and
returns the mean over all elements. Bad input fails loudly instead of producing a silent NaN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch
import torch.nn.functional as F

from .validation import check_choice, check_scalar, check_tensor

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def check_pair(x_hat: torch.Tensor, x: torch.Tensor, name: str = "loss") -> None:
    """Raise unless `x_hat` and `x` are tensors of one shape (cheap: reads no values)."""
    for arg, value in (("x_hat", x_hat), ("x", x)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name}: {arg} must be a torch.Tensor, got {type(value).__name__}")
    if x_hat.shape != x.shape:
        raise ValueError(
            f"{name}: x_hat and x must have the same shape, got {tuple(x_hat.shape)} and"
            f" {tuple(x.shape)}"
        )


def check_finite(x_hat: torch.Tensor, x: torch.Tensor, name: str = "loss") -> None:
    """Raise if `x_hat` or `x` holds a NaN or an infinity, saying which and how many."""
    for arg, value in (("x_hat", x_hat), ("x", x)):
        bad = ~torch.isfinite(value.detach())
        if bad.any():
            raise ValueError(
                f"{name}: {arg} must be finite, got {int(bad.sum())} NaN or infinite value(s)"
            )


def _finite(loss: torch.Tensor, x_hat: torch.Tensor, x: torch.Tensor, name: str) -> torch.Tensor:
    # Checking the one loss value instead of every input keeps training fast; the inputs are
    # searched only when something went wrong, to say what.
    if not torch.isfinite(loss):
        check_finite(x_hat, x, name)
        raise FloatingPointError(
            f"{name}: the loss is {loss.item()} although its inputs are finite"
        )
    return loss


def mse(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Mean squared error: the negative log-likelihood of a Gaussian decoder, up to constants."""
    check_pair(x_hat, x, "mse")
    return _finite(F.mse_loss(x_hat, x), x_hat, x, "mse")


def l1(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Mean absolute error: the negative log-likelihood of a Laplace decoder, up to constants."""
    check_pair(x_hat, x, "l1")
    return _finite(F.l1_loss(x_hat, x), x_hat, x, "l1")


def bce(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy; both `x_hat` (e.g. a Sigmoid output) and `x` must lie in [0, 1]."""
    check_pair(x_hat, x, "bce")
    for arg, value in (("x_hat", x_hat), ("x", x)):
        low, high = (float(v) for v in torch.aminmax(value.detach()))
        if not (low >= 0.0 and high <= 1.0):  # also true when a NaN made low or high NaN
            check_finite(x_hat, x, "bce")
            raise ValueError(
                f"bce: {arg} must lie in [0, 1], got values in [{low:.4g}, {high:.4g}];"
                " use a Sigmoid output and data scaled to [0, 1], or another loss"
            )
    return F.binary_cross_entropy(x_hat, x)


LOSSES: dict[str, Loss] = {"mse": mse, "bce": bce, "l1": l1}


def weighted_sum(weights: Mapping[str, float]) -> Loss:
    """A loss `sum(w * LOSSES[name](x_hat, x))`, e.g. `weighted_sum({"mse": 1.0, "l1": 0.5})`."""
    if not isinstance(weights, Mapping) or not weights:
        raise ValueError(f"weights must map at least one loss name to a weight, got {weights!r}")
    for name, weight in weights.items():
        check_choice(name, "a loss name in weights", list(LOSSES))
        check_scalar(weight, f"weights[{name!r}]", min_val=0)
    terms = dict(weights)

    def loss(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return sum(weight * LOSSES[name](x_hat, x) for name, weight in terms.items())

    loss.__name__ = " + ".join(f"{w:g}·{name}" for name, w in terms.items())
    return loss


def masked_mse(
    x_hat: torch.Tensor, x: torch.Tensor, mask: torch.Tensor, patch: int
) -> torch.Tensor:
    """Mean squared error over the pixels of the masked patches of the whole batch (a scalar).

    The masked autoencoder's loss: the squared errors on the pixels of the patches where `mask`
    (N, H // patch, W // patch) is True, summed and divided by their number; visible patches do
    not count. x_hat and x (N, C, H, W).
    """
    check_pair(x_hat, x, "masked_mse")
    check_tensor(mask, "mask", ndim=3, dtype=torch.bool, where="masked_mse")
    check_scalar(patch, "patch", int, min_val=1)
    if x.ndim != 4 or tuple(mask.shape) != (len(x), x.shape[-2] // patch, x.shape[-1] // patch):
        raise ValueError(
            f"mask must have shape (N, H // patch, W // patch) for images (N, C, H, W) of shape"
            f" {tuple(x.shape)} and patch {patch}, got {tuple(mask.shape)}"
        )
    from .noise import patch_pixels  # noise imports nothing from here: no cycle, kept local

    pixels = patch_pixels(mask, patch).to(x.dtype)
    return ((x_hat - x).pow(2) * pixels).sum() / pixels.sum()

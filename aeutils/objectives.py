"""What `fit` minimises: an objective `objective(model, inputs, targets)`.

An objective returns the loss (a scalar tensor), or a dict with the loss under "loss" and other
terms to record per epoch (e.g. a VAE's "reconstruction" and "kl"). The plain autoencoder's is
`reconstruction_objective(loss)`; the regularised ones live beside their penalties
(`aeutils.penalties`) and the ELBO beside the VAEs (`aeutils.vae.elbo`).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .losses import Loss, mse
from .validation import check_callable

Objective = Callable[[nn.Module, torch.Tensor, torch.Tensor], "torch.Tensor | dict"]


def reconstruction_objective(loss: Loss = mse) -> Objective:
    """The plain autoencoder's objective: `loss(model(inputs), targets)`."""
    check_callable(loss, "loss", "(x_hat, x) -> loss")

    def objective(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return loss(model(inputs), targets)

    objective.__name__ = f"reconstruction_{getattr(loss, '__name__', 'loss')}"
    return objective


def regularised_terms(reconstruction: torch.Tensor, penalty: torch.Tensor, weight: float) -> dict:
    """What a regularised objective returns: the loss to minimise and its two parts."""
    return {
        "loss": reconstruction + weight * penalty,
        "reconstruction": reconstruction,
        "penalty": penalty,
    }


def objective_terms(value: torch.Tensor | dict, objective: Objective) -> dict[str, torch.Tensor]:
    """An objective's value as a dict holding "loss" (a scalar tensor) and any other terms."""
    terms = value if isinstance(value, dict) else {"loss": value}
    loss = terms.get("loss")
    if not isinstance(loss, torch.Tensor) or loss.ndim != 0:
        name = getattr(objective, "__name__", "objective")
        raise TypeError(
            f"objective {name} must return a scalar tensor or a dict with a scalar tensor under"
            f' "loss", got {type(value).__name__}'
            + (f" with keys {sorted(value)}" if isinstance(value, dict) else "")
        )
    return terms


def pick_objective(loss: Loss, objective: Objective | None) -> Objective:
    """`objective` if given (then `loss` must be the default), else `reconstruction_objective`."""
    if objective is None:
        return reconstruction_objective(loss)
    if loss is not mse:
        raise ValueError("give either loss or objective, not both (the objective holds its loss)")
    return check_callable(objective, "objective", "(model, inputs, targets) -> loss")

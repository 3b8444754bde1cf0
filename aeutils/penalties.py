"""Regularisers of sparse and contractive autoencoders, and `fit` objectives built from them.

Sparse: `kl_sparsity` sums KL(ρ || ρ̂_j) over code units j, where ρ̂_j is unit j's mean activation
over the batch (activations in [0, 1], e.g. a Sigmoid code); `l1_activity` is the mean absolute
activation. Contractive: `jacobian_norm` is ||∂z/∂x||²_F per example, by autograd for any encoder;
`sigmoid_jacobian_norm` is its closed form for one Sigmoid layer z = σ(Wx + b).
The objectives (`sparse_objective`, `l1_activity_objective`, `contractive_objective`) return
{"loss", "reconstruction", "penalty"} for `aeutils.fit(..., objective=...)`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn
from torch.func import jacrev, vmap

from .losses import Loss, mse
from .objectives import regularised_terms
from .validation import check_callable, check_choice, check_scalar, check_tensor

EPS = 1e-6  # mean activations are kept in [EPS, 1 - EPS] so that the KL stays finite
METHODS = ("auto", "sigmoid", "autograd")


def _check_rho(rho: float) -> None:
    check_scalar(
        rho, "rho (the target mean activation)", min_val=0, max_val=1, include_boundaries="neither"
    )


def _check_weight(weight: float) -> None:
    check_scalar(weight, "weight (of the penalty)", min_val=0)


def _check_codes(activations: torch.Tensor, where: str, name: str = "activations") -> torch.Tensor:
    check_tensor(activations, name, min_ndim=2, dtype="floating", where=where)
    return activations.reshape(len(activations), -1)


def kl_sparsity(activations: torch.Tensor, rho: float = 0.05) -> torch.Tensor:
    """Σ_j KL(ρ || ρ̂_j) in nats, ρ̂_j the mean of unit j's activations over the batch.

    KL(ρ || ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)) compares two Bernoulli distributions;
    it is 0 when ρ̂_j = ρ and grows without bound as ρ̂_j nears 0 or 1. `activations` has shape
    (N, units) and values in [0, 1] (a Sigmoid code); the means are clamped to [1e-6, 1 − 1e-6].
    """
    _check_rho(rho)
    a = _check_codes(activations, "kl_sparsity")
    low, high = (float(v) for v in torch.aminmax(a.detach()))
    if not (low >= 0.0 and high <= 1.0):  # also true when a NaN made low or high NaN
        raise ValueError(
            f"kl_sparsity: activations must lie in [0, 1] (mean activations are probabilities),"
            f" got values in [{low:.4g}, {high:.4g}]; use a Sigmoid code"
            " (latent_activation='sigmoid') or the L1 activity penalty"
        )
    rho_hat = a.mean(dim=0).clamp(EPS, 1 - EPS)
    kl = rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))
    return kl.sum()


def l1_activity(activations: torch.Tensor) -> torch.Tensor:
    """The mean absolute activation over the batch and the units (an L1 penalty on the code)."""
    return _check_codes(activations, "l1_activity").abs().mean()


def sigmoid_jacobian_norm(z: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """||∂z/∂x||²_F per example for one Sigmoid layer z = σ(Wx + b), in closed form.

    ∂z_j/∂x_i = z_j (1 − z_j) W_ji, so ||J||²_F = Σ_j (z_j (1 − z_j))² Σ_i W_ji².
    `z` holds the codes, shape (N, units); `weight` is W, shape (units, inputs). Returns (N,).
    """
    z = _check_codes(z, "sigmoid_jacobian_norm", "z")
    if not isinstance(weight, torch.Tensor) or weight.ndim != 2 or len(weight) != z.shape[1]:
        shape = tuple(weight.shape) if isinstance(weight, torch.Tensor) else type(weight).__name__
        raise ValueError(
            f"sigmoid_jacobian_norm: weight must be the layer's W of shape ({z.shape[1]}, inputs),"
            f" one row per unit of z, got {shape}"
        )
    return (z * (1 - z)).pow(2) @ weight.pow(2).sum(dim=1)


def jacobian_norm(encode: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """||∂z/∂x||²_F per example for any differentiable `encode` (x -> z), by autograd.

    `x` has shape (N, ...); `encode` maps a batch of such inputs to codes (N, units). The
    Jacobians are computed with `torch.func.jacrev` and `vmap`, with gradients enabled (also
    under `torch.no_grad()`), and the result is differentiable for training. Returns (N,).
    Encoders with batch statistics (BatchNorm in training mode) cannot be differentiated per
    example: call it in eval mode.
    """
    check_callable(encode, "encode", "(x) -> z")
    check_tensor(x, "x", min_ndim=2, dtype="floating", where="jacobian_norm")
    example_shape = x.shape[1:]

    def one(v: torch.Tensor) -> torch.Tensor:
        return encode(v.reshape(1, *example_shape)).reshape(-1)

    with torch.enable_grad():
        jacobians = vmap(jacrev(one))(x.reshape(len(x), -1))  # (N, units, inputs)
        return jacobians.pow(2).flatten(1).sum(dim=1)


def single_sigmoid_layer(model: nn.Module) -> nn.Linear | None:
    """The Linear layer of `model.encoder` if the encoder is exactly Linear then Sigmoid."""
    encoder = getattr(model, "encoder", None)
    if (
        isinstance(encoder, nn.Sequential)
        and len(encoder) == 2
        and isinstance(encoder[0], nn.Linear)
        and isinstance(encoder[1], nn.Sigmoid)
    ):
        return encoder[0]
    return None


def contractive_penalty(model: nn.Module, x: torch.Tensor, method: str = "auto") -> torch.Tensor:
    """||∂z/∂x||²_F per example of `model.encode` at inputs `x`, shape (N,).

    `method="sigmoid"` uses the closed form (the encoder must be one Linear layer and a Sigmoid),
    `"autograd"` works for any encoder, `"auto"` takes the closed form when it applies.
    """
    check_choice(method, "method", METHODS)
    layer = single_sigmoid_layer(model) if method != "autograd" else None
    if method == "sigmoid" and layer is None:
        raise ValueError(
            "method='sigmoid' needs an encoder that is exactly Linear then Sigmoid (e.g."
            " MLPAutoencoder((784, 128), latent_activation='sigmoid')), got"
            f" {getattr(model, 'encoder', None)!r}; use method='autograd'"
        )
    if layer is not None:
        return sigmoid_jacobian_norm(model.encode(x), layer.weight)
    return jacobian_norm(model.encode, x)


def _check_loss(loss: Loss) -> str:
    check_callable(loss, "loss", "(x_hat, x) -> loss")
    return getattr(loss, "__name__", "loss")


def _code_and_reconstruction(
    model: nn.Module, inputs: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    z = model.encode(inputs)
    return z, model.decode(z).view_as(inputs)


def sparse_objective(rho: float = 0.05, weight: float = 1e-3, loss: Loss = mse):
    """`loss(x̂, x) + weight · Σ_j KL(ρ || ρ̂_j)` for `fit(..., objective=...)` (sparse AE).

    The model needs `encode` with a code in [0, 1] (a Sigmoid code) and `decode`. Returns a dict
    {"loss", "reconstruction", "penalty"}; the penalty is `kl_sparsity` of the batch's codes.
    """
    _check_rho(rho)
    _check_weight(weight)
    loss_name = _check_loss(loss)

    def objective(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> dict:
        z, x_hat = _code_and_reconstruction(model, inputs)
        reconstruction = loss(x_hat, targets)
        penalty = kl_sparsity(z, rho)
        return regularised_terms(reconstruction, penalty, weight)

    objective.__name__ = f"sparse_kl_rho{rho:g}_w{weight:g}_{loss_name}"
    return objective


def l1_activity_objective(weight: float = 1e-3, loss: Loss = mse):
    """`loss(x̂, x) + weight · mean |z|` for `fit(..., objective=...)` (sparse AE, L1 form).

    Works with any code (ReLU, Sigmoid, linear). Returns {"loss", "reconstruction", "penalty"}.
    """
    _check_weight(weight)
    loss_name = _check_loss(loss)

    def objective(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> dict:
        z, x_hat = _code_and_reconstruction(model, inputs)
        reconstruction = loss(x_hat, targets)
        penalty = l1_activity(z)
        return regularised_terms(reconstruction, penalty, weight)

    objective.__name__ = f"l1_activity_w{weight:g}_{loss_name}"
    return objective


def contractive_objective(weight: float = 1e-3, loss: Loss = mse, method: str = "auto"):
    """`loss(x̂, x) + weight · mean_n ||∂z/∂x||²_F` for `fit(..., objective=...)` (contractive AE).

    `method` as in `contractive_penalty` (closed form for one Sigmoid layer, else autograd).
    Autograd is enabled inside, so `evaluate` (which runs under `torch.no_grad()`) works too.
    Returns {"loss", "reconstruction", "penalty"}.
    """
    _check_weight(weight)
    loss_name = _check_loss(loss)
    check_choice(method, "method", METHODS)

    def objective(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> dict:
        z, x_hat = _code_and_reconstruction(model, inputs)
        reconstruction = loss(x_hat, targets)
        layer = single_sigmoid_layer(model) if method != "autograd" else None
        if layer is not None:  # the closed form reuses the codes of this forward pass
            penalty = sigmoid_jacobian_norm(z, layer.weight).mean()
        else:
            penalty = contractive_penalty(model, inputs, method).mean()
        return regularised_terms(reconstruction, penalty, weight)

    objective.__name__ = f"contractive_w{weight:g}_{method}_{loss_name}"
    return objective

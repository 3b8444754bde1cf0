"""Autoencoders: an MLP with configurable widths and a small convolutional one.

Both expose `encode` (x -> z), `decode` (z -> flat x_hat) and `forward` (x -> x_hat shaped like x).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

_ACTIVATIONS = {None: nn.Identity, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


def activation(name: str | None) -> nn.Module:
    """The activation module called `name` (None, "relu", "sigmoid" or "tanh")."""
    if name not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(_ACTIVATIONS)}, got {name!r}")
    return _ACTIVATIONS[name]()


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters of `model`."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _check_latent(name: str, latent: int, inputs: int, allow_overcomplete: bool) -> None:
    if latent < 1:
        raise ValueError(f"{name} (the latent size) must be at least 1, got {latent}")
    if latent >= inputs and not allow_overcomplete:
        raise ValueError(
            f"{name} (the latent size) must be smaller than the input size {inputs} for a"
            f" bottleneck, got {latent}; pass allow_overcomplete=True for an over-complete"
            " autoencoder"
        )


def _flatten_input(x: torch.Tensor, features: int, where: str, arg: str = "x") -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{where}: {arg} must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim < 2 or x[0].numel() != features:
        raise ValueError(
            f"{where}: {arg} must have shape (N, {features}) or (N, ...) with {features} values"
            f" per example, got {tuple(x.shape)}"
        )
    return x.reshape(len(x), features)


class MLPAutoencoder(nn.Module):
    """Fully connected autoencoder; `widths` lists the encoder from input to code.

    `widths=(784, 256, 128, 64)` gives 784-256-128-64 with ReLU between layers, a linear code layer
    (`latent_activation=None`) and a mirrored decoder 64-128-256-784 ending in `output_activation`.
    """

    def __init__(
        self,
        widths: Sequence[int] = (784, 256, 128, 64),
        latent_activation: str | None = None,
        output_activation: str | None = "sigmoid",
        allow_overcomplete: bool = False,
    ) -> None:
        super().__init__()
        widths = tuple(widths)
        if len(widths) < 2 or not all(
            isinstance(w, int) and not isinstance(w, bool) for w in widths
        ):
            raise ValueError(f"widths must list at least two ints (input ... code), got {widths!r}")
        if any(w < 1 for w in widths[:-1]):
            raise ValueError(f"widths must be positive, got {widths!r}")
        _check_latent("widths[-1]", widths[-1], widths[0], allow_overcomplete)
        self.widths = widths
        self.encoder = self._stack(widths, activation(latent_activation))
        self.decoder = self._stack(widths[::-1], activation(output_activation))

    @staticmethod
    def _stack(widths: Sequence[int], last: nn.Module) -> nn.Sequential:
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
            layers.append(nn.Linear(n_in, n_out))
            layers.append(nn.ReLU() if i < len(widths) - 2 else last)
        return nn.Sequential(*layers)

    @property
    def latent_dim(self) -> int:
        return self.widths[-1]

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Codes z, shape (N, latent_dim), of inputs x of shape (N, widths[0]) or images."""
        return self.encoder(_flatten_input(x, self.widths[0], type(self).__name__))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Flat reconstructions, shape (N, widths[0]), of codes z of shape (N, latent_dim)."""
        z = _flatten_input(z, self.latent_dim, f"{type(self).__name__}.decode", "z")
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x)).view_as(x)


class ConvAutoencoder(nn.Module):
    """Convolutional autoencoder for square images.

    Encoder: per entry of `channels`, Conv(stride 2) + BatchNorm + ReLU halving the side, then a
    Linear layer to the code. Decoder: the mirror, with ConvTranspose(stride 2) doubling the side.
    """

    def __init__(
        self,
        latent_dim: int = 16,
        channels: Sequence[int] = (32, 64),
        image_size: int = 28,
        in_channels: int = 1,
        output_activation: str | None = "sigmoid",
        allow_overcomplete: bool = False,
    ) -> None:
        super().__init__()
        channels = tuple(channels)
        if not channels or any(c < 1 for c in channels):
            raise ValueError(f"channels must list positive ints, got {channels!r}")
        if image_size % 2 ** len(channels):
            raise ValueError(
                f"image_size must be divisible by 2**len(channels) = {2 ** len(channels)},"
                f" got {image_size}"
            )
        self.image_shape = (in_channels, image_size, image_size)
        _check_latent("latent_dim", latent_dim, in_channels * image_size**2, allow_overcomplete)
        self.latent_dim = latent_dim
        side = image_size // 2 ** len(channels)
        flat = channels[-1] * side * side

        down: list[nn.Module] = []
        for c_in, c_out in zip((in_channels, *channels[:-1]), channels):
            down += [
                nn.Conv2d(c_in, c_out, 3, stride=2, padding=1),
                nn.BatchNorm2d(c_out),
                nn.ReLU(),
            ]
        self.encoder = nn.Sequential(*down, nn.Flatten(), nn.Linear(flat, latent_dim))

        up: list[nn.Module] = [
            nn.Linear(latent_dim, flat),
            nn.ReLU(),
            nn.Unflatten(1, (channels[-1], side, side)),
        ]
        reversed_channels = channels[::-1]
        pairs = list(zip(reversed_channels, (*reversed_channels[1:], in_channels)))
        for i, (c_in, c_out) in enumerate(pairs):
            up.append(nn.ConvTranspose2d(c_in, c_out, 3, stride=2, padding=1, output_padding=1))
            if i < len(pairs) - 1:
                up += [nn.BatchNorm2d(c_out), nn.ReLU()]
        up.append(activation(output_activation))
        self.decoder = nn.Sequential(*up)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Codes z, shape (N, latent_dim), of images x of shape (N, C, H, W) or flat (N, C*H*W)."""
        features = self.image_shape[0] * self.image_shape[1] * self.image_shape[2]
        x = _flatten_input(x, features, type(self).__name__)
        return self.encoder(x.view(len(x), *self.image_shape))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Flat reconstructions, shape (N, C*H*W), of codes z of shape (N, latent_dim)."""
        z = _flatten_input(z, self.latent_dim, f"{type(self).__name__}.decode", "z")
        return self.decoder(z).flatten(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x)).view_as(x)

"""Autoencoders: an MLP with configurable widths and a small convolutional one.

Both expose `encode` (x -> z), `decode` (z -> flat x_hat) and `forward` (x -> x_hat shaped like x).
`SequenceAutoencoder` (GRU or LSTM) does the same for sequences, with `decode(z, length)`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import torch
from torch import nn

from .validation import (
    check_batch,
    check_bool,
    check_choice,
    check_model,
    check_scalar,
    check_tensor,
)

_ACTIVATIONS = {None: nn.Identity, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


def activation(name: str | None, arg: str = "activation") -> nn.Module:
    """The activation module called `name` (None, "relu", "sigmoid" or "tanh")."""
    return _ACTIVATIONS[check_choice(name, arg, list(_ACTIVATIONS))]()


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters of `model`."""
    return sum(p.numel() for p in check_model(model).parameters() if p.requires_grad)


@contextmanager
def evaluating(model: nn.Module) -> Iterator[nn.Module]:
    """Run a block with `model` in eval mode, then restore the mode it was in."""
    was_training = check_model(model).training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def _check_latent(name: str, latent: int, inputs: int, allow_overcomplete: bool) -> int:
    latent = check_scalar(latent, f"{name} (the latent size)", numbers.Integral, min_val=1)
    check_bool(allow_overcomplete, "allow_overcomplete")
    if latent >= inputs and not allow_overcomplete:
        raise ValueError(
            f"{name} (the latent size) must be smaller than the input size {inputs} for a"
            f" bottleneck, got {latent}; pass allow_overcomplete=True for an over-complete"
            " autoencoder"
        )
    return latent


def _check_widths(widths: object, name: str, what: str, code_last: bool) -> tuple[int, ...]:
    """`widths` as a tuple of at least two positive ints (the last, a code size, is left to
    `_check_latent` when `code_last`)."""
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
        raise TypeError(f"{name} must list at least two ints ({what}), got {widths!r}")
    if len(widths) < 2:
        raise ValueError(f"{name} must list at least two ints ({what}), got {tuple(widths)!r}")
    checked = widths[:-1] if code_last else widths
    return tuple(
        check_scalar(w, f"{name}[{i}]", numbers.Integral, min_val=1) for i, w in enumerate(checked)
    ) + ((widths[-1],) if code_last else ())


def _check_dropout(dropout: float, widths: tuple[int, ...]) -> None:
    check_scalar(
        dropout, "dropout (a probability)", min_val=0, max_val=1, include_boundaries="left"
    )
    if dropout and len(widths) < 3:
        raise ValueError(
            f"dropout acts after hidden layers, and widths {widths!r} has none; give at least"
            " three widths (input, hidden ..., code) or dropout=0"
        )


def _decoder_widths(
    decoder_widths: Sequence[int] | None, widths: tuple[int, ...]
) -> tuple[int, ...]:
    """The decoder's widths, code to input: the mirror of `widths` unless given."""
    if decoder_widths is None:
        return widths[::-1]
    given = _check_widths(decoder_widths, "decoder_widths", "code ... input", code_last=False)
    if given[0] != widths[-1] or given[-1] != widths[0]:
        raise ValueError(
            f"decoder_widths must start at the code size {widths[-1]} and end at the input size"
            f" {widths[0]} (widths[-1] and widths[0]), got {given!r}"
        )
    return given


class MLPAutoencoder(nn.Module):
    """Fully connected autoencoder; `widths` lists the encoder from input to code.

    `widths=(784, 256, 128, 64)` gives 784-256-128-64 with ReLU between layers, a linear code layer
    (`latent_activation=None`) and a mirrored decoder 64-128-256-784 ending in `output_activation`.
    `dropout > 0` adds `nn.Dropout(dropout)` after every hidden ReLU (not on the code or output).
    `decoder_widths` (code to input, e.g. `(64, 784)`) builds a decoder that does not mirror the
    encoder; None (the default) mirrors it.
    """

    def __init__(
        self,
        widths: Sequence[int] = (784, 256, 128, 64),
        latent_activation: str | None = None,
        output_activation: str | None = "sigmoid",
        allow_overcomplete: bool = False,
        dropout: float = 0.0,
        decoder_widths: Sequence[int] | None = None,
    ) -> None:
        super().__init__()
        widths = _check_widths(widths, "widths", "input ... code", code_last=True)
        latent = _check_latent("widths[-1]", widths[-1], widths[0], allow_overcomplete)
        widths = (*widths[:-1], latent)
        _check_dropout(dropout, widths)
        self.widths = widths
        self.decoder_widths = _decoder_widths(decoder_widths, widths)
        self.encoder = self._stack(
            widths, activation(latent_activation, "latent_activation"), dropout
        )
        self.decoder = self._stack(
            self.decoder_widths, activation(output_activation, "output_activation"), dropout
        )

    @staticmethod
    def _stack(widths: Sequence[int], last: nn.Module, dropout: float = 0.0) -> nn.Sequential:
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
            layers.append(nn.Linear(n_in, n_out))
            layers.append(nn.ReLU() if i < len(widths) - 2 else last)
            if dropout and i < len(widths) - 2:
                layers.append(nn.Dropout(dropout))
        return nn.Sequential(*layers)

    @property
    def latent_dim(self) -> int:
        return self.widths[-1]

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Codes z, shape (N, latent_dim), of inputs x of shape (N, widths[0]) or images."""
        return self.encoder(check_batch(x, "x", self.widths[0], type(self).__name__))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Flat reconstructions, shape (N, widths[0]), of codes z of shape (N, latent_dim)."""
        z = check_batch(z, "z", self.latent_dim, f"{type(self).__name__}.decode")
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
        if isinstance(channels, (str, bytes)) or not isinstance(channels, Sequence):
            raise TypeError(f"channels must list positive ints, got {channels!r}")
        if not channels:
            raise ValueError(f"channels must list positive ints, got {tuple(channels)!r}")
        channels = tuple(
            check_scalar(c, f"channels[{i}]", numbers.Integral, min_val=1)
            for i, c in enumerate(channels)
        )
        image_size = check_scalar(image_size, "image_size", numbers.Integral, min_val=1)
        in_channels = check_scalar(in_channels, "in_channels", numbers.Integral, min_val=1)
        if image_size % 2 ** len(channels):
            raise ValueError(
                f"image_size must be divisible by 2**len(channels) = {2 ** len(channels)},"
                f" got {image_size}"
            )
        self.image_shape = (in_channels, image_size, image_size)
        latent_dim = _check_latent(
            "latent_dim", latent_dim, in_channels * image_size**2, allow_overcomplete
        )
        self.latent_dim = latent_dim
        side = image_size // 2 ** len(channels)
        flat = channels[-1] * side * side

        down: list[nn.Module] = []
        for c_in, c_out in zip((in_channels, *channels[:-1]), channels, strict=True):
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
        pairs = list(zip(reversed_channels, (*reversed_channels[1:], in_channels), strict=True))
        for i, (c_in, c_out) in enumerate(pairs):
            up.append(nn.ConvTranspose2d(c_in, c_out, 3, stride=2, padding=1, output_padding=1))
            if i < len(pairs) - 1:
                up += [nn.BatchNorm2d(c_out), nn.ReLU()]
        up.append(activation(output_activation, "output_activation"))
        self.decoder = nn.Sequential(*up)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Codes z, shape (N, latent_dim), of images x of shape (N, C, H, W) or flat (N, C*H*W)."""
        features = self.image_shape[0] * self.image_shape[1] * self.image_shape[2]
        x = check_batch(x, "x", features, type(self).__name__)
        return self.encoder(x.view(len(x), *self.image_shape))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Flat reconstructions, shape (N, C*H*W), of codes z of shape (N, latent_dim)."""
        z = check_batch(z, "z", self.latent_dim, f"{type(self).__name__}.decode")
        return self.decoder(z).flatten(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x)).view_as(x)


class SequenceAutoencoder(nn.Module):
    """Recurrent autoencoder for sequences shaped (N, T, n_features), of any length T.

    Encoder: a GRU (or an LSTM, `cell="lstm"`) reads the sequence, and a Linear layer maps its last
    hidden state to the code z, shape (N, latent_dim). Decoder: a second GRU (or LSTM) starts from
    a hidden state computed from z (Linear + Tanh) and receives z again at each of the T steps; a
    Linear layer maps each of its hidden states to n_features values, then `output_activation`
    (None, the default, leaves them unbounded). `decode(z, length)` needs the number of steps;
    `forward(x)` returns a tensor shaped like x.
    """

    def __init__(
        self,
        n_features: int = 1,
        latent_dim: int = 8,
        hidden_size: int = 64,
        cell: str = "gru",
        output_activation: str | None = None,
    ) -> None:
        super().__init__()
        n_features, latent_dim, hidden_size = (
            check_scalar(value, name, numbers.Integral, min_val=1)
            for name, value in (
                ("n_features", n_features),
                ("latent_dim", latent_dim),
                ("hidden_size", hidden_size),
            )
        )
        cells = {"gru": nn.GRU, "lstm": nn.LSTM}
        check_choice(cell, "cell", list(cells))
        self.n_features, self.latent_dim, self.cell = n_features, latent_dim, cell
        self.encoder_rnn = cells[cell](n_features, hidden_size, batch_first=True)
        self.to_code = nn.Linear(hidden_size, latent_dim)
        self.from_code = nn.Sequential(nn.Linear(latent_dim, hidden_size), nn.Tanh())
        self.decoder_rnn = cells[cell](latent_dim, hidden_size, batch_first=True)
        self.to_output = nn.Sequential(
            nn.Linear(hidden_size, n_features), activation(output_activation, "output_activation")
        )

    def _check_sequences(self, x: torch.Tensor) -> None:
        where = type(self).__name__
        check_tensor(x, "x", min_ndim=1, where=where)
        if x.ndim != 3 or x.shape[2] != self.n_features or x.shape[1] < 1:
            raise ValueError(
                f"{where}: x must have shape (N, T, {self.n_features}) (sequences, steps,"
                f" features per step), got {tuple(x.shape)}"
            )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Codes z, shape (N, latent_dim), of sequences x shaped (N, T, n_features)."""
        self._check_sequences(x)
        _, state = self.encoder_rnn(x)
        last = state[0] if self.cell == "lstm" else state  # an LSTM's state is (h, c)
        return self.to_code(last[-1])

    def decode(self, z: torch.Tensor, length: int) -> torch.Tensor:
        """Sequences shaped (N, length, n_features) decoded from codes z shaped (N, latent_dim)."""
        length = check_scalar(length, "length (steps to decode)", numbers.Integral, min_val=1)
        z = check_batch(z, "z", self.latent_dim, f"{type(self).__name__}.decode")
        h0 = self.from_code(z).unsqueeze(0)
        state = (h0, torch.zeros_like(h0)) if self.cell == "lstm" else h0
        hidden, _ = self.decoder_rnn(z.unsqueeze(1).expand(-1, length, -1), state)
        return self.to_output(hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x), x.shape[1])

"""Autoencoders: an MLP with configurable widths and a small convolutional one.

Both expose `encode` (x -> z), `decode` (z -> flat x_hat) and `forward` (x -> x_hat shaped like x).
`SequenceAutoencoder` (GRU or LSTM) does the same for sequences, with `decode(z, length)`.
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


def _check_dropout(dropout: float, widths: tuple[int, ...]) -> None:
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a probability in [0, 1), got {dropout!r}")
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
    given = tuple(decoder_widths)
    if len(given) < 2 or not all(isinstance(w, int) and not isinstance(w, bool) for w in given):
        raise ValueError(
            f"decoder_widths must list at least two ints (code ... input), got {decoder_widths!r}"
        )
    if any(w < 1 for w in given):
        raise ValueError(f"decoder_widths must be positive, got {given!r}")
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
        widths = tuple(widths)
        if len(widths) < 2 or not all(
            isinstance(w, int) and not isinstance(w, bool) for w in widths
        ):
            raise ValueError(f"widths must list at least two ints (input ... code), got {widths!r}")
        if any(w < 1 for w in widths[:-1]):
            raise ValueError(f"widths must be positive, got {widths!r}")
        _check_latent("widths[-1]", widths[-1], widths[0], allow_overcomplete)
        _check_dropout(dropout, widths)
        self.widths = widths
        self.decoder_widths = _decoder_widths(decoder_widths, widths)
        self.encoder = self._stack(widths, activation(latent_activation), dropout)
        self.decoder = self._stack(self.decoder_widths, activation(output_activation), dropout)

    @staticmethod
    def _stack(widths: Sequence[int], last: nn.Module, dropout: float = 0.0) -> nn.Sequential:
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
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
        for name, value in (
            ("n_features", n_features),
            ("latent_dim", latent_dim),
            ("hidden_size", hidden_size),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        cells = {"gru": nn.GRU, "lstm": nn.LSTM}
        if cell not in cells:
            raise ValueError(f"cell must be one of {list(cells)}, got {cell!r}")
        self.n_features, self.latent_dim, self.cell = n_features, latent_dim, cell
        self.encoder_rnn = cells[cell](n_features, hidden_size, batch_first=True)
        self.to_code = nn.Linear(hidden_size, latent_dim)
        self.from_code = nn.Sequential(nn.Linear(latent_dim, hidden_size), nn.Tanh())
        self.decoder_rnn = cells[cell](latent_dim, hidden_size, batch_first=True)
        self.to_output = nn.Sequential(
            nn.Linear(hidden_size, n_features), activation(output_activation)
        )

    def _check_sequences(self, x: torch.Tensor) -> None:
        where = type(self).__name__
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{where}: x must be a torch.Tensor, got {type(x).__name__}")
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
        if isinstance(length, bool) or not isinstance(length, int) or length < 1:
            raise ValueError(
                f"length (the number of steps to decode) must be a positive int, got {length!r}"
            )
        z = _flatten_input(z, self.latent_dim, f"{type(self).__name__}.decode", "z")
        h0 = self.from_code(z).unsqueeze(0)
        state = (h0, torch.zeros_like(h0)) if self.cell == "lstm" else h0
        hidden, _ = self.decoder_rnn(z.unsqueeze(1).expand(-1, length, -1), state)
        return self.to_output(hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x), x.shape[1])

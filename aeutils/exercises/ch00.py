"""Chapter 0 exercises: the training loop, per-image error, tied parameters, PSNR from MSE."""

from __future__ import annotations

import math

import torch
from torch import nn

from .core import Exercise, register


def _image_pairs(g: torch.Generator) -> list[tuple]:
    shapes = [(1, 784), (5, 784), (3, 1, 28, 28), (7, 1, 4, 4)]
    return [(torch.rand(s, generator=g), torch.rand(s, generator=g)) for s in shapes]


def _widths(g: torch.Generator) -> list[tuple]:
    cases = [([784, 256, 128, 64],), ([784, 256, 64, 32],), ([10, 2],)]
    for _ in range(3):
        depth = int(torch.randint(2, 6, (1,), generator=g))
        cases.append((torch.randint(1, 500, (depth,), generator=g).tolist(),))
    return cases


def _mse_values(g: torch.Generator) -> list[tuple]:
    cases = [(0.01, 1.0), (1e-4, 1.0), (100.0, 255.0)]
    cases += [(float(torch.rand(1, generator=g)) * 0.1 + 1e-6, 1.0) for _ in range(3)]
    return cases


class SeededGenerator(torch.Generator):
    """A CPU `torch.Generator` that shows its seed: how the self-check describes its inputs."""

    def __repr__(self) -> str:
        return f"torch.Generator(seed={self.initial_seed()})"


class TinyAutoencoder(nn.Module):
    """16 → 6 → 16 with a BatchNorm1d after the first layer, every weight drawn from `g`.

    The BatchNorm makes the output depend on the mode: in `train()` it normalises with the batch's
    statistics, in `eval()` with its running averages, so a loop that trains or validates in the
    wrong mode gives other losses.
    """

    def __init__(self, g: torch.Generator, widths: tuple[int, int] = (16, 6)) -> None:
        super().__init__()
        n, k = widths
        # skip_init: the layers are built without touching the global random generator. No bias
        # before the BatchNorm, which would cancel it: its gradient would be rounding noise, and
        # Adam, which scales every gradient to about lr, would turn that noise into steps.
        self.encoder = nn.Sequential(
            nn.utils.skip_init(nn.Linear, n, k, bias=False), nn.BatchNorm1d(k), nn.ReLU()
        )
        self.decoder = nn.Sequential(nn.utils.skip_init(nn.Linear, k, n), nn.Sigmoid())
        with torch.no_grad():
            for layer in (self.encoder[0], self.decoder[0]):
                bound = 1 / math.sqrt(layer.in_features)  # torch's default range
                for p in (layer.weight, layer.bias):
                    if p is not None:
                        p.copy_((2 * torch.rand(p.shape, generator=g) - 1) * bound)
        self.widths = widths

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))

    def __repr__(self) -> str:
        n, k = self.widths
        return f"TinyAutoencoder({n}→{k}→{n}, with BatchNorm1d)"


def _training_runs(g: torch.Generator) -> list[tuple]:
    """Small training runs; the batch sizes do not divide the data: the last batch is smaller."""
    cases = []
    for n_train, n_val, epochs, batch_size, lr in [(40, 12, 3, 12, 0.01), (30, 10, 2, 8, 0.02)]:
        model = TinyAutoencoder(g)
        x_train, x_val = torch.rand(n_train, 16, generator=g), torch.rand(n_val, 16, generator=g)
        seed = int(torch.randint(0, 2**31, (1,), generator=g))
        loop = SeededGenerator()
        loop.manual_seed(seed)
        cases.append((model, x_train, x_val, epochs, batch_size, lr, loop))
    return cases


register(
    "training-loop",
    Exercise(
        _training_runs,
        "follow the statement step by step: one Adam for the whole run, a new randperm each"
        " epoch, zero_grad before backward, the epoch loss weighted by batch size, validation"
        " in eval mode without gradients, then train mode again",
        rtol=1e-4,
        atol=1e-7,
    ),
)
register(
    "per-image-mse",
    Exercise(_image_pairs, "average over every pixel of each example, not over the batch"),
)
register(
    "tied-parameter-count",
    Exercise(
        _widths,
        "each encoder Linear(a, b) has a*b weights and b biases; its tied decoder layer reuses"
        " those weights transposed and adds a biases",
    ),
)
register(
    "psnr-from-mse",
    Exercise(_mse_values, "PSNR = 10·log10(data_range² / MSE), in decibels"),
)

"""Chapter 2 exercises: output sizes of (transposed) convolutions, GRU parameters, standardising."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _conv_cases(g: torch.Generator) -> list[tuple]:
    cases = [(28, 3, 2, 1), (14, 3, 2, 1), (7, 3, 1, 0), (28, 5, 1, 2), (27, 4, 2, 0)]
    for _ in range(4):
        kernel = int(torch.randint(1, 6, (1,), generator=g))
        stride = int(torch.randint(1, 4, (1,), generator=g))
        padding = int(torch.randint(0, kernel, (1,), generator=g))
        size = int(torch.randint(kernel, 40, (1,), generator=g))
        cases.append((size, kernel, stride, padding))
    return cases


def _transpose_cases(g: torch.Generator) -> list[tuple]:
    cases = [(7, 3, 2, 1, 1), (14, 3, 2, 1, 1), (7, 3, 2, 1, 0), (4, 4, 2, 1, 0), (5, 3, 1, 0, 0)]
    for _ in range(4):
        kernel = int(torch.randint(1, 6, (1,), generator=g))
        stride = int(torch.randint(1, 4, (1,), generator=g))
        padding = int(torch.randint(0, kernel, (1,), generator=g))
        output_padding = int(torch.randint(0, stride, (1,), generator=g))
        size = int(torch.randint(2, 20, (1,), generator=g))
        cases.append((size, kernel, stride, padding, output_padding))
    return cases


def _gru_cases(g: torch.Generator) -> list[tuple]:
    cases = [(1, 32), (28, 128), (8, 32), (5, 1)]
    cases += [tuple(torch.randint(1, 300, (2,), generator=g).tolist()) for _ in range(3)]
    return cases


def _tables(g: torch.Generator) -> list[tuple]:
    cases = []
    for n_train, n_x, d in [(5, 3, 4), (8, 8, 2), (50, 10, 30), (4, 1, 3)]:
        scale = 0.5 + 10 * torch.rand(d, generator=g)
        shift = 20 * torch.randn(d, generator=g)
        train = shift + scale * torch.randn(n_train, d, generator=g)
        # new rows from another distribution: their own mean and std are not the training ones
        x = shift + 2 + 3 * scale * torch.randn(n_x, d, generator=g)
        cases.append((train, x))
    return cases


register(
    "conv-output-size",
    Exercise(
        _conv_cases,
        "pad both sides (2 * padding), count how many positions the kernel fits at with this"
        " stride (round down), and add 1",
    ),
)
register(
    "conv-transpose-size",
    Exercise(
        _transpose_cases,
        "(size - 1) * stride - 2 * padding + kernel + output_padding: the inverse of the"
        " convolution's formula, with output_padding choosing among the sizes that map back",
    ),
)
register(
    "gru-parameter-count",
    Exercise(
        _gru_cases,
        "a GRU has 3 gates; each has an input weight (hidden x input), a recurrent weight"
        " (hidden x hidden) and, in PyTorch, two bias vectors of length hidden",
    ),
)
register(
    "standardize",
    Exercise(
        _tables,
        "use the training table's per-column mean and std (population std: unbiased=False, as"
        " scikit-learn's StandardScaler) for any rows you transform",
    ),
)

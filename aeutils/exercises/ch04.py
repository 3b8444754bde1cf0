"""Chapter 4 exercises: the Gaussian likelihood behind MSE and its best σ, the BCE floor, the range
floor."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _gaussian_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for shape, sigma in (((1, 4), 1.0), ((5, 784), 0.1), ((3, 1, 28, 28), 0.5), ((4, 10), 2.0)):
        cases.append((torch.rand(shape, generator=g), torch.rand(shape, generator=g), sigma))
    return cases


def _sigma_cases(g: torch.Generator) -> list[tuple]:
    cases = []  # reconstructions off by noise and, in some cases, a constant bias
    for shape, noise, bias in (
        ((1, 4), 0.3, 0.1),
        ((5, 784), 0.1, 0.0),
        ((3, 1, 28, 28), 0.2, -0.05),
        ((4, 10), 1.0, 0.5),
    ):
        x = torch.rand(shape, generator=g)
        cases.append((x + bias + noise * torch.randn(shape, generator=g), x))
    return cases


def _probabilities(g: torch.Generator) -> list[tuple]:
    mnist_like = torch.rand(6, 784, generator=g)
    mnist_like[mnist_like < 0.7] = 0.0  # mostly black, as MNIST
    mnist_like[mnist_like > 0.9] = 1.0  # some pixels fully white
    return [
        (torch.tensor([0.5, 0.1, 0.9, 0.25]),),
        (torch.tensor([0.0, 1.0, 0.5]),),
        (mnist_like,),
        (torch.rand(2, 1, 28, 28, generator=g),),
    ]


def _floor_cases(g: torch.Generator) -> list[tuple]:
    images = torch.rand(8, 784, generator=g)
    images[images < 0.8] = 0.0
    return [
        (images * 2 - 1, 0.0, 1.0),  # data in [-1, 1], a Sigmoid output
        (images, 0.5, 1.0),  # data in [0, 1], ReLU then Sigmoid
        (images, 0.0, 1.0),  # matched: no floor
        (torch.randn(5, 20, generator=g) * 3, -1.0, 1.0),  # unbounded data, a Tanh output
    ]


register(
    "gaussian-nll",
    Exercise(
        _gaussian_cases,
        "sum over each example's values (not mean); the variance is sigma², and the constant"
        " n/2·log(2πσ²) counts too",
        rtol=1e-4,
    ),
)
register(
    "best-sigma",
    Exercise(
        _sigma_cases,
        "x̂ is fixed: write the total NLL over every value of every image as a function of σ"
        " alone, set its derivative to zero and solve; return σ (not σ²), one number for the"
        " whole batch, as a 0-dimensional tensor",
        rtol=1e-4,
    ),
)
register(
    "binary-entropy",
    Exercise(
        _probabilities,
        "H(x) = -x·ln x - (1-x)·ln(1-x) in nats, taking 0·ln 0 = 0 (torch.xlogy does); pixels at"
        " exactly 0 or 1 must give 0, not NaN",
    ),
)
register(
    "mse-floor",
    Exercise(
        _floor_cases,
        "the best output for a value x is the nearest point of [low, high], x.clamp(low, high);"
        " average the squared distance over every value",
    ),
)

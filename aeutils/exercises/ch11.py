"""Chapter 11 exercises: the PSNR of a shifted image, PSNR on the ink only, a one-window SSIM."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _shift_cases(g: torch.Generator) -> list[tuple]:
    def strokes(n: int, height: int, width: int) -> torch.Tensor:
        # random ink on a black background, reaching the right edge (so wrapping around shows)
        x = torch.rand(n, 1, height, width, generator=g)
        return x * (torch.rand(n, 1, height, width, generator=g) < 0.3)

    return [
        (strokes(4, 28, 28), 1),
        (strokes(3, 28, 28), 2),
        (strokes(2, 9, 14), 3),  # not square: shift the columns, not the rows
        (torch.rand(5, 1, 6, 6, generator=g), 1),
    ]


def _ink_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for shape in ((4, 1, 28, 28), (3, 784), (2, 1, 5, 7)):
        x = torch.rand(shape, generator=g) * (torch.rand(shape, generator=g) < 0.25)
        x.view(len(x), -1)[:, 0] = 0.5  # at least one ink pixel per image
        x_hat = (x + 0.2 * torch.randn(shape, generator=g)).clamp(0, 1)
        cases.append((x, x_hat))
    return cases


def _ssim_cases(g: torch.Generator) -> list[tuple]:
    x = torch.rand(4, 1, 28, 28, generator=g) * (torch.rand(4, 1, 28, 28, generator=g) < 0.2)
    small = torch.rand(3, 1, 4, 4, generator=g)  # few pixels: population vs sample variance shows
    dark = torch.rand(3, 36, generator=g) * 0.02  # dark images: c1 and c2 matter
    photo = torch.rand(2, 1, 8, 8, generator=g) * 255
    return [
        (x, (x + 0.1 * torch.randn(x.shape, generator=g)).clamp(0, 1), 1.0),
        (small, torch.rand(3, 1, 4, 4, generator=g), 1.0),
        (dark, torch.rand(3, 36, generator=g) * 0.02, 1.0),
        (x, 0.7 * x, 1.0),
        (photo, (photo + 20 * torch.randn(photo.shape, generator=g)).clamp(0, 255), 255.0),
    ]


register(
    "shift-psnr",
    Exercise(
        _shift_cases,
        "move the columns right (the last dimension), fill the first `shift` columns with 0 and"
        " drop what falls off the edge (no torch.roll); one PSNR per image, 10·log10(1 / MSE)",
        rtol=1e-4,
        atol=1e-4,
    ),
)
register(
    "ink-psnr",
    Exercise(
        _ink_cases,
        "average the squared error over the pixels where the *original* x is above 0, image by"
        " image, then take 10·log10(1 / that MSE)",
        rtol=1e-4,
        atol=1e-4,
    ),
)
register(
    "global-ssim",
    Exercise(
        _ssim_cases,
        "one window: means, variances and the covariance over all pixels of each image (divide by"
        " the number of pixels, not by one less); c1 = (0.01·R)², c2 = (0.03·R)²",
        rtol=1e-4,
        atol=1e-6,
    ),
)

"""Chapter 11: reference solutions and known mistakes.

The PSNR of a shifted image, PSNR on the ink only, a one-window SSIM.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import torch


def shift_psnr(images: torch.Tensor, shift: int) -> torch.Tensor:
    """PSNR in dB (range 1) of each image (N, 1, H, W) against itself moved `shift` pixels right.

    The moved image gets `shift` black (0) columns on the left; columns pushed past the right edge
    are dropped (nothing wraps around).
    """
    moved = torch.zeros_like(images)
    moved[..., shift:] = images[..., : images.shape[-1] - shift]
    mse = (moved - images).pow(2).flatten(1).mean(dim=1)
    return 10 * torch.log10(1 / mse)


def ink_psnr(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """PSNR in dB (data range 1) of each image, from the squared error on its ink (x > 0) only."""
    ink = (x > 0).flatten(1).to(x.dtype)
    squared = (x - x_hat).pow(2).flatten(1)
    mse = (squared * ink).sum(dim=1) / ink.sum(dim=1)
    return 10 * torch.log10(1 / mse)


def global_ssim(x: torch.Tensor, y: torch.Tensor, data_range: float = 1.0) -> torch.Tensor:
    """SSIM of each image pair (N, ...) computed with one window covering the whole image.

    ((2 mu_x mu_y + c1)(2 cov + c2)) / ((mu_x^2 + mu_y^2 + c1)(var_x + var_y + c2)), with the
    means, (population) variances and covariance over all pixels of an image, c1 = (0.01 R)^2 and
    c2 = (0.03 R)^2 for the data range R.
    """
    a, b = x.flatten(1), y.flatten(1)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_a, mu_b = a.mean(dim=1), b.mean(dim=1)
    var_a = (a - mu_a[:, None]).pow(2).mean(dim=1)
    var_b = (b - mu_b[:, None]).pow(2).mean(dim=1)
    cov = ((a - mu_a[:, None]) * (b - mu_b[:, None])).mean(dim=1)
    luminance = (2 * mu_a * mu_b + c1) / (mu_a**2 + mu_b**2 + c1)
    structure = (2 * cov + c2) / (var_a + var_b + c2)
    return luminance * structure


REFERENCES = {
    "shift-psnr": shift_psnr,
    "ink-psnr": ink_psnr,
    "global-ssim": global_ssim,
}


def _rolled(images, shift):
    moved = torch.roll(images, shift, dims=-1)
    return 10 * torch.log10(1 / (moved - images).pow(2).flatten(1).mean(dim=1))


def _shifted_down(images, shift):
    return shift_psnr(images.transpose(-1, -2), shift)


def _batch_psnr(images, shift):
    return shift_psnr(images, shift).mean()


def _ink_of_the_reconstruction(x, x_hat):
    return ink_psnr(x_hat, x)


def _every_pixel(x, x_hat):
    return 10 * torch.log10(1 / (x - x_hat).pow(2).flatten(1).mean(dim=1))


def _ink_over_the_batch(x, x_hat):
    ink = (x > 0).flatten(1).float()
    mse = ((x - x_hat).pow(2).flatten(1) * ink).sum() / ink.sum()
    return (10 * torch.log10(1 / mse)).expand(len(x))


def _sample_variance(x, y, data_range=1.0):
    a, b = x.flatten(1), y.flatten(1)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_a, mu_b = a.mean(1), b.mean(1)
    cov = ((a - mu_a[:, None]) * (b - mu_b[:, None])).sum(1) / (a.shape[1] - 1)
    var_a, var_b = a.var(1), b.var(1)
    return ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / (
        (mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2)
    )


def _no_constants(x, y, data_range=1.0):
    return global_ssim(x, y, data_range=1e-12)


def _range_ignored(x, y, data_range=1.0):
    return global_ssim(x, y)


MISTAKES = {
    "shift-psnr": [
        ("torch.roll wraps around: the first `shift` columns must be black (0)", _rolled),
        ("rows shifted (down): shift the columns (right), the last dimension", _shifted_down),
        ("one PSNR for the batch: one per image", _batch_psnr),
    ],
    "ink-psnr": [
        (
            "arguments swapped: the ink is where the original x is above 0",
            _ink_of_the_reconstruction,
        ),
        ("every pixel counted: only the ink pixels count", _every_pixel),
        ("the ink pooled over the batch: one MSE per image", _ink_over_the_batch),
    ],
    "global-ssim": [
        ("sample (co)variances (N - 1): divide by the number of pixels", _sample_variance),
        ("data_range ignored: c1 and c2 scale with it", _range_ignored),
        ("c1 and c2 left out", _no_constants),
    ],
}

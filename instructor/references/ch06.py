"""Chapter 6: reference solutions and known mistakes.

PCA reconstruction, the largest principal angle, PCA's error.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg
import torch


def pca_reconstruct(
    x: torch.Tensor, mean: torch.Tensor, components: torch.Tensor, k: int
) -> torch.Tensor:
    """Project `x` (N, D) on the first `k` rows of `components` (orthonormal, K x D) and back."""
    w = components[:k]
    return (x - mean) @ w.T @ w + mean


def largest_principal_angle(a: np.ndarray, b: np.ndarray) -> float:
    """Largest principal angle, in degrees, between the column spaces of `a` and `b` (D, p)."""
    return math.degrees(float(scipy.linalg.subspace_angles(np.asarray(a), np.asarray(b)).max()))


def pca_mse(eigenvalues: torch.Tensor, k: int) -> float:
    """Mean squared error per feature of PCA with `k` components, from all D covariance eigenvalues.

    The eigenvalues are sorted from largest to smallest; the error is what the discarded
    directions carried: sum(eigenvalues[k:]) / D.
    """
    return float(eigenvalues[k:].sum() / len(eigenvalues))


REFERENCES = {
    "pca-reconstruct": pca_reconstruct,
    "largest-principal-angle": largest_principal_angle,
    "pca-mse": pca_mse,
}


def _without_mean(x, mean, components, k):
    w = components[:k]
    return x @ w.T @ w


def _every_component(x, mean, components, k):
    return (x - mean) @ components.T @ components + mean


def _radians(a, b):
    return math.radians(largest_principal_angle(a, b))


def _not_orthonormalised(a, b):
    cosines = np.linalg.svd(a.T @ b, compute_uv=False).clip(-1, 1)
    return math.degrees(math.acos(cosines.min()))


def _smallest_angle(a, b):
    qa, _ = np.linalg.qr(a)
    qb, _ = np.linalg.qr(b)
    return math.degrees(math.acos(np.linalg.svd(qa.T @ qb, compute_uv=False).max().clip(-1, 1)))


def _kept_variance(eigenvalues, k):
    return float(eigenvalues[:k].sum() / len(eigenvalues))


def _off_by_one(eigenvalues, k):
    return float(eigenvalues[k + 1 :].sum() / len(eigenvalues))


MISTAKES = {
    "pca-reconstruct": [
        ("the mean is neither subtracted nor added back", _without_mean),
        ("every component used: keep the first k rows only", _every_component),
    ],
    "largest-principal-angle": [
        ("radians: the exercise asks for degrees", _radians),
        (
            "the bases are not orthonormalised: orthonormalise both (QR) before the SVD",
            _not_orthonormalised,
        ),
        ("the smallest angle (largest cosine): the exercise asks for the largest", _smallest_angle),
    ],
    "pca-mse": [
        ("the variance PCA keeps: the error is what it drops, eigenvalues[k:]", _kept_variance),
        ("off by one: the dropped directions start at index k, eigenvalues[k:]", _off_by_one),
    ],
}

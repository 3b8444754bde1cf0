"""Chapter 3: reference solutions and known mistakes.

Interpolating codes, neighbours in code space that share a digit, the slant of a digit.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import torch


def interpolate_codes(z1: torch.Tensor, z2: torch.Tensor, steps: int) -> torch.Tensor:
    """`steps` codes on the segment from z1 to z2, both ends included: (1 - t) z1 + t z2."""
    t = torch.linspace(0, 1, steps, dtype=z1.dtype)[:, None]
    return (1 - t) * z1 + t * z2


def neighbour_agreement(
    queries: torch.Tensor,
    query_labels: torch.Tensor,
    codes: torch.Tensor,
    labels: torch.Tensor,
    k: int,
) -> torch.Tensor:
    """For each of `queries` (P, d), the share of its `k` nearest rows of `codes` (C, d), by
    Euclidean distance, whose label in `labels` (C,) is the query's own (`query_labels`, (P,))."""
    nearest = torch.cdist(queries, codes).topk(k, dim=1, largest=False).indices  # (P, k)
    return (labels[nearest] == query_labels[:, None]).float().mean(dim=1)


def image_slant(images: torch.Tensor) -> torch.Tensor:
    """Slant of each image of `images` (N, 1, H, W): the ink-weighted shear, positive leaning right.

    With pixel intensities w at row r (downwards) and column c, and ink-weighted means r̄, c̄:
    slant = -Σ w (c - c̄)(r - r̄) / Σ w (r - r̄)², the columns the stroke moves right per row up.
    """
    n, _, height, width = images.shape
    w = images.reshape(n, height, width)
    rows = torch.arange(height, dtype=w.dtype)[:, None].expand(height, width)
    cols = torch.arange(width, dtype=w.dtype)[None, :].expand(height, width)
    mass = w.sum(dim=(1, 2))
    r_mean = (w * rows).sum(dim=(1, 2)) / mass
    c_mean = (w * cols).sum(dim=(1, 2)) / mass
    dr = rows - r_mean[:, None, None]
    dc = cols - c_mean[:, None, None]
    return -(w * dc * dr).sum(dim=(1, 2)) / (w * dr * dr).sum(dim=(1, 2))


REFERENCES = {
    "interpolate-codes": interpolate_codes,
    "neighbour-agreement": neighbour_agreement,
    "image-slant": image_slant,
}


def _reversed_path(z1, z2, steps):
    t = torch.linspace(0, 1, steps)[:, None]
    return t * z1 + (1 - t) * z2


def _without_end(z1, z2, steps):
    t = torch.arange(steps)[:, None] / steps
    return (1 - t) * z1 + t * z2


def _farthest(queries, query_labels, codes, labels, k):
    farthest = torch.cdist(queries, codes).topk(k, dim=1).indices
    return (labels[farthest] == query_labels[:, None]).float().mean(dim=1)


def _count(queries, query_labels, codes, labels, k):
    return neighbour_agreement(queries, query_labels, codes, labels, k) * k


def _one_share_for_all(queries, query_labels, codes, labels, k):
    return neighbour_agreement(queries, query_labels, codes, labels, k).mean()


def _nearest_only(queries, query_labels, codes, labels, k):
    return neighbour_agreement(queries, query_labels, codes, labels, 1)


def _rows_and_columns_swapped(images):
    return image_slant(images.transpose(-1, -2))


def _unweighted_centre(images):
    n, _, h, w = images.shape
    rows = torch.arange(h, dtype=images.dtype)[:, None] - (h - 1) / 2
    cols = torch.arange(w, dtype=images.dtype)[None, :] - (w - 1) / 2
    x = images.reshape(n, h, w)
    return -(x * rows * cols).sum(dim=(1, 2)) / (x * rows**2).sum(dim=(1, 2))


MISTAKES = {
    "interpolate-codes": [
        ("the path runs backwards: the first row must be z1", _reversed_path),
        (
            "t stops before 1 (arange / steps): both ends are included,"
            " torch.linspace(0, 1, steps)",
            _without_end,
        ),
    ],
    "neighbour-agreement": [
        (
            "the k farthest codes: topk returns the largest distances unless largest=False",
            _farthest,
        ),
        ("a count of agreeing neighbours: divide by k for a share", _count),
        (
            "one share for all queries together: keep one per query (the mean over the k"
            " neighbours, dim=1)",
            _one_share_for_all,
        ),
        ("only the nearest code counted: look at all k of them", _nearest_only),
    ],
    "image-slant": [
        (
            "rows and columns swapped: rows are the second-to-last dimension, columns the last",
            _rows_and_columns_swapped,
        ),
        (
            "measured from the image's centre: measure from the ink-weighted centre (r̄, c̄)",
            _unweighted_centre,
        ),
    ],
}

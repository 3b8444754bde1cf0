"""Chapter 3: reference solutions and known mistakes.

Interpolating codes, neighbours in code space that share a digit, which code units follow a
measured property.

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


def unit_correlations(codes: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """The Pearson correlation of each column of `codes` (N, d) with `values` (N,): shape (d,)."""
    centred = codes - codes.mean(dim=0)
    v = values - values.mean()
    return (centred * v[:, None]).sum(dim=0) / (centred.norm(dim=0) * v.norm())


REFERENCES = {
    "interpolate-codes": interpolate_codes,
    "neighbour-agreement": neighbour_agreement,
    "unit-correlations": unit_correlations,
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


def _cosine(codes, values):
    return (codes * values[:, None]).sum(dim=0) / (codes.norm(dim=0) * values.norm())


def _covariance(codes, values):
    return ((codes - codes.mean(dim=0)) * (values - values.mean())[:, None]).mean(dim=0)


def _without_sign(codes, values):
    return unit_correlations(codes, values).abs()


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
    "unit-correlations": [
        (
            "a cosine, not a correlation: centre each column and the values (subtract their"
            " means) before the products",
            _cosine,
        ),
        (
            "a covariance, not a correlation: divide by the norms of the centred column and of"
            " the centred values",
            _covariance,
        ),
        (
            "|r| instead of r: keep the sign, a unit whose value falls as the property grows"
            " has a negative correlation",
            _without_sign,
        ),
    ],
}

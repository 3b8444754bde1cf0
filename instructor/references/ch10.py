"""Chapter 10: reference solutions and known mistakes.

Quantising a code, its ideal length in bits, the adjusted Rand index.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import torch
from sklearn.metrics import adjusted_rand_score


def quantize_codes(
    z: torch.Tensor, low: torch.Tensor, high: torch.Tensor, bits: int
) -> torch.Tensor:
    """Split each dimension's range [low, high] into 2**bits equal bins; replace every value of
    `z` (N, d) by the centre of its bin (values outside the range: the first or last bin).

    The same rounding as scikit-learn's KBinsDiscretizer(strategy="uniform") and its
    inverse_transform.
    """
    n = 2**bits
    width = (high - low) / n
    k = torch.floor((z - low) / width).clamp(0, n - 1)
    return low + (k + 0.5) * width


def code_entropy_bits(symbols: torch.Tensor) -> float:
    """Bits per example an ideal entropy coder needs for `symbols` (N, d) of integers, each of
    the d columns coded on its own: the sum over columns of -sum_s p_s log2 p_s, with p_s the
    share of the N examples whose column holds the symbol s."""
    total = 0.0
    for column in symbols.T:
        counts = torch.unique(column, return_counts=True)[1].double()
        p = counts / counts.sum()
        total += float(-(p * p.log2()).sum())
    return total


def adjusted_rand(labels_true: torch.Tensor, labels_pred: torch.Tensor) -> float:
    """The adjusted Rand index of two labellings of the same N examples (scikit-learn's value)."""
    return float(adjusted_rand_score(labels_true.numpy(), labels_pred.numpy()))


REFERENCES = {
    "quantize-code": quantize_codes,
    "code-entropy": code_entropy_bits,
    "adjusted-rand": adjusted_rand,
}


def _round_instead_of_floor(z, low, high, bits):
    n = 2**bits
    width = (high - low) / n
    k = torch.round((z - low) / width).clamp(0, n - 1)
    return low + (k + 0.5) * width


def _bin_index_not_value(z, low, high, bits):
    n = 2**bits
    return torch.floor((z - low) / ((high - low) / n)).clamp(0, n - 1)


def _levels_at_the_ends(z, low, high, bits):
    steps = 2**bits - 1
    k = torch.round((z.clamp(low, high) - low) / (high - low) * steps)
    return low + k * (high - low) / steps


def _not_clamped(z, low, high, bits):
    width = (high - low) / 2**bits
    return low + (torch.floor((z - low) / width) + 0.5) * width


def _in_nats(symbols):
    return code_entropy_bits(symbols) * math.log(2)


def _joint_entropy(symbols):
    counts = torch.unique(symbols, dim=0, return_counts=True)[1].double()
    p = counts / counts.sum()
    return float(-(p * p.log2()).sum())


def _mean_over_columns(symbols):
    return code_entropy_bits(symbols) / symbols.shape[1]


def _plain_rand_index(a, b):
    pairs = list(combinations(range(len(a)), 2))
    agree = [(a[i] == a[j]) == (b[i] == b[j]) for i, j in pairs]
    return float(np.mean(agree))


def _accuracy(a, b):
    return float((a == b).double().mean())


MISTAKES = {
    "quantize-code": [
        ("rounded: the bin index is floor((z - low) / width)", _round_instead_of_floor),
        ("the bin index, not the bin's centre", _bin_index_not_value),
        ("levels at low and high: the values are the bins' centres", _levels_at_the_ends),
        ("values outside [low, high] not clamped into the first or last bin", _not_clamped),
    ],
    "code-entropy": [
        ("nats: the exercise asks for bits (log2)", _in_nats),
        ("the joint entropy of whole rows: code each column on its own", _joint_entropy),
        ("the mean over columns: add the columns' entropies up", _mean_over_columns),
    ],
    "adjusted-rand": [
        ("the plain Rand index: adjust it for chance", _plain_rand_index),
        ("label agreement (accuracy): the clusters' names do not matter", _accuracy),
    ],
}

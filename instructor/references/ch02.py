"""Chapter 2: reference solutions and known mistakes.

Output sizes of (transposed) convolutions, GRU parameters, standardising.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import torch


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Side of the output of nn.Conv2d on an input of side `size`: floor((s + 2p - k) / st) + 1."""
    return (size + 2 * padding - kernel) // stride + 1


def conv_transpose_size(
    size: int, kernel: int, stride: int = 1, padding: int = 0, output_padding: int = 0
) -> int:
    """Side of the output of nn.ConvTranspose2d: (s - 1) * st - 2p + k + output_padding."""
    return (size - 1) * stride - 2 * padding + kernel + output_padding


def gru_parameter_count(input_size: int, hidden_size: int) -> int:
    """Parameters of a one-layer nn.GRU: 3 gates, each with two weight matrices and two biases."""
    return 3 * (hidden_size * input_size + hidden_size * hidden_size + 2 * hidden_size)


def standardize(train: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """x standardised column by column with the mean and (population) std of `train`."""
    return (x - train.mean(dim=0)) / train.std(dim=0, unbiased=False)


REFERENCES = {
    "conv-output-size": conv_output_size,
    "conv-transpose-size": conv_transpose_size,
    "gru-parameter-count": gru_parameter_count,
    "standardize": standardize,
}


def _padding_once(size, kernel, stride=1, padding=0):
    return (size + padding - kernel) // stride + 1


def _true_division(size, kernel, stride=1, padding=0):
    return (size + 2 * padding - kernel) / stride + 1


def _size_times_stride(size, kernel, stride=1, padding=0, output_padding=0):
    return size * stride


def _no_output_padding(size, kernel, stride=1, padding=0, output_padding=0):
    return (size - 1) * stride - 2 * padding + kernel


def _one_bias(input_size, hidden_size):
    return 3 * (hidden_size * input_size + hidden_size * hidden_size + hidden_size)


def _four_gates(input_size, hidden_size):
    return 4 * (hidden_size * input_size + hidden_size * hidden_size + 2 * hidden_size)


def _own_statistics(train, x):
    return (x - x.mean(0)) / x.std(0, unbiased=False)


def _unbiased(train, x):
    return (x - train.mean(0)) / train.std(0)


def _one_mean_for_the_table(train, x):
    return (x - train.mean()) / train.std(unbiased=False)


MISTAKES = {
    "conv-output-size": [
        ("padding counted once: it is added on both sides (2 * padding)", _padding_once),
        ("true division (/): round down with //", _true_division),
    ],
    "conv-transpose-size": [
        (
            "size * stride only: kernel, padding and output_padding change the size too",
            _size_times_stride,
        ),
        ("output_padding forgotten: add it at the end", _no_output_padding),
    ],
    "gru-parameter-count": [
        ("one bias vector per gate: PyTorch's GRU has two (b_ih and b_hh)", _one_bias),
        ("four gates, as an LSTM: a GRU has three", _four_gates),
    ],
    "standardize": [
        ("the new rows' own mean and std: use the training table's", _own_statistics),
        ("the sample std (divides by N - 1): use the population std, unbiased=False", _unbiased),
        (
            "one mean and std for the whole table: standardise column by column (dim=0)",
            _one_mean_for_the_table,
        ),
    ],
}

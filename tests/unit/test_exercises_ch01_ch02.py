"""Chapters 1 and 2: the self-checks catch typical mistakes, and their references are right."""

import math

import pytest
import torch
from torch import nn

from aeutils import exercises
from aeutils.exercises import ch01 as ch01_cases
from aeutils.exercises import ch02 as ch02_cases
from instructor.references import ch01, ch02


def fails(name, answer, capsys, *texts):
    """`answer` fails the check, and the verdict holds every one of `texts`."""
    assert not exercises.check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and all(text in out for text in texts), out


def test_objective_catches_per_pixel_mean_and_total_sum(capsys):
    fails(
        "reconstruction-objective",
        lambda x, x_hat: ((x - x_hat) ** 2).mean().item(),
        capsys,
        "hint: sum the squared errors over each example's values",
        "\n  diagnosis: the mean over every value: sum over each example's values, average over"
        " examples\n",
    )
    fails(
        "reconstruction-objective",
        lambda x, x_hat: ((x - x_hat) ** 2).sum().item(),
        capsys,
        "tensor of shape (5, 784)",
        "\n  diagnosis: the sum over the whole batch: average over the N examples\n",
    )  # N = 1 cannot tell a sum from a mean over N


def test_objective_reference_is_the_formula():
    x, x_hat = torch.zeros(4, 3), torch.ones(4, 3)
    x_hat[0] = 3.0  # the first example has squared error 3 * 9, the others 3 * 1
    assert ch01.reconstruction_objective(x, x_hat) == pytest.approx((27 + 3 * 3) / 4)


def test_threshold_catches_the_wrong_quantile(capsys):
    fails(
        "anomaly-threshold",
        lambda e, rate: torch.quantile(e, rate).item(),
        capsys,
        "returned",
        "\n  diagnosis: the false_alarm_rate quantile: the threshold must leave that share of"
        " normal errors above it, the 1 - false_alarm_rate quantile\n",
    )


def test_threshold_reference_leaves_the_rate_above():
    errors = torch.arange(1, 1002, dtype=torch.float32)  # 1 ... 1001
    threshold = ch01.anomaly_threshold(errors, 0.05)
    assert (errors > threshold).float().mean().item() == pytest.approx(0.05, abs=1e-3)


@pytest.mark.parametrize(
    ("wrong", "diagnosis"),
    [
        (
            lambda n, a, c: (
                (n > a.sort(descending=True).values[math.ceil(c * len(a)) - 1])
                .double()
                .mean()
                .item()
            ),
            "a normal score equal to the threshold is flagged too: compare with >=, not >",
        ),
        (
            lambda n, a, c: (n >= torch.quantile(a, 1 - c)).double().mean().item(),
            "an interpolated quantile falls between two anomaly scores: the threshold is the score"
            " of the last anomaly that must be flagged",
        ),
    ],
    ids=["strictly-above", "interpolated"],
)
def test_false_alarms_at_catches_typical_mistakes(wrong, diagnosis, capsys):
    fails("false-alarms-at", wrong, capsys, "returned", f"\n  diagnosis: {diagnosis}\n")


def test_false_alarms_at_is_the_false_positive_rate_of_scikit_learns_roc_curve():
    from sklearn.metrics import roc_curve

    for normal, anomaly, catch in ch01_cases._scores(torch.Generator().manual_seed(5)):
        labels = [0] * len(normal) + [1] * len(anomaly)
        fpr, tpr, _ = roc_curve(labels, torch.cat([normal, anomaly]), drop_intermediate=False)
        expected = fpr[(tpr >= catch - 1e-12).argmax()]
        assert ch01.false_alarms_at(normal, anomaly, catch) == pytest.approx(expected)
    # a hand-worked case: catch 2 of 3 anomalies (0.9, 0.6, 0.2) -> threshold 0.6
    normal = torch.tensor([0.1, 0.6, 0.7, 0.3])
    assert ch01.false_alarms_at(normal, torch.tensor([0.9, 0.2, 0.6]), 0.6) == 0.5


def test_conv_sizes_match_torch_on_every_case():
    for case in ch02_cases._conv_cases(torch.Generator().manual_seed(3)):
        size, kernel, stride, padding = case
        out = nn.Conv2d(1, 1, kernel, stride, padding)(torch.zeros(1, 1, size, size))
        assert out.shape[-1] == ch02.conv_output_size(*case), case
    for case in ch02_cases._transpose_cases(torch.Generator().manual_seed(3)):
        size, kernel, stride, padding, output_padding = case
        layer = nn.ConvTranspose2d(1, 1, kernel, stride, padding, output_padding)
        assert layer(torch.zeros(1, 1, size, size)).shape[-1] == (
            ch02.conv_transpose_size(*case)
        ), case


def test_conv_size_checks_catch_typical_mistakes(capsys):
    fails(
        "conv-output-size",
        lambda s, k, st=1, p=0: (s + p - k) // st + 1,
        capsys,
        "returned 26, which is not the expected count",
        "diagnosis: padding counted once: it is added on both sides (2 * padding)",
    )
    fails(
        "conv-output-size",
        lambda s, k, st=1, p=0: (s + 2 * p - k) / st + 1,
        capsys,
        "returned a float (14.5), expected an int",
        "diagnosis: true division (/): round down with //",
    )
    fails(
        "conv-transpose-size",
        lambda s, k, st=1, p=0, op=0: s * st,
        capsys,
        "diagnosis: size * stride only: kernel, padding and output_padding change the size too",
    )
    fails(
        "conv-transpose-size",
        lambda s, k, st=1, p=0, op=0: (s - 1) * st - 2 * p + k,
        capsys,
        "returned 13, which is not the expected count",
        "diagnosis: output_padding forgotten: add it at the end",
    )


def test_gru_count_matches_torch_and_catches_one_bias(capsys):
    for input_size, hidden in ch02_cases._gru_cases(torch.Generator().manual_seed(0)):
        n = sum(p.numel() for p in nn.GRU(input_size, hidden).parameters())
        assert ch02.gru_parameter_count(input_size, hidden) == n
    fails(
        "gru-parameter-count",
        lambda i, h: 3 * (h * i + h * h + h),
        capsys,
        "returned 3264, which is not the expected count",
        "diagnosis: one bias vector per gate: PyTorch's GRU has two (b_ih and b_hh)",
    )
    fails(
        "gru-parameter-count",
        lambda i, h: 4 * (h * i + h * h + 2 * h),
        capsys,
        "diagnosis: four gates, as an LSTM: a GRU has three",
    )


@pytest.mark.parametrize(
    ("wrong", "diagnosis"),
    [
        (
            lambda t, x: (x - x.mean(0)) / x.std(0, unbiased=False),
            "the new rows' own mean and std: use the training table's",
        ),
        (
            lambda t, x: (x - t.mean(0)) / t.std(0),
            "the sample std (divides by N - 1): use the population std, unbiased=False",
        ),
        (
            lambda t, x: (x - t.mean()) / t.std(unbiased=False),
            "one mean and std for the whole table: standardise column by column (dim=0)",
        ),
    ],
    ids=["own-statistics", "unbiased", "global"],
)
def test_standardize_catches_typical_mistakes(wrong, diagnosis, capsys):
    fails("standardize", wrong, capsys, "values differ", f"\n  diagnosis: {diagnosis}\n")


def test_standardize_reference_matches_scikit_learn():
    from sklearn.preprocessing import StandardScaler

    train, x = ch02_cases._tables(torch.Generator().manual_seed(1))[2]
    expected = StandardScaler().fit(train.numpy()).transform(x.numpy())
    assert torch.allclose(ch02.standardize(train, x), torch.from_numpy(expected).float(), atol=1e-4)

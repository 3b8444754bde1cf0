"""Chapter 10: the exercise references agree with the maths, and the checks catch mistakes."""

import math
from itertools import combinations

import numpy as np
import pytest
import torch
from sklearn.preprocessing import KBinsDiscretizer

from aeutils import exercises
from instructor.references import ch10


def test_quantize_codes_replaces_each_value_by_the_centre_of_its_bin():
    low, high = torch.tensor([0.0, -1.0]), torch.tensor([4.0, 1.0])
    z = torch.tensor([[0.9, 0.2], [1.6, -0.95], [5.0, -4.0], [4.0, 1.0]])
    # 2 bits: bins of width 1 (centres 0.5 .. 3.5) and of width 0.5 (centres -0.75 .. 0.75)
    expected = torch.tensor([[0.5, 0.25], [1.5, -0.75], [3.5, -0.75], [3.5, 0.75]])
    assert torch.allclose(ch10.quantize_codes(z, low, high, 2), expected)


def test_quantize_codes_agrees_with_scikit_learn_and_errs_by_half_a_bin_at_most():
    z = np.random.default_rng(0).normal(size=(2_000, 3))
    for bits in (1, 3, 6):
        bins = KBinsDiscretizer(n_bins=2**bits, encode="ordinal", strategy="uniform").fit(z)
        expected = bins.inverse_transform(bins.transform(z))
        low, high = torch.from_numpy(z.min(axis=0)), torch.from_numpy(z.max(axis=0))
        ours = ch10.quantize_codes(torch.from_numpy(z), low, high, bits)
        assert np.allclose(ours.numpy(), expected)
        assert ((ours - torch.from_numpy(z)).abs() <= (high - low) / 2 ** (bits + 1) + 1e-12).all()


def test_code_entropy_bits_of_known_distributions():
    fair_coin = torch.tensor([[0], [1]] * 50)
    assert ch10.code_entropy_bits(fair_coin) == pytest.approx(1.0)
    four_even = torch.arange(4).repeat(25)[:, None]
    constant = torch.zeros(100, 1, dtype=torch.long)
    both = torch.cat([four_even, constant, fair_coin], dim=1)
    assert ch10.code_entropy_bits(both) == pytest.approx(2.0 + 0.0 + 1.0)  # columns add up
    skewed = torch.tensor([[0]] * 3 + [[1]])
    assert ch10.code_entropy_bits(skewed) == pytest.approx(-0.75 * math.log2(0.75) + 0.25 * 2)


def adjusted_rand_by_pairs(a, b):
    """The adjusted Rand index from its definition over all pairs of examples (Hubert & Arabie)."""
    pairs = list(combinations(range(len(a)), 2))
    same_a = np.array([a[i] == a[j] for i, j in pairs])
    same_b = np.array([b[i] == b[j] for i, j in pairs])
    index = np.sum(same_a & same_b)
    expected = same_a.sum() * same_b.sum() / len(pairs)
    maximum = (same_a.sum() + same_b.sum()) / 2
    return (index - expected) / (maximum - expected)


def test_adjusted_rand_matches_its_definition_over_pairs():
    g = torch.Generator().manual_seed(0)
    for n, k in ((15, 3), (40, 5)):
        a, b = torch.randint(0, k, (n,), generator=g), torch.randint(0, k, (n,), generator=g)
        assert ch10.adjusted_rand(a, b) == pytest.approx(adjusted_rand_by_pairs(a, b))
    a = torch.tensor([0, 0, 1, 1, 2, 2])
    assert ch10.adjusted_rand(a, torch.tensor([5, 5, 3, 3, 9, 9])) == 1.0  # names do not matter


def test_the_adjusted_rand_check_accepts_a_contingency_table_answer(capsys):
    def from_the_table(labels_true, labels_pred):
        _, a = torch.unique(labels_true, return_inverse=True)
        _, b = torch.unique(labels_pred, return_inverse=True)
        table = torch.zeros(int(a.max()) + 1, int(b.max()) + 1, dtype=torch.float64)
        table.index_put_((a, b), torch.ones(len(a), dtype=torch.float64), accumulate=True)

        def pairs(counts):
            return (counts * (counts - 1) / 2).sum()

        index = pairs(table)
        rows, cols = pairs(table.sum(dim=1)), pairs(table.sum(dim=0))
        expected = rows * cols / (len(a) * (len(a) - 1) / 2)
        return float((index - expected) / ((rows + cols) / 2 - expected))

    assert exercises.check("adjusted-rand", from_the_table)
    assert "✓" in capsys.readouterr().out

"""aeutils.anomaly: reconstruction scores, ROC and AUROC, and the one-class-per-label benchmark."""

import numpy as np
import pytest
import torch
from torch import nn

from aeutils import anomaly


class Shrink(nn.Module):
    """A "reconstruction" that halves its input: the squared error of x is x^2 / 4."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1))  # so the model has a device

    def forward(self, x):
        return x / 2


def test_reconstruction_scores_are_the_mean_squared_error_of_each_example():
    x = torch.randn(7, 1, 4, 4, generator=torch.Generator().manual_seed(0))
    scores = anomaly.reconstruction_scores(Shrink(), x, batch_size=3)  # batches of 3, 3 and 1
    assert scores.shape == (7,)
    assert torch.allclose(scores, (x / 2).pow(2).flatten(1).mean(dim=1))


def test_reconstruction_scores_run_in_eval_mode_without_gradients():
    model = nn.Sequential(nn.Linear(5, 5), nn.Dropout(0.9))
    x = torch.randn(20, 5)
    model.train()
    first = anomaly.reconstruction_scores(model, x)
    assert model.training and not first.requires_grad  # the caller's mode is restored
    assert torch.equal(first, anomaly.reconstruction_scores(model, x))  # dropout is off


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"model": "not a model"}, TypeError, "model must be a torch.nn.Module"),
        ({"x": np.zeros((3, 4))}, TypeError, "x must be a torch.Tensor"),
        (
            {"x": torch.zeros(4)},
            ValueError,
            r"x must have at least 2 dimension\(s\), got shape \(4,\)",
        ),
        (
            {"x": torch.zeros(0, 4)},
            ValueError,
            r"x must hold at least one example, got shape \(0, 4\)",
        ),
        (
            {"x": torch.zeros(3, 4, dtype=torch.uint8)},
            TypeError,
            r"divided by 255 .*x.float\(\) / 255",
        ),
        ({"batch_size": np.int64(0)}, ValueError, "batch_size must be a positive int, got 0"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive int, got 0"),
    ],
)
def test_reconstruction_scores_reject_bad_input(kwargs, error, message):
    arguments = {"model": Shrink(), "x": torch.zeros(3, 4), **kwargs}
    with pytest.raises(error, match=message):
        anomaly.reconstruction_scores(**arguments)


def test_reconstruction_scores_reject_a_model_that_changes_the_shape():
    with pytest.raises(ValueError, match=r"shaped like x's batches \(3, 4\), got \(3, 2\)"):
        anomaly.reconstruction_scores(nn.Linear(4, 2), torch.zeros(3, 4))


def test_auroc_is_the_share_of_pairs_ranked_right_with_ties_counting_half():
    normal = torch.tensor([0.1, 0.4, 0.35, 0.8])
    anomalous = np.array([0.9, 0.4, 0.5])
    pairs = anomalous[:, None] - normal.numpy()[None, :]
    expected = (pairs > 0).mean() + 0.5 * (pairs == 0).mean()
    assert anomaly.auroc(normal, anomalous) == pytest.approx(expected)
    assert anomaly.auroc([0, 1], [2, 3]) == 1.0
    assert anomaly.auroc([2, 3], [0, 1]) == 0.0
    assert anomaly.auroc([1, 1], [1, 1, 1]) == 0.5


def test_roc_runs_from_nothing_flagged_to_everything_flagged():
    normal, anomalous = np.array([0.1, 0.2, 0.3, 0.6]), np.array([0.5, 0.7])
    fpr, tpr, thresholds = anomaly.roc(normal, anomalous)
    assert (fpr[0], tpr[0]) == (0.0, 0.0) and (fpr[-1], tpr[-1]) == (1.0, 1.0)
    for f, t, threshold in zip(fpr[1:], tpr[1:], thresholds[1:], strict=True):
        assert f == pytest.approx(np.mean(normal >= threshold))
        assert t == pytest.approx(np.mean(anomalous >= threshold))
    assert np.trapezoid(tpr, fpr) == pytest.approx(anomaly.auroc(normal, anomalous))


@pytest.mark.parametrize("function", [anomaly.auroc, anomaly.roc])
@pytest.mark.parametrize(
    ("normal", "anomalous", "error", "message"),
    [
        ([], [1.0], ValueError, "normal_scores must be a non-empty 1-D"),
        ([1.0], np.zeros((2, 2)), ValueError, r"anomaly_scores must be .* got shape \(2, 2\)"),
        ([1.0, np.nan], [2.0], ValueError, "normal_scores must be finite, got 1 NaN"),
        (["low"], [2.0], TypeError, "normal_scores must be numbers"),
    ],
)
def test_scores_are_checked(function, normal, anomalous, error, message):
    with pytest.raises(error, match=message):
        function(normal, anomalous)


def blobs(n_per_class=30, seed=0):
    """Three classes of 2-D points around (0, 0), (5, 0) and (0, 5)."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.tensor([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    y = torch.arange(3).repeat_interleave(n_per_class)
    return centres[y] + torch.randn(len(y), 2, generator=g), y


def distance_to_mean(label, normal_x):
    mean = normal_x.mean(dim=0)
    return lambda x: (x - mean).pow(2).sum(dim=1)


def test_one_class_aurocs_trains_one_scorer_per_class_on_that_class_only():
    train_x, train_y = blobs(seed=0)
    test_x, test_y = blobs(seed=1)
    seen = {}

    def train(label, normal_x):
        seen[label] = len(normal_x)
        return distance_to_mean(label, normal_x)

    results = anomaly.one_class_aurocs(train, train_x, train_y, test_x, test_y)
    assert seen == {0: 30, 1: 30, 2: 30}
    assert set(results) == {0, 1, 2} and all(v > 0.99 for v in results.values())
    mean = train_x[train_y == 1].mean(dim=0)
    scores = (test_x - mean).pow(2).sum(dim=1)
    normal = test_y == 1
    assert results[1] == anomaly.auroc(scores[normal], scores[~normal])


def test_one_class_aurocs_scores_a_returned_model_by_its_reconstruction_error():
    train_x, train_y = blobs(seed=0)
    results = anomaly.one_class_aurocs(
        lambda label, x: Shrink(), train_x, train_y, train_x, train_y, classes=[0]
    )
    scores = (train_x / 2).pow(2).mean(dim=1)  # the scores of Shrink: far from 0 is anomalous
    assert results == {0: anomaly.auroc(scores[train_y == 0], scores[train_y != 0])}
    assert results[0] > 0.99


def test_one_class_aurocs_rejects_bad_input():
    x, y = blobs()
    with pytest.raises(ValueError, match="train_y must be a tensor of 90 labels"):
        anomaly.one_class_aurocs(distance_to_mean, x, y[:10], x, y)
    with pytest.raises(ValueError, match="class 7 needs training examples"):
        anomaly.one_class_aurocs(distance_to_mean, x, y, x, y, classes=[7])
    with pytest.raises(TypeError, match="must return an nn.Module or a scoring function"):
        anomaly.one_class_aurocs(lambda label, x: 3, x, y, x, y)
    with pytest.raises(ValueError, match=r"one score per test example \(90\), got 2"):
        anomaly.one_class_aurocs(lambda label, x: lambda t: t[:2, 0], x, y, x, y)

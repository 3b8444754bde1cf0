"""Anomaly detection by reconstruction error: scores per example, ROC curves and the AUROC.

An autoencoder trained on normal data only reconstructs unusual inputs badly, so the mean squared
error of each example's reconstruction serves as its anomaly score (higher: more anomalous).
`auroc` and `roc` compare the scores of normal and anomalous examples with scikit-learn;
`one_class_aurocs` runs the usual benchmark in one call: each class in turn is "normal", a model
is trained on that class alone and scored on a test set where every other class is an anomaly.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable

import numpy as np
import torch
from sklearn.metrics import roc_auc_score, roc_curve
from torch import nn

from .data import batches
from .models import evaluating
from .validation import check_callable, check_images, check_model_device, check_scalar

Scorer = Callable[[torch.Tensor], "torch.Tensor | np.ndarray"]


@torch.no_grad()
def reconstruction_scores(
    model: nn.Module, x: torch.Tensor, batch_size: int = 1024
) -> torch.Tensor:
    """Mean squared reconstruction error of each example of `x`, shape (N,), on the CPU.

    `model(x)` must return reconstructions shaped like `x`; it runs in eval mode, in batches of
    `batch_size`, on the device its parameters are on.
    """
    device = check_model_device(model)
    check_images(x, "x")
    batch_size = check_scalar(batch_size, "batch_size", numbers.Integral, min_val=1)
    with evaluating(model):
        return _scores_in_batches(model, x, batch_size, device)


def _scores_in_batches(
    model: nn.Module, x: torch.Tensor, batch_size: int, device: torch.device
) -> torch.Tensor:
    scores = []
    for b in batches(x, batch_size):
        b = b.to(device)
        x_hat = model(b)
        if x_hat.shape != b.shape:
            raise ValueError(
                f"model must return reconstructions shaped like x's batches {tuple(b.shape)},"
                f" got {tuple(x_hat.shape)}"
            )
        scores.append((x_hat - b).pow(2).flatten(1).mean(dim=1).cpu())
    return torch.cat(scores)


def _scores(name: str, value: object) -> np.ndarray:
    """`value` (a tensor, array or list of numbers) as a finite, non-empty 1-D float array."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers (a 1-D tensor or array), got {value!r}") from None
    if array.ndim != 1 or len(array) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D list of scores, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(
            f"{name} must be finite, got {int((~np.isfinite(array)).sum())} NaN or inf"
        )
    return array


def _labels_and_scores(normal_scores: object, anomaly_scores: object) -> tuple:
    normal = _scores("normal_scores", normal_scores)
    anomalous = _scores("anomaly_scores", anomaly_scores)
    labels = np.concatenate([np.zeros(len(normal)), np.ones(len(anomalous))])
    return labels, np.concatenate([normal, anomalous])


def auroc(normal_scores: object, anomaly_scores: object) -> float:
    """Area under the ROC curve: the probability that an anomaly scores higher than a normal
    example (ties count one half). 0.5 is chance, 1 a perfect separation."""
    return float(roc_auc_score(*_labels_and_scores(normal_scores, anomaly_scores)))


def roc(normal_scores: object, anomaly_scores: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ROC curve: false-positive rates, true-positive rates and the score thresholds.

    Flagging every example whose score is at least `thresholds[i]` raises a false alarm on a
    share `fpr[i]` of the normal examples and catches a share `tpr[i]` of the anomalies.
    """
    fpr, tpr, thresholds = roc_curve(*_labels_and_scores(normal_scores, anomaly_scores))
    return fpr, tpr, thresholds


def one_class_aurocs(
    train_normal: Callable[[int, torch.Tensor], nn.Module | Scorer],
    train_x: torch.Tensor,
    train_y: torch.Tensor,
    test_x: torch.Tensor,
    test_y: torch.Tensor,
    classes: Iterable[int] | None = None,
) -> dict[int, float]:
    """AUROC of each class as "normal" against all other classes as anomalies.

    For each class `c`, `train_normal(c, train_x[train_y == c])` returns either a trained
    autoencoder (scored by `reconstruction_scores`) or any function mapping inputs to scores
    (higher: more anomalous). The test examples of class `c` are the normal ones, the rest are
    anomalies. `classes` defaults to every label in `test_y`.
    """
    check_callable(train_normal, "train_normal", "(label, normal_x) -> model or scorer")
    for name, value in (("train_x", train_x), ("test_x", test_x)):
        if not isinstance(value, torch.Tensor) or value.ndim < 2:
            shape = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise ValueError(f"{name} must be a tensor shaped (N, ...), got {shape}")
    for name, labels, x in (("train_y", train_y, train_x), ("test_y", test_y, test_x)):
        if not isinstance(labels, torch.Tensor) or labels.shape != (len(x),):
            shape = tuple(labels.shape) if isinstance(labels, torch.Tensor) else labels
            raise ValueError(f"{name} must be a tensor of {len(x)} labels, got {shape!r}")
    present = sorted(int(c) for c in torch.unique(test_y))
    classes = present if classes is None else [int(c) for c in classes]
    results = {}
    for c in classes:
        normal = train_x[train_y == c]
        is_normal = test_y == c
        if len(normal) == 0 or not is_normal.any() or is_normal.all():
            raise ValueError(
                f"classes: class {c} needs training examples and both normal and other test"
                f" examples; it has {len(normal)} training and {int(is_normal.sum())} of"
                f" {len(test_y)} test examples"
            )
        trained = train_normal(c, normal)
        if isinstance(trained, nn.Module):
            scores = reconstruction_scores(trained, test_x)
        elif callable(trained):
            scores = trained(test_x)
        else:
            raise TypeError(
                "train_normal must return an nn.Module or a scoring function,"
                f" got {type(trained).__name__} for class {c}"
            )
        scores = _scores(f"the scores for class {c}", scores)
        if len(scores) != len(test_x):
            raise ValueError(
                f"the scoring function for class {c} must return one score per test example"
                f" ({len(test_x)}), got {len(scores)}"
            )
        mask = is_normal.cpu().numpy()
        results[c] = auroc(scores[mask], scores[~mask])
    return results

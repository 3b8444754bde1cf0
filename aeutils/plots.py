"""Figures: originals beside reconstructions, loss curves, and a 2-D code scatter."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from .train import History


def _images(x: torch.Tensor | np.ndarray) -> np.ndarray:
    array = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    side = int(round((array[0].size) ** 0.5))
    if side * side != array[0].size:
        raise ValueError(f"x: expected square grayscale images, got shape {array.shape}")
    return array.reshape(len(array), side, side)


def show_reconstructions(
    x: torch.Tensor, x_hat: torch.Tensor, n: int = 10, title: str | None = None
) -> Figure:
    """Top row: the first `n` originals; bottom row: their reconstructions."""
    originals, recons = _images(x[:n]), _images(x_hat[:n])
    n = len(originals)
    fig, axes = plt.subplots(2, n, figsize=(1.1 * n, 2.6), squeeze=False)
    for i in range(n):
        for row, images in enumerate((originals, recons)):
            ax = axes[row, i]
            ax.imshow(images[i], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("x", rotation=0, labelpad=12)
    axes[1, 0].set_ylabel("x̂", rotation=0, labelpad=12)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history: History | dict[str, History], title: str = "Loss per epoch") -> Figure:
    """Training (solid) and validation (dashed) loss per epoch of one run or of named runs."""
    runs = history if isinstance(history, dict) else {"": history}
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for i, (name, h) in enumerate(runs.items()):
        color = f"C{i}"
        label = f"{name} " if name else ""
        epochs = np.arange(1, len(h.train_loss) + 1)
        ax.plot(epochs, h.train_loss, color=color, label=f"{label}train")
        if h.val_loss:
            ax.plot(epochs, h.val_loss, color=color, linestyle="--", label=f"{label}validation")
        if h.best_epoch is not None and h.val_loss:
            ax.plot(h.best_epoch, h.val_loss[h.best_epoch - 1], "o", color=color)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (mean per pixel)")
    ax.set_yscale("log")
    ax.set_title(title)
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_latent_2d(
    z: torch.Tensor | np.ndarray, labels: torch.Tensor | np.ndarray, title: str = "Codes"
) -> Figure:
    """Scatter of 2-D codes coloured by label, each class's name printed at its median."""
    z = z.detach().cpu().numpy() if isinstance(z, torch.Tensor) else np.asarray(z)
    labels = labels.cpu().numpy() if isinstance(labels, torch.Tensor) else np.asarray(labels)
    if z.ndim != 2 or z.shape[1] != 2:
        raise ValueError(f"z: expected shape (N, 2), got {z.shape}")
    if len(labels) != len(z):
        raise ValueError(f"labels: expected {len(z)} labels (one per code), got {len(labels)}")
    fig, ax = plt.subplots(figsize=(5.5, 5))
    classes = np.unique(labels)
    cmap = plt.get_cmap("tab10" if len(classes) <= 10 else "viridis", len(classes))
    for i, c in enumerate(classes):
        points = z[labels == c]
        ax.scatter(points[:, 0], points[:, 1], s=3, alpha=0.5, color=cmap(i), label=str(c))
        cx, cy = np.median(points, axis=0)
        ax.text(
            cx,
            cy,
            str(c),
            fontsize=13,
            weight="bold",
            ha="center",
            va="center",
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.8},
        )
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title)
    ax.legend(markerscale=4, fontsize=8, loc="best", title="label")
    fig.tight_layout()
    return fig

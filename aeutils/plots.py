"""Figures: originals beside reconstructions, loss curves, and a 2-D code scatter."""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from .models import evaluating
from .train import History
from .validation import check_image_array, check_model_device, check_scalar


def _images(x: torch.Tensor | np.ndarray, name: str = "x") -> np.ndarray:
    return check_image_array(x, name)


def show_reconstructions(
    x: torch.Tensor, x_hat: torch.Tensor, n: int = 10, title: str | None = None
) -> Figure:
    """Top row: the first `n` originals; bottom row: their reconstructions."""
    n = check_scalar(n, "n (images to show)", numbers.Integral, min_val=1)
    originals, recons = (
        _images(v[:n] if isinstance(v, (torch.Tensor, np.ndarray)) else v, name)
        for v, name in ((x, "x"), (x_hat, "x_hat"))
    )
    if len(originals) != len(recons):
        raise ValueError(
            f"x and x_hat must hold as many images, got {len(originals)} and {len(recons)}"
        )
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
    """Training (solid) and validation (dashed) loss per epoch of one run or of named runs.

    The y axis is logarithmic unless a value is zero or negative (e.g. an objective with a
    log-density); it reads "objective" when a run was trained with one (its `History.terms`).
    """
    runs = history if isinstance(history, dict) else {"": history}
    if not runs or not all(isinstance(h, History) for h in runs.values()):
        raise TypeError(
            f"history must be a History (what fit returns) or a dict of them, got {history!r:.80}"
        )
    values = [v for h in runs.values() for v in (*h.train_loss, *h.val_loss)]
    if not values:
        raise ValueError("history holds no epochs to plot")
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
    objective = any(h.terms for h in runs.values())
    ax.set_ylabel("objective (what fit minimised)" if objective else "loss (mean per pixel)")
    ax.set_yscale("log" if min(values) > 0 else "linear")
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


def show_image_grid(
    rows: list[torch.Tensor | np.ndarray],
    row_labels: list[str] | None = None,
    col_labels: list[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Grayscale images in a grid: row i shows the images of `rows[i]`, labelled `row_labels[i]`.

    Every row holds the same number of images (e.g. the same digits reconstructed by several
    models, or the steps of an interpolation); `col_labels` are printed above the first row.
    """
    if len(rows) == 0:
        raise ValueError("rows: expected at least one row of images, got none")
    images = [_images(row, f"rows[{i}]") for i, row in enumerate(rows)]
    n = len(images[0])
    if any(len(row) != n for row in images):
        raise ValueError(
            f"rows: every row must hold the same number of images, got {[len(r) for r in images]}"
        )
    for name, labels, expected in (
        ("row_labels", row_labels, len(images)),
        ("col_labels", col_labels, n),
    ):
        if labels is not None and len(labels) != expected:
            raise ValueError(f"{name}: expected {expected} labels, got {len(labels)}")
    fig, axes = plt.subplots(
        len(images), n, figsize=(0.9 * n + 0.9, 0.9 * len(images) + 0.6), squeeze=False
    )
    for r, row in enumerate(images):
        for c, image in enumerate(row):
            ax = axes[r, c]
            ax.imshow(image, cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        if row_labels is not None:
            axes[r, 0].set_ylabel(row_labels[r], rotation=0, ha="right", va="center", fontsize=9)
    if col_labels is not None:
        for c, label in enumerate(col_labels):
            axes[0, c].set_title(label, fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_latent_grid(
    model: torch.nn.Module,
    low: tuple[float, float],
    high: tuple[float, float],
    n: int = 15,
    ax: plt.Axes | None = None,
    title: str = "Decoded grid of codes",
) -> Figure:
    """Decode an n x n grid of 2-D codes spanning the box `low`..`high`; show it as one mosaic.

    The mosaic is drawn in code coordinates ($z_1$ across, $z_2$ up), so it lines up with a
    scatter of the codes over the same box. Draws into `ax` if given; returns the figure.
    """
    device = check_model_device(model)
    n = check_scalar(n, "n", numbers.Integral, min_val=2)
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    if low.shape != (2,) or high.shape != (2,) or not np.all(low < high):
        raise ValueError(
            f"low and high: expected two 2-D corners with low < high, got {low}, {high}"
        )
    z1 = np.linspace(low[0], high[0], n)
    z2 = np.linspace(high[1], low[1], n)  # top row of the mosaic: the largest z_2
    grid = torch.tensor([[a, b] for b in z2 for a in z1], dtype=torch.float32)
    with torch.no_grad(), evaluating(model):
        decoded = model.decode(grid.to(device)).cpu()
    tiles = _images(decoded)
    side = tiles.shape[1]
    mosaic = tiles.reshape(n, n, side, side).transpose(0, 2, 1, 3).reshape(n * side, n * side)
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 5))
    else:
        fig = ax.figure
    # each tile is centred on its grid point: half a step of margin on every side
    step = (high - low) / (n - 1)
    extent = (
        low[0] - step[0] / 2,
        high[0] + step[0] / 2,
        low[1] - step[1] / 2,
        high[1] + step[1] / 2,
    )
    ax.imshow(mosaic, cmap="gray", vmin=0, vmax=1, extent=extent, aspect="auto")
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title)
    return fig


def plot_architecture(
    widths: tuple[int, ...] = (784, 256, 128, 64),
    decoder_widths: tuple[int, ...] | None = None,
    title: str = "Encoder, bottleneck, decoder: layer widths to scale",
) -> Figure:
    """Draw an MLP autoencoder as one bar per layer, each bar's height proportional to its width.

    `widths` lists the encoder from input to code and `decoder_widths` the decoder from code to
    output (None: the mirror of `widths`), as `MLPAutoencoder` takes them. The code bar is dark;
    brackets below the bars name the encoder and the decoder.
    """
    from matplotlib.patches import Polygon, Rectangle

    from .models import _check_widths, _decoder_widths

    widths = _check_widths(widths, "widths", "input ... code", code_last=False)
    layers = (*widths, *_decoder_widths(decoder_widths, widths)[1:])
    code = len(widths) - 1
    n = len(layers)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.15 * n + 1), 3.8))
    bar, tallest = 0.42, max(layers)
    tops = [w / tallest for w in layers]  # heights in [0, 1], centred on y = 0

    for i in range(n - 1):  # the connections, drawn first so the bars cover their ends
        left, right = i + bar / 2, i + 1 - bar / 2
        ax.add_patch(
            Polygon(
                [
                    (left, -tops[i] / 2),
                    (right, -tops[i + 1] / 2),
                    (right, tops[i + 1] / 2),
                    (left, tops[i] / 2),
                ],
                closed=True,
                facecolor="0.92",
                edgecolor="0.75",
                linewidth=0.8,
            )
        )
    for i, (w, top) in enumerate(zip(layers, tops, strict=True)):
        shade = "0.15" if i == code else "0.8" if i in (0, n - 1) else "0.55"
        ax.add_patch(
            Rectangle(
                (i - bar / 2, -top / 2),
                bar,
                top,
                facecolor=shade,
                edgecolor="black",
                linewidth=1,
                label=f"layer {i}: {w}",
            )
        )
        ax.text(i, top / 2 + 0.03, f"{w:,}", ha="center", va="bottom", fontsize=10)
        role = "input x" if i == 0 else "output x̂" if i == n - 1 else "code z" if i == code else ""
        ax.text(
            i,
            -top / 2 - 0.04,
            role or "hidden",
            ha="center",
            va="top",
            fontsize=10 if role else 9,
            weight="bold" if role else "normal",
        )
    for start, stop, name in ((0, code, "encoder E"), (code, n - 1, "decoder D")):
        y = -0.68
        ax.annotate(
            "",
            (start, y),
            (stop, y),
            arrowprops={"arrowstyle": "|-|", "color": "0.3", "shrinkA": 0, "shrinkB": 0},
        )
        ax.text((start + stop) / 2, y - 0.05, name, ha="center", va="top", fontsize=11)
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(-0.85, 0.62)
    ax.axis("off")  # a diagram: position and height carry the meaning, the numbers are printed
    ax.set_title(title)
    fig.tight_layout()
    return fig

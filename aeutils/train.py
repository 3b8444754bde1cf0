"""One training loop (`fit`) with a progress bar, loss history, early stopping and checkpoints,
and the helpers that run a trained model over a whole tensor (`reconstruct`, `embed`, ...).

Batches are sliced from tensors held in memory (see `aeutils.data.batches`). `fit` trains on
`pick_device()` (a GPU when there is one) and hands the model back where it came from; the
helpers run the model where it is and return CPU tensors, so the same cells run everywhere.
"""

from __future__ import annotations

import copy
import numbers
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
from torch import nn

from .checkpoints import save_checkpoint
from .data import batches
from .losses import Loss, mse
from .models import evaluating
from .objectives import Objective, objective_terms, pick_objective
from .progress import progress_bar
from .runtime import pick_device
from .validation import (
    check_bool,
    check_callable,
    check_images,
    check_model_device,
    check_path,
    check_scalar,
    check_writable_folder,
)


@dataclass
class History:
    """Per-epoch mean losses, the epoch whose weights were kept, and the wall time."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    terms: dict[str, list[float]] = field(default_factory=dict)  # an objective's parts, per epoch
    best_epoch: int | None = None
    stopped_early: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "train_loss": self.train_loss,
            "val_loss": self.val_loss,
            "terms": self.terms,
            "best_epoch": self.best_epoch,
            "stopped_early": self.stopped_early,
            "seconds": self.seconds,
        }


def _check_batch_size(batch_size: object) -> int:
    return check_scalar(batch_size, "batch_size", numbers.Integral, min_val=1)


@torch.no_grad()
def _map(model: nn.Module, method: str, x: torch.Tensor, batch_size: int) -> torch.Tensor:
    """`getattr(model, method)` over `x` in eval mode and in batches, returned on the CPU."""
    device = check_model_device(model)
    check_images(x, "x")
    batch_size = _check_batch_size(batch_size)
    with evaluating(model):
        run = getattr(model, method)
        out = None  # filled batch by batch: no second copy of the results, as torch.cat makes
        for start in range(0, len(x), batch_size):
            y = run(x[start : start + batch_size].to(device))
            if out is None:
                out = torch.empty((len(x), *y.shape[1:]), dtype=y.dtype)
            out[start : start + len(y)] = y.cpu()
        return out


def reconstruct(model: nn.Module, x: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """`model(x)` in eval mode and in batches, returned on the CPU."""
    return _map(model, "__call__", x, batch_size)


def embed(model: nn.Module, x: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """Codes `model.encode(x)` in eval mode and in batches, returned on the CPU."""
    return _map(model, "encode", x, batch_size)


@torch.no_grad()
def interpolate(
    model: nn.Module, x1: torch.Tensor, x2: torch.Tensor, steps: int = 9
) -> torch.Tensor:
    """Decode the straight line between two codes: D((1 - t) E(x1) + t E(x2)), t from 0 to 1.

    `x1` and `x2` are single examples (an image or a flat vector); returns `steps` decoded
    examples shaped like `x1`, on the CPU, the first decoded from E(x1) and the last from E(x2).
    """
    device = check_model_device(model)
    steps = check_scalar(
        steps, "steps (both ends of the line included)", numbers.Integral, min_val=2
    )
    for name, x in (("x1", x1), ("x2", x2)):
        check_images(x, name, min_ndim=1)
    if x1.shape != x2.shape:
        raise ValueError(
            f"x2 must have the shape of x1 {tuple(x1.shape)} (one example each),"
            f" got {tuple(x2.shape)}"
        )
    with evaluating(model):
        z1, z2 = model.encode(torch.stack([x1, x2]).to(device))
        t = torch.linspace(0, 1, steps, device=device)[:, None]
        return model.decode((1 - t) * z1 + t * z2).cpu().view(steps, *x1.shape)


@torch.no_grad()
def evaluate(
    model: nn.Module,
    x: torch.Tensor,
    loss: Loss = mse,
    batch_size: int = 1024,
    corrupt: Callable[..., torch.Tensor] | None = None,
    generator: torch.Generator | None = None,
    objective: Objective | None = None,
) -> float:
    """Mean `loss(model(x), x)` over all of `x` in eval mode (inputs `corrupt`ed if given), or the
    mean of an `objective` (see `fit`) instead."""
    device = check_model_device(model)
    objective = pick_objective(loss, objective)
    check_images(x, "x")
    batch_size = _check_batch_size(batch_size)
    if corrupt is not None:
        check_callable(corrupt, "corrupt", "(x, generator) -> corrupted x")
    total = 0.0
    with evaluating(model):
        for b in batches(x, batch_size):
            b = b.to(device)
            inputs = b if corrupt is None else corrupt(b, generator)
            total += float(objective_terms(objective(model, inputs, b), objective)["loss"]) * len(b)
    return total / len(x)


def adam(
    params: Iterable[nn.Parameter],
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    decoupled_weight_decay: bool = False,
) -> torch.optim.Adam:
    """Adam, with torch's fused implementation on CPU and CUDA where this torch has it.

    `weight_decay` λ is Adam's coupled L2: λW is added to the gradient before Adam's per-weight
    scaling (the gradient of (λ/2)‖W‖², biases included). `decoupled_weight_decay=True` gives
    AdamW instead (Loshchilov & Hutter 2019): every step shrinks each weight by lr·λ·W, outside
    the scaling.
    The fused step made a whole MNIST epoch of the 784-256-128-64 MLP about 1.4x faster on a
    2-core CPU (benchmarks/speed.py); elsewhere it falls back to the default implementation.
    """
    params = list(params)
    kind = torch.optim.AdamW if decoupled_weight_decay else torch.optim.Adam
    device_types = {p.device.type for p in params}
    if device_types <= {"cpu", "cuda"}:
        try:
            return kind(params, lr=lr, weight_decay=weight_decay, fused=True)
        except (RuntimeError, TypeError, ValueError):  # older torch: no fused Adam on this device
            pass
    return kind(params, lr=lr, weight_decay=weight_decay)


def fit(
    model: nn.Module,
    train_x: torch.Tensor,
    val_x: torch.Tensor | None = None,
    *,
    loss: Loss = mse,
    objective: Objective | None = None,
    corrupt: Callable[..., torch.Tensor] | None = None,
    epochs: int = 10,
    batch_size: int = 128,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    decoupled_weight_decay: bool = False,
    patience: int | None = None,
    min_delta: float = 0.0,
    keep_best: bool = True,
    checkpoint: str | os.PathLike | None = None,
    seed: int = 0,
    progress: bool = True,
    device: str | torch.device | None = None,
) -> History:
    """Train `model` to reconstruct `train_x` with Adam; return the loss `History`.

    With `val_x`, the weights of the epoch with the lowest validation loss are kept (and saved to
    `checkpoint`, if given); `patience` stops training after that many epochs without improvement.
    `keep_best=False` keeps the last epoch's weights instead (to study overfitting).
    `weight_decay` is Adam's coupled L2; with `decoupled_weight_decay=True`, AdamW's (see `adam`).
    With `corrupt` (e.g. `aeutils.noise.gaussian_noise(0.3)`), the model sees `corrupt(batch,
    generator)` and the loss compares its output with the clean batch: a denoising autoencoder.
    The validation inputs are corrupted the same way, with the same noise every epoch.
    `objective(model, inputs, targets)` replaces the reconstruction loss for models trained with a
    regulariser or a likelihood (e.g. `aeutils.vae.elbo(beta)`); the other terms it returns are
    recorded per epoch in `History.terms`.
    Training runs on `device`, by default `pick_device()`: a GPU when there is one, else the CPU.
    The trained model is returned (in eval mode) to the device it was on before.
    """
    home = check_model_device(model)
    objective = pick_objective(loss, objective)
    check_images(train_x, "train_x", finite=True)
    if val_x is not None:
        check_images(val_x, "val_x", finite=True)
        if val_x.shape[1:] != train_x.shape[1:]:
            raise ValueError(
                f"val_x must have examples shaped like train_x's {tuple(train_x.shape[1:])},"
                f" got {tuple(val_x.shape[1:])}"
            )
    if corrupt is not None:
        check_callable(corrupt, "corrupt", "(x, generator) -> corrupted x")
    epochs = check_scalar(epochs, "epochs", numbers.Integral, min_val=1)
    batch_size = _check_batch_size(batch_size)
    check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    check_scalar(weight_decay, "weight_decay", min_val=0)
    check_bool(decoupled_weight_decay, "decoupled_weight_decay")
    if patience is not None:
        check_scalar(patience, "patience", numbers.Integral, min_val=1)
        if val_x is None:
            raise ValueError("patience (early stopping) needs val_x, got val_x=None")
    check_scalar(min_delta, "min_delta", min_val=0, max_val=1, include_boundaries="left")
    check_bool(keep_best, "keep_best")
    check_scalar(seed, "seed", numbers.Integral, min_val=0)
    check_bool(progress, "progress")
    if checkpoint is not None:
        checkpoint = check_path(checkpoint, "checkpoint")
        check_writable_folder(checkpoint.parent, "checkpoint")
    device = pick_device(device)
    # Train on `device`, then hand the model back where it came from (the CPU in most notebooks),
    # so that cells calling it on CPU tensors after training keep working.
    model.to(device)
    train_x = train_x.to(device)
    val_x = val_x.to(device) if val_x is not None else None
    optimizer = adam(
        model.parameters(),
        lr=lr,
        weight_decay=weight_decay,
        decoupled_weight_decay=decoupled_weight_decay,
    )
    generator = torch.Generator().manual_seed(seed)
    history = History()
    best_loss, best_state, waited = float("inf"), None, 0
    counted = float("inf")  # the last loss that counted as an improvement (see min_delta)
    start = time.perf_counter()

    bar = progress_bar(range(1, epochs + 1), desc="training", unit="epoch", disable=not progress)
    for epoch in bar:
        model.train()
        sums: dict[str, float] = {}
        for b in batches(train_x, batch_size, shuffle=True, generator=generator):
            optimizer.zero_grad(set_to_none=True)
            inputs = b if corrupt is None else corrupt(b, generator)
            terms = objective_terms(objective(model, inputs, b), objective)
            terms["loss"].backward()
            optimizer.step()
            for name, value in terms.items():
                sums[name] = sums.get(name, 0.0) + float(value.detach()) * len(b)
        history.train_loss.append(sums.pop("loss") / len(train_x))
        for name, value in sums.items():
            history.terms.setdefault(name, []).append(value / len(train_x))
        shown = {"train": f"{history.train_loss[-1]:.4g}"}

        current = history.train_loss[-1]
        if val_x is not None:
            noise = torch.Generator().manual_seed(seed + 1)
            current = evaluate(model, val_x, corrupt=corrupt, generator=noise, objective=objective)
            history.val_loss.append(current)
            shown["val"] = f"{current:.4g}"
        bar.set_postfix(shown)

        if current < best_loss:
            best_loss, history.best_epoch = current, epoch
            if val_x is not None and keep_best:
                best_state = copy.deepcopy(model.state_dict())
            if checkpoint is not None:
                save_checkpoint(model, checkpoint, epoch=epoch, history=history.as_dict())
        if current < counted * (1 - min_delta):
            counted, waited = current, 0
        else:
            waited += 1
            if patience is not None and waited >= patience:
                history.stopped_early = True
                break
    bar.close()

    if best_state is not None:
        model.load_state_dict(best_state)
    model.to(home).eval()
    history.seconds = time.perf_counter() - start
    return history

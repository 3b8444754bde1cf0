"""Chapter 0: reference solutions and known mistakes.

The training loop, per-image error, parameter counts, PSNR from MSE.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import math

import torch

from aeutils.losses import mse


def _validate(model, x_val):
    model.eval()
    with torch.no_grad():
        loss = mse(model(x_val), x_val).item()
    model.train()
    return loss


def train_autoencoder(model, x_train, x_val, epochs, batch_size, lr, generator):
    """Train `model` with Adam on shuffled mini-batches; return the per-epoch training losses
    (mean over examples) and validation losses (eval mode, no gradients)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    train_losses, val_losses = [], []
    for _ in range(epochs):
        order = torch.randperm(len(x_train), generator=generator)
        total = 0.0
        for start in range(0, len(x_train), batch_size):
            batch = x_train[order[start : start + batch_size]]
            loss = mse(model(batch), batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        train_losses.append(total / len(x_train))
        val_losses.append(_validate(model, x_val))
    return train_losses, val_losses


def per_image_mse(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Mean squared error of each example: shape (N,), averaged over all its pixels."""
    return (x - x_hat).pow(2).flatten(1).mean(dim=1)


def tied_parameter_count(widths: list[int]) -> int:
    """Parameters of an MLP autoencoder with encoder `widths` whose decoder reuses the transposed
    encoder weights (tied weights) and has biases of its own."""
    pairs = zip(widths[:-1], widths[1:], strict=True)
    return sum(a * b + b + a for a, b in pairs)  # W (b x a), its bias b, the decoder's bias a


def psnr_from_mse(mse: float, data_range: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB of an image whose mean squared error is `mse`."""
    return 10 * math.log10(data_range**2 / mse)


REFERENCES = {
    "training-loop": train_autoencoder,
    "per-image-mse": per_image_mse,
    "tied-parameter-count": tied_parameter_count,
    "psnr-from-mse": psnr_from_mse,
}


def _loop_with(
    *,
    zero_grad=True,
    train_mode=True,
    restore_train=True,
    eval_for_val=True,
    shuffle="each epoch",
    target="batch",
    epoch_loss="weighted",
    optimizer_per_epoch=False,
):
    """The reference loop with one thing done wrong: what each known mistake below changes."""

    def loop(model, x_train, x_val, epochs, batch_size, lr, generator):
        n = len(x_train)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        if not train_mode:
            model.eval()
        order = torch.randperm(n, generator=generator) if shuffle == "once" else None
        train_losses, val_losses = [], []
        for _ in range(epochs):
            if optimizer_per_epoch:
                optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            if shuffle == "each epoch":
                order = torch.randperm(n, generator=generator)
            elif shuffle == "never":
                order = torch.arange(n)
            losses, sizes = [], []
            for start in range(0, n, batch_size):
                batch = x_train[order[start : start + batch_size]]
                wanted = batch if target == "batch" else x_train[start : start + batch_size]
                loss = mse(model(batch), wanted)
                if zero_grad:
                    optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                sizes.append(len(batch))
            if epoch_loss == "weighted":
                train_losses.append(sum(a * b for a, b in zip(losses, sizes, strict=True)) / n)
            elif epoch_loss == "unweighted":
                train_losses.append(sum(losses) / len(losses))
            else:
                train_losses.append(losses[-1])
            if eval_for_val:
                model.eval()
            with torch.no_grad():
                val_losses.append(mse(model(x_val), x_val).item())
            if restore_train and train_mode:
                model.train()
        return train_losses, val_losses

    return loop


def _mistake(name, **wrong):
    loop = _loop_with(**wrong)
    loop.__name__ = loop.__qualname__ = name
    return loop


_no_zero_grad = _mistake("_no_zero_grad", zero_grad=False)
_trained_in_eval_mode = _mistake("_trained_in_eval_mode", train_mode=False)
_train_mode_not_restored = _mistake("_train_mode_not_restored", restore_train=False)
_validated_in_train_mode = _mistake("_validated_in_train_mode", eval_for_val=False)
_loss_against_unshuffled_slice = _mistake("_loss_against_unshuffled_slice", target="slice")
_no_shuffling = _mistake("_no_shuffling", shuffle="never")
_shuffled_once = _mistake("_shuffled_once", shuffle="once")
_last_batch_loss = _mistake("_last_batch_loss", epoch_loss="last")
_unweighted_batch_mean = _mistake("_unweighted_batch_mean", epoch_loss="unweighted")
_optimizer_per_epoch = _mistake("_optimizer_per_epoch", optimizer_per_epoch=True)


def _batch_mean(x, x_hat):
    return (x - x_hat).pow(2).mean()


def _summed(x, x_hat):
    return (x - x_hat).pow(2).flatten(1).sum(dim=1)


def _untied(widths):
    return sum(2 * a * b + b + a for a, b in zip(widths[:-1], widths[1:], strict=True))


def _no_decoder_biases(widths):
    return sum(a * b + b for a, b in zip(widths[:-1], widths[1:], strict=True))


def _weights_only(widths):
    return sum(a * b for a, b in zip(widths[:-1], widths[1:], strict=True))


def _natural_log(mse, data_range=1.0):
    return 10 * math.log(data_range**2 / mse)


def _range_not_squared(mse, data_range=1.0):
    return 10 * math.log10(data_range / mse)


MISTAKES = {
    "training-loop": [
        (
            "no zero_grad: the gradients of every batch add up in .grad, so each step follows"
            " the sum of all the gradients so far; call optimizer.zero_grad() before backward()",
            _no_zero_grad,
        ),
        (
            "trained in eval mode: BatchNorm normalised each batch with its running statistics"
            " instead of the batch's own; train in model.train() mode",
            _trained_in_eval_mode,
        ),
        (
            "model.train() not restored after validation: from the second epoch on the model"
            " trains in eval mode, where BatchNorm uses its running statistics",
            _train_mode_not_restored,
        ),
        (
            "validated in train mode: BatchNorm normalised x_val with x_val's own statistics"
            " (and updated its running ones); call model.eval() before the validation pass",
            _validated_in_train_mode,
        ),
        (
            "the loss compares the output with the wrong tensor (the unshuffled slice of"
            " x_train, not the batch that went in): the target is the batch itself",
            _loss_against_unshuffled_slice,
        ),
        (
            "no shuffling: the batches come in the same order every epoch; draw a new"
            " torch.randperm(len(x_train), generator=generator) at the start of each epoch",
            _no_shuffling,
        ),
        (
            "shuffled once, before the first epoch: every epoch then sees the same batches;"
            " draw a new order at the start of each epoch",
            _shuffled_once,
        ),
        (
            "the epoch's training loss is the last batch's loss: average over every example"
            " of the epoch",
            _last_batch_loss,
        ),
        (
            "the epoch's training loss is the plain mean of the batch losses: weight each"
            " batch's loss by its size (the last batch is smaller)",
            _unweighted_batch_mean,
        ),
        (
            "a new optimiser every epoch: Adam's running averages start again each time;"
            " create it once, before the first epoch",
            _optimizer_per_epoch,
        ),
    ],
    "per-image-mse": [
        ("one mean over the whole batch: the exercise asks for one mean per example", _batch_mean),
        ("this is the sum over pixels; the exercise asks for the mean", _summed),
    ],
    "tied-parameter-count": [
        (
            "this is the untied count: a tied decoder layer multiplies by the transpose of the"
            " encoder's weight matrix, so only its biases are new parameters",
            _untied,
        ),
        (
            "the decoder's biases are missing: each decoder layer Wᵀ maps back to a features"
            " and adds a bias of its own to each",
            _no_decoder_biases,
        ),
        ("the biases are missing: every layer, encoder and decoder, adds a bias", _weights_only),
    ],
    "psnr-from-mse": [
        ("natural logarithm: decibels use log10", _natural_log),
        ("data_range is not squared: PSNR compares data_range² with the MSE", _range_not_squared),
    ],
}

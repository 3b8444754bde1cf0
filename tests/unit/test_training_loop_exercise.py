"""Chapter 0's training-loop exercise: its small seeded problem, the loops a reader may write
correctly in other words, and the usual mistakes, each with its own diagnosis."""

import pytest
import torch

from aeutils import exercises, losses
from aeutils.exercises import ch00 as ch00_cases
from aeutils.exercises import core
from instructor.references import ch00

NAME = "training-loop"


def cases():
    return ch00_cases._training_runs(torch.Generator().manual_seed(0))


def reader_loop(
    *,
    zero_grad="before backward",
    mode="train at the top",
    shuffle="each epoch",
    target="batch",
    epoch_loss="weighted",
    validation="eval",
    fused=False,
    val_batch=None,
    split=False,
):
    """A loop as a reader might write it, independently of instructor/ (its switches give the
    correct variants and the mistakes)."""

    def train_autoencoder(model, x_train, x_val, epochs, batch_size, lr, generator):
        optimizer = torch.optim.Adam(model.parameters(), lr=lr, fused=fused or None)
        train_losses, val_losses = [], []
        order = torch.randperm(len(x_train), generator=generator)
        for epoch in range(epochs):
            if mode == "train at the top":
                model.train()
            if shuffle == "each epoch" and epoch > 0:
                order = torch.randperm(len(x_train), generator=generator)
            elif shuffle == "never":
                order = torch.arange(len(x_train))
            total, last = 0.0, None
            pieces = torch.split(order, batch_size) if split else None
            for start in range(0, len(x_train), batch_size):
                index = pieces[start // batch_size] if split else order[start : start + batch_size]
                batch = x_train[index]
                unshuffled = x_train[start : start + batch_size]
                wanted = batch if target == "batch" else unshuffled
                loss = losses.mse(model(batch), wanted)
                if zero_grad == "before backward":
                    optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                if zero_grad == "after step":
                    optimizer.zero_grad(set_to_none=False)
                total += loss.item() * len(batch)
                last = loss.item()
            train_losses.append(total / len(x_train) if epoch_loss == "weighted" else last)
            if validation == "eval":
                model.eval()
            with torch.no_grad():
                if val_batch is None:
                    val_losses.append(losses.mse(model(x_val), x_val).item())
                else:  # in pieces, weighted by their sizes: the same mean
                    parts = torch.split(x_val, val_batch)
                    total = sum(losses.mse(model(p), p).item() * len(p) for p in parts)
                    val_losses.append(total / len(x_val))
            if mode == "train after validation":
                model.train()
        return train_losses, val_losses

    return train_autoencoder


def test_the_problem_is_small_seeded_and_leaves_the_global_generator_alone():
    state = torch.get_rng_state()
    first, again = cases(), cases()
    assert torch.equal(torch.get_rng_state(), state)
    assert len(first) == 2
    for case, same in zip(first, again, strict=True):
        model, x_train, x_val, epochs, batch_size, lr, generator = case
        assert 2 <= epochs <= 3 and len(x_train) % batch_size > 1  # a smaller last batch
        assert model.training and any(isinstance(m, torch.nn.BatchNorm1d) for m in model.modules())
        assert torch.equal(x_train, same[1]) and torch.equal(x_val, same[2])
        assert generator.initial_seed() == same[6].initial_seed()
        for p, q in zip(model.parameters(), same[0].parameters(), strict=True):
            assert torch.equal(p, q)


def test_the_model_s_output_depends_on_its_mode():
    model, x_train = cases()[0][:2]
    with torch.no_grad():
        in_train_mode = model(x_train)
        model.eval()
        in_eval_mode = model(x_train)
    assert (in_train_mode - in_eval_mode).abs().max() > 1e-2


def test_the_inputs_are_described_briefly(capsys):
    def unwritten(model, x_train, x_val, epochs, batch_size, lr, generator):
        raise NotImplementedError("replace this line with your code")

    assert not exercises.check(NAME, unwritten)
    seed = cases()[0][6].initial_seed()
    assert capsys.readouterr().out.startswith(
        "✗ unwritten(TinyAutoencoder(16→6→16, with BatchNorm1d), tensor of shape (40, 16),"
        f" tensor of shape (12, 16), 3, 12, 0.01, torch.Generator(seed={seed})) raised"
        " NotImplementedError: replace this line with your code\n"
    )


def test_the_check_trains_copies_and_leaves_the_global_generator_alone(capsys):
    state = torch.get_rng_state()
    assert exercises.check(NAME, ch00.train_autoencoder)
    assert exercises.check(NAME, ch00.train_autoencoder)  # the same inputs again
    assert torch.equal(torch.get_rng_state(), state)


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"mode": "train after validation"},
        {"zero_grad": "after step"},
        {"val_batch": 5},
        {"fused": True},
        {"split": True},
    ],
    ids=[
        "train-at-the-top",
        "train-after-validation",
        "zero-grad-after-step",
        "val-in-pieces",
        "fused-adam",
        "torch-split",
    ],
)
def test_correct_loops_in_other_words_pass(variant, capsys):
    assert exercises.check(NAME, reader_loop(**variant)), capsys.readouterr().out


def test_losses_as_one_element_tensors_pass(capsys):
    loop = reader_loop()

    def as_tensors(*args):
        train, val = loop(*args)
        return [torch.tensor(v) for v in train], [torch.tensor(v) for v in val]

    assert exercises.check(NAME, as_tensors), capsys.readouterr().out


@pytest.mark.parametrize(
    ("mistake", "diagnosis"),
    [
        (
            {"zero_grad": "never"},
            "no zero_grad: the gradients of every batch add up in .grad, so each step follows"
            " the sum of all the gradients so far; call optimizer.zero_grad() before backward()",
        ),
        (
            {"mode": "train after validation", "validation": "train"},
            "validated in train mode: BatchNorm normalised x_val with x_val's own statistics"
            " (and updated its running ones); call model.eval() before the validation pass",
        ),
        (
            {"mode": "never set back"},
            "model.train() not restored after validation: from the second epoch on the model"
            " trains in eval mode, where BatchNorm uses its running statistics",
        ),
        (
            {"target": "unshuffled"},
            "the loss compares the output with the wrong tensor (the unshuffled slice of"
            " x_train, not the batch that went in): the target is the batch itself",
        ),
        (
            {"shuffle": "never"},
            "no shuffling: the batches come in the same order every epoch; draw a new"
            " torch.randperm(len(x_train), generator=generator) at the start of each epoch",
        ),
        (
            {"shuffle": "once"},
            "shuffled once, before the first epoch: every epoch then sees the same batches;"
            " draw a new order at the start of each epoch",
        ),
        (
            {"epoch_loss": "last batch"},
            "the epoch's training loss is the last batch's loss: average over every example"
            " of the epoch",
        ),
    ],
    ids=[
        "no-zero-grad",
        "validated-in-train-mode",
        "eval-mode-left-on",
        "wrong-target",
        "no-shuffling",
        "shuffled-once",
        "last-batch-loss",
    ],
)
def test_a_reader_s_own_mistake_gets_its_diagnosis(mistake, diagnosis, capsys):
    # written here, not taken from instructor/: the diagnosis comes from the outputs alone
    assert not exercises.check(NAME, reader_loop(**mistake))
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and " raised " not in out, out
    assert f"\n  diagnosis: {diagnosis}\n" in out, out


def test_the_target_mistake_uses_a_slice_of_the_unshuffled_data():
    # the instructor's version of the wrong target: x_train[start:stop], whatever went in
    model, x_train, x_val, epochs, batch_size, lr, generator = cases()[1]
    wrong = ch00._loss_against_unshuffled_slice(
        model, x_train, x_val, epochs, batch_size, lr, generator
    )
    right = ch00.train_autoencoder(model, x_train, x_val, epochs, batch_size, lr, generator)
    assert wrong != right and len(wrong[0]) == len(right[0]) == epochs


def test_every_known_mistake_is_told_apart_from_the_others():
    # each mistake's first failing output is within the tolerance of no other mistake's
    stored = core.stored(NAME)
    exercise = exercises.EXERCISES[NAME]
    mistakes = stored["mistakes"]
    assert len(mistakes) >= 6
    for index in range(len(stored["expected"])):
        for a in mistakes:
            for b in mistakes:
                spec_a, spec_b = a["outputs"][index], b["outputs"][index]
                if a is b or spec_a is None or spec_b is None:
                    continue
                values = _values(spec_a)
                salt = f"{NAME}/{index}"
                assert core.difference(values, spec_b, exercise.rtol, exercise.atol, salt), (
                    a["id"],
                    b["id"],
                )


def _values(spec):
    """The Python value a spec of floats, lists and tuples stores."""
    if spec["kind"] == "float":
        return spec["value"]
    items = [_values(item) for item in spec["items"]]
    return tuple(items) if spec["kind"] == "tuple" else items

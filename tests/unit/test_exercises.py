"""The self-check machinery: stored outputs, comparison like assert_close, named diagnoses."""

import math

import numpy as np
import pytest
import torch

from aeutils import exercises, losses, metrics
from aeutils.exercises import ch00 as ch00_cases
from aeutils.exercises import core
from aeutils.models import count_parameters
from instructor import references as instructor
from instructor.references import ch00

REFERENCES = instructor.references()
MISTAKES = [
    (name, diagnosis, fn)
    for name, known in instructor.mistakes().items()
    for diagnosis, fn in known
]


@pytest.mark.parametrize("name", sorted(exercises.EXERCISES))
def test_reference_matches_the_stored_outputs(name, capsys):
    # the references (instructor side) against the data the package ships: proves the data right
    assert exercises.check(name, REFERENCES[name])
    n = len(exercises.EXERCISES[name].cases(torch.Generator().manual_seed(0)))
    assert capsys.readouterr().out == f"✓ {name}: matches the reference on {n} random inputs\n"


def test_every_exercise_has_a_reference_and_known_mistakes():
    assert set(REFERENCES) == set(exercises.EXERCISES)
    assert len(MISTAKES) >= len(exercises.EXERCISES)


@pytest.mark.parametrize(
    ("name", "diagnosis", "wrong"),
    MISTAKES,
    ids=[f"{name}-{fn.__name__.strip('_')}" for name, _, fn in MISTAKES],
)
def test_each_known_mistake_fails_with_its_own_diagnosis(name, diagnosis, wrong, capsys):
    assert not exercises.check(name, wrong)
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and " raised " not in out, out
    assert f"\n  diagnosis: {diagnosis}\n  hint: {exercises.EXERCISES[name].hint}\n" in out, out


@pytest.mark.parametrize(
    ("name", "wrong", "diagnosis"),
    [
        (
            "per-image-mse",
            lambda x, x_hat: ((x - x_hat) ** 2).flatten(1).sum(1),
            "this is the sum over pixels; the exercise asks for the mean",
        ),
        (
            "vae-objective",
            lambda model, x, beta, eps: (
                torch.nn.functional.binary_cross_entropy_with_logits(
                    model.decode_logits(model.encode_distribution(x)[0]), x, reduction="none"
                )
                .sum(1)
                .add(
                    beta
                    * 0.5
                    * (lambda m, lv: m**2 + lv.exp() - 1 - lv)(*model.encode_distribution(x)).sum(1)
                )
                .mean()
            ),
            "z is the mean μ: draw z = μ + σ·ε from q(z|x) (the reparameterisation trick)",
        ),
        ("reparameterize", lambda mu, logvar, eps: mu + logvar * eps, "log-variance used as σ"),
        (
            "kl-diagonal-gaussians",
            lambda m1, l1, m2, l2: (
                0.5 * ((l2 - l1).exp() + (m2 - m1) ** 2 / l1.exp() - 1 - l2 + l1).sum(1)
            ),
            "arguments swapped: the KL is not symmetric",
        ),
    ],
    ids=["sum-not-mean", "no-sampling", "logvar-as-sigma", "swapped"],
)
def test_a_reader_s_own_wrong_answer_gets_the_named_diagnosis(name, wrong, diagnosis, capsys):
    # written here, not taken from instructor/: the diagnosis comes from the outputs alone
    assert not exercises.check(name, wrong)
    assert f"\n  diagnosis: {diagnosis}\n" in capsys.readouterr().out


def test_an_unknown_wrong_answer_gets_no_diagnosis(capsys):
    assert not exercises.check(
        "per-image-mse", lambda x, x_hat: (x - x_hat).abs().flatten(1).mean(1)
    )
    out = capsys.readouterr().out
    assert "values differ" in out and "diagnosis" not in out


def test_wrong_shape_is_reported(capsys):
    def batch_mse(x, x_hat):
        return (x - x_hat).pow(2).mean()

    assert not exercises.check("per-image-mse", batch_mse)
    out = capsys.readouterr().out
    assert "batch_mse(tensor of shape (1, 784), tensor of shape (1, 784))" in out
    assert "returned shape (), expected (1,)" in out
    assert "diagnosis: one mean over the whole batch" in out
    assert "hint: average over every pixel of each example" in out


def test_missing_return_is_reported(capsys):
    def forgot_return(x, x_hat):
        (x - x_hat).pow(2).flatten(1).mean(dim=1)

    assert not exercises.check("per-image-mse", forgot_return)
    assert "returned None: did the function forget to `return`" in capsys.readouterr().out


def test_exception_is_reported_without_a_traceback(capsys):
    def matrix_product(x, x_hat):
        return x @ x_hat

    assert not exercises.check("per-image-mse", matrix_product)
    out = capsys.readouterr().out
    assert "✗ matrix_product(tensor of shape (1, 784), tensor of shape (1, 784)) raised" in out
    assert "RuntimeError" in out and "Traceback" not in out


def test_wrong_values_are_reported_with_the_largest_difference_and_where(capsys):
    def summed(x, x_hat):
        return (x - x_hat).pow(2).flatten(1).sum(dim=1)

    assert not exercises.check("per-image-mse", summed)
    g = torch.Generator().manual_seed(0)
    x, x_hat = torch.rand(1, 784, generator=g), torch.rand(1, 784, generator=g)
    error = (x - x_hat).pow(2).mean().item()
    out = capsys.readouterr().out
    assert (
        f"values differ: largest difference {783 * error:.3g} at index (0,), got"
        f" {784 * error:.6g}, expected {error:.6g} (1 of 1 values outside rtol=1e-05, atol=1e-06)"
    ) in out


def test_the_largest_difference_is_found_among_many(monkeypatch):
    spec = core.spec_of(torch.zeros(2, 3), "t/0")
    got = torch.zeros(2, 3)
    got[0, 1], got[1, 2] = 0.5, -2.0
    problem = core.difference(got, spec, rtol=0, atol=0.1, salt="t/0")
    assert problem.startswith("values differ: largest difference 2 at index (1, 2), got -2,")
    assert "(2 of 6 values outside rtol=0, atol=0.1)" in problem


def test_wrong_count_is_reported_without_the_answer(capsys):
    def without_biases(widths):
        return sum(a * b for a, b in zip(widths[:-1], widths[1:], strict=True))

    assert not exercises.check("tied-parameter-count", without_biases)
    out = capsys.readouterr().out
    # 784-256-128-64, tied: 241664 weights; the expected count is stored as a hash only
    assert "returned 241664, which is not the expected count" in out
    assert "243280" not in out
    assert "diagnosis: the biases are missing: every layer, encoder and decoder, adds a bias" in out


def test_numpy_answers_of_the_right_dtype_are_accepted(capsys):
    def numpy_mse(x, x_hat):
        return ((x.numpy() - x_hat.numpy()) ** 2).reshape(len(x), -1).mean(axis=1)

    assert exercises.check("per-image-mse", numpy_mse)


def test_float64_where_float32_is_expected_fails_and_says_how_to_convert(capsys):
    def in_float64(x, x_hat):
        return (x.double() - x_hat.double()).pow(2).flatten(1).mean(dim=1)

    assert not exercises.check("per-image-mse", in_float64)
    out = capsys.readouterr().out
    assert "returned dtype torch.float64, expected torch.float32: convert with `.float()`" in out


def test_unknown_exercise_names_it():
    with pytest.raises(
        KeyError, match="no exercise called 'per-pixel-mse'; known: .*per-image-mse"
    ):
        exercises.check("per-pixel-mse", ch00.per_image_mse)


def test_non_function_answer_is_rejected():
    with pytest.raises(TypeError, match="answer must be a function, got int"):
        exercises.check("per-image-mse", 3)


def test_only_the_stored_seed_can_be_checked():
    with pytest.raises(ValueError, match="outputs are stored for seed 0 only, got 1"):
        exercises.check("per-image-mse", ch00.per_image_mse, seed=1)


def test_register_refuses_a_duplicate_name():
    exercise = exercises.EXERCISES["per-image-mse"]
    with pytest.raises(ValueError, match="exercise 'per-image-mse' is registered twice"):
        exercises.register("per-image-mse", exercise)


def test_the_installed_registry_holds_no_reference():
    for exercise in exercises.EXERCISES.values():
        assert not hasattr(exercise, "reference")
        assert set(vars(exercise)) == {"cases", "hint", "rtol", "atol"}


def test_registered_exercise_is_checked_with_its_tolerance(monkeypatch, capsys):
    monkeypatch.setattr(core, "EXERCISES", {})
    core.register("double", core.Exercise(lambda g: [(1.0,), (3.0,)], "2v", 1e-3))
    stored = {
        "seed": 0,
        "expected": [core.spec_of(2.0, "double/0"), core.spec_of(6.0, "double/1")],
        "mistakes": [{"diagnosis": "v, not 2v", "outputs": [core.spec_of(1.0, ""), None]}],
    }
    monkeypatch.setattr(core, "stored_data", lambda: {"exercises": {"double": stored}})
    assert core.check("double", lambda v: 2 * v * (1 + 1e-4))
    assert not core.check("double", lambda v: 2 * v * (1 + 1e-2))
    assert "returned 2.02, expected 2\n  hint: 2v" in capsys.readouterr().out
    assert not core.check("double", lambda v: v)
    assert "returned 1, expected 2\n  diagnosis: v, not 2v\n  hint: 2v" in capsys.readouterr().out


def test_the_check_leaves_the_global_random_generators_alone(capsys):
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()
    for name, reference in REFERENCES.items():
        exercises.check(name, reference)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert all(
        np.array_equal(a, b) for a, b in zip(np.random.get_state(), numpy_state, strict=True)
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (torch.tensor([1.0, 2.0]), "tensor([1.0, 2.0])"),
        (torch.zeros(2, 3), "tensor of shape (2, 3)"),
        (np.zeros((4, 5)), "ndarray of shape (4, 5)"),
        ([784, 10], "[784, 10]"),
    ],
)
def test_describe(value, text):
    assert core.describe(value) == text


@pytest.mark.parametrize(
    ("got", "expected", "problem"),
    [
        (torch.ones(2), torch.ones(2), None),
        (np.ones(2, dtype=np.float32), torch.ones(2), None),
        (
            [1.0, 1.0],
            torch.ones(2),
            "returned a list, expected a torch.Tensor of dtype torch.float32 and shape (2,)",
        ),
        (torch.ones(2, dtype=torch.float64), torch.ones(2), "returned dtype torch.float64"),
        (torch.ones(3), torch.ones(2), "returned shape (3,), expected (2,)"),
        (torch.tensor([0.3, 0.0]), torch.tensor([True, False]), "returned dtype torch.float32"),
        (
            torch.tensor([1, 0]),
            torch.tensor([True, False]),
            "returned dtype torch.int64, expected torch.bool: compare (e.g. `x > 0`)",
        ),
        (torch.tensor([False, True]), torch.tensor([True, False]), "values differ: the torch.bool"),
        (torch.tensor([True, False]), torch.tensor([True, False]), None),
        (torch.tensor(3.0), 3.0, None),
        (np.float64(3.0), 3.0, None),
        ("3", 3.0, "returned a str, expected a number (a Python float)"),
        (True, 1.0, "returned a bool (True), expected a float"),
        (True, False, "returned True, expected False"),
        (0.3, False, "returned 0.3 (a float), expected a bool: True or False"),
        (1, True, "returned 1 (a int), expected a bool: True or False"),
        (14, 14, None),
        (14.0, 14, "returned a float (14.0), expected an int"),
        (True, 1, "returned a bool (True), expected an int"),
        (13, 14, "returned 13, which is not the expected count"),
        ((1, 2), (1, 2), None),
        ([1, 2], (1, 2), "returned a list, expected a tuple of 2 values"),
        ((1, 3), (1, 2), "item 1 of the tuple returned 3, which is not the expected count"),
        ([0.5, 0.25], [0.5, 0.25], None),
        ([0.5, torch.tensor(0.25)], [0.5, 0.25], None),
        ((0.5, 0.25), [0.5, 0.25], "returned a tuple, expected a list of 2 values"),
        ([0.5], [0.5, 0.25], "returned a list of 1 values, expected 2"),
        ([0.5, 0.3], [0.5, 0.25], "item 1 of the list returned 0.3, expected 0.25"),
        (
            ([0.5], [0.3]),
            ([0.5], [0.25]),
            "item 1 of the tuple item 0 of the list returned 0.3, expected 0.25",
        ),
    ],
)
def test_difference(got, expected, problem):
    spec = core.spec_of(expected, "test/0")
    found = core.difference(got, spec, rtol=1e-5, atol=1e-6, salt="test/0")
    assert found == problem if problem is None else found.startswith(problem), found


def test_a_list_of_floats_is_stored_as_values():
    spec = core.spec_of([0.5, 0.25], "a/0")
    assert spec == {
        "kind": "list",
        "items": [{"kind": "float", "value": 0.5}, {"kind": "float", "value": 0.25}],
    }


def test_the_check_hands_each_call_a_fresh_model_and_generator():
    # a training loop changes its model and draws from its generator: neither spoils a later call
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    generator = torch.Generator().manual_seed(5)
    model_copy, generator_copy = core.copy_input(model), core.copy_input(generator)
    assert model_copy is not model and isinstance(model_copy, torch.nn.Sequential)
    with torch.no_grad():
        model_copy[0].weight.add_(1.0)
    model_copy(torch.rand(4, 3))  # updates the copy's BatchNorm running statistics
    assert not torch.equal(model_copy[0].weight, model[0].weight)
    assert torch.equal(model[1].running_mean, torch.zeros(2))
    assert generator_copy is not generator
    drawn = torch.randperm(10, generator=generator_copy)
    assert torch.equal(drawn, torch.randperm(10, generator=generator))  # same state, separate


def test_exact_answers_are_stored_as_salted_hashes_not_values():
    assert core.spec_of(14, "a/0") == {"kind": "int", "sha256": core.fingerprint(14, "a/0")}
    assert core.fingerprint(14, "a/0") != core.fingerprint(14, "a/1")  # no shared lookup table
    mask = core.spec_of(torch.tensor([True, False]), "a/0")
    assert set(mask) == {"kind", "dtype", "shape", "sha256"} and mask["dtype"] == "bool"
    for entry in core.stored_data()["exercises"].values():
        for spec in entry["expected"]:
            assert spec["kind"] in ("tensor", "float", "int", "bool", "tuple", "list")
            if spec["kind"] in ("int", "bool"):
                assert set(spec) == {"kind", "sha256"}


def test_per_image_mse_reference_matches_mse_per_example():
    x, x_hat = torch.rand(4, 1, 5, 5), torch.rand(4, 1, 5, 5)
    expected = torch.stack([losses.mse(a, b) for a, b in zip(x_hat, x, strict=True)])
    assert torch.allclose(ch00.per_image_mse(x, x_hat), expected)


class TiedAutoencoder(torch.nn.Module):
    """An MLP autoencoder whose decoder multiplies by the encoder's transposed weights."""

    def __init__(self, widths):
        super().__init__()
        pairs = list(zip(widths[:-1], widths[1:], strict=True))
        self.encoder = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in pairs)
        self.decoder_biases = torch.nn.ParameterList(torch.zeros(a) for a, _ in pairs)

    def forward(self, x):
        for layer in self.encoder:
            x = torch.relu(layer(x))
        for layer, bias in zip(reversed(self.encoder), reversed(self.decoder_biases), strict=True):
            x = torch.relu(torch.nn.functional.linear(x, layer.weight.T, bias))
        return x


@pytest.mark.parametrize("case", ch00_cases._widths(torch.Generator().manual_seed(0)))
def test_tied_parameter_count_reference_matches_a_tied_model(case):
    (widths,) = case
    model = TiedAutoencoder(widths)
    assert model(torch.rand(2, widths[0])).shape == (2, widths[0])
    assert ch00.tied_parameter_count(widths) == count_parameters(model)


@pytest.mark.parametrize("error", [0.25, 0.01, 1e-4])
def test_psnr_reference_matches_the_metric(error):
    images = np.zeros((1, 4, 4))
    measured = metrics.psnr(images, images + math.sqrt(error))[0]
    assert abs(ch00.psnr_from_mse(error) - measured) < 1e-9


def test_a_verdict_is_true_or_false_and_shows_nothing_in_a_notebook(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    passed = exercises.check("per-image-mse", ch00.per_image_mse)
    assert passed and repr(passed) == "Verdict(passed=True)"
    shell = InteractiveShell.instance()
    try:
        capsys.readouterr()
        shell.display_formatter.format(passed)  # what a cell ending in check(...) shows
        assert capsys.readouterr().out == ""
        assert shell.display_formatter.format(passed) == ({}, {})
    finally:
        InteractiveShell.clear_instance()

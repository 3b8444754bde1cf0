"""Sparsity and contractive penalties and their objectives, on small made-up models and data."""

import math

import pytest
import torch
from torch import nn

import aeutils
from aeutils.penalties import (
    contractive_objective,
    contractive_penalty,
    jacobian_norm,
    kl_sparsity,
    l1_activity,
    l1_activity_objective,
    sigmoid_jacobian_norm,
    single_sigmoid_layer,
    sparse_objective,
)


def sigmoid_model(inputs=12, units=5, seed=0):
    torch.manual_seed(seed)
    return aeutils.MLPAutoencoder((inputs, units), latent_activation="sigmoid")


def test_kl_sparsity_is_zero_at_the_target_and_a_sum_of_bernoulli_kls():
    rho = 0.05
    assert kl_sparsity(torch.full((8, 3), rho), rho).abs() < 1e-6
    # two units whose mean activations are 0.2 and 0.5 (per-unit means over 4 examples)
    a = torch.tensor([[0.2, 0.0], [0.2, 1.0], [0.2, 0.0], [0.2, 1.0]])
    expected = sum(
        torch.distributions.kl_divergence(
            torch.distributions.Bernoulli(probs=torch.tensor(rho)),
            torch.distributions.Bernoulli(probs=torch.tensor(p)),
        )
        for p in (0.2, 0.5)
    )
    assert torch.allclose(kl_sparsity(a, rho), expected, atol=1e-6)


def test_kl_sparsity_stays_finite_for_dead_and_saturated_units():
    a = torch.tensor([[0.0, 1.0], [0.0, 1.0]])
    value = kl_sparsity(a, 0.05)
    assert torch.isfinite(value) and value > 10


def test_kl_sparsity_rejects_bad_rho_and_activations_outside_0_1():
    a = torch.rand(4, 3)
    for rho in (0, 1, -0.1, 1.5, True, "0.05"):
        error = TypeError if isinstance(rho, (bool, str)) else ValueError
        message = rf"rho \(the target mean activation\) must be a float in \(0, 1\), got {rho!r}"
        with pytest.raises(error, match=message):
            kl_sparsity(a, rho)
    with pytest.raises(ValueError, match=r"activations must lie in \[0, 1\].*Sigmoid"):
        kl_sparsity(torch.tensor([[0.5, 2.0]]), 0.05)
    with pytest.raises(ValueError, match=r"activations must lie in \[0, 1\]"):
        kl_sparsity(torch.tensor([[0.5, float("nan")]]), 0.05)
    with pytest.raises(ValueError, match="shape"):
        kl_sparsity(torch.rand(5), 0.05)
    with pytest.raises(TypeError, match="torch.Tensor"):
        kl_sparsity([[0.1, 0.2]], 0.05)


def test_l1_activity_is_the_mean_absolute_value():
    a = torch.tensor([[1.0, -3.0], [0.0, 2.0]])
    assert l1_activity(a).item() == pytest.approx(1.5)


def test_sigmoid_jacobian_norm_agrees_with_autograd():
    model = sigmoid_model(inputs=12, units=5)
    x = torch.rand(6, 12, dtype=torch.float32)
    closed = sigmoid_jacobian_norm(model.encode(x), model.encoder[0].weight)
    autograd = jacobian_norm(model.encode, x)
    assert closed.shape == autograd.shape == (6,)
    assert torch.allclose(closed, autograd, rtol=1e-5, atol=1e-7)
    # and by hand, for one example: J = diag(z(1 - z)) W
    z = model.encode(x[:1])[0]
    jac = (z * (1 - z))[:, None] * model.encoder[0].weight
    assert math.isclose(closed[0].item(), jac.pow(2).sum().item(), rel_tol=1e-5)


def test_autograd_norm_has_the_gradients_of_the_closed_form():
    model = sigmoid_model()
    x = torch.rand(4, 12)
    weight = model.encoder[0].weight
    closed = contractive_penalty(model, x, "sigmoid").sum()
    autograd = contractive_penalty(model, x, "autograd").sum()
    (g_closed,) = torch.autograd.grad(closed, weight)
    (g_autograd,) = torch.autograd.grad(autograd, weight)
    assert torch.allclose(g_closed, g_autograd, rtol=1e-4, atol=1e-7)


def test_jacobian_norm_of_a_linear_map_is_its_frobenius_norm_even_under_no_grad():
    w = torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    x = torch.rand(3, 3)
    with torch.no_grad():
        norms = jacobian_norm(lambda v: v @ w.T, x)
    assert torch.allclose(norms, torch.full((3,), 15.0))
    images = torch.rand(2, 1, 2, 2)  # image-shaped inputs are flattened per example
    norms = jacobian_norm(lambda v: v.flatten(1) * 2, images)
    assert torch.allclose(norms, torch.full((2,), 16.0))


def test_contractive_penalty_picks_the_method_and_explains_a_wrong_one():
    deep = aeutils.MLPAutoencoder((12, 8, 4), latent_activation="sigmoid")
    assert single_sigmoid_layer(deep) is None
    assert isinstance(single_sigmoid_layer(sigmoid_model()), nn.Linear)
    x = torch.rand(3, 12)
    assert torch.allclose(contractive_penalty(deep, x), jacobian_norm(deep.encode, x))
    with pytest.raises(ValueError, match="exactly Linear then Sigmoid"):
        contractive_penalty(deep, x, "sigmoid")
    with pytest.raises(ValueError, match="method must be one of"):
        contractive_penalty(deep, x, "exact")
    with pytest.raises(ValueError, match="weight W of shape|weight must be"):
        sigmoid_jacobian_norm(torch.rand(3, 4), torch.rand(5, 12))


@pytest.mark.parametrize(
    "make",
    [
        lambda: sparse_objective(0.05, 0.1),
        lambda: l1_activity_objective(0.1),
        lambda: contractive_objective(0.1),
        lambda: contractive_objective(0.1, method="autograd"),
    ],
)
def test_objectives_return_their_terms_and_train_with_fit(make):
    objective = make()
    model = sigmoid_model(inputs=16, units=4)
    x = torch.rand(32, 1, 4, 4)
    terms = objective(model, x, x)
    assert set(terms) == {"loss", "reconstruction", "penalty"}
    weight = float(objective.__name__.split("_w")[1].split("_")[0])
    assert torch.allclose(terms["loss"], terms["reconstruction"] + weight * terms["penalty"])
    history = aeutils.fit(model, x, x, objective=objective, epochs=2, batch_size=8, progress=False)
    assert set(history.terms) == {"reconstruction", "penalty"} and len(history.val_loss) == 2
    assert math.isfinite(aeutils.evaluate(model, x, objective=objective))  # under no_grad


def test_the_penalties_do_what_they_are_for():
    torch.manual_seed(0)
    x = torch.rand(256, 16)
    runs = {}
    for name, objective in (
        ("plain", None),
        ("sparse", sparse_objective(0.05, 0.05)),
        ("contractive", contractive_objective(0.05)),
    ):
        model = sigmoid_model(inputs=16, units=8)
        kwargs = {} if objective is None else {"objective": objective}
        aeutils.fit(model, x, epochs=30, batch_size=32, lr=1e-2, progress=False, **kwargs)
        with torch.no_grad():
            runs[name] = (model.encode(x).mean().item(), contractive_penalty(model, x).mean())
    assert runs["sparse"][0] < 0.5 * runs["plain"][0]  # mean activation pulled towards 0.05
    assert runs["contractive"][1] < 0.5 * runs["plain"][1]  # a smaller Jacobian


def test_objective_names_hold_their_settings_and_bad_arguments_are_named():
    assert sparse_objective(0.05, 0.003).__name__ == "sparse_kl_rho0.05_w0.003_mse"
    assert l1_activity_objective(0.01, loss=aeutils.bce).__name__ == "l1_activity_w0.01_bce"
    assert contractive_objective(0.001).__name__ == "contractive_w0.001_auto_mse"
    for bad in (-1.0, float("nan"), float("inf"), True, None):
        error = TypeError if bad is None or bad is True else ValueError
        message = rf"weight \(of the penalty\) must be a non-negative float, got {bad!r}"
        for factory in (l1_activity_objective, contractive_objective):
            with pytest.raises(error, match=message):
                factory(bad)
        with pytest.raises(error, match=message):
            sparse_objective(0.05, bad)
    with pytest.raises(ValueError, match="rho"):
        sparse_objective(1.0, 0.1)
    with pytest.raises(ValueError, match="method"):
        contractive_objective(0.1, method="jacobian")
    with pytest.raises(TypeError, match=r"loss must be a function \(x_hat, x\) -> loss, got 'mse'"):
        sparse_objective(0.05, 0.1, loss="mse")
    torch.manual_seed(0)
    relu_code = aeutils.MLPAutoencoder((16, 4), latent_activation="relu")
    x = torch.rand(8, 16) * 50
    with pytest.raises(ValueError, match="Sigmoid code"):
        sparse_objective(0.05, 0.1)(relu_code, x, x)

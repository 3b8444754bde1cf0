"""Chapter 9: the exercise references agree with the library and the maths, and the checks catch
typical mistakes."""

import torch

from aeutils import exercises, penalties
from aeutils.vae import elbo, kl_to_standard_normal, log_likelihood
from instructor.references import ch09


def test_sparsity_gradient_agrees_with_autograd_through_the_library_penalty():
    g = torch.Generator().manual_seed(0)
    activations = torch.rand(50, 6, generator=g, dtype=torch.float64).requires_grad_(True)
    penalties.kl_sparsity(activations, 0.05).backward()
    per_unit = ch09.kl_sparsity_gradient(0.05, activations.detach().mean(dim=0))
    assert per_unit.shape == (6,)
    # the penalty reads each unit's mean, so every activation gets 1/N of the unit's derivative
    torch.testing.assert_close(activations.grad, (per_unit / 50).expand(50, 6))


def test_sigmoid_jacobian_by_unit_reference_agrees_with_autograd_unit_by_unit():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(4, 7, generator=g, dtype=torch.float64)
    w = torch.randn(3, 7, generator=g, dtype=torch.float64)
    b = torch.randn(3, generator=g, dtype=torch.float64)
    by_unit = ch09.sigmoid_jacobian_by_unit(x, w, b)
    for j in range(3):
        expected = penalties.jacobian_norm(
            lambda v, j=j: torch.sigmoid(v @ w.T + b)[:, j : j + 1], x
        )
        assert torch.allclose(by_unit[:, j], expected)
    total = penalties.jacobian_norm(lambda v: torch.sigmoid(v @ w.T + b), x)
    assert torch.allclose(by_unit.sum(dim=1), total)  # the units' parts add up to the penalty


def test_vae_objective_reference_is_the_library_elbo_for_the_same_noise():
    """With the ε the library's `elbo` draws from the global generator, the reference gives the
    loss `elbo(beta)` gives: what the chapter compares a reader's training run with."""
    (model, x, _, _), *_ = exercises.ch09._vae_cases(torch.Generator().manual_seed(0))
    for beta in (0.5, 1.0, 4.0):
        torch.manual_seed(1)
        expected = elbo(beta)(model, x, x)["loss"]
        torch.manual_seed(1)
        eps = torch.randn(len(x), model.latent_dim)
        assert torch.allclose(ch09.vae_objective(model, x, beta, eps), expected)
    assert elbo(1.0).__name__ == "elbo_beta1_bernoulli"


def test_the_vae_checks_model_is_shown_by_its_sizes_and_leaves_the_global_generator_alone():
    state = torch.random.get_rng_state()
    cases = exercises.ch09._vae_cases(torch.Generator().manual_seed(0))
    assert torch.equal(torch.random.get_rng_state(), state)
    assert repr(cases[0][0]) == "MLPVAE(6→5→μ and log σ² of 2)"
    per_example = -log_likelihood(torch.zeros(1, 6), torch.ones(1, 6))
    assert per_example.shape == (1,) and kl_to_standard_normal(*[torch.zeros(1, 2)] * 2) == 0


def test_summing_over_units_gets_the_message_of_the_conventions(capsys):
    def kl_sparsity_gradient(rho, rho_hat):
        return ch09.kl_sparsity_gradient(rho, rho_hat).sum()

    assert not exercises.check("sparsity-gradient", kl_sparsity_gradient)
    out = capsys.readouterr().out
    assert (
        "✗ kl_sparsity_gradient(0.05, tensor([0.05, 0.2])) returned shape (), expected (2,)" in out
    )
    assert "summed over the units" in out


def test_sparsity_gradient_is_zero_at_rho_and_pushes_towards_it():
    rho_hat = torch.tensor([0.01, 0.05, 0.5], dtype=torch.float64)
    gradient = ch09.kl_sparsity_gradient(0.05, rho_hat)
    assert gradient[0] < 0 and gradient[2] > 0
    torch.testing.assert_close(gradient[1], torch.tensor(0.0, dtype=torch.float64))


def test_a_float32_answer_to_the_float64_jacobian_check_is_told_to_convert(capsys):
    def in_float32(x, weight, bias):
        return ch09.sigmoid_jacobian_by_unit(x.float(), weight.float(), bias.float())

    assert not exercises.check("sigmoid-jacobian-by-unit", in_float32)
    out = capsys.readouterr().out
    assert "returned dtype torch.float32, expected torch.float64: convert with `.double()`" in out
    assert exercises.check("sigmoid-jacobian-by-unit", lambda *a: in_float32(*a).double())

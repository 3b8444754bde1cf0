"""Chapters 3 and 6: the exercise references agree with the maths, and the checks catch mistakes."""

import math

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from aeutils import exercises
from instructor.references import ch03, ch06


def test_interpolate_codes_starts_at_z1_ends_at_z2_in_equal_steps():
    z1, z2 = torch.tensor([0.0, 2.0]), torch.tensor([4.0, -2.0])
    path = ch03.interpolate_codes(z1, z2, 5)
    assert torch.allclose(path, torch.tensor([[0, 2], [1, 1], [2, 0], [3, -1], [4, -2.0]]))


def test_neighbour_agreement_counts_the_share_of_the_k_nearest_with_the_querys_label():
    codes = torch.tensor([[0.0], [1.0], [2.0], [10.0], [11.0]])
    labels = torch.tensor([0, 0, 1, 1, 1])
    queries, query_labels = torch.tensor([[0.4], [10.6]]), torch.tensor([0, 0])
    # 0.4: nearest 0, 1, 2 (labels 0, 0, 1); 10.6: nearest 11, 10, 2 (labels 1, 1, 1)
    shares = ch03.neighbour_agreement(queries, query_labels, codes, labels, 3)
    torch.testing.assert_close(shares, torch.tensor([2 / 3, 0.0]))


def test_unit_correlations_agree_with_numpy_column_by_column():
    g = torch.Generator().manual_seed(0)
    codes = torch.randn(50, 4, generator=g) * torch.tensor([1.0, 3.0, 0.2, 5.0]) + 7
    values = codes[:, 1] - 2 * codes[:, 3] + torch.randn(50, generator=g)
    r = ch03.unit_correlations(codes, values)
    expected = [np.corrcoef(codes[:, j].numpy(), values.numpy())[0, 1] for j in range(4)]
    torch.testing.assert_close(r, torch.tensor(expected, dtype=torch.float32), rtol=1e-4, atol=1e-5)
    assert r[3] < -0.9  # the sign is kept


def test_pca_reconstruct_agrees_with_scikit_learn():
    x = torch.rand(200, 12, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    pca = PCA(n_components=4).fit(x.numpy())
    mean, components = torch.from_numpy(pca.mean_), torch.from_numpy(pca.components_)
    ours = ch06.pca_reconstruct(x, mean, components, 4)
    expected = pca.inverse_transform(pca.transform(x.numpy()))
    assert np.allclose(ours.numpy(), expected)


def test_largest_principal_angle_of_known_subspaces():
    a = np.eye(3)[:, :1]  # the x axis
    b = np.array([[1.0], [1.0], [0.0]])  # the diagonal of the x-y plane
    assert math.isclose(ch06.largest_principal_angle(a, b), 45.0)
    assert ch06.largest_principal_angle(np.eye(4)[:, :2], np.eye(4)[:, 2:]) == pytest.approx(90)
    mix = np.array([[2.0, 1.0], [0.0, 3.0]])
    same = np.eye(5)[:, :2] @ mix  # another basis of the same plane
    assert ch06.largest_principal_angle(np.eye(5)[:, :2], same) == pytest.approx(0, abs=1e-6)


def test_pca_mse_is_the_training_error_of_pca():
    x = np.random.default_rng(0).random((300, 10))
    eigenvalues = torch.from_numpy(np.linalg.eigvalsh(np.cov(x.T, bias=True))[::-1].copy())
    for k in (0, 3, 10):
        if k:
            pca = PCA(n_components=k).fit(x)
            error = float(np.mean((pca.inverse_transform(pca.transform(x)) - x) ** 2))
        else:
            error = float(np.mean((x - x.mean(axis=0)) ** 2))
        assert math.isclose(ch06.pca_mse(eigenvalues, k), error, rel_tol=1e-9, abs_tol=1e-12)


def test_the_principal_angle_check_accepts_an_arccos_answer(capsys):
    def by_arccos(a, b):
        qa, _ = np.linalg.qr(a)
        qb, _ = np.linalg.qr(b)
        cosines = np.linalg.svd(qa.T @ qb, compute_uv=False).clip(-1, 1)
        return math.degrees(math.acos(cosines.min()))

    assert exercises.check("largest-principal-angle", by_arccos)

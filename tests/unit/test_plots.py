import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from aeutils import plots
from aeutils.train import History


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(("n", "columns"), [(3, 3), (10, 5)])
def test_show_reconstructions_has_two_rows_of_n_images(n, columns):
    x = torch.rand(5, 1, 4, 4, generator=torch.Generator().manual_seed(0))
    fig = plots.show_reconstructions(x, 1 - x, n=n, title="demo")
    assert isinstance(fig, Figure) and len(fig.axes) == 2 * columns
    first_original = fig.axes[0].images[0].get_array()
    first_reconstruction = fig.axes[columns].images[0].get_array()  # axes are row by row
    assert np.allclose(first_original, x[0, 0]) and np.allclose(first_reconstruction, 1 - x[0, 0])
    assert fig.get_suptitle() == "demo"


def test_show_reconstructions_accepts_flat_arrays():
    fig = plots.show_reconstructions(np.zeros((2, 16)), np.ones((2, 16)))
    assert len(fig.axes) == 4


def test_show_reconstructions_rejects_non_square_images():
    with pytest.raises(
        ValueError, match=r"x: expected square grayscale images, got shape \(2, 10\)"
    ):
        plots.show_reconstructions(torch.zeros(2, 10), torch.zeros(2, 10))


def test_plot_history_draws_train_validation_and_best_epoch():
    history = History([0.5, 0.3, 0.2], [0.6, 0.4, 0.45], best_epoch=2)
    fig = plots.plot_history(history)
    (ax,) = fig.axes
    train, val, best = ax.lines
    assert list(train.get_ydata()) == [0.5, 0.3, 0.2]
    assert list(val.get_ydata()) == [0.6, 0.4, 0.45] and val.get_linestyle() == "--"
    assert (list(best.get_xdata()), list(best.get_ydata())) == ([2], [0.4])


def test_plot_history_labels_named_runs():
    runs = {"mse": History([0.5, 0.3], [0.6, 0.4], best_epoch=2), "bce": History([0.7, 0.6])}
    (ax,) = plots.plot_history(runs).axes
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["mse train", "mse validation", "bce train"]


def test_plot_latent_2d_scatters_each_class():
    z = torch.randn(30, 2)
    labels = torch.arange(30) % 3
    (ax,) = plots.plot_latent_2d(z, labels).axes
    assert [len(c.get_offsets()) for c in ax.collections] == [10, 10, 10]
    assert sorted(text.get_text() for text in ax.texts) == ["0", "1", "2"]


def test_plot_latent_2d_rejects_codes_that_are_not_2d():
    with pytest.raises(ValueError, match=r"z: expected shape \(N, 2\), got \(30, 3\)"):
        plots.plot_latent_2d(torch.randn(30, 3), torch.zeros(30))


def test_plot_latent_2d_rejects_wrong_label_count():
    with pytest.raises(ValueError, match="labels: expected 30 labels .*got 29"):
        plots.plot_latent_2d(torch.randn(30, 2), torch.zeros(29))

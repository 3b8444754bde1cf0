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
        ValueError, match=r"x: flat images must have a square number of pixels, got \(2, 10\)"
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


def test_show_image_grid_draws_rows_with_their_labels():
    g = torch.Generator().manual_seed(0)
    rows = [torch.rand(4, 1, 5, 5, generator=g), np.zeros((4, 25)), torch.ones(4, 5, 5)]
    fig = plots.show_image_grid(
        rows, row_labels=["a", "b", "c"], col_labels=list("wxyz"), title="grid"
    )
    assert len(fig.axes) == 12 and fig.get_suptitle() == "grid"
    assert np.allclose(fig.axes[1].images[0].get_array(), rows[0][1, 0])  # row by row
    assert np.allclose(fig.axes[11].images[0].get_array(), 1.0)
    assert [fig.axes[4 * i].get_ylabel() for i in range(3)] == ["a", "b", "c"]
    assert [ax.get_title() for ax in fig.axes[:4]] == list("wxyz")


@pytest.mark.parametrize(
    ("rows", "labels", "message"),
    [
        ([], {}, "rows: expected at least one row of images, got none"),
        ([torch.zeros(3, 16), torch.zeros(2, 16)], {}, r"same number of images, got \[3, 2\]"),
        ([torch.zeros(3, 16)], {"row_labels": ["a", "b"]}, "row_labels: expected 1 labels, got 2"),
        ([torch.zeros(3, 16)], {"col_labels": ["a"]}, "col_labels: expected 3 labels, got 1"),
    ],
)
def test_show_image_grid_rejects_bad_rows_and_labels(rows, labels, message):
    with pytest.raises(ValueError, match=message):
        plots.show_image_grid(rows, **labels)


class CodeAsImage(torch.nn.Module):
    """Decodes a 2-D code (a, b) to a 2x2 image [[a, b], [a + b, 0]]: easy to locate in a mosaic."""

    def __init__(self) -> None:
        super().__init__()
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        a, b = z[:, 0], z[:, 1]
        return torch.stack([a, b, a + b, torch.zeros_like(a)], dim=1)


def test_plot_latent_grid_lays_tiles_out_in_code_coordinates():
    fig = plots.plot_latent_grid(CodeAsImage(), low=(0.0, 0.0), high=(0.2, 0.4), n=3)
    (ax,) = fig.axes
    mosaic = ax.images[0].get_array()
    assert mosaic.shape == (6, 6)
    assert np.allclose(mosaic[:2, :2], [[0.0, 0.4], [0.4, 0.0]])  # top left: z = (low_1, high_2)
    assert np.allclose(mosaic[4:, 4:], [[0.2, 0.0], [0.2, 0.0]])  # bottom right: (high_1, low_2)
    assert np.allclose(ax.images[0].get_extent(), [-0.05, 0.25, -0.1, 0.5])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$z_1$", "$z_2$")


def test_plot_latent_grid_draws_into_a_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert plots.plot_latent_grid(CodeAsImage(), (0, 0), (1, 1), n=2, ax=right) is fig
    assert len(right.images) == 1 and len(left.images) == 0


@pytest.mark.parametrize(
    ("low", "high", "n", "message"),
    [
        ((0, 0), (1, 1), 1, "n must be an int >= 2, got 1"),
        ((0, 1), (1, 1), 3, "low and high: expected two 2-D corners with low < high"),
        ((0, 0, 0), (1, 1, 1), 3, "low and high: expected two 2-D corners"),
    ],
)
def test_plot_latent_grid_rejects_bad_boxes(low, high, n, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_latent_grid(CodeAsImage(), low, high, n=n)

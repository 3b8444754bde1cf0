import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import aeutils
from aeutils import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def bars(fig):
    (ax,) = fig.axes
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_mirrored_decoder_gives_one_bar_per_layer_with_heights_to_scale():
    fig = plots.plot_architecture((784, 256, 128, 64))
    assert isinstance(fig, Figure)
    heights = [bar.get_height() for bar in bars(fig)]
    widths = [784, 256, 128, 64, 128, 256, 784]
    assert len(heights) == len(widths)
    assert heights == pytest.approx([w / 784 for w in widths])
    # bars left to right, equally spaced, and centred on the same line
    lefts = [bar.get_x() for bar in bars(fig)]
    steps = {round(b - a, 9) for a, b in zip(lefts, lefts[1:], strict=False)}
    assert lefts == sorted(lefts) and len(steps) == 1
    assert all(bar.get_y() == pytest.approx(-bar.get_height() / 2) for bar in bars(fig))


def test_labels_name_the_widths_the_code_and_the_two_halves():
    fig = plots.plot_architecture((784, 256, 128, 64), title="demo")
    shown = texts(fig)
    for label in ("784", "256", "128", "64", "input x", "code z", "output x̂"):
        assert label in shown
    assert "encoder E" in shown and "decoder D" in shown
    assert fig.axes[0].get_title() == "demo"
    # the code bar is the darkest
    shades = [bar.get_facecolor()[0] for bar in bars(fig)]
    assert shades.index(min(shades)) == 3


def test_decoder_widths_that_do_not_mirror_the_encoder():
    fig = plots.plot_architecture((784, 256, 32), decoder_widths=(32, 512, 512, 784))
    assert [bar.get_height() * 784 for bar in bars(fig)] == pytest.approx(
        [784, 256, 32, 512, 512, 784]
    )


def test_lazy_export_from_the_package():
    assert aeutils.plot_architecture is plots.plot_architecture
    assert "plot_architecture" in dir(aeutils)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"widths": (784,)}, ValueError, r"widths must list at least two ints"),
        ({"widths": "784"}, TypeError, r"widths must list at least two ints"),
        ({"widths": (784, 0)}, ValueError, r"widths\[1\] must be a positive int, got 0"),
        ({"widths": (784, 2.5)}, TypeError, r"widths\[1\] must be a positive int, got 2.5"),
        (
            {"widths": (784, 64), "decoder_widths": (32, 784)},
            ValueError,
            r"decoder_widths must start at the code size 64",
        ),
    ],
)
def test_rejects_bad_widths_naming_the_argument(kwargs, error, message):
    with pytest.raises(error, match=message):
        plots.plot_architecture(**kwargs)

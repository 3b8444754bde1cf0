import sys
import types

import IPython.display

from aeutils import book


def test_glue_without_myst_nb_does_nothing_and_returns_none(monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # makes `import myst_nb` fail
    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    value = {"psnr": 21.5}
    assert book.glue("psnr", value) is None
    assert shown == []


def test_glue_without_myst_nb_can_still_display(monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)
    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    assert book.glue("psnr", 21.5, display=True) is None
    assert shown == [21.5]


def test_glue_hands_the_value_to_myst_nb(monkeypatch):
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display: calls.append((name, value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    assert book.glue("epochs", 12) is None
    assert calls == [("epochs", 12, False)]


def test_describe_figure_uses_titles_and_axis_labels():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set(title="Loss per epoch", xlabel="epoch", ylabel="MSE")
    assert book.describe_figure(fig) == "Figure: Loss per epoch, x axis: epoch, y axis: MSE"
    fig.suptitle("Training")
    fig.add_subplot(2, 2, 4).set_title("codes")
    assert book.describe_figure(fig) == (
        "Figure: Training. Panels: Loss per epoch, x axis: epoch, y axis: MSE; codes"
    )
    plt.close("all")
    blank = plt.figure()
    assert book.describe_figure(blank) == "Figure"  # the book's HTML test flags untitled figures
    plt.close(blank)


def test_describe_figures_gives_figures_their_description_as_text():
    import matplotlib.pyplot as plt
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        book.describe_figures()
        fig, ax = plt.subplots()
        ax.set_title("Reconstructions")
        text = shell.display_formatter.format(fig)[0]["text/plain"]
        assert text == "Figure: Reconstructions"
    finally:
        plt.close("all")
        InteractiveShell.clear_instance()


def test_describe_figures_outside_ipython_does_nothing():
    assert book.describe_figures() is None

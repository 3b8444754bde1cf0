import sys
import types

import IPython.display
import numpy as np
import pytest
import torch

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
    from IPython import get_ipython
    from IPython.core.interactiveshell import InteractiveShell

    assert get_ipython() is None
    book.describe_figures()
    assert get_ipython() is None and not InteractiveShell.initialized()  # no shell was started


def test_release_memory_runs_malloc_trim_after_every_cell_hooked_once(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    calls = []
    monkeypatch.setattr(book, "_malloc_trim", lambda: lambda pad: calls.append(pad) or 1)
    shell = InteractiveShell.instance()
    try:
        book.release_memory_after_cells()
        book.release_memory_after_cells()  # a notebook re-running its setup cell
        assert shell.events.callbacks["post_run_cell"].count(book.release_memory) == 1
        shell.run_cell("x = 1")
        shell.run_cell("y = 2")
        assert calls == [0, 0]
    finally:
        InteractiveShell.clear_instance()


def test_release_memory_without_malloc_trim_does_nothing_and_hooks_nothing(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setattr(book, "_malloc_trim", lambda: None)
    assert book.release_memory() is False
    shell = InteractiveShell.instance()
    try:
        book.release_memory_after_cells()
        assert book.release_memory not in shell.events.callbacks["post_run_cell"]
    finally:
        InteractiveShell.clear_instance()


def test_release_memory_after_cells_outside_ipython_starts_no_shell():
    from IPython import get_ipython
    from IPython.core.interactiveshell import InteractiveShell

    book.release_memory_after_cells()
    assert get_ipython() is None and not InteractiveShell.initialized()


SENTENCE = "the denoising autoencoder's output is closer to the clean digit"


def test_claim_prints_a_check_mark_and_the_numbers(capsys, monkeypatch):
    monkeypatch.delenv(book.STRICT_ENV, raising=False)
    assert book.claim(2.5 > 1.0, SENTENCE, dae=2.5, plain=1, model="mlp") is None
    assert capsys.readouterr().out == f"✓ “{SENTENCE}” (dae = 2.5, plain = 1, model = mlp)\n"


def test_a_false_claim_is_reported_outside_the_build(capsys, monkeypatch):
    monkeypatch.delenv(book.STRICT_ENV, raising=False)
    book.claim(False, SENTENCE, dae=0.123456)
    assert capsys.readouterr().out == f"✗ “{SENTENCE}” (dae = 0.1235)\n"


def test_a_false_claim_stops_the_build_quoting_sentence_and_numbers(monkeypatch):
    monkeypatch.setenv(book.STRICT_ENV, "1")
    with pytest.raises(book.ClaimFailed, match=r"“the denoising .*digit”; the numbers: dae = 1"):
        book.claim(False, SENTENCE, dae=1.0)


def test_a_nan_supports_no_claim(monkeypatch):
    monkeypatch.setenv(book.STRICT_ENV, "1")
    with pytest.raises(book.ClaimFailed, match="dae = nan"):
        book.claim(True, SENTENCE, dae=float("nan"))


@pytest.mark.parametrize(
    "holds", [1, "yes", torch.tensor([True, True]), np.array([True]), torch.tensor(0.5)]
)
def test_claim_wants_one_bool(holds):
    with pytest.raises(TypeError, match="holds must be one bool"):
        book.claim(holds, SENTENCE)


def test_claim_takes_numpy_and_torch_booleans(capsys):
    book.claim(np.float64(3.0) > 2, SENTENCE)
    book.claim(torch.tensor(3.0) > 2, SENTENCE)
    assert capsys.readouterr().out.count("✓") == 2


@pytest.mark.parametrize("sentence", ["", "too short", "the $z$ code is the smallest one", 42])
def test_claim_wants_a_plain_fragment_of_the_text(sentence):
    with pytest.raises(ValueError, match="sentence must be"):
        book.claim(True, sentence)


def test_claim_records_itself_in_the_output_metadata(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    monkeypatch.setattr(
        "IPython.display.display", lambda data, raw, metadata: shown.append((data, metadata))
    )
    book.claim(True, SENTENCE, psnr=21.0)
    ((data, metadata),) = shown
    assert data["text/plain"].startswith("✓")
    assert metadata[book.CLAIM_METADATA] == {
        "sentence": SENTENCE,
        "holds": True,
        "numbers": {"psnr": "21"},
    }


def test_sentence_key_ignores_case_quotes_dashes_and_line_breaks():
    assert book.sentence_key("The AE’s “code” –\n  is short") == book.sentence_key(
        'the AE\'s "code" - is short'
    )

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

import io

from tqdm.std import tqdm

from aeutils.progress import NotebookLine, progress_bar


class FakeHandle:
    def __init__(self) -> None:
        self.shown = []

    def update(self, data, raw) -> None:
        assert raw is True
        self.shown.append(data["text/plain"])


def fake_display(data, raw, display_id):
    assert raw is True and display_id is True and data == {"text/plain": ""}
    fake_display.handle = FakeHandle()
    return fake_display.handle


def test_notebook_line_keeps_only_the_latest_bar_text():
    line = NotebookLine(display=fake_display)
    for text in ["\r 10%|#", "\r 50%|#####", "\n", "\r100%|##########"]:
        line.write(text)
    assert fake_display.handle.shown == [" 10%|#", " 50%|#####", "100%|##########"]


def test_a_bar_drawn_into_a_notebook_line_ends_in_its_final_state():
    line = NotebookLine(display=fake_display)
    for _ in tqdm(range(5), file=line, desc="training", mininterval=0):
        pass
    assert fake_display.handle.shown[-1].startswith("training: 100%")
    assert all("\r" not in shown and "\n" not in shown for shown in fake_display.handle.shown)


def test_outside_a_notebook_the_bar_is_a_plain_text_bar():
    shown = io.StringIO()
    bar = progress_bar(range(3), desc="x", file=shown, mininterval=0)
    assert type(bar) is tqdm and list(bar) == [0, 1, 2]
    assert "x: 100%" in shown.getvalue()

"""aeutils.book.claim_records: the claim records of an executed notebook, in order."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from aeutils.book import CLAIM_METADATA, claim_records


def record(sentence: str, holds: bool) -> dict:
    return {"sentence": sentence, "holds": holds, "numbers": {"a": "1", "b": "2"}}


def claim_output(rec: dict):
    return new_output(
        "display_data",
        data={"text/plain": f"{'✓' if rec['holds'] else '✗'} “{rec['sentence']}”"},
        metadata={CLAIM_METADATA: rec},
    )


FIRST = record("the first sentence the run checked", True)
SECOND = record("the second sentence the run checked", False)
THIRD = record("the third sentence the run checked", True)


def notebook():
    return new_notebook(
        cells=[
            new_markdown_cell("# A chapter"),
            new_code_cell(
                "x = 1",
                outputs=[
                    new_output("stream", name="stdout", text="epoch 1\n"),
                    claim_output(FIRST),
                    new_output("display_data", data={"text/plain": "Figure"}, metadata={}),
                    claim_output(SECOND),
                ],
            ),
            new_code_cell("y = 2"),  # not executed: no outputs
            new_code_cell("z = 3", outputs=[claim_output(THIRD)]),
        ]
    )


def test_records_come_in_the_order_the_run_made_them():
    assert claim_records(notebook()) == [FIRST, SECOND, THIRD]


def test_a_path_reads_the_notebook(tmp_path):
    path = tmp_path / "ch00.ipynb"
    nbformat.write(notebook(), path)
    assert claim_records(path) == claim_records(str(path)) == [FIRST, SECOND, THIRD]


def test_a_notebook_without_claims_has_none():
    assert claim_records(new_notebook(cells=[new_code_cell("x = 1")])) == []


@pytest.mark.parametrize("bad", [None, 3, {"no": "cells"}, ["cells"]])
def test_something_else_is_refused_with_what_it_got(bad):
    with pytest.raises(TypeError, match="notebook must be a notebook"):
        claim_records(bad)

"""`reveal`: a written prediction confronted with the run's outcome."""

import pytest

import aeutils
from aeutils.exercises import reveal

CHOICES = ("lower", "same", "higher")


def test_a_right_prediction_passes_and_shows_the_evidence(capsys):
    assert reveal("higher", "higher", choices=CHOICES, evidence="0.031 vs 0.024")
    assert capsys.readouterr().out == (
        "✓ You predicted 'higher', and the run agrees: 0.031 vs 0.024.\n"
    )


def test_a_wrong_prediction_fails_and_names_the_outcome(capsys):
    assert not reveal("lower", "higher", choices=CHOICES, evidence="0.031 vs 0.024")
    assert capsys.readouterr().out == (
        "✗ You predicted 'lower'; the run says 'higher': 0.031 vs 0.024."
        " Find the reason before reading on.\n"
    )


@pytest.mark.parametrize("missing", [None, ""])
def test_no_prediction_shows_the_outcome_and_does_not_pass(missing, capsys):
    assert not reveal(missing, "same", choices=CHOICES, evidence="0.024 vs 0.025")
    assert capsys.readouterr().out == (
        "No prediction written down. The run says: same (0.024 vs 0.025).\n"
    )


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"prediction must be one of \('lower', 'same', 'hi"):
        reveal("bigger", "same", choices=CHOICES, evidence="x")
    with pytest.raises(ValueError, match=r"outcome must be one of .* got 'up'"):
        reveal("same", "up", choices=CHOICES, evidence="x")
    with pytest.raises(TypeError, match="choices must be a sequence of at least two strings"):
        reveal("a", "a", choices="ab", evidence="x")
    with pytest.raises(TypeError, match="evidence must be a non-empty string"):
        reveal("same", "same", choices=CHOICES, evidence=" ")


def test_reveal_is_exported_at_the_top_level():
    assert aeutils.reveal is reveal

"""Predict, then run: the reader writes a prediction down before an experiment runs, and
`reveal` confronts it with what the run measured.

    PREDICTION = "higher"  # before running: "lower", "same" or "higher"
    ... the experiment ...
    aeutils.reveal(PREDICTION, outcome, choices=("lower", "same", "higher"),
                   evidence=f"ReLU code {relu:.4f} vs linear code {linear:.4f}")

The outcome is computed by the notebook from the measured numbers, so the verdict is the run's.
"""

from __future__ import annotations

from collections.abc import Sequence

from .core import Verdict


def reveal(
    prediction: str | None, outcome: str, *, choices: Sequence[str], evidence: str
) -> Verdict:
    """Print whether `prediction` (one of `choices`, or None when none was written) matches the
    `outcome` the run measured, with the `evidence`; true when it does."""
    if not isinstance(choices, Sequence) or isinstance(choices, str) or len(choices) < 2:
        raise TypeError(f"choices must be a sequence of at least two strings, got {choices!r}")
    if outcome not in choices:
        raise ValueError(f"outcome must be one of {tuple(choices)}, got {outcome!r}")
    if not isinstance(evidence, str) or not evidence.strip():
        raise TypeError(f"evidence must be a non-empty string (the numbers), got {evidence!r}")
    if prediction is None or prediction == "":
        print(f"No prediction written down. The run says: {outcome} ({evidence}).")
        return Verdict(False)
    if prediction not in choices:
        raise ValueError(
            f"prediction must be one of {tuple(choices)} (or None), got {prediction!r}"
        )
    if prediction == outcome:
        print(f"✓ You predicted {prediction!r}, and the run agrees: {evidence}.")
        return Verdict(True)
    print(
        f"✗ You predicted {prediction!r}; the run says {outcome!r}: {evidence}."
        " Find the reason before reading on."
    )
    return Verdict(False)

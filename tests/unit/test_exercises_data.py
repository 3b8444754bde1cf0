"""The exercises' stored outputs (aeutils/exercises/data/expected.pt) fit the sources they came
from: the references in instructor/references/ and the case makers in aeutils/exercises/."""

import shutil
import sys
from pathlib import Path

import pytest
import torch

from aeutils import exercises
from aeutils.exercises import core

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import exercise_data  # noqa: E402


def test_the_stored_outputs_are_up_to_date():
    reason = exercise_data.stale_reason()
    if reason:
        pytest.fail(f"stale exercise data: {reason}; run `python tools/exercise_data.py`")


def test_the_digest_notices_an_edited_reference_or_case_maker(tmp_path):
    for path in exercise_data.source_files():
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    digest = exercise_data.source_digest(tmp_path)
    assert digest == exercise_data.source_digest()
    reference = tmp_path / "instructor" / "references" / "ch08.py"
    reference.write_text(reference.read_text().replace("0.5 * logvar", "logvar"))
    assert exercise_data.source_digest(tmp_path) != digest
    cases = tmp_path / "aeutils" / "exercises" / "ch08.py"
    reference.write_text((ROOT / "instructor" / "references" / "ch08.py").read_text())
    cases.write_text(cases.read_text().replace("(8, 16)", "(8, 17)"))
    assert exercise_data.source_digest(tmp_path) != digest


@pytest.mark.parametrize("name", sorted(exercises.EXERCISES))
def test_the_seed_still_draws_the_inputs_the_outputs_were_computed_on(name):
    cases = exercises.EXERCISES[name].cases(torch.Generator().manual_seed(0))
    assert exercise_data.inputs_digest(cases) == core.stored(name)["inputs_sha256"]


def test_the_data_are_plain_tensors_and_numbers_loaded_without_code():
    data = torch.load(core.DATA, weights_only=True)  # refuses anything but tensors and containers
    assert data["format"] == core.FORMAT and set(data["exercises"]) == set(exercises.EXERCISES)
    assert core.DATA.stat().st_size < 2_000_000

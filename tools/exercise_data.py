"""Regenerate the exercises' stored outputs from the reference solutions.

    python tools/exercise_data.py            # writes aeutils/exercises/data/expected.pt
    python tools/exercise_data.py --check    # exit 1 (and say why) if the stored data are stale

The references and known mistakes live in instructor/references/ (not installed with aeutils); the
inputs come from the case makers in aeutils/exercises/chNN.py, drawn from seed 0. For every
exercise the data hold the expected output of each case (floats as values, exact answers as
SHA-256 fingerprints, dtypes and shapes in clear), the outputs of each known mistake with its
diagnosis, a fingerprint of the inputs, and, for the whole file, a digest of the sources it came
from: tests/unit/test_exercises_data.py fails when that digest no longer matches.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aeutils.exercises import EXERCISES  # noqa: E402
from aeutils.exercises.core import DATA, FORMAT, copy_input, difference, spec_of  # noqa: E402

SEED = 0
COMMAND = "python tools/exercise_data.py"


def source_files(root: Path = ROOT) -> list[Path]:
    """The files the data are computed from: references, mistakes and case makers."""
    files = sorted((root / "instructor" / "references").glob("*.py"))
    return files + sorted((root / "aeutils" / "exercises").glob("ch*.py"))


def source_digest(root: Path = ROOT) -> str:
    """SHA-256 over the source files' names and contents (line endings normalised)."""
    digest = hashlib.sha256()
    for path in source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def inputs_digest(cases: list[tuple]) -> str:
    """SHA-256 of the cases' inputs, to notice when the same seed draws other inputs."""
    digest = hashlib.sha256()

    def add(value: object) -> None:
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().contiguous().numpy()
        if isinstance(value, np.ndarray):
            digest.update(f"{value.dtype}{value.shape}".encode() + value.tobytes())
        elif isinstance(value, (list, tuple)):
            digest.update(f"{type(value).__name__}{len(value)}".encode())
            for item in value:
                add(item)
        else:
            digest.update(repr(value).encode())

    add(cases)
    return digest.hexdigest()


def _run(fn, args: tuple) -> object:
    out = fn(*(copy_input(a) for a in args))  # fresh copies: a training loop changes them
    return out.item() if isinstance(out, np.generic) else out


def exercise_data(name: str, reference, mistakes: list) -> dict:
    """The stored outputs of one exercise: expected outputs and known mistakes' outputs."""
    exercise = EXERCISES[name]
    cases = exercise.cases(torch.Generator().manual_seed(SEED))
    expected = [spec_of(_run(reference, args), f"{name}/{i}") for i, args in enumerate(cases)]
    known = []
    for diagnosis, fn in mistakes:
        outputs = []
        for i, args in enumerate(cases):
            try:
                spec = spec_of(_run(fn, args), f"{name}/{i}")
            except Exception:  # a mistake may crash on some inputs: nothing to recognise there
                spec = None
            salt = f"{name}/{i}"
            if spec is not None and "value" in spec:  # compare like a reader's answer
                value = spec["value"]
                if difference(value, expected[i], exercise.rtol, exercise.atol, salt) is None:
                    spec = None  # right on this case: an answer failing here is not this mistake
            elif spec is not None and spec == expected[i]:
                spec = None
            outputs.append(spec)
        if all(spec is None for spec in outputs):
            raise ValueError(f"{name}: the mistake {fn.__name__} matches the reference everywhere")
        known.append({"id": fn.__name__.lstrip("_"), "diagnosis": diagnosis, "outputs": outputs})
    return {
        "seed": SEED,
        "inputs_sha256": inputs_digest(cases),
        "expected": expected,
        "mistakes": known,
    }


def build() -> dict:
    """The whole data file, computed from the references now."""
    from instructor import references as instructor

    references, mistakes = instructor.references(), instructor.mistakes()
    if set(references) != set(EXERCISES):
        missing, unknown = set(EXERCISES) - set(references), set(references) - set(EXERCISES)
        raise ValueError(f"references missing for {sorted(missing)}, unknown: {sorted(unknown)}")
    if not set(mistakes) <= set(EXERCISES):
        raise ValueError(f"mistakes of unknown exercises: {sorted(set(mistakes) - set(EXERCISES))}")
    return {
        "format": FORMAT,
        "sources_sha256": source_digest(),
        "exercises": {
            name: exercise_data(name, references[name], mistakes.get(name, []))
            for name in sorted(EXERCISES)
        },
    }


def stale_reason(path: Path = DATA) -> str | None:
    """Why the data at `path` do not fit the sources now, or None if they do."""
    if not path.is_file():
        return f"{path.relative_to(ROOT)} is missing"
    data = torch.load(path, weights_only=True)
    if data.get("format") != FORMAT:
        return f"{path.relative_to(ROOT)} has format {data.get('format')!r}, expected {FORMAT}"
    if data.get("sources_sha256") != source_digest():
        return (
            "instructor/references/*.py or aeutils/exercises/ch*.py changed since"
            f" {path.relative_to(ROOT)} was written"
        )
    if set(data["exercises"]) != set(EXERCISES):
        return "the stored exercises are not the registered ones"
    return None


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        reason = stale_reason()
        if reason:
            print(f"stale exercise data: {reason}; run `{COMMAND}`")
            return 1
        print("exercise data up to date")
        return 0
    if argv:
        sys.exit(__doc__)
    torch.set_num_threads(1)  # the same float sums whatever the machine
    data = build()
    DATA.parent.mkdir(parents=True, exist_ok=True)
    torch.save(data, DATA)
    n = sum(len(e["mistakes"]) for e in data["exercises"].values())
    print(f"wrote {DATA.relative_to(ROOT)}: {len(data['exercises'])} exercises, {n} known mistakes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

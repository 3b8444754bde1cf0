"""What every benchmark shares: provenance of a run, target checks, and the MNIST splits."""

from __future__ import annotations

import datetime as dt
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

import aeutils
from aeutils.runtime import available_cpus, cgroup_cpu_limit

SEED = 0
VAL_SIZE = 5000  # validation images carved from the 60,000 training images (never the test set)


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (or platform.processor() elsewhere)."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> float | None:
    """The 1-minute load average (None where the OS has none)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def machine() -> dict:
    """Where a benchmark runs: CPU model, cores, the CPU quota, platform and versions."""
    return {
        "cpu_model": cpu_model(),
        "os_cpu_count": os.cpu_count(),
        "available_cpus": available_cpus(),
        "cgroup_cpu_limit": cgroup_cpu_limit(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": str(torch.__version__),
        "aeutils": aeutils.__version__,
    }


def now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


@dataclass
class Check:
    """One target: a measured value against a bound, with the published anchor it is compared to."""

    label: str
    measured: float
    target: float
    direction: str  # "<=" (lower is better) or ">="
    unit: str = ""
    anchor: str = ""  # e.g. "AE 3.00, PCA 13.87"
    cite: list[str] = field(default_factory=list)  # BibTeX keys of references.bib
    note: str = ""
    deviation: str | None = None  # how this run's protocol departs from the anchor's ("" = none)

    def as_dict(self) -> dict:
        met = (
            self.measured <= self.target if self.direction == "<=" else self.measured >= self.target
        )
        return {
            "label": self.label,
            "measured": float(self.measured),
            "target": float(self.target),
            "direction": self.direction,
            "met": bool(met),
            "margin": float(
                self.target - self.measured
                if self.direction == "<="
                else self.measured - self.target
            ),
            "unit": self.unit,
            "anchor": self.anchor,
            "cite": self.cite,
            "note": self.note,
        } | ({} if self.deviation is None else {"deviation": self.deviation})


@dataclass
class Outcome:
    """What a benchmark function returns; the runner adds the provenance."""

    title: str
    kind: str  # "speed", "book" or "quality"
    checks: list[Check]
    data: dict  # the benchmark's own measurements (tables, curves), JSON-serialisable
    settings: dict
    dataset_sizes: dict[str, int]
    protocol: dict | None = None  # quality rows: data, split, preprocessing, likelihood, seeds


Benchmark = Callable[[bool], Outcome]  # run(quick) -> Outcome


class Stopwatch:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start


def best_seconds(work: Callable[[], object], repeats: int = 5) -> float:
    """The shortest of `repeats` timed runs of `work`, after one untimed run."""
    work()  # warm-up
    times = []
    for _ in range(repeats):
        clock = Stopwatch()
        work()
        times.append(clock.seconds)
    return min(times)


def matmul_peak(n: int = 2048) -> float:
    """GFLOP/s of an n x n float32 matmul: the machine's attainable peak for dense work.

    Recorded before and after every benchmark too: the same code's times on this machine have
    varied by up to 2x between runs at the same load average, so the speed at the time belongs
    with them.
    """
    a, b = torch.rand(n, n), torch.rand(n, n)
    return 2 * n**3 / best_seconds(lambda: a @ b) / 1e9


def mnist_splits(
    quick: bool,
    train_size: int | None = None,
    test_size: int | None = None,
    val_size: int = VAL_SIZE,
):
    """(train, val, test) MNIST `Split`s: `val_size` validation images (5,000 by default) carved
    from the 60,000 training images with a fixed seed, the rest (or a fixed random `train_size` of
    it) for training, and the test set (or a fixed `test_size` of it).
    Quick mode: at most 2,000 / 500 / 1,000 images."""
    generator = torch.Generator().manual_seed(SEED)
    train = aeutils.load_mnist(train=True)
    test = aeutils.load_mnist(train=False)
    train, val = aeutils.train_val_split(train, val_size, generator=generator)
    if quick:
        train_size, test_size = min(train_size or 2000, 2000), min(test_size or 1000, 1000)
        val = aeutils.subset(val, 500, generator=generator)
    train = aeutils.subset(train, train_size, generator=generator)
    test = aeutils.subset(test, test_size, generator=generator)
    return train, val, test


def split_text(train, val, test) -> str:
    """The sizes of a (train, val, test) triple of splits, for a result's protocol."""
    return (
        f"{len(train.x):,} training / {len(val.x):,} validation images (carved from MNIST's"
        f" 60,000 training images with seed {SEED}) / {len(test.x):,} test images"
    )

"""Reproducibility and CPU use: seeding, device choice, and how many torch threads to run.

More busy torch threads than cores made one training epoch up to 45x slower on a 2-core machine,
and containers (Binder, CI) often see more cores than their CPU quota grants. So the thread count
is chosen from the quota, the CPU affinity and an optional override, never from `os.cpu_count()`.
"""

from __future__ import annotations

import math
import numbers
import os
import random
import time
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from .validation import check_scalar

THREADS_ENV = "AEUTILS_THREADS"
_CGROUP_V2_MAX = Path("/sys/fs/cgroup/cpu.max")
_CGROUP_V1_QUOTA = Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
_CGROUP_V1_PERIOD = Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
_LOADAVG = Path("/proc/loadavg")


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch; return a torch generator seeded the same way for shuffling."""
    seed = check_scalar(seed, "seed", numbers.Integral, min_val=0)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def cgroup_cpu_limit(
    cpu_max: Path = _CGROUP_V2_MAX,
    v1_quota: Path = _CGROUP_V1_QUOTA,
    v1_period: Path = _CGROUP_V1_PERIOD,
) -> float | None:
    """CPUs granted by the cgroup quota (v2 `cpu.max`, else v1 CFS files), or None if unlimited."""
    try:
        quota, period = cpu_max.read_text().split()[:2]
        if quota != "max":
            return int(quota) / int(period)
        return None
    except (OSError, ValueError):
        pass
    try:
        quota_us = int(v1_quota.read_text())
        period_us = int(v1_period.read_text())
    except (OSError, ValueError):
        return None
    return quota_us / period_us if quota_us > 0 and period_us > 0 else None


def available_cpus() -> int:
    """Cores this process may really use: the smaller of its CPU affinity and its cgroup quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no sched_getaffinity
        cpus = os.cpu_count() or 1
    limit = cgroup_cpu_limit()
    if limit is not None:
        cpus = min(cpus, max(1, math.floor(limit)))
    return max(1, cpus)


def busy_elsewhere(loadavg: Path = _LOADAVG, samples: int = 5, interval: float = 0.02) -> int:
    """Threads of other processes running right now: the fewest runnable tasks that
    /proc/loadavg reports over a few samples, minus this one (0 where there is no /proc)."""
    running = []
    for i in range(samples):
        try:
            running.append(int(loadavg.read_text().split()[3].split("/")[0]))
        except (OSError, ValueError, IndexError):
            return 0
        if i < samples - 1:
            time.sleep(interval)
    return max(0, min(running) - 1)


def pick_threads(override: int | None = None) -> int:
    """Thread count for torch: `override`, else $AEUTILS_THREADS, else the available cores
    (`available_cpus()`) that other processes are not using right now (at least 1).

    Beside one busy process on 2 cores, an epoch at 2 threads ran 6x slower than at 1 thread
    (benchmarks/speed.py): more busy threads than cores make torch's threads wait for each other.
    """
    if override is None:
        raw = os.environ.get(THREADS_ENV)
        if raw is None or raw.strip() == "":
            cpus = available_cpus()
            return max(1, cpus - busy_elsewhere()) if cpus > 1 else 1
        try:
            override = int(raw)
        except ValueError:
            raise ValueError(f"${THREADS_ENV} must be a positive integer, got {raw!r}") from None
        if override < 1:
            raise ValueError(f"${THREADS_ENV} must be a positive integer, got {raw!r}")
        return override
    return check_scalar(override, "threads", numbers.Integral, min_val=1)


def pick_device(prefer: str | torch.device | None = None) -> torch.device:
    """`prefer` if given, else CUDA (e.g. a Colab GPU), else Apple's MPS, else the CPU."""
    if isinstance(prefer, torch.device):
        return prefer
    if prefer is not None:
        if not isinstance(prefer, str):
            raise TypeError(
                f"device must be a str such as 'cpu' or 'cuda', a torch.device or None, got"
                f" {prefer!r} ({type(prefer).__name__})"
            )
        try:
            return torch.device(prefer)
        except RuntimeError:
            raise ValueError(
                f"device must name a torch device such as 'cpu', 'cuda' or 'mps', got {prefer!r}"
            ) from None
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def configure(seed: int = 0, threads: int | None = None) -> torch.Generator:
    """Seed everything, set the thread count of torch and of the BLAS/OpenMP libraries that numpy
    and scikit-learn use, print the choice and the device `fit` trains on; return the generator.
    (`aeutils.setup` does this and, in a notebook, describes figures in text.)"""
    n = pick_threads(threads)
    torch.set_num_threads(n)
    # scikit-learn's k-means ran ~10x slower beside other busy processes with one thread per core.
    threadpool_limits(n)
    # Saturated Sigmoid units produce denormal numbers, which made whole epochs ~10x slower on
    # x86 CPUs here; flushing them to zero changes results by less than 1e-38.
    torch.set_flush_denormal(True)
    generator = seed_everything(seed)
    device = pick_device()
    where = "the CPU" if device.type == "cpu" else f"the GPU ({device.type})"
    print(
        f"aeutils: seed {seed}, {n} torch thread(s), torch {torch.__version__};"
        f" fit trains on {where}"
    )
    return generator

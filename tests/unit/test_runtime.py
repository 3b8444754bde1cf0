import random
import time
from pathlib import Path

import numpy as np
import pytest
import torch

import aeutils
from aeutils import runtime


def write(path, text):
    path.write_text(text)
    return path


def test_cgroup_v2_without_quota_is_unlimited(tmp_path):
    cpu_max = write(tmp_path / "cpu.max", "max 100000\n")
    assert runtime.cgroup_cpu_limit(cpu_max, tmp_path / "none", tmp_path / "none") is None


def test_cgroup_v2_quota_is_quota_over_period(tmp_path):
    cpu_max = write(tmp_path / "cpu.max", "150000 100000\n")
    assert runtime.cgroup_cpu_limit(cpu_max, tmp_path / "none", tmp_path / "none") == 1.5


def test_cgroup_v1_quota_is_used_without_v2(tmp_path):
    quota = write(tmp_path / "cpu.cfs_quota_us", "50000\n")
    period = write(tmp_path / "cpu.cfs_period_us", "100000\n")
    assert runtime.cgroup_cpu_limit(tmp_path / "missing", quota, period) == 0.5


def test_cgroup_v1_quota_minus_one_is_unlimited(tmp_path):
    quota = write(tmp_path / "cpu.cfs_quota_us", "-1\n")
    period = write(tmp_path / "cpu.cfs_period_us", "100000\n")
    assert runtime.cgroup_cpu_limit(tmp_path / "missing", quota, period) is None


def test_cgroup_without_any_file_is_unlimited(tmp_path):
    missing = tmp_path / "missing"
    assert runtime.cgroup_cpu_limit(missing, missing, missing) is None


@pytest.mark.parametrize(
    ("limit", "expected"), [(None, 8), (1.5, 1), (0.5, 1), (3.0, 3), (16.0, 8)]
)
def test_available_cpus_is_affinity_capped_by_quota(monkeypatch, limit, expected):
    monkeypatch.setattr(runtime.os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    monkeypatch.setattr(runtime, "cgroup_cpu_limit", lambda: limit)
    assert runtime.available_cpus() == expected


def test_pick_threads_prefers_override_over_environment(monkeypatch):
    monkeypatch.setenv(runtime.THREADS_ENV, "3")
    assert runtime.pick_threads(5) == 5


def test_pick_threads_reads_environment(monkeypatch):
    monkeypatch.setenv(runtime.THREADS_ENV, "3")
    assert runtime.pick_threads() == 3


@pytest.mark.parametrize("unset", ["", "  "])
def test_pick_threads_falls_back_to_available_cpus(monkeypatch, unset):
    monkeypatch.setenv(runtime.THREADS_ENV, unset)
    monkeypatch.setattr(runtime, "available_cpus", lambda: 7)
    monkeypatch.setattr(runtime, "busy_elsewhere", lambda: 0)
    assert runtime.pick_threads() == 7


@pytest.mark.parametrize("busy, expected", [(0, 4), (1, 3), (3, 1), (9, 1)])
def test_pick_threads_leaves_the_cores_busy_elsewhere(monkeypatch, busy, expected):
    monkeypatch.delenv(runtime.THREADS_ENV, raising=False)
    monkeypatch.setattr(runtime, "available_cpus", lambda: 4)
    monkeypatch.setattr(runtime, "busy_elsewhere", lambda: busy)
    assert runtime.pick_threads() == expected


def test_busy_elsewhere_takes_the_quietest_sample_minus_itself(tmp_path):
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("0.50 0.40 0.30 3/456 7890\n")
    assert runtime.busy_elsewhere(loadavg, samples=2, interval=0) == 2
    loadavg.write_text("0.50 0.40 0.30 1/456 7890\n")
    assert runtime.busy_elsewhere(loadavg, samples=1) == 0
    assert runtime.busy_elsewhere(tmp_path / "missing") == 0


@pytest.mark.parametrize("raw", ["0", "abc", "-1", "2.5"])
def test_pick_threads_rejects_bad_environment(monkeypatch, raw):
    monkeypatch.setenv(runtime.THREADS_ENV, raw)
    with pytest.raises(ValueError, match=rf"\$AEUTILS_THREADS must be .*got '?{raw}'?"):
        runtime.pick_threads()


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, "4"])
def test_pick_threads_rejects_bad_override(bad):
    error = TypeError if isinstance(bad, (bool, float, str)) else ValueError
    with pytest.raises(error, match=rf"threads must be a positive int, got {bad!r}"):
        runtime.pick_threads(bad)


def test_pick_threads_accepts_a_numpy_int():
    assert runtime.pick_threads(np.int64(2)) == 2 and type(runtime.pick_threads(np.int64(2))) is int


def draws():
    return random.random(), np.random.rand(), torch.rand(3).tolist()


def test_seed_everything_makes_all_generators_repeatable():
    generator = runtime.seed_everything(7)
    first = draws(), torch.rand(3, generator=generator).tolist()
    generator = runtime.seed_everything(7)
    assert (draws(), torch.rand(3, generator=generator).tolist()) == first
    runtime.seed_everything(8)
    assert draws() != first[0]


@pytest.mark.parametrize("bad", [-1, 1.5, True, "0"])
def test_seed_everything_rejects_bad_seed(bad):
    error = TypeError if isinstance(bad, (bool, float, str)) else ValueError
    with pytest.raises(error, match=rf"seed must be a non-negative int, got {bad!r}"):
        runtime.seed_everything(bad)


def test_pick_device_preference_beats_an_available_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.pick_device("cpu") == torch.device("cpu")
    assert runtime.pick_device(torch.device("cpu")) == torch.device("cpu")


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (
            "gpu",
            ValueError,
            "device must name a torch device such as 'cpu', 'cuda' or 'mps', got 'gpu'",
        ),
        (
            0,
            TypeError,
            r"device must be a str such as 'cpu' or 'cuda', a torch.device or None, got 0 \(int\)",
        ),
    ],
)
def test_pick_device_rejects_bad_names(bad, error, message):
    with pytest.raises(error, match=message):
        runtime.pick_device(bad)


def test_pick_device_prefers_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.pick_device() == torch.device("cuda")


def test_pick_device_falls_back_to_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert runtime.pick_device() == torch.device("cpu")


def test_setup_reports_the_device_fit_trains_on(capsys, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    runtime.configure(seed=0, threads=1)
    assert "fit trains on the GPU (cuda)" in capsys.readouterr().out
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    runtime.configure(seed=0, threads=1)
    assert "fit trains on the CPU" in capsys.readouterr().out


def test_runtime_does_not_import_the_book_module():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(runtime))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "book" not in imported


def test_setup_sets_threads_seeds_and_reports(capsys):
    generator = aeutils.setup(seed=3, threads=1)
    assert torch.get_num_threads() == 1
    expected = torch.rand(2, generator=torch.Generator().manual_seed(3))
    assert torch.equal(torch.rand(2, generator=generator), expected)
    assert "seed 3, 1 torch thread(s)" in capsys.readouterr().out
    import numpy as np  # noqa: F401  (loads the BLAS whose thread pool setup limits)
    from threadpoolctl import threadpool_info

    assert threadpool_info() and all(pool["num_threads"] == 1 for pool in threadpool_info())


def test_busy_elsewhere_sees_a_busy_process():
    import subprocess
    import sys

    if not Path("/proc/loadavg").exists():
        pytest.skip("no /proc/loadavg on this system")
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        assert runtime.busy_elsewhere() >= 1
    finally:
        busy.kill()
        busy.wait()

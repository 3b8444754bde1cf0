"""requirements/lock.txt: one universal lock that installs on every platform the course supports.

The offline tests read the lock: hashes on every pin, CUDA-only packages behind Linux markers, one
version per package and platform, everything requirements.in and aeutils need, environment.yml as
tools/binder_env.py writes it. The per-platform tests ask uv (pinned in the lock) to plan the
install `make env` does (`--require-hashes -r requirements/lock.txt`) for each platform and Python,
against PyPI (uv's cache keeps the metadata after the first run).
"""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement

from tools import binder_env

ROOT = Path(__file__).resolve().parent.parent
LOCK = (ROOT / "requirements" / "lock.txt").read_text()
PLATFORMS = {  # uv's --python-platform: the marker values pip sees there
    "x86_64-unknown-linux-gnu": {"sys_platform": "linux", "platform_machine": "x86_64"},
    "aarch64-unknown-linux-gnu": {"sys_platform": "linux", "platform_machine": "aarch64"},
    "aarch64-apple-darwin": {"sys_platform": "darwin", "platform_machine": "arm64"},
    "x86_64-pc-windows-msvc": {"sys_platform": "win32", "platform_machine": "AMD64"},
}
SYSTEMS = {"linux": ("Linux", "posix"), "darwin": ("Darwin", "posix"), "win32": ("Windows", "nt")}
# 3.11.2 is Debian 12's Python (the lock forks at 3.11.5), 3.12 has its own fork, 3.13 the newest.
PYTHONS = ("3.11.2", "3.12.0", "3.13.0")
CUDA_ONLY = re.compile(r"nvidia-.*|triton|cuda-.*")


def entries(text: str) -> list[tuple[str, str, str, list[str]]]:
    """(name, version, marker, hashes) of each pin; continuation lines joined, comments dropped."""
    logical = re.sub(r"\s*\\\n\s*", " ", re.sub(r"\s*#.*", "", text))
    found = []
    for line in logical.splitlines():
        match = re.match(
            r"([A-Za-z0-9][A-Za-z0-9_.-]*)==(\S+?)\s*(?:;\s*(.*?))?\s*(--hash.*)?$", line
        )
        if match:
            name, version, marker, hashes = match.groups()
            found.append(
                (binder_env.normalize(name), version, marker or "", (hashes or "").split())
            )
    return found


ENTRIES = entries(LOCK)


def environment(platform: str, python: str) -> dict[str, str]:
    values = PLATFORMS[platform]
    system, os_name = SYSTEMS[values["sys_platform"]]
    return {
        **values,
        "platform_system": system,
        "os_name": os_name,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "python_version": ".".join(python.split(".")[:2]),
        "python_full_version": python,
    }


def selected(platform: str, python: str) -> dict[str, str]:
    """The version of each package the lock installs on `platform` with Python `python`."""
    env = environment(platform, python)
    pins = {}
    for name, version, marker, _ in ENTRIES:
        if not marker or Marker(marker).evaluate(env):
            assert name not in pins, f"{name}: two pins apply on {platform}, Python {python}"
            pins[name] = version
    return pins


ALL = [(platform, python) for platform in PLATFORMS for python in PYTHONS]


def test_the_lock_is_read_whole():
    pin_lines = re.findall(r"^[A-Za-z0-9]", LOCK, re.MULTILINE)
    assert len(ENTRIES) == len(pin_lines) > 100


def test_every_pin_has_hashes():
    unhashed = [name for name, _, _, hashes in ENTRIES if not hashes]
    assert not unhashed, f"pins without --hash (pip --require-hashes refuses them): {unhashed}"
    assert all(h.startswith("--hash=sha256:") for *_, hashes in ENTRIES for h in hashes)


def test_cuda_libraries_are_pinned_only_under_linux_markers():
    cuda = [(name, marker) for name, _, marker, _ in ENTRIES if CUDA_ONLY.fullmatch(name)]
    assert cuda, "no CUDA packages: the lock no longer comes from PyPI (fix this test's premise)"
    for name, marker in cuda:
        assert "sys_platform == 'linux'" in marker, f"{name} is pinned for every platform"
    for platform, python in ALL:
        if PLATFORMS[platform]["sys_platform"] != "linux":
            assert not [n for n in selected(platform, python) if CUDA_ONLY.fullmatch(n)]


@pytest.mark.parametrize("platform, python", ALL)
def test_each_platform_gets_one_version_of_every_requirement(platform, python):
    pins = selected(platform, python)
    sources = (ROOT / "requirements" / "requirements.in").read_text().splitlines()
    wanted = [Requirement(line) for line in sources if line.strip() and not line.startswith("#")]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted += [
        Requirement(line) for line in project["dependencies"]
    ]  # `pip install --no-deps -e .`
    for requirement in wanted:
        name = binder_env.normalize(requirement.name)
        assert name in pins, f"{name} is not locked for {platform}, Python {python}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])


def test_binder_environment_is_what_the_generator_writes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    expected = binder_env.render(LOCK, project["dependencies"])
    assert (ROOT / "environment.yml").read_text() == expected, "run `make lock`"


def test_binder_installs_aeutils_with_its_dependencies():
    lines = (ROOT / "postBuild").read_text().splitlines()
    assert "pip install -e ." in [line for line in lines if not line.startswith("#")]


@pytest.mark.parametrize("platform, python", ALL)
def test_the_lock_installs_on_each_platform(platform, python, tmp_path):
    """uv plans the hash-checked install for the platform: every dependency of every selected pin
    is itself pinned with hashes, the pins agree with each other, and each has a distribution for
    that platform and Python (hashes are compared with the files by the real install only)."""
    uv = Path(sys.executable).parent / "uv"
    if not uv.is_file():
        pytest.fail(f"{uv} is missing: `make env` installs uv from the lock")
    command = [uv, "pip", "install", "--dry-run", "--require-hashes", "--python", sys.executable]
    command += ["-r", ROOT / "requirements" / "lock.txt", "--target", tmp_path]
    command += ["--python-platform", platform, "--python-version", python]
    command += ["--index-strategy", "unsafe-best-match"]  # as pip: the best version of all indexes
    env = {**os.environ, "MACOSX_DEPLOYMENT_TARGET": "14.0"}  # torch's macOS wheels need 14+
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    planned = dict(re.findall(r"^ \+ (\S+)==(\S+)$", run.stdout + run.stderr, re.MULTILINE))
    planned = {binder_env.normalize(name): version for name, version in planned.items()}
    assert planned == selected(platform, python)

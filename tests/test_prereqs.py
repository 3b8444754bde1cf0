"""tools/prereqs.py: each way it finds, installs or names the fix for what `make` needs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import prereqs

ROOT = Path(__file__).resolve().parent.parent


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def no_apt(monkeypatch):
    """Not root on Debian: nothing is installed, the fix is printed."""
    monkeypatch.setattr(prereqs, "is_root_on_debian", lambda: False)


def test_chromium_from_a_valid_chromium_variable(tmp_path):
    browser = executable(tmp_path / "my-chrome")
    environ = {"CHROMIUM": str(browser), "PATH": ""}
    assert prereqs.find_chromium(environ, tmp_path) == str(browser)


@pytest.mark.parametrize("mode", [0o644, None], ids=["not-executable", "absent"])
def test_an_invalid_chromium_variable_stops_without_looking_elsewhere(tmp_path, mode):
    browser = tmp_path / "my-chrome"
    if mode is not None:
        browser.write_text("")
        browser.chmod(mode)
    executable(tmp_path / "bin" / "chromium")  # on PATH, yet never used instead
    environ = {"CHROMIUM": str(browser), "PATH": str(tmp_path / "bin")}
    with pytest.raises(prereqs.Missing, match="CHROMIUM=.*my-chrome.*not an executable"):
        prereqs.find_chromium(environ, tmp_path)


@pytest.mark.parametrize("name", ["chromium", "chromium-browser"])
def test_chromium_found_on_path(tmp_path, name):
    browser = executable(tmp_path / "bin" / name)
    assert prereqs.find_chromium({"PATH": str(tmp_path / "bin")}, tmp_path) == str(browser)


def test_the_newest_playwright_chromium_when_none_is_on_path(tmp_path):
    cache = tmp_path / ".cache" / "ms-playwright"
    executable(cache / "chromium-999" / "chrome-linux" / "chrome")
    newest = executable(cache / "chromium-1200" / "chrome-linux64" / "chrome")
    assert prereqs.find_chromium({"PATH": ""}, tmp_path) == str(newest)


def test_no_chromium_anywhere_is_none(tmp_path):
    assert prereqs.find_chromium({"PATH": str(tmp_path)}, tmp_path) is None


def test_missing_chromium_and_npm_stop_with_the_commands_that_fix_them(tmp_path, no_apt):
    with pytest.raises(prereqs.Missing) as stop:
        prereqs.check_tools(npm=True, chromium=True, environ={"PATH": ""}, home=tmp_path)
    message = str(stop.value)
    assert "sudo apt-get install npm" in message
    assert "sudo apt-get install chromium" in message
    assert "python -m playwright install chromium" in message
    assert "CHROMIUM=/path/to/chromium make test" in message


def test_chromium_is_not_asked_for_by_the_book(tmp_path, no_apt):
    executable(tmp_path / "bin" / "npm")
    environ = {"PATH": str(tmp_path / "bin")}
    assert prereqs.check_tools(npm=True, chromium=False, environ=environ, home=tmp_path) is None


def test_root_on_debian_installs_what_is_missing_with_apt_get(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    installed = []

    def fake_apt_install(packages):
        installed.extend(packages)
        for package in packages:
            executable(bin_dir / package)

    monkeypatch.setattr(prereqs, "is_root_on_debian", lambda: True)
    monkeypatch.setattr(prereqs, "apt_install", fake_apt_install)
    environ = {"PATH": str(bin_dir)}
    found = prereqs.check_tools(npm=True, chromium=True, environ=environ, home=tmp_path)
    assert installed == ["npm", "chromium"]
    assert found == str(bin_dir / "chromium")


def test_an_apt_get_install_that_provides_nothing_stops_instead_of_looping(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(prereqs, "is_root_on_debian", lambda: True)
    monkeypatch.setattr(prereqs, "apt_install", calls.append)
    with pytest.raises(prereqs.Missing, match="Chromium is missing"):
        prereqs.check_tools(npm=False, chromium=True, environ={"PATH": ""}, home=tmp_path)
    assert calls == [["chromium"]]


def test_debian_is_recognised_only_by_its_os_release(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(prereqs.shutil, "which", lambda name: "/usr/bin/apt-get")
    release = tmp_path / "os-release"
    release.write_text('PRETTY_NAME="Debian GNU/Linux 12"\nID=debian\n')
    assert prereqs.is_root_on_debian(release)
    release.write_text("ID=ubuntu\nID_LIKE=debian\n")  # Ubuntu's chromium package is a snap stub
    assert not prereqs.is_root_on_debian(release)


@pytest.mark.parametrize("version", [(3, 10, 14), (3, 14, 0)])
def test_python_outside_the_locked_range_stops_with_the_fix(version):
    with pytest.raises(prereqs.Missing, match=r"make PYTHON=/path/to/python3\.12") as stop:
        prereqs.check_python(version, "/usr/bin/python3", venv_exists=True)
    assert "rm -rf .venv" in str(stop.value)  # the venv has that Python: it must go


@pytest.mark.parametrize("version", [(3, 11, 2), (3, 13, 9)])
def test_python_inside_the_locked_range_passes(version):
    prereqs.check_python(version, "/usr/bin/python3", venv_exists=True)


def test_a_python_that_cannot_make_venvs_stops_before_the_venv_exists(monkeypatch):
    monkeypatch.setattr(prereqs.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(prereqs.Missing, match="apt-get install python3-venv"):
        prereqs.check_python((3, 11, 2), "/usr/bin/python3", venv_exists=False)


def test_the_script_reports_and_fails_within_seconds(tmp_path):
    environ = {**os.environ, "CHROMIUM": str(tmp_path / "nothing")}
    run = subprocess.run(
        [sys.executable, "tools/prereqs.py", "--chromium"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=5,
    )
    assert run.returncode == 1
    assert run.stderr.startswith("prereqs: CHROMIUM=")

"""Check what `make` needs beyond Python packages, before any long work; provide it or stop.

    python tools/prereqs.py [--npm] [--chromium]

Run by the interpreter that has (or will make) .venv: it checks that interpreter's version (the lock
supports Python 3.11-3.13) and, without .venv, that it can make virtual environments. --npm: npm,
which the book build uses to vendor MathJax. --chromium: Chromium for the browser tests, found as
`find_chromium` says (tests/browser uses the same function). As root on Debian, a missing npm or
Chromium is installed with apt-get; otherwise the script stops within seconds and prints the command
that fixes each problem. Standard library only.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

PYTHONS = ((3, 11), (3, 13))  # the oldest and newest minor versions the lock is checked for
PLAYWRIGHT_CHROMIUM = ("chrome-linux64/chrome", "chrome-linux/chrome")  # new and old layouts


class Missing(Exception):
    """A prerequisite is absent; the message names it and the command that fixes it."""


def check_python(version: tuple[int, ...], executable: str, venv_exists: bool) -> None:
    """Stop unless `version` lies in PYTHONS (and, before .venv exists, venv can make one)."""
    low, high = PYTHONS
    if not low <= tuple(version[:2]) <= high:
        found = ".".join(map(str, version[:3]))
        fix = "rm -rf .venv && " if venv_exists else ""
        raise Missing(
            f"Python {found} ({executable}) is not supported: the lock needs Python "
            f"{low[0]}.{low[1]}-{high[0]}.{high[1]}.\n"
            f"  fix: {fix}make PYTHON=/path/to/python3.12 <target>"
        )
    if not venv_exists and importlib.util.find_spec("ensurepip") is None:
        raise Missing(
            f"{executable} cannot create virtual environments (no ensurepip).\n"
            f"  fix: sudo apt-get install python3-venv   (Debian/Ubuntu)"
        )


def playwright_chromium(home: Path) -> str | None:
    """The newest Chromium that `playwright install chromium` put into ~/.cache/ms-playwright."""
    found = []
    for layout in PLAYWRIGHT_CHROMIUM:
        found += (home / ".cache" / "ms-playwright").glob(f"chromium-*/{layout}")
    revisions = {
        int(p.parts[-3].rsplit("-", 1)[1]): p
        for p in found
        if p.parts[-3].rsplit("-", 1)[1].isdigit() and os.access(p, os.X_OK)
    }
    return str(revisions[max(revisions)]) if revisions else None


def find_chromium(environ: dict[str, str], home: Path) -> str | None:
    """Chromium's path, or None: $CHROMIUM (which must be executable), else `chromium` or
    `chromium-browser` on PATH, else the newest browser Playwright installed."""
    if "CHROMIUM" in environ:
        path = environ["CHROMIUM"]
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise Missing(
                f"CHROMIUM={path!r} is not an executable file.\n"
                f"  fix: CHROMIUM=/path/to/chromium make test   (or unset CHROMIUM)"
            )
        return path
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name, path=environ.get("PATH"))
        if path:
            return path
    return playwright_chromium(home)


def is_root_on_debian(os_release: Path = Path("/etc/os-release")) -> bool:
    """True as root on Debian with apt-get, where missing Debian packages are installed here."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None or not os_release.is_file():
        return False
    return "ID=debian" in os_release.read_text().splitlines()


def apt_install(packages: list[str]) -> None:
    """Install Debian packages with apt-get, saying so first."""
    print(f"prereqs: installing Debian's {' '.join(packages)} (apt-get install)", file=sys.stderr)
    quiet = {"stdout": subprocess.DEVNULL}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, **quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env, **quiet)


def check_tools(
    npm: bool, chromium: bool, environ: dict[str, str], home: Path, install: bool = True
) -> str | None:
    """Find npm and Chromium as asked (installing them as root on Debian); Chromium's path."""
    wanted = {}
    if npm and shutil.which("npm", path=environ.get("PATH")) is None:
        wanted["npm"] = "npm is missing (the book build vendors MathJax with `npm pack`)"
    browser = find_chromium(environ, home) if chromium else None
    if chromium and browser is None:
        wanted["chromium"] = "Chromium is missing (the browser tests drive it)"
    if wanted and install and is_root_on_debian():
        apt_install(list(wanted))
        return check_tools(npm, chromium, environ, home, install=False)
    problems = []
    if "npm" in wanted:
        problems.append(
            f"{wanted['npm']}.\n  fix: sudo apt-get install npm   (or Node.js from nodejs.org)"
        )
    if "chromium" in wanted:
        problems.append(
            f"{wanted['chromium']}.\n  fix: sudo apt-get install chromium\n"
            f"   or: .venv/bin/python -m playwright install chromium\n"
            f"   or: CHROMIUM=/path/to/chromium make test"
        )
    if problems:
        raise Missing("\n".join(problems))
    return browser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npm", action="store_true", help="npm is needed (the book build)")
    parser.add_argument("--chromium", action="store_true", help="Chromium is needed (tests)")
    parser.add_argument("--venv", default=".venv", help="the virtual environment (default .venv)")
    args = parser.parse_args(argv)
    try:
        check_python(sys.version_info, sys.executable, Path(args.venv).is_dir())
        check_tools(args.npm, args.chromium, dict(os.environ), Path.home())
    except Missing as problem:
        print(f"prereqs: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Print the stage times of `make test` and one closing line that totals every pytest run.

Usage: python tools/test_summary.py DIR   (DIR holds stages.txt and the junit-*.xml reports)
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def totals(reports: list[Path]) -> tuple[int, int, int]:
    """(passed, failed, skipped) summed over JUnit XML reports."""
    passed = failed = skipped = 0
    for report in reports:
        for suite in ET.parse(report).getroot().iter("testsuite"):
            tests, skips = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
            fails = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            passed += tests - skips - fails
            failed += fails
            skipped += skips
    return passed, failed, skipped


def main() -> int:
    folder = Path(sys.argv[1])
    print("\nStage times (make test):")
    print((folder / "stages.txt").read_text(), end="")
    passed, failed, skipped = totals(sorted(folder.glob("junit-*.xml")))
    print(
        f"make test: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
    )
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

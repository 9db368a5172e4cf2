"""The README's nox commands fail, never skip, when a session's Python is missing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from _support import ROOT


def test_a_missing_python_fails_the_session(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable, "-m", "nox", "--noxfile", str(ROOT / "noxfile.py"),
            "--envdir", str(tmp_path), "-s", "check", "--force-python", "3.99",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Session check-3.99 failed: Python interpreter 3.99 not found" in done.stderr

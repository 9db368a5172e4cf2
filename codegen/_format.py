"""Format stage: ruff (pinned in pyproject.toml) formats and tidies generated source."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

__all__ = ["FormatError", "format_source"]

_CONFIG = Path(__file__).parent / "ruff_generated.toml"


class FormatError(Exception):
    """ruff rejected generated source: a generator bug, reported with ruff's message."""


def format_source(source: str, relative_path: str) -> str:
    """Return ``source`` after ``ruff check --fix`` and ``ruff format``."""
    fixed = _ruff(["check", "--fix", "--exit-zero", "--quiet"], source, relative_path)
    return _ruff(["format"], fixed, relative_path)


def _ruff(arguments: list[str], source: str, relative_path: str) -> str:
    command = [
        sys.executable,
        "-m",
        "ruff",
        *arguments,
        "--config",
        str(_CONFIG),
        "--stdin-filename",
        relative_path,
        "-",
    ]
    done = subprocess.run(  # noqa: S603 - a fixed command; the source goes to stdin
        command, input=source, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if done.returncode != 0:
        reason = done.stderr.strip() or done.stdout.strip()
        raise FormatError(f"{relative_path}: ruff {arguments[0]} failed: {reason}")
    return done.stdout

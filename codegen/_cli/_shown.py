"""Paths as the commands show them to the user."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["shown_path"]


def shown_path(path: Path) -> str:
    """``path`` as the user would type it from the current directory."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive
        return path.as_posix()

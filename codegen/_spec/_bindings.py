"""Where a project's generated bindings are imported from: its output directory when that
directory holds them, else the package installed in this environment."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

__all__ = ["prefer_output_package"]


def prefer_output_package(package: str, output: Path) -> None:
    """Make ``import <package>`` load ``output`` when it holds the package (whatever the
    directory is called) and ``package`` is not imported yet; else leave imports alone."""
    if not (output / "__init__.py").is_file() or package in sys.modules:
        return
    found = importlib.util.spec_from_file_location(
        package, output / "__init__.py", submodule_search_locations=[str(output)]
    )
    if found is not None and found.loader is not None:
        top = importlib.util.module_from_spec(found)
        sys.modules[package] = top
        found.loader.exec_module(top)

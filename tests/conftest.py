"""Shared fixtures: the project's specs and the captured responses in tests/fixtures."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from _support import ROOT, SPEC_NAMES
from specbind import LoadedSpec, load_spec
from specbind._spec._config import load_config


@pytest.fixture(scope="session", autouse=True)
def _generate_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep `specbind generate`'s cache, in this process and in the CLI's, out of ~/.cache."""
    before = os.environ.get("SPECBIND_CACHE_DIR")
    os.environ["SPECBIND_CACHE_DIR"] = str(tmp_path_factory.mktemp("specbind-cache"))
    yield
    if before is None:
        del os.environ["SPECBIND_CACHE_DIR"]
    else:
        os.environ["SPECBIND_CACHE_DIR"] = before


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the specs, the committed output and the bindings' names, in tmp_path/project."""
    shutil.copytree(ROOT / "specs", tmp_path / "project" / "specs")
    # The committed output names its distribution and version as this repository's
    # [tool.specbind] does.
    config = load_config(ROOT)
    (tmp_path / "project" / "pyproject.toml").write_text(
        f'[tool.specbind]\ndistribution = "{config.distribution}"\nversion = "{config.version}"\n',
        encoding="utf-8",
    )
    shutil.copytree(
        ROOT / "generated",
        tmp_path / "project" / "generated",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return tmp_path / "project"


@pytest.fixture(scope="session")
def specs() -> dict[str, LoadedSpec]:
    return {name: load_spec(ROOT / "specs" / f"{name}.yaml") for name in SPEC_NAMES}

"""Shared fixtures: the project's specs and the captured responses in tests/fixtures."""

from __future__ import annotations

import pytest
from _support import ROOT, SPEC_NAMES
from specbind import LoadedSpec, load_spec


@pytest.fixture(scope="session")
def specs() -> dict[str, LoadedSpec]:
    return {name: load_spec(ROOT / "specs" / f"{name}.yaml") for name in SPEC_NAMES}

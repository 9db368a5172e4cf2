"""Shared fixtures: the project's specs and the captured responses in tests/fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen import LoadedSpec, load_spec

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SPEC_NAMES = ("veryfront", "prunner", "vectara")


@pytest.fixture(scope="session")
def specs() -> dict[str, LoadedSpec]:
    return {name: load_spec(ROOT / "specs" / f"{name}.yaml") for name in SPEC_NAMES}


def iter_response_examples(spec: LoadedSpec) -> Iterator[tuple[str, str, str, Any]]:
    """Yield (operationId, status, example name, value) for every JSON response example."""
    for item in spec.data["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for status, response in operation.get("responses", {}).items():
                for media_type, media in response.get("content", {}).items():
                    if "json" not in media_type:
                        continue
                    for name, example in media.get("examples", {}).items():
                        yield operation["operationId"], str(status), name, example["value"]

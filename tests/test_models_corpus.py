"""Shapes from real-world documents (tests/corpus/) that crashed ``specbind generate``.

tests/fixtures/shapes/corpus_regressions.yaml holds a minimal one of each; it is
compiled, imported and driven with payloads here, and the slow test runs
``mypy --strict`` on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_models_shapes import compile_package, import_package, mypy_strict, round_trip

REGRESSIONS = Path(__file__).parent / "fixtures" / "shapes" / "corpus_regressions.yaml"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return compile_package(REGRESSIONS)


@pytest.fixture(scope="module")
def package(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from import_package(files, tmp_path_factory.mktemp("corpus") / "generated")


def test_properties_named_like_schema_keywords_are_fields(package: Any) -> None:
    """A property named "format" (an object) crashed generate with TypeError: unhashable
    type: 'dict'; one named "discriminator" was silently dropped from the model."""
    data = {"format": {"name": "pdf"}, "discriminator": "d", "size": 3}
    document = round_trip(package, data, package.models.Document)
    assert (document.format.name, document.discriminator, document.size) == ("pdf", "d", 3)


@pytest.mark.slow
def test_the_package_passes_mypy_strict(files: dict[str, str], tmp_path: Path) -> None:
    done = mypy_strict(files, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr

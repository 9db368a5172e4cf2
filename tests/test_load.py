"""The load stage: plain data, and the line of every node."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from specbind import load_spec

SPEC = """\
openapi: 3.1.0
info:
  title: t
  version: "1"
paths:
  /a/{b}:
    get:
      operationId: x
"""


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def test_locate_finds_written_nodes_with_or_without_hash(spec_path: Path) -> None:
    spec = load_spec(spec_path)
    assert spec.locate("/info/title") == (3, 3)
    assert spec.locate("#/paths/~1a~1{b}/get/operationId") == (8, 7)


def test_locate_falls_back_to_the_nearest_written_ancestor(spec_path: Path) -> None:
    spec = load_spec(spec_path)
    assert spec.locate("#/paths/~1a~1{b}/get/responses/200") == (7, 5)
    assert spec.locate("#/components/schemas/Nope") == (1, 1)


HOSTILE = load_spec(Path(__file__).parent / "fixtures" / "hostile" / "hostile.yaml")


@given(st.text())
def test_locate_always_answers(pointer: str) -> None:
    # Any pointer, written or not, well-formed or not, gets a position.
    line, column = HOSTILE.locate(pointer)
    assert line >= 1
    assert column >= 1

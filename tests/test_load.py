"""The load stage: plain data, and the line of every node."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from specbind import LoadError, load_spec

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


#: Any text JSON can carry and a spec may hold: no lone surrogate, and no DEL, which YAML
#: does not allow in a file.
_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x7f"))
#: Keys short enough for YAML, which reads no implicit key over 1,024 characters long
#: (and each escaped character takes up to 12).
_KEYS = st.text(st.characters(codec="utf-8", exclude_characters="\x7f"), max_size=20)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(_KEYS, _JSON, max_size=4))
def test_json_text_loads_as_json_reads_it(
    tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    # JSON is YAML: the event-built document must equal what `json` reads, surrogate
    # pairs (written as escapes) and every number included.
    path = tmp_path_factory.mktemp("json") / "spec.json"
    for indent in (None, 1):
        path.write_text(json.dumps(data, indent=indent), "utf-8")
        assert load_spec(path).data == data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('a: "\\ud800"', "1:4: load: the string '\\ud800' holds a lone surrogate"),
        ("a: 1\na: 2", "2:1: load: duplicate key 'a' (first on line 1)"),
        ("a: 1\n---\nb: 2", "2:1: load: more than one YAML document"),
        ("? [a]\n: x", "1:3: load: a mapping key is a sequence; keys must be strings"),
        ("a: .inf", "1:4: load: '.inf' is not a JSON number"),
        ("a: " + "9" * 5000, "1:4: load: cannot read '9999"),
    ],
)
def test_what_yaml_allows_and_json_has_not_is_refused_at_its_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(LoadError) as raised:
        load_spec(path)
    assert str(raised.value).startswith(f"{path}:{message}")


def test_a_surrogate_pair_is_one_character(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text('a: "\\ud83d\\ude00"', "utf-8")
    assert load_spec(path).data == {"a": "\U0001f600"}

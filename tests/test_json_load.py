"""A ``.json`` spec is read by the stdlib's parser with positions from one scan: the same
data and positions as the YAML loader gives, the same bounds, and its messages where the
scan cannot say precisely (a duplicate key, a surrogate escape)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from specbind._spec._events import MAX_DEPTH, Refused, plain_document
from specbind._spec._json import json_document
from specbind._spec._load import LoadError, load_spec

# YAML reads some characters JSON keeps as they are (NEL and the Unicode line breaks as
# line breaks, C0 and C1 controls not at all): positions are compared over the others.
_TEXT = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))
_KEYS = st.text(_TEXT, max_size=8)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(_TEXT, max_size=12)
)
_DOCUMENTS = st.dictionaries(
    _KEYS,
    st.recursive(
        _SCALARS,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
        max_leaves=20,
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(document=_DOCUMENTS, indent=st.sampled_from([None, 0, 1, 2, 4]))
def test_the_same_data_and_positions_as_the_yaml_loader(
    document: dict[str, object], indent: int | None
) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    fast = json_document(text)
    assert fast is not None
    assert fast[0] == json.loads(text)
    data, positions, _ = plain_document(text)
    assert fast == (data, positions)


@given(st.text(max_size=20))
def test_every_string_is_read_as_json_reads_it(value: str) -> None:
    text = json.dumps({"k": value, value: [value]})
    fast = json_document(text)
    assert fast is None or fast[0] == json.loads(text)


def test_nesting_past_the_bound_is_refused_before_parsing() -> None:
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    with pytest.raises(Refused, match="nesting too deep"):
        json_document(deep)
    very_deep = "[" * 100_000 + "]" * 100_000  # json.loads would raise RecursionError
    with pytest.raises(Refused, match="nesting too deep"):
        json_document(very_deep)


@pytest.mark.parametrize(
    "text", ['{"a": 1, "a": 2}', '{"a": "\\ud800"}', '{"a": "\\uD83D\\uDE00"}']
)
def test_what_the_scan_cannot_say_goes_to_the_yaml_loader(text: str) -> None:
    assert json_document(text) is None


def test_a_duplicate_key_in_a_json_spec_is_refused_at_its_line(tmp_path: Path) -> None:
    spec = tmp_path / "dup.json"
    spec.write_text('{\n  "openapi": "3.1.0",\n  "openapi": "3.1.1"\n}\n', encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_spec(spec)
    assert str(caught.value).startswith(f"{spec}:3:")
    assert "duplicate key 'openapi'" in str(caught.value)


def test_a_json_spec_names_lines_through_the_fast_path(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text(
        '{\n  "openapi": "3.1.0",\n  "info": {"title": "t", "version": "1"},\n'
        '  "paths": {\n    "/x": {"get": {"responses": {"200": {"description": "ok"}}}}\n  }\n}\n',
        encoding="utf-8",
    )
    loaded = load_spec(spec)
    lines = spec.read_text(encoding="utf-8").splitlines()
    assert loaded.locate("#/info/title") == (3, lines[2].index('"title"') + 1)
    assert loaded.locate("#/paths/~1x/get/responses/200") == (5, lines[4].index('"200"') + 1)

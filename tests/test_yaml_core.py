"""Plain scalars resolve by the YAML 1.2 core schema; keys are text; dates warn; JSON is JSON."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from specbind import LoadError, load_spec
from specbind._lint import lint_spec

#: YAML 1.2.2, 10.3.2 "Tag Resolution", in the table's order: (regular expression, value).
CORE_TABLE: list[tuple[str, Any]] = [
    (r"null|Null|NULL|~", lambda _: None),
    (r"", lambda _: None),
    (r"true|True|TRUE|false|False|FALSE", lambda text: text.lower() == "true"),
    (r"[-+]?[0-9]+", int),
    (r"0o[0-7]+", lambda text: int(text[2:], 8)),
    (r"0x[0-9a-fA-F]+", lambda text: int(text[2:], 16)),
    (r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", float),
    (r"[-+]?(\.inf|\.Inf|\.INF)", lambda _: math.inf),
    (r"\.nan|\.NaN|\.NAN", lambda _: math.nan),
]


def core_reading(text: str) -> Any:
    """What the YAML 1.2 core schema makes of an untagged plain scalar."""
    for pattern, value in CORE_TABLE:
        if re.fullmatch(pattern, text):
            return value(text)
    return text


def load_text(tmp_path: Path, text: str, name: str = "t.yaml") -> Any:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return load_spec(path)


#: Characters of numbers, booleans, nulls and their YAML 1.1 lookalikes; none ends a plain
#: scalar or starts a YAML indicator inside one.
_SCALAR_CHARS = "0123456789+-._eEoxbOXBabcdfABCDFinfINFaNtrueTRUEflsFALSEnulNUL~:y"


@given(st.text(_SCALAR_CHARS, min_size=1, max_size=12))
@example("1_000")
@example("0b101")
@example("0_7")
@example("012")
@example("0o17")
@example("-0x1F")
@example(".5")
@example("1.")
@example("+1e3")
@example("1:20")
@example("yes")
@example("on")
def test_a_plain_scalar_reads_as_yaml_12_core(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    # Not "-" (a sequence entry) nor ending in ":" (a key): those are no plain scalars.
    assume(text != "-" and not text.endswith(":"))
    path = tmp_path_factory.mktemp("scalar") / "t.yaml"
    for document in (f"a: {text}\n", f"a: [{text}]\n"):
        if document.startswith("a: [") and (":" in text or "," in text):
            continue
        path.write_text(document, "utf-8")
        expected = core_reading(text)
        if isinstance(expected, float) and not math.isfinite(expected):
            with pytest.raises(LoadError, match="is not a JSON number"):
                load_spec(path)
            continue
        value = load_spec(path).data["a"]
        found = value[0] if isinstance(value, list) else value
        assert found == expected
        assert type(found) is type(expected)


@given(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False))
def test_a_json_literal_reads_as_json_reads_it(
    tmp_path_factory: pytest.TempPathFactory, value: Any
) -> None:
    path = tmp_path_factory.mktemp("literal") / "t.yaml"
    path.write_text(f"a: {json.dumps(value)}\n", "utf-8")
    assert load_spec(path).data == {"a": value}


def test_a_yaml_11_directive_does_not_make_yes_a_boolean(tmp_path: Path) -> None:
    spec = load_text(tmp_path, "%YAML 1.1\n---\na: [no, yes, on, off, 012, 1_000, 0b101, 0_7]\n")
    assert spec.data == {"a": ["no", "yes", "on", "off", 12, "1_000", "0b101", "0_7"]}


def test_a_string_enum_of_underscored_numbers_stays_strings(tmp_path: Path) -> None:
    spec = load_text(tmp_path, "a: {type: string, enum: [1_000, 2_000]}\n")
    assert spec.data == {"a": {"type": "string", "enum": ["1_000", "2_000"]}}


def test_a_key_is_its_text(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path,
        "responses:\n  200: {description: ok}\n  4XX: {description: no}\n"
        "properties:\n  on: {}\n  null: {}\n  1.50: {}\n  true: {}\n",
    )
    assert list(spec.data["responses"]) == ["200", "4XX"]
    assert list(spec.data["properties"]) == ["on", "null", "1.50", "true"]
    assert spec.locate("/responses/200") == (2, 3)


def test_a_key_written_twice_as_number_and_text_is_a_duplicate(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"2:1: load: duplicate key '200' \(first on line 1\)"):
        load_text(tmp_path, '200: a\n"200": b\n')


@pytest.mark.parametrize(
    "stamp", ["2024-05-01", "2024-05-01T10:00:00Z", "2024-5-1 10:00:00.5 +02:00", "2024-02-30"]
)
def test_a_timestamp_is_kept_as_text_with_a_warning(tmp_path: Path, stamp: str) -> None:
    spec = load_text(tmp_path, f"openapi: 3.1.0\nx-when:\n  - {stamp}\n")
    assert spec.data["x-when"] == [stamp]
    [warning] = spec.load_warnings
    assert (warning.line, warning.column, warning.rule) == (3, 5, "yaml-timestamp")
    assert warning.severity == "warning"
    assert warning in lint_spec(spec)


def test_a_quoted_timestamp_is_no_warning(tmp_path: Path) -> None:
    spec = load_text(tmp_path, "a: '2024-05-01'\nb: \"2024-05-01\"\n")
    assert spec.load_warnings == ()


def test_lint_shows_a_timestamp_warning_at_its_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "dated.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1', contact: {name: n}}\npaths: {}\n"
        "x-released: 2024-05-01\n",
        "utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "specbind", "lint", "dated.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.startswith("dated.yaml:4:13: yaml-timestamp: warning: unquoted "), done
    assert done.returncode == 0, done


# -- JSON ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # The json module's own words, which vary between Pythons (3.13 names the comma).
        ('{"a": 1,}', r":1:\d+: load: invalid JSON: (Expecting property name|Illegal trailing)"),
        ('{\n "a": NaN\n}', r"load: invalid JSON: NaN is not a JSON number"),
        ('{"a": 1}\n// comment', r":2:1: load: invalid JSON: Extra data"),
        ("{a: 1}", r":1:2: load: invalid JSON: Expecting property name"),
        ('{\n "a": 1,\n "a": 2\n}', r":3:2: load: duplicate key 'a' \(first on line 2\)"),
    ],
)
def test_a_json_spec_must_be_json(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(text, "utf-8")
    with pytest.raises(LoadError) as raised:
        load_spec(path)
    assert re.search(message, str(raised.value)), str(raised.value)


def test_a_json_spec_with_tabs_loads_with_positions(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path, '{\n\t"openapi": "3.0.3",\n\t"info": {\n\t\t"title": "t"\n\t}\n}', "t.json"
    )
    assert spec.data == {"openapi": "3.1.0", "info": {"title": "t"}}
    assert spec.locate("/info/title") == (4, 3)

"""validate's JSON parser: orjson's quick parse is taken only where it gives exactly what
the exact parser gives (the same values of the same types, the same repeated keys), and
every payload that is not JSON gets the exact parser's words."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specbind._validate._json import (
    QUICK_MAX_BYTES,
    NotJson,
    Parsed,
    _parse_exactly,
    nested_too_deep,
    parse_json,
)

# Numbers as JSON spells them, short and long: 19 digits and more reach past 64 bits,
# where orjson would turn an integer into a float.
_NUMBER_TEXT = st.from_regex(
    r"\A-?(?:0|[1-9][0-9]{0,24})(?:\.[0-9]{1,24})?(?:[eE][-+]?[0-9]{1,3})?\Z"
)
_NUMBERS = (
    st.integers().map(str)
    | st.floats(allow_nan=False, allow_infinity=False).map(repr)
    | _NUMBER_TEXT
    | st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-0", "-0.0", "01", "1."])
)
_STRINGS = st.text(max_size=8) | st.sampled_from(["a:b", ":", "::", "\ud800", "\\", '"'])
_LEAVES = st.none() | st.booleans() | _NUMBERS.map(lambda text: ("number", text)) | _STRINGS
# An object is a list of pairs, so that keys can repeat (keys drawn from few names).
_KEYS = st.sampled_from(["a", "b", ":", "a:b", "é", ""]) | st.text(max_size=3)
_TREES = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4).map(lambda items: ("array", items))
        | st.lists(st.tuples(_KEYS, inner), max_size=4).map(lambda pairs: ("object", pairs))
    ),
    max_leaves=25,
)


def _string(text: str, draw: Any) -> str:
    """A JSON string for ``text``, escaped in one of the ways JSON allows."""
    quoted = json.dumps(text, ensure_ascii=draw(st.booleans()))
    if ":" in text and draw(st.booleans()):
        quoted = quoted.replace(":", draw(st.sampled_from(["\\u003a", "\\u003A"])))
    return quoted


@st.composite
def _json_texts(draw: Any) -> bytes:
    """JSON text (repeated keys, odd escapes and spacing included), sometimes broken."""
    space = st.sampled_from(["", " ", "\n", "\t ", "\r\n"])

    def write(node: Any) -> str:
        if isinstance(node, tuple) and node[0] == "number":
            return str(node[1])
        if isinstance(node, tuple) and node[0] == "array":
            return "[" + ",".join(draw(space) + write(item) for item in node[1]) + "]"
        if isinstance(node, tuple):
            pairs = (
                f"{draw(space)}{_string(key, draw)}{draw(space)}:{draw(space)}{write(value)}"
                for key, value in node[1]
            )
            return "{" + ",".join(pairs) + "}"
        if isinstance(node, str):
            return _string(node, draw)
        return json.dumps(node)

    raw = (draw(space) + write(draw(_TREES)) + draw(space)).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=3)) + raw[at + draw(st.integers(0, 2)) :]
    if draw(st.integers(0, 20)) == 0:
        raw = b"\xef\xbb\xbf" + raw
    return raw


def _exactly(raw: bytes) -> Parsed | str:
    """What the exact parser alone (validate's parser before orjson) gives."""
    if nested_too_deep(raw):
        return _quick(raw)  # refused before either parser runs, by the same check
    try:
        return _parse_exactly(raw)
    except NotJson as exc:
        return f"{type(exc).__name__}: {exc}"


def _quick(raw: bytes) -> Parsed | str:
    try:
        return parse_json(raw)
    except NotJson as exc:
        return f"{type(exc).__name__}: {exc}"


def _typed(value: Any) -> Any:
    """A value with every type spelled out: 1 and 1.0, 0.0 and -0.0, differ."""
    if isinstance(value, dict):
        return ("object", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("array", [_typed(item) for item in value])
    return (type(value).__name__, repr(value))


def _same(raw: bytes) -> None:
    quick, exact = _quick(raw), _exactly(raw)
    if isinstance(exact, str) or isinstance(quick, str):
        assert quick == exact
        return
    assert _typed(quick.value) == _typed(exact.value)
    assert quick.duplicate_keys == exact.duplicate_keys


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=_json_texts())
def test_the_quick_parse_is_the_exact_one(raw: bytes) -> None:
    _same(raw)


@st.composite
def _compact_texts(draw: Any) -> bytes:
    """JSON text written compactly, as orjson writes it (and as most servers send it),
    repeated keys and integers past 64 bits included: the quick parse's shortest path."""

    def write(node: Any) -> str:
        if isinstance(node, tuple) and node[0] == "number":
            return str(node[1])
        if isinstance(node, tuple) and node[0] == "array":
            return "[" + ",".join(write(item) for item in node[1]) + "]"
        if isinstance(node, tuple):
            pairs = (f"{json.dumps(k, ensure_ascii=False)}:{write(v)}" for k, v in node[1])
            return "{" + ",".join(pairs) + "}"
        return json.dumps(node, ensure_ascii=False)

    return write(draw(_TREES)).encode("utf-8", "surrogatepass")


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=_compact_texts())
def test_the_quick_parse_of_compact_text_is_the_exact_one(raw: bytes) -> None:
    _same(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a":1,"a":1}',
        b'{"a":{"b":[1,2]},"a":{"b":[1,2]}}',
        b"[18446744073709551616]",
        b"[-9223372036854775809,1]",
        b"[1e16]",
        b"-0",
        rb'"\u003a"',
        rb'{"\u0061":1,"a":1}',
    ],
)
def test_compact_near_misses_parse_as_before(raw: bytes) -> None:
    _same(raw)


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=40))
def test_any_bytes_parse_or_fail_as_before(raw: bytes) -> None:
    _same(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a":1,"a":2}',
        b'{"a:b":1,"a:b":2}',
        b'{"a":"x:y","a":"x:y"}',
        b'[{"a":{"b":1,"b":{"c:":":"}}},{"a":1}]',
        b'{"a\\u003ab":1,"a:b":2}',
        b'{"k":"\\u003A","k":1}',
        b"18446744073709551616",
        b"-9223372036854775809",
        b'{"n":123456789012345678901234567890}',
        b"0.12345678901234567890123",
        b"1e999",
        b"NaN",
        b'"\\ud800"',
        b"\xef\xbb\xbf{}",
        b"\xff",
        b"",
        b"  ",
        b"[" * 600 + b"]" * 600,
        # Deeper than orjson writes (255), not deeper than validate parses (512).
        b"[" * 300 + b"]" * 300,
        b'{"a":' * 300 + b"1" + b"}" * 300,
        b'{"a":' * 300 + b'{"b":1,"b":2}' + b"}" * 300,
        # Larger than orjson is trusted with.
        b'{"a":1,"s":"' + b"x" * QUICK_MAX_BYTES + b'"}',
        b'{"a":1,"a":2,"s":"' + b"x" * QUICK_MAX_BYTES + b'"}',
    ],
)
def test_edges_parse_or_fail_as_before(raw: bytes) -> None:
    _same(raw)


def test_repeated_keys_are_found_where_they_are() -> None:
    parsed = parse_json(b'{"a":1,"t":[{"x:y":":","x:y":2}],"a":3}')
    assert parsed.value == {"a": 3, "t": [{"x:y": 2}]}
    assert parsed.duplicate_keys == ("/a", "/t/0/x:y")


def test_integers_beyond_64_bits_stay_exact() -> None:
    assert parse_json(b"[18446744073709551616, -9223372036854775809]").value == [
        2**64,
        -(2**63) - 1,
    ]


@pytest.mark.parametrize("depth", [254, 255, 256, 511, 512, 513, 1023, 1024, 1025, 5000])
@pytest.mark.parametrize(("opening", "closing"), [(b"[", b"]"), (b'{"a":', b"}")])
def test_depth_is_refused_alike_around_both_parsers_limits(
    depth: int, opening: bytes, closing: bytes
) -> None:
    """orjson parses up to 1024 levels and writes up to 255: whatever it takes quickly is
    within MAX_DEPTH, and every deeper payload still reaches the depth check."""
    raw = opening * depth + b"1" + closing * depth
    assert _quick(raw) == _exactly(raw)
    assert ("TooDeep" in str(_quick(raw))) == (depth > 512)

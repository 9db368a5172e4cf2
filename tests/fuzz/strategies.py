"""Hypothesis strategies for hostile inputs: JSON bodies, JSON Lines, HAR files, specs.

Each draws near the real thing (the specs' own examples, the specs themselves) and then
breaks it: a node replaced by a value of another type, a long or odd string, deep
nesting, bytes that are not UTF-8 or not JSON, YAML features a spec may not use.
Strings stay short enough that a check linear in its input answers at once.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from specbind import load_spec

__all__ = ["har_files", "json_bodies", "json_lines", "raw_responses", "spec_texts"]

ROOT = Path(__file__).parent.parent.parent
SPECS = {
    name: load_spec(ROOT / "specs" / f"{name}.yaml") for name in ("prunner", "vectara", "veryfront")
}

#: Strings that have broken parsers, validators or reports somewhere.
_ODD_TEXT = [
    "",
    "null",
    "NaN",
    "-0",
    "1e999",
    "\x00",
    "\n",
    "\u2028",
    "\ud800",
    "#/components",
    "../..",
    "%2e%2e",
    "job_",
    "0000-00-00T00:00:00Z",
    "2024-02-30T00:00:00Z",
    "{00000000-0000-0000-0000-000000000000}",
    "Bearer SECRET",
    "access_token=SECRET",
    "a" * 300 + "!",
]
_TEXT = st.one_of(st.sampled_from(_ODD_TEXT), st.text(max_size=40))
_NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**63, -(2**63) - 1, 2**64]),
    st.floats(allow_nan=False, allow_infinity=False),
)
_SCALARS = st.one_of(st.none(), st.booleans(), _NUMBERS, _TEXT)


def _json_values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        _SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)
        ),
        max_leaves=20,
    )


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every node under ``value``, the root first."""
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*at, index))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


@st.composite
def _mutated(draw: st.DrawFn, bases: list[Any], keys: st.SearchStrategy[str]) -> Any:
    """One of ``bases`` with a few of its nodes replaced by hostile values."""
    value = draw(st.sampled_from(bases))
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(value)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        value = _replace(value, path, draw(_json_values(keys)))
    return value


def _examples(name: str) -> list[Any]:
    """Every JSON example value the spec gives, for any schema."""
    found: list[Any] = []
    stack: list[Any] = [SPECS[name].data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "example" or (key == "value" and "summary" in node):
                    found.append(value)
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return found or [{}]


def _keys(name: str) -> st.SearchStrategy[str]:
    """Property names the spec knows, and some it does not."""
    names = sorted(
        {
            key
            for schema in SPECS[name].data.get("components", {}).get("schemas", {}).values()
            for key in schema.get("properties", {})
        }
    )
    return st.one_of(st.sampled_from(names or ["id"]), _TEXT)


def _raw_json(values: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """JSON text of a value, or bytes that are almost JSON, or not at all."""
    return st.one_of(
        values.map(lambda value: json.dumps(value).encode()),
        values.map(lambda value: json.dumps(value).encode()[:-1]),
        st.integers(1, 3000).map(lambda depth: b"[" * depth + b"]" * depth),
        st.integers(1, 3000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
        st.sampled_from(
            [b"", b"NaN", b"[1e999]", b'{"a":1,"a":2}', b"1" * 5000, b"\xff\xfe", b"\xef\xbb\xbf{}"]
        ),
        st.binary(max_size=64),
    )


def json_bodies(name: str) -> st.SearchStrategy[bytes]:
    """One response body for an operation of spec ``name``."""
    return _raw_json(_mutated(_examples(name), _keys(name)))


def json_lines(name: str) -> st.SearchStrategy[bytes]:
    """A JSON Lines file: bodies, blank lines, CRLF, no final newline."""
    return st.tuples(
        st.lists(json_bodies(name).map(lambda body: body.replace(b"\n", b" ")), max_size=6),
        st.sampled_from([b"\n", b"\r\n", b"\n\n"]),
        st.booleans(),
    ).map(lambda parts: parts[1].join(parts[0]) + (parts[1] if parts[2] else b""))


def _har_entry(name: str) -> st.SearchStrategy[dict[str, Any]]:
    spec = SPECS[name]
    server = spec.data.get("servers", [{"url": "https://api.example.com"}])[0]["url"]
    segment = st.one_of(st.just("00000000-0000-0000-0000-000000000000"), _TEXT)
    templates = [template for template in spec.data["paths"] if not template.startswith("x-")]
    url = st.tuples(st.sampled_from(templates), segment, st.sampled_from(["", "?x=1", "#f"])).map(
        lambda parts: server + _fill(parts[0], parts[1]) + parts[2]
    )
    body = json_bodies(name).map(lambda raw: raw.decode("utf-8", "replace"))
    content = st.fixed_dictionaries(
        {"mimeType": st.sampled_from(["application/json", "text/html", ""]), "text": body},
        optional={"encoding": st.just("base64"), "size": _NUMBERS},
    )
    return st.fixed_dictionaries(
        {
            "request": st.fixed_dictionaries(
                {
                    "method": st.one_of(st.sampled_from(["GET", "POST", "get"]), _TEXT),
                    "url": st.one_of(url, _TEXT),
                    "headers": st.just([]),
                    "queryString": st.lists(
                        st.fixed_dictionaries({"name": _TEXT, "value": _TEXT}), max_size=2
                    ),
                }
            ),
            "response": st.fixed_dictionaries(
                {
                    "status": st.one_of(st.sampled_from([200, 404, 500, -1, 0, 10**30]), _NUMBERS),
                    "headers": st.just([]),
                    "content": content,
                }
            ),
        }
    )


def _fill(template: str, segment: str) -> str:
    out, _, rest = template.partition("{")
    while rest:
        _, _, tail = rest.partition("}")
        out += segment
        more, _, rest = tail.partition("{")
        out += more
    return out


def har_files(name: str) -> st.SearchStrategy[bytes]:
    """A HAR 1.2 file of a few entries, whole or with a node broken."""
    har = st.lists(_har_entry(name), max_size=3).map(
        lambda entries: {"log": {"version": "1.2", "creator": {"name": "fuzz"}, "entries": entries}}
    )
    keys = st.sampled_from(["log", "entries", "request", "response", "status", "url", "text"])
    return st.one_of(
        har.map(lambda value: json.dumps(value).encode()),
        har.flatmap(lambda value: _mutated([value], keys)).map(
            lambda value: json.dumps(value).encode()
        ),
    )


#: Lines that use what a spec may not, or that push a parser's limits.
_YAML_LINES = [
    "x-a: !custom [1, 2]",
    "x-a: !!python/object/apply:os.system ['true']",
    "x-a: !!binary aGVsbG8=",
    "x-a: &anchor [1]\nx-b: *anchor",
    "<<: {x-a: 1}",
    "x-a: 2024-02-30",
    "x-a: .nan",
    "x-a: 0x_",
    "x-a: " + "9" * 5000,
    "x-a: " + "[" * 300 + "]" * 300,
    "? " + "k" * 2000 + "\n: 1",
    "x-a: 1\nx-a: 2",
    "---\nx-a: 1",
    "x-a: '\\x00'",
    'x-a: "\\ud800"',
]


def spec_texts() -> st.SearchStrategy[bytes]:
    """A spec file: a real spec with nodes broken, as JSON or YAML, or with a hostile line."""
    documents = _mutated(
        [spec.data for spec in SPECS.values()],
        st.sampled_from(["type", "$ref", "anyOf", "properties", "items", "enum", "pattern"]),
    )
    with_ref = documents.map(lambda data: json.dumps(data, indent=1).encode())
    texts = [ROOT.joinpath("specs", f"{name}.yaml").read_text("utf-8") for name in SPECS]
    spliced = st.tuples(st.sampled_from(texts), st.sampled_from(_YAML_LINES), st.integers(0, 400))
    return st.one_of(with_ref, spliced.map(_splice), st.binary(max_size=200))


def _splice(parts: tuple[str, str, int]) -> bytes:
    """Insert a top-level line into a spec text at a line boundary (or in the middle)."""
    text, line, at = parts
    lines = text.splitlines()
    at = min(at, len(lines))
    return "\n".join([*lines[:at], line, *lines[at:]]).encode()


def raw_responses(calls: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """What a server answers a call (``api.method``): status, content type and body."""
    return st.sampled_from(calls).flatmap(
        lambda call: st.fixed_dictionaries(
            {
                "call": st.just(call),
                "status": st.one_of(st.sampled_from([200, 201, 204, 400, 404, 500]), _NUMBERS),
                "content_type": st.one_of(
                    st.none(), st.sampled_from(["application/json", "text/plain", "a/b+json"])
                ),
                "body": json_bodies(call.partition(".")[0]).map(_b64),
            }
        )
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()

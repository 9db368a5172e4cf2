"""A small deterministic generator of JSON values from JSON Schema, for the mock's bodies.

It covers what response schemas use: ``$ref``, ``type`` (one or a list), ``enum``,
``const``, ``anyOf``/``oneOf`` (one branch), ``allOf`` (merged), ``not`` (retried),
objects (every required property and a random share of the others), arrays
(``minItems``/``maxItems``), strings (``format``, ``pattern``, lengths), numbers and
integers (ranges). A ``pattern`` is met by a generator over the pattern's syntax tree
(Python's own parser, which reads the regular subset of ECMA-262 as ECMA does), and
every candidate is checked by the ECMA engine the validator uses; when that fails, a
string of the spec's own examples that matches the pattern is used. The same seed gives
the same value. What it makes is checked against the schema by the caller, which
retries with the next seed when a value misses (a ``oneOf`` whose branches overlap).
"""

from __future__ import annotations

import random
import re
import string
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from .._spec._load import LoadedSpec
from .._spec._patterns import PatternError, search

__all__ = ["ValueMaker"]

try:  # Python 3.11+ keeps the parser here; 3.10's sre_parse warns only from 3.11 on.
    from re import _parser as _sre  # type: ignore[attr-defined,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef,unused-ignore]

_WORDS = ("alpha", "bravo", "delta", "echo", "kilo", "lima", "nova", "sierra", "tango")
_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)
_MAX_DEPTH = 12
_REPEAT_CAP = 4
_FORMATS = {
    "uuid": lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "date-time": lambda rng: (_EPOCH + timedelta(seconds=rng.randrange(10**8))).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    ),
    "date": lambda rng: (_EPOCH + timedelta(days=rng.randrange(3000))).strftime("%Y-%m-%d"),
    "email": lambda rng: f"{rng.choice(_WORDS)}@example.com",
    "uri": lambda rng: f"https://example.com/{rng.choice(_WORDS)}",
    "hostname": lambda rng: f"{rng.choice(_WORDS)}.example.com",
    "ipv4": lambda rng: ".".join(str(rng.randrange(1, 255)) for _ in range(4)),
}


class ValueMaker:
    """Makes values for the schemas of one spec."""

    def __init__(self, spec: LoadedSpec) -> None:
        self._spec = spec
        self._example_strings: list[str] | None = None

    def make(self, schema: Any, rng: random.Random) -> Any:
        """A value for ``schema`` (a schema node of the spec), drawn with ``rng``."""
        return self._value(schema, rng, 0)

    def _value(self, schema: Any, rng: random.Random, depth: int) -> Any:
        if schema is True or not isinstance(schema, dict):
            return rng.choice(_WORDS)
        if "$ref" in schema:
            return self._value(self._spec.resolve(schema["$ref"]), rng, depth + 1)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return rng.choice(schema["enum"])
        if "allOf" in schema:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                merged = _merge(merged, self._deref(part))
            return self._value(merged, rng, depth + 1)
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list):
                branches = [b for b in schema[keyword] if not _is_null(b)] or schema[keyword]
                # Deep in the tree, null (where allowed) ends the recursion.
                if depth > _MAX_DEPTH and len(branches) < len(schema[keyword]):
                    return None
                return self._value(rng.choice(branches), rng, depth + 1)
        kind = self._kind(schema, rng, depth)
        if "not" in schema:
            for _ in range(20):
                value = self._typed(kind, schema, rng, depth)
                if not _equal_to_const(value, self._deref(schema["not"])):
                    return value
        return self._typed(kind, schema, rng, depth)

    def _deref(self, schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self._spec.resolve(schema["$ref"])
        return schema

    def _kind(self, schema: dict[str, Any], rng: random.Random, depth: int) -> str:
        declared = schema.get("type")
        if isinstance(declared, list):
            kinds = [k for k in declared if k != "null"]
            if "null" in declared and (not kinds or depth > _MAX_DEPTH or rng.random() < 0.3):
                return "null"
            return str(rng.choice(kinds))
        if isinstance(declared, str):
            return declared
        if "properties" in schema or "required" in schema:
            return "object"
        if "items" in schema:
            return "array"
        return "string"

    def _typed(self, kind: str, schema: dict[str, Any], rng: random.Random, depth: int) -> Any:
        if kind == "null":
            return None
        if kind == "boolean":
            return rng.random() < 0.5
        if kind in ("integer", "number"):
            return _number(kind, schema, rng)
        if kind == "array":
            low = int(schema.get("minItems", 0))
            high = int(schema.get("maxItems", low + 3))
            count = low if depth > _MAX_DEPTH else rng.randint(low, max(low, high))
            return [self._value(schema.get("items", {}), rng, depth + 1) for _ in range(count)]
        if kind == "object":
            return self._object(schema, rng, depth)
        return self._string(schema, rng)

    def _object(self, schema: dict[str, Any], rng: random.Random, depth: int) -> dict[str, Any]:
        required = set(schema.get("required", ()))
        result: dict[str, Any] = {}
        for name, sub in schema.get("properties", {}).items():
            if name in required or (depth <= _MAX_DEPTH and rng.random() < 0.6):
                result[name] = self._value(sub, rng, depth + 1)
        return result

    def _string(self, schema: dict[str, Any], rng: random.Random) -> str:
        low = int(schema.get("minLength", 0))
        high = int(schema.get("maxLength", max(low, 24)))
        pattern = schema.get("pattern")
        maker = _FORMATS.get(str(schema.get("format", "")))
        for _ in range(20):
            if isinstance(pattern, str) and maker is None:
                text = _from_pattern(pattern, rng)
            elif maker is not None:
                text = maker(rng)
            else:
                length = rng.randint(max(low, 1), max(low, 1, min(high, 12)))
                text = "".join(rng.choice(string.ascii_lowercase) for _ in range(length))
            if low <= len(text) <= high and (pattern is None or _matches(pattern, text)):
                return text
        fitting = [
            text
            for text in self._examples()
            if low <= len(text) <= high and isinstance(pattern, str) and _matches(pattern, text)
        ]
        return rng.choice(fitting) if fitting else text

    def _examples(self) -> list[str]:
        """Every string in the spec's examples, once each, in document order."""
        if self._example_strings is None:
            found = dict.fromkeys(_strings_in_examples(self._spec.data))
            self._example_strings = list(found)
        return self._example_strings


def _number(kind: str, schema: dict[str, Any], rng: random.Random) -> int | float:
    low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
    high = schema.get("maximum", schema.get("exclusiveMaximum", low + 1000))
    if "exclusiveMinimum" in schema and "minimum" not in schema:
        low += 1
    if "exclusiveMaximum" in schema and "maximum" not in schema:
        high -= 1
    if kind == "integer":
        return rng.randint(int(low), int(max(low, high)))
    return round(rng.uniform(float(low), float(max(low, high))), 3)


def _merge(left: dict[str, Any], right: Any) -> dict[str, Any]:
    if not isinstance(right, dict):
        return left
    merged = {**left, **{k: v for k, v in right.items() if k not in ("properties", "required")}}
    merged["properties"] = {**left.get("properties", {}), **right.get("properties", {})}
    merged["required"] = [*left.get("required", ()), *right.get("required", ())]
    return merged


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _equal_to_const(value: Any, schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if "const" in schema:
        return bool(value == schema["const"])
    return isinstance(schema.get("enum"), list) and value in schema["enum"]


def _matches(pattern: str, text: str) -> bool:
    try:
        return search(pattern, text)
    except PatternError:
        return False


def _strings_in_examples(node: Any, inside: bool = False) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings_in_examples(value, inside or key in ("example", "examples"))
    elif isinstance(node, list):
        for value in node:
            yield from _strings_in_examples(value, inside)
    elif inside and isinstance(node, str):
        yield node


def _from_pattern(pattern: str, rng: random.Random) -> str:
    """A string the pattern matches, drawn over its syntax tree ("" if it cannot be read)."""
    try:
        tree = _sre.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return ""
    return "".join(_emit(tree, rng))


def _emit(items: Any, rng: random.Random) -> Iterator[str]:
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            yield chr(arg)
        elif name == "NOT_LITERAL":
            yield "a" if arg != ord("a") else "b"
        elif name == "ANY":
            yield rng.choice(string.ascii_letters + string.digits)
        elif name == "IN":
            yield _class_member(arg, rng)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            top = low + _REPEAT_CAP if high is _sre.MAXREPEAT else min(high, low + _REPEAT_CAP)
            for _ in range(rng.randint(low, top)):
                yield from _emit(sub, rng)
        elif name == "SUBPATTERN":
            yield from _emit(arg[-1], rng)
        elif name == "ATOMIC_GROUP":
            yield from _emit(arg, rng)
        elif name == "BRANCH":
            yield from _emit(rng.choice(arg[1]), rng)
        elif name == "CATEGORY":
            yield _category(str(arg), rng)
        # AT (anchors) and anything else emit nothing; the caller checks the result.


def _class_member(items: Any, rng: random.Random) -> str:
    choices: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            return "~"
        if name == "LITERAL":
            choices.append(chr(arg))
        elif name == "RANGE":
            low, high = arg
            choices.extend(chr(c) for c in range(low, min(high, low + 64) + 1))
        elif name == "CATEGORY":
            choices.append(_category(str(arg), rng))
    return rng.choice(choices) if choices else "a"


def _category(name: str, rng: random.Random) -> str:
    if "DIGIT" in name and "NOT" not in name:
        return rng.choice(string.digits)
    if "SPACE" in name and "NOT" not in name:
        return " "
    return rng.choice(string.ascii_letters)

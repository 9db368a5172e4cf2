"""`specbind validate` skips the model layer only where the model takes every payload
the first look passes (``_validate/_covers``), and reports exactly what it did before.

Each refusal of the proof is shown to be needed: for every schema it refuses, a payload
passes the first look that the model refuses. Where it proves, payloads drawn from the
schema (and mutated) that pass the first look all structure.
"""

from __future__ import annotations

import copy
import functools
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from _support import FIXTURES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from specbind import load_spec
from specbind._validate._check import Checker, Options
from specbind._validate._covers import ModelProof, same_runtime
from specbind._validate._fast import FirstLook, resolve
from specbind._validate._inputs import Body
from specbind._validate._validator import build_checker

from generated._runtime import _EXTRA_METADATA, UNSET, Unset, _checks, make_converter

_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


def _meta(wire: str, *, required: bool = True) -> dict[str, Any]:
    return {"wire": wire, "required": required, "nullable": False}


@attrs.frozen(kw_only=True)
class Thing:
    """A model as generate writes one: checks, a nullable date-time, an optional list."""

    name: str = attrs.field(
        validator=[_checks.pattern("^[a-z]+$"), _checks.max_length(8)], metadata=_meta("name")
    )
    count: int = attrs.field(validator=[_checks.minimum(0)], metadata=_meta("count"))
    when: datetime | None = attrs.field(metadata=_meta("when"))
    tags: list[str] | Unset = attrs.field(
        default=UNSET,
        validator=[_checks.each(_checks.min_length(1))],
        metadata=_meta("tags", required=False),
    )
    additional_properties: dict[str, Any] = attrs.field(factory=dict, metadata=_EXTRA_METADATA)


@attrs.frozen(kw_only=True)
class Node:
    """A model that contains itself."""

    name: str = attrs.field(metadata=_meta("name"))
    child: Node | Unset | None = attrs.field(default=UNSET, metadata=_meta("child", required=False))


_CONVERTER = make_converter(strict=True)

_THING: dict[str, Any] = {
    "type": "object",
    "required": ["name", "count", "when"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 8},
        "count": {"type": "integer", "minimum": 0},
        "when": {"type": ["string", "null"], "format": "date-time"},
        "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
    },
}
_NODE: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "child": {"anyOf": [{"$ref": "#/components/schemas/Root"}, {"type": "null"}]},
    },
}
_GOOD = {"name": "abc", "count": 3, "when": "2026-11-23T07:28:20Z", "tags": ["x"]}


def _changed(path: tuple[str, ...], value: Any, *, drop: bool = False) -> dict[str, Any]:
    schema = copy.deepcopy(_THING)
    node = schema
    for key in path[:-1]:
        node = node[key]
    if drop:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return schema


#: Schemas the proof refuses for Thing, each with a payload that passes the first look
#: and that the model refuses: the refusal is needed, not only careful.
_REFUSED = [
    (_changed(("type",), None, drop=True), ["not an object"]),
    (_changed(("required",), ["name", "when"]), {k: v for k, v in _GOOD.items() if k != "count"}),
    (_changed(("properties", "name", "maxLength"), 9), {**_GOOD, "name": "abcdefghi"}),
    (_changed(("properties", "name", "pattern"), "^[a-z]"), {**_GOOD, "name": "a1"}),
    (_changed(("properties", "count", "minimum"), -1), {**_GOOD, "count": -1}),
    (_changed(("properties", "count", "type"), "number"), {**_GOOD, "count": 1.5}),
    (_changed(("properties", "when", "format"), None, drop=True), {**_GOOD, "when": "now"}),
    (_changed(("properties", "tags", "items"), {"type": "string"}), {**_GOOD, "tags": [""]}),
    (_changed(("properties", "name", "type"), ["string", "null"]), {**_GOOD, "name": None}),
    ({"anyOf": [_THING, {"type": "null"}]}, None),
    ({"allOf": [_changed(("properties", "count"), {})]}, {**_GOOD, "count": "3"}),
]
_PROVEN = [
    _THING,
    _changed(("properties", "count", "minimum"), 5),
    _changed(("properties", "name", "maxLength"), 3),
    {"allOf": [_THING, {"required": ["tags"]}]},
    {"anyOf": [_THING, _changed(("properties", "count", "minimum"), 7)]},
    _changed(("properties", "count"), {"$ref": "#/components/schemas/Count"}),
]


def _spec(tmp_path: Path, root: Any) -> Path:
    data = {
        "openapi": "3.1.0",
        "info": {"title": "proof", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Root": root, "Count": {"type": "integer", "minimum": 0}}},
    }
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(data))
    return path


def _first_look(tmp_path: Path, root: Any) -> tuple[FirstLook, bool]:
    """The first look of ``Root``, and whether the proof covers it for its model."""
    look = FirstLook(load_spec(_spec(tmp_path, root)))
    look.clean("/components/schemas/Root", None)
    rewritten = look.rewritten("/components/schemas/Root")
    assert rewritten is not None
    model = Node if root is _NODE else Thing
    return look, ModelProof("generated", _CONVERTER).covers(*rewritten, model)


def _structures(value: Any, model: type) -> bool:
    try:
        _CONVERTER.structure(value, model)
    except Exception:
        return False
    return True


def test_the_bundled_runtime_is_read_as_specbind_s() -> None:
    assert same_runtime("generated")
    assert not same_runtime("specbind_no_such_bindings")


@pytest.mark.parametrize(("schema", "witness"), _REFUSED)
def test_each_refusal_is_needed(tmp_path: Path, schema: Any, witness: Any) -> None:
    look, covered = _first_look(tmp_path, schema)
    assert not covered
    assert look.clean("/components/schemas/Root", witness)
    assert not _structures(witness, Thing)


def test_a_model_that_contains_itself_is_not_proven(tmp_path: Path) -> None:
    look, covered = _first_look(tmp_path, _NODE)
    assert not covered
    assert look.clean("/components/schemas/Root", {"name": "a", "child": {"name": "b"}})


_ODD = st.sampled_from(
    [
        None, True, 0, -1, 1.0, 1.5, 2**63, -(2**63) - 1, 10**30, 1e308, "", "abc",
        "abcdefghi", "2026-11-23T07:28:20Z", "2026-11-23t07:28:20.123456789z",
        "2024-02-29T00:00:00Z", "2016-12-31T23:59:60Z", "2026-11-23T07:28:20+23:59",
        "0001-01-01T00:00:00-23:59", "9999-12-31T23:59:59+00:00", [], [""], ["x"], {},
    ]
)  # fmt: skip


_COMPONENTS = {"components": {"schemas": {"Count": {"type": "integer", "minimum": 0}}}}


@st.composite
def _payloads(draw: st.DrawFn, schema: Any) -> Any:
    """A value drawn from the schema, sometimes with a field replaced by an odd one."""
    value = draw(from_schema(_closed(_COMPONENTS, schema, 0)))
    if isinstance(value, dict) and draw(st.booleans()):
        value[draw(st.sampled_from(["name", "count", "when", "tags"]))] = draw(_ODD)
    return value


@pytest.mark.parametrize("schema", _PROVEN)
def test_what_the_proof_covers_always_structures(tmp_path: Path, schema: Any) -> None:
    look, covered = _first_look(tmp_path, schema)
    assert covered
    passed = []

    @_SETTINGS
    @given(value=_payloads(schema))
    def check(value: Any) -> None:
        if look.clean("/components/schemas/Root", value):
            passed.append(value)
            assert _structures(value, Thing), value

    check()
    assert len(passed) >= 20


# The bundled specs: every response model is proven, and results are unchanged.
_RESPONSES = [
    (name, operation.id, key, schema)
    for name in ("prunner", "vectara")
    for operation in build_checker(
        Options(str(ROOT / "specs" / f"{name}.yaml"), "", "200", False)
    ).index.operations.values()
    for key, response in operation.responses.items()
    if (schema := response.json_schema()) is not None
]


@functools.cache
def _checkers(name: str, operation: str, status: str) -> tuple[Checker, Checker]:
    options = Options(str(ROOT / "specs" / f"{name}.yaml"), operation, status, False)
    proving, structuring = build_checker(options), build_checker(options)
    structuring.prove_models = False
    return proving, structuring


@pytest.mark.parametrize(("name", "operation", "key", "schema"), _RESPONSES)
def test_the_bundled_response_models_are_proven(
    name: str, operation: str, key: str, schema: str
) -> None:
    proving, _ = _checkers(name, operation, key)
    proving.first_look.clean(schema, None)
    assert proving._prove(operation, key, schema)


@st.composite
def _responses(draw: st.DrawFn) -> tuple[str, str, str, Any]:
    name, operation, key, schema = draw(st.sampled_from(_RESPONSES))
    document = load_spec(ROOT / "specs" / f"{name}.yaml").data
    value = draw(from_schema(_closed(document, resolve(document, f"#{schema}"), 0)))
    if isinstance(value, dict) and value and draw(st.booleans()):
        value[draw(st.sampled_from(sorted(value)))] = draw(_ODD)
    return name, operation, key, value


def _closed(document: Any, schema: Any, depth: int) -> Any:
    """The schema with references written out and objects closed, as the first look
    reads it: most values drawn from it pass the first look."""
    if depth > 12:
        return {}
    if isinstance(schema, dict):
        if isinstance(schema.get("$ref"), str):
            return _closed(document, resolve(document, schema["$ref"]), depth + 1)
        found = {
            key: item if key in ("enum", "const") else _closed(document, item, depth + 1)
            for key, item in schema.items()
            if not key.startswith("x-") and key not in ("example", "examples", "default")
        }
        if "properties" in found and found.get("additionalProperties", True) in (True, {}):
            found["additionalProperties"] = False
        return found
    if isinstance(schema, list):
        return [_closed(document, item, depth + 1) for item in schema]
    return schema


@_SETTINGS
@given(case=_responses())
def test_skipping_the_model_layer_changes_no_result(case: tuple[str, str, str, Any]) -> None:
    name, operation, key, value = case
    proving, structuring = _checkers(name, operation, key)
    raw = json.dumps(value).encode()
    assert proving.body("drawn.json", raw, None, operation, key) == structuring.body(
        "drawn.json", raw, None, operation, key
    )
    schema = proving.index.operations[operation].responses[key].json_schema()
    assert schema is not None
    if proving.first_look.clean(schema, value):
        assert proving.models is not None
        model = proving.models.model_for(operation, key)
        assert model is not None
        assert proving.models.errors(model, value) == []


class _Counting(Checker):
    """Counts the payloads the model layer is run on."""

    structured = 0

    def _models(self, *args: Any) -> Any:
        type(self).structured += 1
        return super()._models(*args)


def test_clean_bodies_are_not_structured_and_failing_ones_are() -> None:
    options = Options(str(ROOT / "specs" / "prunner.yaml"), "getJobDetail", "200", False)
    base = build_checker(options)
    checker = _Counting(base.spec, options, base.models)
    bodies = sorted((FIXTURES / "prunner").glob("detail_*.json"))
    for path in bodies:
        assert not checker.check(Body(path.name, path.read_bytes())).findings
    assert _Counting.structured == 0
    broken = json.loads(bodies[0].read_text()) | {"completed": "yes"}
    assert checker.check(Body("broken.json", json.dumps(broken).encode())).findings
    assert _Counting.structured == 1

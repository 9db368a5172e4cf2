"""Schema and model agree both ways, on instances hypothesis draws from the schemas.

What the schema accepts, strict structuring accepts and round-trips exactly; what
the schema rejects after a mutation, strict structuring rejects at the same place.
Open enums are open on both sides: the schema used for rejection drops their
``enum`` list, since an unlisted value is a warning, not an error.
"""

from __future__ import annotations

import base64
import copy
import functools
from typing import Any

import pytest
from _json_compare import as_instants
from _support import ROOT, SPEC_NAMES
from cattrs.errors import BaseValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator
from specbind import load_spec
from specbind._generate._ir import build_api
from specbind._spec._patterns import PatternValidator

import generated.prunner
import generated.vectara
import generated.veryfront
from generated._runtime import error_locations

BINDINGS = {
    "veryfront": generated.veryfront,
    "prunner": generated.prunner,
    "vectara": generated.vectara,
}
_WRONG_TYPES = [None, True, 7, 1.5, "text", [], {}]
# hypothesis-jsonschema draws date-times itself, but treats `uuid` as any string.
FORMATS = {
    "uuid": st.uuids().map(str),
    "byte": st.binary(max_size=8).map(lambda data: base64.b64encode(data).decode()),
}


def _without_open_enum_lists(schema: Any) -> Any:
    if isinstance(schema, dict):
        result = {k: _without_open_enum_lists(v) for k, v in schema.items()}
        if result.get("x-specbind-enum") == "open":
            result.pop("enum", None)
        return result
    if isinstance(schema, list):
        return [_without_open_enum_lists(item) for item in schema]
    return schema


@functools.cache
def _instances(name: str, key: tuple[str, str]) -> st.SearchStrategy[Any]:
    """Instances of a response schema; built once per case, as building is slow."""
    schema = _schema_of(name, BINDINGS[name].RESPONSE_MODELS[key])
    return from_schema(schema, custom_formats=FORMATS)


@functools.cache
def _schema_of(name: str, model: type) -> dict[str, Any]:
    spec = load_spec(ROOT / "specs" / f"{name}.yaml")
    pointers = {cls: pointer for pointer, cls in build_api(spec).class_names().items()}
    return {"$ref": pointers[model.__name__], "components": spec.data["components"]}


@functools.cache
def _validator(name: str, key: tuple[str, str], *, open_enums: bool) -> Any:
    """The schema's validator, reading patterns as ECMA-262 as every layer does."""
    schema = _schema_of(name, BINDINGS[name].RESPONSE_MODELS[key])
    if open_enums:
        schema = _without_open_enum_lists(schema)
    return PatternValidator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


CASES = [
    pytest.param(name, key, id=f"{name}-{key[0]}-{key[1]}")
    for name in SPEC_NAMES
    for key in sorted(BINDINGS[name].RESPONSE_MODELS)
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _pointer(path: tuple[Any, ...]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


@pytest.mark.parametrize(("name", "key"), CASES)
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_what_the_schema_accepts_round_trips(
    name: str, key: tuple[str, str], data: st.DataObject
) -> None:
    binding = BINDINGS[name]
    model = binding.RESPONSE_MODELS[key]
    instance = data.draw(_instances(name, key))
    # hypothesis-jsonschema generates by Python's reading of patterns (`.` matches "\r").
    assume(_validator(name, key, open_enums=False).is_valid(instance))
    structured = binding.strict_converter.structure(copy.deepcopy(instance), model)
    assert as_instants(binding.strict_converter.unstructure(structured)) == as_instants(instance)
    lenient = binding.converter.structure(copy.deepcopy(instance), model)
    assert as_instants(binding.converter.unstructure(lenient)) == as_instants(instance)


@pytest.mark.parametrize(("name", "key"), CASES)
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_what_the_schema_rejects_strict_structuring_rejects_there(
    name: str, key: tuple[str, str], data: st.DataObject
) -> None:
    binding = BINDINGS[name]
    model = binding.RESPONSE_MODELS[key]
    instance = data.draw(_instances(name, key))
    # Only the mutation may break it: hypothesis-jsonschema reads patterns as Python does.
    assume(_validator(name, key, open_enums=True).is_valid(instance))
    paths = _paths(instance)
    assume(paths)
    path = data.draw(st.sampled_from(paths))
    parent: Any = instance
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and data.draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(st.sampled_from(_WRONG_TYPES))
    errors = list(_validator(name, key, open_enums=True).iter_errors(instance))
    assume(errors)
    with pytest.raises(BaseValidationError) as caught:
        binding.strict_converter.structure(instance, model)
    model_pointers = {pointer for pointer, _ in error_locations(caught.value)}
    schema_pointers = {_pointer(tuple(error.absolute_path)) for error in errors}
    # Both sides must name the changed value, a container of it (a union reports
    # where its branches failed) or a place inside it (an object replaced by `{}`
    # misses its required keys).
    changed = _pointer(path)
    assert any(_related(changed, p) for p in model_pointers), model_pointers
    assert any(_related(changed, p) for p in schema_pointers), schema_pointers


def _related(changed: str, reported: str) -> bool:
    return (
        changed == reported
        or changed.startswith(reported + "/")
        or reported.startswith(changed + "/")
    )

"""The ``example`` rule (authoring, so a warning): every example and schema default
validates against its schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from .._spec._load import LoadedSpec
from .._spec._patterns import PatternError, PatternValidator
from .._spec._problems import Problem
from .._spec._walk import SpecIndex, child, follow

__all__ = ["check_examples"]

RULE = "example"
_SEVERITY = "warning"
#: The spec's URI in the registry: a name only, never fetched.
_SPEC_URI = "urn:specbind:spec"


def check_examples(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """Every error of every example, each at the offending value."""
    # A registry holding the spec alone, with no retrieval: a $ref outside it fails.
    registry: Registry[Any] = Registry().with_resource(
        _SPEC_URI, DRAFT202012.create_resource(spec.data)
    )
    validators: dict[str, Any] = {}
    for schema_pointer, pointer, label, value in _examples(spec, index):
        if schema_pointer not in validators:
            validators[schema_pointer] = PatternValidator(
                {"$ref": f"{_SPEC_URI}#{quote(schema_pointer, safe='/~')}"},
                registry=registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        yield from _check(spec, validators[schema_pointer], pointer, label, value)


def _examples(spec: LoadedSpec, index: SpecIndex) -> Iterator[tuple[str, str, str, Any]]:
    """Yield (schema pointer, value pointer, label, value) for each example to check."""
    for pointer, holder in index.holders:
        if "schema" not in holder:
            continue
        schema = child(pointer, "schema")
        if "example" in holder:
            yield schema, child(pointer, "example"), "example", holder["example"]
        examples = holder.get("examples")
        if not isinstance(examples, dict):
            continue
        for name, example in examples.items():
            found = follow(spec, child(child(pointer, "examples"), name), example)
            if found is not None and isinstance(found[1], dict) and "value" in found[1]:
                yield schema, child(found[0], "value"), f"example {name!r}", found[1]["value"]
    for pointer, schema_node in index.schemas:
        if "example" in schema_node:
            yield pointer, child(pointer, "example"), "example", schema_node["example"]
        if isinstance(schema_node.get("examples"), list):
            for number, value in enumerate(schema_node["examples"]):
                at = child(child(pointer, "examples"), number)
                yield pointer, at, f"examples[{number}]", value
        if "default" in schema_node:
            yield pointer, child(pointer, "default"), "default", schema_node["default"]


def _check(
    spec: LoadedSpec, validator: Any, pointer: str, label: str, value: Any
) -> Iterator[Problem]:
    try:
        errors = list(validator.iter_errors(value))
    except PatternError:
        # The pattern-unsupported rule reports the pattern itself, at its line.
        return
    except Exception as exc:
        # A malformed schema (a bad regex, an unknown type, a $ref that does not resolve)
        # makes jsonschema raise; the openapi and ref rules say what is wrong with it.
        line, column = spec.locate(pointer)
        reason = f"{type(exc).__name__}: {exc}"
        message = f"{label} could not be checked: {reason}"
        yield Problem(spec.path, line, column, RULE, message, _SEVERITY)
        return
    for error in errors:
        where = ""
        for part in error.absolute_path:
            where = child(where, part)
        line, column = spec.locate(pointer + where)
        at = f" at {where}" if where else ""
        yield Problem(spec.path, line, column, RULE, f"{label}{at}: {error.message}", _SEVERITY)

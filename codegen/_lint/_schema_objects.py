"""openapi-spec-validator's checks of each Schema Object, made linear and safe on recursion.

Its semantic pass walks every schema through jsonschema-path, a few hundred microseconds
a step, recursing once per level: a long chain of objects that refer to each other (as a
vendor's 2,000 schemas make) exhausts the stack, and the properties an ``allOf`` part has
are collected with nothing to stop a recursive schema. Here the same checks walk the plain
document, with a work list, each schema once:

- each schema is checked against the JSON Schema dialect it is written in; jsonschema-rs
  checks it first, with the same resources (the dialects and vocabularies
  openapi-schema-validator ships, nothing fetched), and only a schema it refuses goes
  through jsonschema, so every message is the one openapi-spec-validator gives. Formats
  are left out of the first pass: of those the meta-schemas name, jsonschema here checks
  only ``regex``, which the ``openapi`` rule leaves to ``pattern-unsupported``;
- a schema with ``allOf`` requires no property that neither it nor a part declares;
- a ``default`` is valid (through openapi-spec-validator's own value validator).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, NoReturn, cast

import jsonschema_rs
from jsonschema.exceptions import ValidationError
from jsonschema_path import SchemaPath
from openapi_schema_validator._specifications import REGISTRY
from openapi_spec_validator.validation.exceptions import (
    ExtraParametersError,
    OpenAPIValidationError,
)
from openapi_spec_validator.validation.keywords import SchemaValidator

from .._spec._load import iter_pointer
from .._spec._walk import local_target

__all__ = ["schema_object_checks"]

#: The keywords openapi-spec-validator collects an ``allOf`` part's properties under.
_COLLECTED = ("allOf", "anyOf", "oneOf", "items", "not")


def schema_object_checks(cls: type[SchemaValidator]) -> type[SchemaValidator]:
    """A subclass of a Schema Object validator that checks as the module says."""

    class SchemaObjectChecks(cls):  # type: ignore[valid-type,misc]
        def __init__(self, registry: Any) -> None:
            super().__init__(registry)
            # Sets where openapi-spec-validator keeps lists: a look-up each is linear.
            self.visited_schema_ids = cast(Any, set())
            self.meta_checked_schema_ids = cast(Any, set())

        def __call__(
            self, schema: SchemaPath, require_properties: bool = True, meta_checked: bool = False
        ) -> Iterator[ValidationError]:
            document = schema._clone_with_parts(()).read_value()
            stack: list[tuple[tuple[str | int, ...], Any, bool, bool]] = [
                ((), schema.read_value(), require_properties, meta_checked)
            ]
            while stack:
                where, value, required, checked = stack.pop()
                if not isinstance(value, (dict, bool)):
                    message = f"{value!r} is not of type 'object', 'boolean'"
                    yield _at(where, OpenAPIValidationError(message))
                    continue
                if not checked and id(value) not in self.meta_checked_schema_ids:
                    self.meta_checked_schema_ids.add(id(value))
                    error = self._validate_schema_meta(schema, value)
                    if error is not None:
                        yield _at(where, error)
                        continue
                if id(value) in self.visited_schema_ids or not isinstance(value, dict):
                    continue
                self.visited_schema_ids.add(id(value))
                parts = list(_parts(document, where, value))
                stack.extend((at, part, False, True) for at, part in reversed(parts))
                yield from self._own(schema, document, where, value, required)

        def _own(
            self,
            schema: SchemaPath,
            document: Any,
            where: tuple[str | int, ...],
            value: dict[str, Any],
            required: bool,
        ) -> Iterator[ValidationError]:
            """The checks of one schema itself: allOf's required properties, its default."""
            listed = value.get("required")
            if required and isinstance(value.get("allOf"), list) and isinstance(listed, list):
                declared = set(_keys(value.get("properties")))
                for part in value["allOf"]:
                    declared |= _collect(document, part)
                extra = sorted({name for name in listed if isinstance(name, str)} - declared)
                if extra:
                    message = f"Required list has not defined properties: {extra}"
                    yield _at(where, ExtraParametersError(message))
            if "default" in value:
                nullable = value.get("nullable") is True
                if value["default"] is not None or not nullable:
                    at = schema
                    for part in where:
                        at = at / part
                    yield from self.default_validator(at, value["default"])

        def _get_schema_checker(
            self, schema: SchemaPath, schema_value: Any
        ) -> Callable[[Any], None]:
            slow: Callable[[Any], None] = super()._get_schema_checker(schema, schema_value)
            # 3.1 names the dialect a schema is written in; 3.0 and 2.0 have one of their
            # own, which openapi-spec-validator checks as it does.
            dialect = getattr(self, "_get_schema_dialect_id", None)
            fast = None if dialect is None else _validator(dialect(schema, schema_value))
            if fast is None:
                return slow

            def check(value: Any) -> None:
                try:
                    valid = fast.is_valid(value)
                except Exception:
                    valid = False  # a value jsonschema-rs cannot take: jsonschema judges it
                if not valid:
                    slow(value)

            return check

    return SchemaObjectChecks


#: The keywords whose schemas openapi-spec-validator walks into, in its order.
_WALKED = ("allOf", "anyOf", "oneOf", "not", "items", "properties")


def _parts(
    document: Any, where: tuple[str | int, ...], schema: dict[str, Any]
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path, schema with its $refs followed) of each subschema walked into."""
    for keyword in _WALKED:
        if keyword not in schema:
            continue
        found = schema[keyword]
        if keyword == "properties" and isinstance(found, dict):
            members: list[tuple[str | int, Any]] = list(found.items())
        elif keyword in ("allOf", "anyOf", "oneOf") and isinstance(found, list):
            members = list(enumerate(found))
        else:
            yield (*where, keyword), _followed(document, found)
            continue
        for key, member in members:
            yield (*where, keyword, key), _followed(document, member)


def _collect(document: Any, schema: Any) -> set[str]:
    """Every property name reachable from ``schema`` as openapi-spec-validator collects
    them, each schema read once."""
    found: set[str] = set()
    seen: set[int] = set()
    stack = [schema]
    while stack:
        node = _followed(document, stack.pop())
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        found.update(_keys(node.get("properties")))
        for keyword in _COLLECTED:
            inner = node.get(keyword)
            stack.extend(inner if isinstance(inner, list) else [] if inner is None else [inner])
    return found


def _keys(properties: Any) -> list[str]:
    return list(properties) if isinstance(properties, dict) else []


def _followed(document: Any, node: Any) -> Any:
    """The schema a chain of references ends at, as jsonschema-path reads it (the ref rules
    keep a spec whose chains break or loop from getting here)."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target = local_target(node["$ref"])
        if target is None or target in seen:
            return node
        seen.add(target)
        node = document
        try:
            for token in iter_pointer(target):
                node = node[int(token)] if isinstance(node, list) else node[token]
        except (KeyError, IndexError, ValueError, TypeError):
            return {}
    return node


def _at(where: tuple[str | int, ...], error: ValidationError) -> ValidationError:
    """The error, at ``where`` under the schema the check began at."""
    error.relative_path.extendleft(reversed(where))
    return error


@cache
def _validator(dialect: str) -> Any:
    """A jsonschema-rs validator of schemas written in ``dialect``, or None if unknown."""
    try:
        meta_schema = REGISTRY.contents(dialect)
        registry = jsonschema_rs.Registry(
            [(uri, REGISTRY.contents(uri)) for uri in REGISTRY], retriever=_refuse
        )
        return jsonschema_rs.validator_for(
            meta_schema, registry=registry, validate_formats=False, retriever=_refuse
        )
    except Exception:
        return None  # jsonschema alone, as openapi-spec-validator does


def _refuse(uri: str) -> NoReturn:
    raise ValueError(f"specbind fetches no meta-schema: {uri}")

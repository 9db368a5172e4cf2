"""openapi-spec-validator's check of each Schema Object, made fast and safe on recursion.

Its semantic pass collects the properties an ``allOf`` part has through its own ``allOf``,
``anyOf``, ``oneOf``, ``items`` and ``not``, following references, with nothing to stop
a recursive schema (``Node: {allOf: [{$ref: Tree}]}``, ``Tree: {items: {$ref: Node}}``):
here each schema is visited once.

It also checks every schema against the JSON Schema dialect it is written in,
with jsonschema, building a validator for the meta-schema each time: about 10 ms a schema,
over a minute on a vendor's 3 MB document of 2,000 schemas. It also keeps the ids of the
schemas it has seen in lists, so each look-up is linear in their number.

Here jsonschema-rs checks the same meta-schema first, with the same resources (the
dialects and vocabularies openapi-schema-validator ships, nothing fetched), in
microseconds. Only a schema it refuses goes through jsonschema, so every message is the
one openapi-spec-validator gives. Formats are left out of the first pass: of those the
meta-schemas name, jsonschema here checks only ``regex``, which the ``openapi`` rule
leaves to ``pattern-unsupported``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, NoReturn, cast

import jsonschema_rs
from jsonschema_path import SchemaPath
from openapi_schema_validator._specifications import REGISTRY
from openapi_spec_validator.validation.keywords import OpenAPIV31SchemaValidator

__all__ = ["schema_object_checks"]

#: The keywords ``_collect_properties`` looks under, as openapi-spec-validator does.
_COLLECTED = ("allOf", "anyOf", "oneOf", "items", "not")


def schema_object_checks(
    cls: type[OpenAPIV31SchemaValidator],
) -> type[OpenAPIV31SchemaValidator]:
    """A subclass of a Schema Object validator: fast, and finite on recursive schemas."""

    class SchemaObjectChecks(cls):  # type: ignore[valid-type,misc]
        def __init__(self, registry: Any) -> None:
            super().__init__(registry)
            self.visited_schema_ids = cast(Any, _IdSet())
            self.meta_checked_schema_ids = cast(Any, _IdSet())

        def _get_schema_checker(
            self, schema: SchemaPath, schema_value: Any
        ) -> Callable[[Any], None]:
            slow: Callable[[Any], None] = super()._get_schema_checker(schema, schema_value)
            fast = _validator(self._get_schema_dialect_id(schema, schema_value))
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

        def _collect_properties(self, schema: SchemaPath) -> set[str]:
            """Every property name reachable from ``schema``, each schema read once."""
            found: set[str] = set()
            seen: set[int] = set()
            stack = [schema]
            while stack:
                node = stack.pop()
                value = node.read_value()
                if not isinstance(value, dict) or id(value) in seen:
                    continue
                seen.add(id(value))
                if "properties" in node:
                    found.update(cast(Iterable[str], (node / "properties").keys()))
                for keyword in _COLLECTED:
                    if keyword not in node:
                        continue
                    inner = node / keyword
                    stack.extend(inner if isinstance(value[keyword], list) else [inner])
            return found

    return SchemaObjectChecks


class _IdSet(set[int]):
    """The ids of schemas seen, kept as openapi-spec-validator keeps them, in a set."""

    def append(self, schema_id: int) -> None:
        self.add(schema_id)


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

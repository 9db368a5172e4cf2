"""OpenAPI 3.0 schemas read with their 3.0 meaning and written as 3.1 (JSON Schema 2020-12).

- ``nullable: true`` (and the ``x-nullable`` extension) adds ``"null"`` to ``type``, adds
  ``null`` to an ``enum``, and wraps a ``$ref`` or ``allOf``/``oneOf``/``anyOf`` in
  ``anyOf: [..., {type: "null"}]`` (those would refuse null on their own), and 3.0's
  idiom ``allOf: [{$ref: X}]`` beside ``nullable`` is ``anyOf: [{$ref: X}, {type: "null"}]``;
- boolean ``exclusiveMinimum``/``exclusiveMaximum`` become the numbers 3.1 means;
- a schema's ``example`` becomes ``examples: [example]`` (a media type's or parameter's
  ``example`` is left alone: it is still OpenAPI 3.1);
- from Swagger 2.0 (``swagger=True``): ``#/definitions/`` references point into
  ``#/components/schemas/``, ``type: file`` is a binary string, and a ``discriminator``
  naming a property is a Discriminator Object.

The document is changed in place; the pointers moved are returned as ``{new: old}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._events import escape_pointer_token

__all__ = ["swagger_ref", "upgrade_30"]

#: Keywords holding one subschema, a map of them, or a list of them.
_ONE = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "additionalItems",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_MAP = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
#: What ``nullable`` must wrap: each of these refuses null whatever the outer type says.
_WRAPPED = ("$ref", "allOf", "oneOf", "anyOf", "discriminator")
_NULLABLE = ("nullable", "x-nullable")
#: Maps keyed by the spec's own names, where `x-rate-limit` or `example` is just a name.
_NAMED = frozenset(
    {
        "callbacks",
        "responses",
        "parameters",
        "requestBodies",
        "headers",
        "content",
        "encoding",
        "links",
        "securitySchemes",
    }
)
#: Swagger 2.0's top-level maps and where OpenAPI 3 keeps them.
_SWAGGER_REFS = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}


def swagger_ref(ref: str) -> str:
    """A Swagger 2.0 local reference as it reads in the converted document."""
    for old, new in _SWAGGER_REFS.items():
        if ref.startswith(old):
            return new + ref[len(old) :]
    return ref


@dataclass
class _Upgrade:
    swagger: bool
    origins: dict[str, str] = field(default_factory=dict)

    def walk(self, node: Any, pointer: str) -> None:
        """Find the schemas in a part of the document that is not a schema."""
        if isinstance(node, list):
            for number, item in enumerate(node):
                self.walk(item, f"{pointer}/{number}")
            return
        if not isinstance(node, dict):
            return
        named = pointer.rpartition("/")[2] in _NAMED
        for key, value in node.items():
            if not named and (key.startswith("x-") or key in ("example", "examples")):
                # An extension, or an example value: what looks like a schema in it is not.
                continue
            at = f"{pointer}/{escape_pointer_token(key)}"
            if key == "schema":
                node[key] = self.schema(value, at)
            elif key == "schemas" and pointer == "/components" and isinstance(value, dict):
                for name in value:
                    value[name] = self.schema(value[name], f"{at}/{escape_pointer_token(name)}")
            else:
                self.walk(value, at)

    def schema(self, schema: Any, pointer: str) -> Any:
        """The 3.1 form of one 3.0 schema (at ``pointer`` both before and after)."""
        if not isinstance(schema, dict):
            return schema
        if self.swagger:
            self.swagger_keywords(schema)
        nullable = any(schema.get(key) is True for key in _NULLABLE)
        for key in _NULLABLE:
            schema.pop(key, None)
        self.bounds(schema)
        self.example(schema, pointer)
        inner: dict[str, Any] = schema
        inner_pointer = pointer
        if nullable and _lone_ref(schema):
            # 3.0's idiom for a nullable reference: `allOf: [$ref]` beside `nullable`.
            inner, inner_pointer = schema.pop("allOf")[0], f"{pointer}/anyOf/0"
            self.origins[inner_pointer] = f"{pointer}/allOf/0"
            schema["anyOf"] = [inner, {"type": "null"}]
        elif nullable and any(key in schema for key in _WRAPPED):
            inner = {key: schema.pop(key) for key in _WRAPPED if key in schema}
            inner_pointer = f"{pointer}/anyOf/0"
            self.origins[inner_pointer] = pointer
            schema["anyOf"] = [inner, {"type": "null"}]
        self.subschemas(inner, inner_pointer)
        if nullable:
            self.allow_null(schema)
        return schema

    def swagger_keywords(self, schema: dict[str, Any]) -> None:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            schema["$ref"] = swagger_ref(ref)
        if schema.get("type") == "file":
            schema["type"] = "string"
            schema["format"] = "binary"
        if isinstance(schema.get("discriminator"), str):
            schema["discriminator"] = {"propertyName": schema["discriminator"]}

    def subschemas(self, schema: dict[str, Any], pointer: str) -> None:
        for key in _ONE:
            if isinstance(schema.get(key), dict):
                schema[key] = self.schema(schema[key], f"{pointer}/{key}")
        for key in _MAP:
            members = schema.get(key)
            if isinstance(members, dict):
                for name in members:
                    at = f"{pointer}/{escape_pointer_token(key)}/{escape_pointer_token(name)}"
                    members[name] = self.schema(members[name], at)
        for key in _LIST:
            members = schema.get(key)
            if isinstance(members, list):
                for number, member in enumerate(members):
                    members[number] = self.schema(member, f"{pointer}/{key}/{number}")

    def bounds(self, schema: dict[str, Any]) -> None:
        """3.0's boolean exclusive bounds as 3.1's numeric ones."""
        for exclusive, bound in (
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ):
            flag = schema.get(exclusive)
            if not isinstance(flag, bool):
                continue
            if flag and bound in schema:
                schema[exclusive] = schema.pop(bound)
            else:
                del schema[exclusive]

    def example(self, schema: dict[str, Any], pointer: str) -> None:
        if "example" not in schema or "examples" in schema:
            return
        _replace(schema, "example", "examples", [schema["example"]])
        self.origins[f"{pointer}/examples/0"] = f"{pointer}/example"
        self.origins[f"{pointer}/examples"] = f"{pointer}/example"

    def allow_null(self, schema: dict[str, Any]) -> None:
        kind = schema.get("type")
        if isinstance(kind, str) and kind != "null":
            schema["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            schema["type"] = [*kind, "null"]
        enum = schema.get("enum")
        if isinstance(enum, list) and None not in enum:
            enum.append(None)


def _lone_ref(schema: dict[str, Any]) -> bool:
    """Whether the schema's only composite keyword is an ``allOf`` of one bare ``$ref``."""
    members = schema.get("allOf")
    return (
        isinstance(members, list)
        and len(members) == 1
        and isinstance(members[0], dict)
        and list(members[0]) == ["$ref"]
        and not any(key in schema for key in _WRAPPED if key != "allOf")
    )


def _replace(schema: dict[str, Any], old: str, new: str, value: Any) -> None:
    """Put ``new: value`` where ``old`` stands, keeping the order of the other keys."""
    items = [(new, value) if key == old else (key, item) for key, item in schema.items()]
    schema.clear()
    schema.update(items)


def upgrade_30(document: dict[str, Any], *, swagger: bool = False) -> dict[str, str]:
    """Make every schema of a 3.0 document a 3.1 one, in place; return the moved pointers."""
    upgrade = _Upgrade(swagger)
    upgrade.walk(document, "")
    return upgrade.origins

"""What a schema means, however it is written: its type, its nullability, its enum."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._spec._extensions import ENUM_KEY
from .._spec._load import LoadedSpec
from .._spec._walk import child, follow

__all__ = [
    "At",
    "component_name",
    "enum_values",
    "is_null_only",
    "is_nullable",
    "is_open",
    "mapping",
    "resolve",
    "signature",
    "unwrap",
]

_SCHEMAS = "/components/schemas/"
#: Deeper than this, a type is shown as "…": only a $ref cycle through arrays gets there.
_MAX_DEPTH = 16


@dataclass(frozen=True)
class At:
    """A node of a spec and the JSON pointer it sits at."""

    pointer: str
    node: Any

    def at(self, *tokens: str | int) -> At:
        """The member of this node reached by ``tokens`` (absent members are ``None``)."""
        pointer, node = self.pointer, self.node
        for token in tokens:
            pointer = child(pointer, token)
            if isinstance(node, dict):
                node = node.get(str(token))
            elif isinstance(node, list) and isinstance(token, int) and token < len(node):
                node = node[token]
            else:
                node = None
        return At(pointer, node)

    @property
    def fields(self) -> dict[str, Any]:
        """The node as a JSON object (empty when it is something else)."""
        return mapping(self.node)


def mapping(node: Any) -> dict[str, Any]:
    """``node`` if it is a JSON object, else an empty one: shape errors are lint's to report."""
    return node if isinstance(node, dict) else {}


def resolve(spec: LoadedSpec, at: At) -> At:
    """Follow ``$ref`` links to the object they end at (an empty one when a link is broken)."""
    found = follow(spec, at.pointer, at.node)
    if found is None:
        return At(at.pointer, {})
    return At(found[0], mapping(found[1]))


def unwrap(spec: LoadedSpec, at: At) -> At:
    """The schema a value really has: ``$ref`` followed, and a nullable wrapper
    (``anyOf``/``oneOf`` of one schema and ``type: 'null'``) opened.

    So that ``$ref: X`` and ``anyOf: [{$ref: X}, {type: 'null'}]`` compare as X with X,
    nullability being compared on its own.
    """
    for _ in range(_MAX_DEPTH):
        at = resolve(spec, at)
        members = [
            at.at(key, index)
            for key in ("anyOf", "oneOf")
            for index in range(_length(at.fields.get(key)))
            if not is_null_only(at.fields[key][index])
        ]
        if len(members) != 1:
            return at
        at = members[0]
    return at


def component_name(pointer: str) -> str | None:
    """The name of a ``components/schemas`` entry at ``pointer``, else None."""
    if pointer.startswith(_SCHEMAS) and "/" not in pointer[len(_SCHEMAS) :]:
        return pointer[len(_SCHEMAS) :].replace("~1", "/").replace("~0", "~")
    return None


def is_null_only(schema: Any) -> bool:
    """Whether a schema allows null and nothing else (``type: 'null'``)."""
    return mapping(schema).get("type") == "null"


def is_nullable(spec: LoadedSpec, at: At, depth: int = 0) -> bool:
    """Whether a value may be null: its ``type`` lists null, or an anyOf/oneOf member does."""
    schema = resolve(spec, at)
    kinds = schema.fields.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    if depth >= _MAX_DEPTH:
        return False
    return any(
        is_nullable(spec, schema.at(key, index), depth + 1)
        for key in ("anyOf", "oneOf")
        for index in range(_length(schema.fields.get(key)))
    )


def _length(members: Any) -> int:
    return len(members) if isinstance(members, list) else 0


def signature(spec: LoadedSpec, at: At, depth: int = 0) -> str:
    """The type of a value, null aside, as one comparable string.

    Only what changes how a client reads the value goes in: the JSON type, a string's
    format (``date-time`` and ``uuid`` become Python types), array items and map values.
    Object properties and enum values are compared one by one instead, to say which.
    """
    if depth >= _MAX_DEPTH:
        return "…"
    schema = resolve(spec, at)
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.fields.get(key), list):
            kinds = sorted(
                {
                    signature(spec, member, depth + 1)
                    for member in (
                        schema.at(key, index) for index in range(len(schema.fields[key]))
                    )
                    if not is_null_only(member.node)
                }
            )
            if len(kinds) <= 1:
                return kinds[0] if kinds else "null"
            return f"one of ({', '.join(kinds)})"
    if isinstance(schema.fields.get("allOf"), list):
        parts = [
            signature(spec, schema.at("allOf", index), depth + 1)
            for index in range(len(schema.fields["allOf"]))
        ]
        return parts[0] if len(parts) == 1 else f"all of ({', '.join(parts)})"
    kinds = _types(schema.fields)
    if not kinds:
        return "any"
    return " | ".join(_one_type(spec, schema, kind, depth) for kind in kinds)


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        kinds = [declared]
    elif isinstance(declared, list):
        kinds = sorted({str(kind) for kind in declared})
    elif "properties" in schema or "additionalProperties" in schema:
        kinds = ["object"]
    elif isinstance(schema.get("enum"), list) and all(
        isinstance(value, str) for value in schema["enum"] if value is not None
    ):
        kinds = ["string"]
    else:
        kinds = []
    return [kind for kind in kinds if kind != "null"]


def _one_type(spec: LoadedSpec, schema: At, kind: str, depth: int) -> str:
    fields = schema.fields
    if kind == "string" and isinstance(fields.get("format"), str):
        return f"string ({fields['format']})"
    if kind == "array":
        return f"array of {signature(spec, schema.at('items'), depth + 1)}"
    if kind == "object":
        extra = fields.get("additionalProperties")
        if isinstance(extra, dict) and extra and not fields.get("properties"):
            return f"map of {signature(spec, schema.at('additionalProperties'), depth + 1)}"
    return kind


def enum_values(schema: dict[str, Any]) -> list[Any] | None:
    """The values an enum lists, null aside; None when the schema is no enum."""
    values = schema.get("enum")
    if not isinstance(values, list):
        return None
    return [value for value in values if value is not None]


def is_open(schema: dict[str, Any]) -> bool:
    """Whether an enum keeps values it does not list: all do but ``x-specbind-enum: closed``."""
    return schema.get(ENUM_KEY) != "closed"

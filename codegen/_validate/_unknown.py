"""Find fields the spec does not know: object keys outside ``properties``.

JSON Schema lets them through (objects are open unless ``additionalProperties: false``),
but a key the spec lacks is vendor drift a maintainer wants to hear about. The walk
follows the instance alongside its schema through ``$ref``, ``allOf``, ``anyOf`` and
``oneOf`` (choosing the branches that fit the value), ``items`` and ``prefixItems``.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from .._spec._load import LoadedSpec, escape_pointer_token
from .._spec._patterns import PatternError, search
from ._fast import FirstLook

__all__ = ["UnknownFields"]

_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


class UnknownFields:
    """Walks payloads alongside the schemas of one spec."""

    def __init__(self, spec: LoadedSpec, first_look: FirstLook | None = None) -> None:
        """With ``first_look``, a value met at a ``$ref`` that the first look passes is
        not walked: it holds no unknown field (see ``FirstLook.clean_under``)."""
        self._spec = spec
        self._first_look = first_look
        self._root = ""

    def find(self, schema: str, value: Any) -> dict[str, Any]:
        """Keys in ``value`` that the schema at pointer ``schema`` does not declare.

        The result maps each such key's pointer to its value, in document order.

        Keys of objects whose schema declares no ``properties`` (free-form maps) and keys
        an ``additionalProperties`` or ``patternProperties`` schema covers are not unknown.
        """
        found: dict[str, Any] = {}
        self._root = schema
        self._walk({"$ref": f"#{schema}"}, value, "", found)
        return found

    def _deref(self, schema: Any) -> Any:
        for _ in range(32):
            if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
                return schema
            try:
                schema = self._spec.resolve(schema["$ref"])
            except KeyError:
                # Unresolvable refs are the schema layer's to report.
                return {}
        return {}

    def _walk(self, schema: Any, value: Any, pointer: str, found: dict[str, Any]) -> None:
        if (
            self._first_look is not None
            and pointer
            and isinstance(value, dict | list)
            and isinstance(schema, dict)
            and isinstance(schema.get("$ref"), str)
            # A schema beside $ref says nothing here: the walk follows the reference only.
            and self._first_look.clean_under(self._root, schema["$ref"], value)
        ):
            return
        if isinstance(value, dict):
            self._walk_object(self._parts(schema, value, 0), value, pointer, found)
        elif isinstance(value, list):
            for part in self._parts(schema, value, 0):
                prefix = part.get("prefixItems")
                prefix = prefix if isinstance(prefix, list) else []
                items = part.get("items")
                # Only the items some schema covers: a huge array no schema describes
                # costs nothing.
                covered = len(value) if isinstance(items, dict) else len(prefix)
                for index, item in enumerate(islice(value, covered)):
                    child = f"{pointer}/{index}"
                    if index < len(prefix):
                        self._walk(prefix[index], item, child, found)
                    else:
                        self._walk(items, item, child, found)

    def _walk_object(
        self,
        parts: list[dict[str, Any]],
        value: dict[str, Any],
        pointer: str,
        found: dict[str, Any],
    ) -> None:
        declares = False
        closed = False
        for part in parts:
            declares = declares or isinstance(part.get("properties"), dict)
            closed = closed or part.get("additionalProperties") is False
        for key, item in value.items():
            child = f"{pointer}/{escape_pointer_token(key)}"
            schemas = self._schemas_for(parts, key)
            for schema in schemas:
                self._walk(schema, item, child, found)
            # A closed object's extra keys are schema errors already; report them once.
            if not schemas and declares and not closed:
                found[child] = item

    @staticmethod
    def _schemas_for(parts: list[dict[str, Any]], key: str) -> list[Any]:
        """The schemas that cover one key: its property, matching patterns, additional."""
        schemas: list[Any] = []
        for part in parts:
            properties = part.get("properties")
            if isinstance(properties, dict) and key in properties:
                schemas.append(properties[key])
        for part in parts:
            patterns = part.get("patternProperties")
            if isinstance(patterns, dict):
                schemas.extend(s for p, s in patterns.items() if _searches(p, key))
        if not schemas:
            for part in parts:
                additional = part.get("additionalProperties")
                # `{}` and `true` say nothing about the value; a real schema covers the key.
                if isinstance(additional, dict) and additional:
                    schemas.append(additional)
        return schemas

    def _parts(self, schema: Any, value: Any, depth: int) -> list[dict[str, Any]]:
        """The schema and every sub-schema that applies to ``value`` itself.

        allOf parts all apply. Of anyOf/oneOf, the branches whose type fits the value and
        whose const/enum properties agree with it; if several still fit, all of them (so
        a key any of them declares is known).
        """
        schema = self._deref(schema)
        if not isinstance(schema, dict) or depth > 32:
            return []
        parts = [schema]
        all_of = schema.get("allOf")
        for sub in all_of if isinstance(all_of, list) else []:
            parts.extend(self._parts(sub, value, depth + 1))
        for keyword in ("anyOf", "oneOf"):
            branches = schema.get(keyword)
            if not isinstance(branches, list):
                continue
            fitting = [b for b in (self._deref(b) for b in branches) if _fits(b, value)]
            tagged = [b for b in fitting if _tags_agree(b, value)]
            for branch in tagged or fitting:
                parts.extend(self._parts(branch, value, depth + 1))
        return parts


def _searches(pattern: str, key: str) -> bool:
    try:
        return search(pattern, key)
    except PatternError:
        return False


def _fits(schema: Any, value: Any) -> bool:
    """Whether a schema's ``type`` admits the value (no ``type`` admits anything)."""
    if not isinstance(schema, dict):
        return schema is not False
    declared = schema.get("type")
    if declared is None:
        return True
    allowed = {declared} if isinstance(declared, str) else set(declared)
    kind = _JSON_TYPES.get(type(value), "")
    return kind in allowed or (kind == "integer" and "number" in allowed)


def _tags_agree(schema: dict[str, Any], value: Any) -> bool:
    """Whether every property the branch pins with const or enum has a pinned value."""
    properties = schema.get("properties")
    if not isinstance(value, dict) or not isinstance(properties, dict):
        return True
    for key, sub in properties.items():
        if key not in value or not isinstance(sub, dict):
            continue
        if "const" in sub and sub["const"] != value[key]:
            return False
        allowed = sub.get("enum")
        if isinstance(allowed, list) and value[key] not in allowed:
            return False
    return True

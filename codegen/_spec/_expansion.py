"""How large each schema grows when every ``$ref`` in it is written out.

Validators evaluate a schema as if each ``$ref`` were replaced by what it names. A schema
whose ``anyOf`` lists two references to a schema whose ``anyOf`` lists two references...
doubles at every level: 30 levels are a billion subschemas, and jsonschema (checking a
payload or an example) and openapi-spec-validator (collecting ``allOf`` properties) do
that much work. specbind refuses such a spec instead.

What counts is the work for one value and its descendants along one path: the subschemas
applied to the value itself (its ``$ref``, ``allOf``, ``anyOf``, ``oneOf``, ``not``,
``if``/``then``/``else``) add up, while those of its members (``properties``, ``items``,
``additionalProperties``, ...) each apply to a different part of it, so only the largest
counts. A large tree of objects that refer to each other through their properties stays
small however many schemas it has; a union of unions does not. A ``$ref`` cycle counts
once (a recursive schema is as large as one pass round it: the value ends it). The sizes
are computed once per pointer, so the check itself is linear in the spec.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ._load import LoadedSpec
from ._walk import resolve_local, subschemas

__all__ = ["MAX_EXPANSION", "Oversized", "oversized_schemas"]

#: Subschemas one schema may expand to. Real schemas stay in the hundreds; the cost of
#: checking a payload that fails everywhere grows with this number.
MAX_EXPANSION = 10_000
#: The keywords whose subschemas apply to the value itself, not to a member of it.
_IN_PLACE = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"})
#: The keywords whose subschemas are only there to be referred to.
_NOT_APPLIED = frozenset({"$defs", "definitions"})

_Located = list[tuple[str, Any]]


@dataclass(frozen=True)
class Oversized:
    """A schema that expands past the limit, though none of its parts does alone."""

    pointer: str

    @property
    def message(self) -> str:
        return (
            f"this schema expands to more than {MAX_EXPANSION:,} subschemas with its $refs "
            "written out (nested anyOf/oneOf/allOf of $refs): checking against it would "
            "take exponential time; flatten it"
        )


def oversized_schemas(spec: LoadedSpec, schemas: Iterable[tuple[str, Any]]) -> list[Oversized]:
    """The schemas among ``schemas`` (pointer, node) that first cross :data:`MAX_EXPANSION`.

    A schema is listed when its expansion is over the limit and that of every subschema
    and reference target in it is not: the place to flatten. A ``$ref`` cycle counts once.
    """
    sizes: dict[str, int] = {}
    found = []
    for pointer, node in schemas:
        _measure(spec, pointer, node, sizes)
        if sizes[pointer] > MAX_EXPANSION and all(
            sizes.get(part, 0) <= MAX_EXPANSION for part, _ in _parts(spec, pointer, node)
        ):
            found.append(Oversized(pointer))
    return found


def _parts(spec: LoadedSpec, pointer: str, node: Any) -> _Located:
    """The direct subschemas of a schema, and the schema its ``$ref`` names."""
    in_place, members = _split(spec, pointer, node)
    return in_place + members


def _split(spec: LoadedSpec, pointer: str, node: Any) -> tuple[_Located, _Located]:
    """A schema's parts that apply to its value itself, and those that apply to members."""
    in_place: _Located = []
    members: _Located = []
    if not isinstance(node, dict):
        return in_place, members
    for key, value in node.items():
        if key in _NOT_APPLIED:
            continue
        found = list(subschemas(pointer, {key: value}))
        (in_place if key in _IN_PLACE else members).extend(found)
    ref = node.get("$ref")
    target = resolve_local(spec, ref) if isinstance(ref, str) else None
    if target is not None:
        in_place.append(target)
    return in_place, members


def _measure(spec: LoadedSpec, pointer: str, node: Any, sizes: dict[str, int]) -> None:
    """Fill ``sizes`` for ``pointer`` and all it reaches: a post-order walk, no recursion."""
    on_path: set[str] = set()
    stack: list[tuple[str, Any, tuple[_Located, _Located] | None]] = [(pointer, node, None)]
    while stack:
        at, schema, parts = stack.pop()
        if parts is not None:
            in_place, members = parts
            # Capped so that the numbers stay small; only "over the limit" matters.
            total = (
                1
                + sum(sizes.get(part, 0) for part, _ in in_place)
                + max((sizes.get(part, 0) for part, _ in members), default=0)
            )
            sizes[at] = min(total, MAX_EXPANSION + 1)
            on_path.discard(at)
            continue
        if at in sizes or at in on_path:
            continue
        on_path.add(at)
        parts = _split(spec, at, schema)
        stack.append((at, schema, parts))
        stack.extend(
            (part, value, None) for part, value in parts[0] + parts[1] if part not in sizes
        )

"""The ``$ref`` rules: every reference is local and resolves, and every recursion ends.

A schema may reach itself (a job's child jobs, a tree's nodes): that is how JSON Schema
says "recursive", and a finite value fits it as long as the recursion has a way out. A
cycle of references is refused only when no finite value can fit it: when every way
round it is forced, as in ``A: {$ref: A}``, ``A: {allOf: [{$ref: A}]}`` or a required,
non-nullable property whose schema leads back to its own object. A way out is anything
that lets a value stop: an optional property, an array (which may be empty), a map
(``additionalProperties``), a null or other type the schema also allows, or another
member of an ``anyOf``/``oneOf``. A cycle is refused too when it never reaches into the
value (every step a ``$ref``, ``allOf``, ``anyOf``, ``oneOf`` or ``not``, as in
``A: {anyOf: [{$ref: A}, {type: string}]}``): a validator would follow it forever.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from ._graph import strongly_connected
from ._load import LoadedSpec
from ._problems import Problem
from ._walk import (
    Ref,
    SpecIndex,
    child,
    follow,
    local_target,
    resolve_local,
    subschemas,
)

__all__ = ["check_refs", "has_broken_refs"]


def has_broken_refs(spec: LoadedSpec, index: SpecIndex) -> bool:
    """True if some ``$ref`` is not local, does not resolve, or is one of a chain of
    references that loops (``A: {$ref: A}``: nothing to resolve to)."""
    return any(
        resolve_local(spec, ref.ref) is None
        or follow(spec, ref.pointer, spec.resolve(ref.pointer)) is None
        for ref in index.refs
    )


def check_refs(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[ref] and [ref-remote] for each reference, then [ref-cycle] once per cycle that
    never ends."""
    for ref in index.refs:
        line, column = spec.locate(child(ref.pointer, "$ref"))
        if local_target(ref.ref) is None:
            yield Problem(
                spec.path,
                line,
                column,
                "ref-remote",
                f"$ref {ref.ref!r} is not a local '#/...' pointer: remote references are "
                "never fetched (no other file or URL is read); copy what it names into this spec",
            )
        elif resolve_local(spec, ref.ref) is None:
            yield Problem(
                spec.path,
                line,
                column,
                "ref",
                f"$ref {ref.ref!r} does not resolve: there is nothing at that pointer",
            )
    yield from _cycles(spec, index.refs)


def _cycles(spec: LoadedSpec, refs: list[Ref]) -> Iterator[Problem]:
    """One [ref-cycle] per strongly connected group of reference targets with no way out.

    Expanding the node a ``$ref`` names expands every ``$ref`` written inside it, so the
    target ``T`` has an edge to the target of each reference at or under ``T``.
    """
    targets = {ref.ref: hit[0] for ref in refs if (hit := resolve_local(spec, ref.ref)) is not None}
    ordered = sorted(refs, key=lambda ref: ref.pointer)
    pointers = [ref.pointer for ref in ordered]
    edges: dict[str, list[str]] = {}
    for target in sorted(set(targets.values())):
        inside = ordered[bisect_left(pointers, target) : bisect_left(pointers, target + "0")]
        # "0" sorts right after "/": the slice holds `target` itself and all under `target/`.
        edges[target] = sorted(
            {
                found
                for ref in inside
                if ref.pointer == target or ref.pointer.startswith(target + "/")
                if (found := targets.get(ref.ref)) is not None
            }
        )
    for group in strongly_connected(edges):
        members = sorted(group)
        if len(members) == 1 and members[0] not in edges[members[0]]:
            continue
        inside = [
            ref for ref in refs if targets.get(ref.ref) in group and _inside(ref.pointer, group)
        ]
        if not _finite(spec, group, targets):
            why = (
                "never ends: no finite value fits it; let it end at an optional or nullable "
                "property, an array, or another anyOf/oneOf member"
            )
        elif _in_place_cycle(group, inside, targets):
            why = (
                "applies to the same value again and again (through $ref, allOf, anyOf, oneOf "
                "or not alone): no validator can finish; recurse through a property or items"
            )
        else:
            continue
        closing = min(inside, key=lambda ref: spec.locate(child(ref.pointer, "$ref")))
        line, column = spec.locate(child(closing.pointer, "$ref"))
        names = ", ".join(f"#{member}" for member in members)
        yield Problem(spec.path, line, column, "ref-cycle", f"$ref cycle through {names} {why}")


#: Keywords whose subschemas apply to the value itself, each followed by how many
#: tokens name one subschema under it.
_IN_PLACE = {
    "allOf": 1,
    "anyOf": 1,
    "oneOf": 1,
    "dependentSchemas": 1,
    "not": 0,
    "if": 0,
    "then": 0,
    "else": 0,
}


def _in_place_cycle(group: set[str], inside: list[Ref], targets: dict[str, str]) -> bool:
    """Whether the group reaches itself through subschemas that all apply to one value.

    A validator follows such a cycle without reading any part of the value, so it never
    stops (``A: {anyOf: [{$ref: A}, {type: string}]}``), though a value fits it.
    """
    edges: dict[str, list[str]] = {member: [] for member in group}
    for ref in inside:
        for member in group:
            if _applies_in_place(member, ref.pointer):
                edges[member].append(targets[ref.ref])
    return any(
        len(found) > 1 or next(iter(found)) in edges[next(iter(found))]
        for found in strongly_connected(edges)
    )


def _applies_in_place(schema: str, pointer: str) -> bool:
    """Whether the subschema at ``pointer`` applies to the same value as ``schema``."""
    if pointer != schema and not pointer.startswith(schema + "/"):
        return False
    tokens = pointer[len(schema) :].split("/")[1:]
    while tokens:
        skip = _IN_PLACE.get(tokens[0])
        if skip is None or len(tokens) <= skip:
            return False
        tokens = tokens[1 + skip :]
    return True


def _finite(spec: LoadedSpec, group: set[str], targets: dict[str, str]) -> bool:
    """Whether every schema of a cycle group can hold a finite value.

    A reference that leaves the group counts as satisfiable: its own group, if any, is
    judged on its own. Each schema under the group's members needs all of a list of
    requirements (its ``$ref``, each ``allOf`` part, its ``anyOf``, its ``oneOf``, its
    type), each met by any one of a few schemas. Solved forward from the schemas that
    need nothing, counting unmet requirements: linear in the group's size.
    """
    needs: dict[str, list[list[str]]] = {}
    stack = [(member, spec.resolve(member)) for member in group]
    while stack:
        pointer, schema = stack.pop()
        if pointer in needs:
            continue
        needs[pointer] = _requirements(pointer, schema, group, targets)
        if isinstance(schema, dict):
            stack.extend(subschemas(pointer, schema))
            for kind in _CONTAINERS:
                needs[_as_kind(pointer, kind)] = _kind_requirements(pointer, schema, kind)
    unmet = {pointer: len(requirements) for pointer, requirements in needs.items()}
    waiting: dict[str, list[tuple[str, int]]] = {}
    for pointer, requirements in needs.items():
        for number, choices in enumerate(requirements):
            for choice in choices:
                waiting.setdefault(choice, []).append((pointer, number))
    met: set[tuple[str, int]] = set()
    ready = [pointer for pointer, count in unmet.items() if count == 0]
    while ready:
        for pointer, number in waiting.get(ready.pop(), ()):
            if (pointer, number) in met:
                continue
            met.add((pointer, number))
            unmet[pointer] -= 1
            if unmet[pointer] == 0:
                ready.append(pointer)
    return all(unmet[member] == 0 for member in group)


#: The JSON types whose values hold other values.
_CONTAINERS = ("object", "array")


def _as_kind(pointer: str, kind: str) -> str:
    """A name for "a value of this kind that the schema at ``pointer`` accepts".

    ``~`` followed by a letter never appears in a JSON pointer, so no schema has this name.
    """
    return f"{pointer}/~{kind}"


def _requirements(
    pointer: str, schema: Any, group: set[str], targets: dict[str, str]
) -> list[list[str]]:
    """What a schema needs to hold a finite value: each inner list, one of its schemas."""
    if not isinstance(schema, dict):
        return []  # true, false: not a recursion's doing
    found: list[list[str]] = []
    ref = schema.get("$ref")
    target = targets.get(ref) if isinstance(ref, str) else None
    if target in group:
        found.append([target])
    parts = schema.get("allOf")
    if isinstance(parts, list):
        found.extend([child(child(pointer, "allOf"), number)] for number in range(len(parts)))
    for keyword in ("anyOf", "oneOf"):
        members = schema.get(keyword)
        if isinstance(members, list) and members:
            found.append([child(child(pointer, keyword), number) for number in range(len(members))])
    kinds = _kinds(schema)
    if kinds and kinds <= set(_CONTAINERS):
        # Only containers, so only a container whose contents can end.
        found.append([_as_kind(pointer, kind) for kind in sorted(kinds)])
    return found


def _kinds(schema: dict[str, Any]) -> set[str]:
    """The JSON types a schema allows, as generate reads it (``properties`` means object)."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {kind for kind in declared if isinstance(kind, str)}
    if any(key in schema for key in ("properties", "required", "additionalProperties")):
        return {"object"}
    if any(key in schema for key in ("items", "prefixItems")):
        return {"array"}
    return {"any"}


def _kind_requirements(pointer: str, schema: dict[str, Any], kind: str) -> list[list[str]]:
    """What a value of one kind needs: an object its required properties, an array with
    ``minItems`` its first items."""
    if kind == "object":
        properties = schema.get("properties")
        required = schema.get("required")
        if not (isinstance(properties, dict) and isinstance(required, list)):
            return []
        at = child(pointer, "properties")
        names = {name for name in required if isinstance(name, str) and name in properties}
        return [[child(at, name)] for name in sorted(names)]
    minimum = schema.get("minItems")
    if not (isinstance(minimum, int) and minimum > 0):
        return []
    prefix = schema.get("prefixItems")
    if isinstance(prefix, list) and prefix:
        return [[child(child(pointer, "prefixItems"), n)] for n in range(min(minimum, len(prefix)))]
    return [[child(pointer, "items")]] if isinstance(schema.get("items"), dict) else []


def _inside(pointer: str, nodes: set[str]) -> bool:
    """True if ``pointer`` is one of ``nodes`` or lies under one."""
    while pointer:
        if pointer in nodes:
            return True
        pointer = pointer.rsplit("/", 1)[0]
    return False

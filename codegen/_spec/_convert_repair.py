"""Harmless faults of a published spec, repaired on load with the meaning its author meant.

Vendors publish documents that openapi-spec-validator refuses for faults with one obvious
reading. Each is repaired in the OpenAPI 3.1 document every later stage reads (lint's own
rules, generate, validate), and reported as an ``openapi`` warning at its line: a warning
fails ``specbind lint`` only under ``--strict``. openapi-spec-validator checks the written
document with the same repairs (``LoadedSpec.written``): any other fault of the document is
still an error.

- ``required`` listing a name twice (JSON Schema wants each once): read with each once;
- ``exclusiveMinimum``/``exclusiveMaximum: true`` in a 3.1 document (OpenAPI 3.0's
  boolean form): read with its 3.0 meaning, as the 3.0 converter reads it;
- ``$recursiveAnchor: true`` (JSON Schema 2019-09, which 2020-12 dropped) on a schema whose
  ``$recursiveRef: "#"`` are meant as references to that schema: each becomes a ``$ref`` to
  it, and the anchor goes;
- a ``default`` whose JSON type no branch of its schema allows (``null`` for an object,
  a list for a string): dropped, so the model has no default.

A repair only changes a node that has exactly that fault. openapi-spec-validator refuses
each of them but the last where it sees it; it does not check every default (not one
beside 3.0's ``nullable: true`` in a 3.1 document, say), and such a default is dropped all
the same: a default is an annotation, which the bindings only record in field metadata,
and none that its schema refuses is recorded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ._convert_swagger import copy_plain
from ._load import LoadedSpec
from ._walk import child, index_spec, resolve_local, subschemas

__all__ = ["DROP", "Repair", "find_repairs", "repaired_data"]

_BOUNDS = (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum"))
#: The JSON types a value of each Python type has.
_KINDS: dict[type, tuple[str, ...]] = {
    type(None): ("null",),
    bool: ("boolean",),
    int: ("integer", "number"),
    float: ("number",),
    str: ("string",),
    list: ("array",),
    dict: ("object",),
}
_SHOWN = 60


#: An edit's value that removes the key.
DROP = object()


@dataclass(frozen=True)
class Repair:
    """One repaired fault: the node it is at (a pointer of the 3.1 document), the warning,
    and the edits that repair it: (pointer, new value or :data:`DROP`)."""

    pointer: str
    message: str
    edits: tuple[tuple[str, Any], ...]


def find_repairs(spec: LoadedSpec) -> list[Repair]:
    """Every repair the 3.1 document of ``spec`` needs, in document order."""
    index = index_spec(spec)
    found: list[Repair] = []
    for pointer, schema in index.schemas:
        found.extend(_required(pointer, schema))
        if spec.source_version == "3.1":
            found.extend(_bounds(pointer, schema))
            found.extend(_recursive(pointer, schema))
        if "default" in schema:
            found.extend(_default(spec, pointer, schema))
    return sorted(found, key=lambda repair: spec.locate(repair.pointer))


def repaired_data(
    spec: LoadedSpec, repairs: list[Repair]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The 3.1 document with the repairs made, and the written one (None for a 3.1
    document, whose data is the document as written) with the same repairs at the
    pointers they were written at, for openapi-spec-validator to check.

    The 3.1 document is a copy for a 3.1 document, else the converted one, changed in
    place; the written one is a copy. The repairs a 3.0 or 2.0 document can need (a
    duplicate in ``required``, a default of the wrong type) mean the same in its version.
    """
    if spec.written is None:
        data = copy_plain(spec.data)
        _edit(data, (edit for repair in repairs for edit in repair.edits))
        return data, None
    written = copy_plain(spec.written)
    _edit(spec.data, (edit for repair in repairs for edit in repair.edits))
    source = spec.source_map
    _edit(
        written,
        (
            (source.to_source(pointer) if source is not None else pointer, value)
            for repair in repairs
            for pointer, value in repair.edits
        ),
    )
    return spec.data, written


def _edit(data: Any, edits: Iterable[tuple[str, Any]]) -> None:
    for pointer, value in edits:
        parent_pointer, _, key = pointer.rpartition("/")
        try:
            parent = _node(data, parent_pointer)
        except (KeyError, IndexError, ValueError, TypeError):
            continue  # not where the written document has it: left for the openapi rule
        key = key.replace("~1", "/").replace("~0", "~")
        if not isinstance(parent, dict):
            continue
        if value is DROP:
            parent.pop(key, None)
        else:
            parent[key] = value


def _node(data: Any, pointer: str) -> Any:
    node = data
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _required(pointer: str, schema: dict[str, Any]) -> Iterator[Repair]:
    names = schema.get("required")
    if not (isinstance(names, list) and all(isinstance(name, str) for name in names)):
        return
    once = list(dict.fromkeys(names))
    if len(once) == len(names):
        return
    twice = sorted({name for name in names if names.count(name) > 1})
    shown = ", ".join(repr(name) for name in twice)
    message = f"repaired on load: required lists {shown} more than once; read with each listed once"
    at = child(pointer, "required")
    yield Repair(at, message, ((at, once),))


def _bounds(pointer: str, schema: dict[str, Any]) -> Iterator[Repair]:
    """OpenAPI 3.0's boolean exclusive bounds, read as ``_convert_schema`` reads them."""
    for exclusive, bound in _BOUNDS:
        flag = schema.get(exclusive)
        if not isinstance(flag, bool):
            continue
        at = child(pointer, exclusive)
        head = (
            f"repaired on load: {exclusive}: {str(flag).lower()} is OpenAPI 3.0's "
            f"form (3.1 takes a number); read with its 3.0 meaning: "
        )
        number = schema.get(bound)
        if flag and isinstance(number, int | float) and not isinstance(number, bool):
            message = f"{exclusive}: {number}, the {bound} itself excluded"
            # The bound moves to the exclusive keyword, as 3.0's converter does.
            yield Repair(at, head + message, ((at, number), (child(pointer, bound), DROP)))
        elif flag and bound not in schema:
            yield Repair(at, head + f"nothing, as there is no {bound}", ((at, DROP),))
        elif not flag:
            yield Repair(at, head + f"{bound} is inclusive", ((at, DROP),))
        # Else a bound that is no number: no obvious reading, the openapi rule's to report.


def _recursive(pointer: str, schema: dict[str, Any]) -> Iterator[Repair]:
    """``$recursiveAnchor: true`` whose ``$recursiveRef: "#"`` refer to this schema."""
    if schema.get("$recursiveAnchor") is not True:
        return
    refs = list(_recursive_refs(pointer, schema))
    if any(ref is None for ref in refs):
        return  # a $recursiveRef to anything else: no obvious meaning, the openapi rule's
    target = "#" + quote(pointer, safe="/~!$&'()*+,;=:@")
    message = (
        "repaired on load: $recursiveAnchor: true is JSON Schema 2019-09, which "
        "OpenAPI 3.1's 2020-12 dropped; read as meant: "
        + (
            f"each $recursiveRef '#' in this schema ({len(refs)}) is a $ref to it"
            if refs
            else "it has no $recursiveRef '#' in it, and no effect"
        )
    )
    edits: list[tuple[str, Any]] = [(child(pointer, "$recursiveAnchor"), DROP)]
    for at in refs:
        assert at is not None
        edits += [(child(at, "$recursiveRef"), DROP), (child(at, "$ref"), target)]
    yield Repair(child(pointer, "$recursiveAnchor"), message, tuple(edits))


def _recursive_refs(pointer: str, schema: dict[str, Any]) -> Iterator[str | None]:
    """Where each ``$recursiveRef`` inside the schema is (None for one that is not "#"),
    not looking into a schema anchored itself."""
    stack = list(subschemas(pointer, schema))
    while stack:
        at, node = stack.pop()
        if not isinstance(node, dict) or node.get("$recursiveAnchor") is True:
            continue
        if "$recursiveRef" in node:
            yield at if node["$recursiveRef"] == "#" and "$ref" not in node else None
        stack.extend(subschemas(at, node))


def _default(spec: LoadedSpec, pointer: str, schema: dict[str, Any]) -> Iterator[Repair]:
    value = schema["default"]
    kinds = _KINDS.get(type(value))
    if kinds is None:
        return
    if isinstance(value, float) and value.is_integer():
        kinds = ("integer", "number")
    try:
        allowed = _allows(spec, schema, kinds, frozenset())
    except RecursionError:
        return  # nested too deep to judge: the openapi rule says what it finds
    if allowed:
        return
    written = json.dumps(value, ensure_ascii=False)
    shown = written if len(written) <= _SHOWN else written[: _SHOWN - 3] + "..."
    message = (
        f"repaired on load: default {shown}: its schema allows no {kinds[0]}; dropped, so "
        "the model has no default"
    )
    if schema.get("nullable") is True and spec.source_version == "3.1":
        message += " (nullable: true is OpenAPI 3.0's; in 3.1 the type lists 'null')"
    at = child(pointer, "default")
    yield Repair(at, message, ((at, DROP),))


def _allows(spec: LoadedSpec, schema: Any, kinds: tuple[str, ...], seen: frozenset[str]) -> bool:
    """Whether a value of one of the JSON ``kinds`` may satisfy ``schema``, judging by the
    types it (and the ``$ref``, ``allOf``, ``anyOf`` and ``oneOf`` in it) state. True when
    in doubt."""
    if schema is False:
        return False
    if not isinstance(schema, dict):
        return True
    declared = schema.get("type")
    if isinstance(declared, str):
        declared = [declared]
    if (
        isinstance(declared, list)
        and all(isinstance(kind, str) for kind in declared)
        and not set(declared) & set(kinds)
    ):
        return False
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref not in seen:
        found = resolve_local(spec, ref)
        if found is not None and not _allows(spec, found[1], kinds, seen | {ref}):
            return False
    every = schema.get("allOf")
    if isinstance(every, list) and not all(_allows(spec, s, kinds, seen) for s in every):
        return False
    for key in ("anyOf", "oneOf"):
        some = schema.get(key)
        if isinstance(some, list) and some and not any(_allows(spec, s, kinds, seen) for s in some):
            return False
    return True

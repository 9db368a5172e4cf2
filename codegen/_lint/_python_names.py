"""Lint rule ``python-name``: spec names the generated client could not honour.

Most names are renamed safely (see :mod:`codegen._generate._names`). These are refused:

- two operationIds that give one method name (``getJob``, ``get_job``, ``get-job``;
  or ``getJobWithResponse`` beside the ``get_job_with_response`` twin of ``getJob``):
  renaming either would surprise its callers;
- a header or cookie parameter whose name is not an RFC 9110 token: every call
  would fail before sending;
- two header parameters of one operation whose names differ only in case: HTTP
  header names are case-insensitive, so only one would arrive;
- a waiter whose ``wait_for_X`` or ``iter_X`` method is a method an operation
  already defines (``waitForThing`` beside a waiter ``thing``): one would hide the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .._generate._names import (
    HTTP_METHODS,
    method_name,
    method_name_clashes,
    operation_method_names,
    waiter_clashes,
)
from .._spec._extensions import WAITERS_KEY
from .._spec._load import LoadedSpec
from .._spec._problems import Problem
from .._spec._walk import Labelled, SpecIndex, child, follow

__all__ = ["check_python_names"]

_RULE = "python-name"
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def check_python_names(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[python-name]."""
    operations = sorted(index.operations, key=lambda found: spec.locate(found.pointer))
    yield from _method_clashes(spec, operations)
    yield from _waiter_clashes(spec, index.operations)
    for operation in operations:
        yield from _parameter_names(spec, operation)


def _problem(spec: LoadedSpec, pointer: str, message: str) -> Problem:
    line, column = spec.locate(pointer)
    return Problem(spec.path, line, column, _RULE, message)


def _method_clashes(spec: LoadedSpec, operations: list[Labelled]) -> Iterator[Problem]:
    # An operationId used twice is operation-id-unique's to report; each counts once here.
    first: dict[str, Labelled] = {}
    for operation in operations:
        operation_id = operation.node.get("operationId")
        if isinstance(operation_id, str) and operation_id.strip():
            first.setdefault(operation_id, operation)
    ids = list(first)
    for later, earlier, name in method_name_clashes(ids):
        at, before = first[ids[later]], first[ids[earlier]]
        line, _ = spec.locate(before.pointer)
        yield _problem(
            spec,
            child(at.pointer, "operationId"),
            f"operationId {ids[later]!r} of {at.label} gives the client method "
            f"{method_name(ids[later])}, but {ids[earlier]!r} of {before.label} (line {line}) "
            f"already defines {name}; rename one of them",
        )


def _waiter_clashes(spec: LoadedSpec, operations: list[Labelled]) -> Iterator[Problem]:
    # The order the compile stage names operations in: by path, then method.
    found = sorted(
        (
            (
                operation.label.partition(" ")[2],
                operation.label.partition(" ")[0].lower(),
                operation,
            )
            for operation in operations
        ),
        key=lambda entry: (entry[0], HTTP_METHODS.index(entry[1])),
    )
    names = operation_method_names(
        [(_operation_id(operation.node), method, path) for path, method, operation in found]
    )
    waiters: list[tuple[str, str, Labelled]] = []
    for _, _, operation in found:
        declared = operation.node.get(WAITERS_KEY)
        for waiter in declared if isinstance(declared, dict) else {}:
            waiters.append(
                (str(waiter), child(child(operation.pointer, WAITERS_KEY), waiter), operation)
            )
    for index, method in waiter_clashes(names, [waiter for waiter, _, _ in waiters]):
        waiter, pointer, operation = waiters[index]
        yield _problem(
            spec,
            pointer,
            f"waiter {waiter!r} of {operation.label} gives the client method {method}, "
            "which an operation's method already defines; rename the waiter or the operation",
        )


def _operation_id(operation: dict[str, Any]) -> str | None:
    operation_id = operation.get("operationId")
    return operation_id if isinstance(operation_id, str) and operation_id.strip() else None


def _parameter_names(spec: LoadedSpec, operation: Labelled) -> Iterator[Problem]:
    item_pointer = operation.pointer.rsplit("/", 1)[0]
    declared: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for holder_pointer in (item_pointer, operation.pointer):
        holder = spec.resolve(holder_pointer)
        listed = holder.get("parameters") if isinstance(holder, dict) else None
        for number, parameter in enumerate(listed if isinstance(listed, list) else []):
            found = follow(spec, child(child(holder_pointer, "parameters"), number), parameter)
            if found is None or not isinstance(found[1], dict):
                continue
            location, name = found[1].get("in"), found[1].get("name")
            if isinstance(location, str) and isinstance(name, str):
                declared[(location, name)] = found
    headers: dict[str, str] = {}
    for (location, name), (pointer, _) in sorted(declared.items()):
        if location not in ("header", "cookie"):
            continue
        at = child(pointer, "name")
        if not _TOKEN.fullmatch(name):
            yield _problem(
                spec,
                at,
                f"{location} parameter {name!r} of {operation.label} is not a valid "
                f"{location} name (letters, digits and !#$%&'*+-.^_`|~ only)",
            )
        elif location == "header" and name.lower() in headers:
            yield _problem(
                spec,
                at,
                f"header parameters {headers[name.lower()]!r} and {name!r} of {operation.label} "
                "differ only in case; HTTP would send one header",
            )
        elif location == "header":
            headers[name.lower()] = name

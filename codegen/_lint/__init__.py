"""Lint stage: find every problem in a loaded spec, each at the line it is about.

Two profiles, one run. **Correctness** rules are errors: what they find would make the
generated code wrong or ambiguous, or a document specbind cannot read at all; they stop
``specbind generate``. **Authoring** rules are the conventions of a hand-written spec;
what they find is a warning (``file:line:col: rule: warning: message``) that fails
``specbind lint`` only under ``--strict`` (or ``[tool.specbind] strict = true``), so a
vendor's document as published still generates.

Correctness (errors), ids as printed:

- ``openapi``: the document is OpenAPI 3.1.x, 3.0.0 to 3.0.4 or Swagger 2.0, and
  openapi-spec-validator accepts it as written;
- ``operation-id-unique``: no operationId is used twice;
- ``ref``: every ``$ref`` resolves; ``ref-remote``: every ``$ref`` is a local ``#/...``
  pointer (remote references are never fetched);
- ``ref-cycle``: every recursion can end: a ``$ref`` cycle with no way out (``A: {$ref:
  A}``, a required non-nullable property leading back to its object) holds no finite value
  (see ``_spec._refs``), and one that never reaches into the value (``A: {anyOf: [{$ref: A},
  {type: string}]}``) has no validator that finishes; recursion through an optional
  property, an array or a map is fine;
- ``ref-expansion``: no schema grows past a bound when its ``$ref``s are written out
  (checking against it would take exponential time);
- ``path-parameter``: path templates and ``in: path`` parameters agree;
- ``enum-open-closed`` (an ``x-specbind-enum`` that is neither ``open`` nor ``closed``);
- ``waiter``, ``waiter-poll``, ``waiter-path``, ``waiter-value``: every ``x-specbind-waiters``
  declaration can run as written (see ``_waiters``);
- ``pattern-unsupported``: every ``pattern`` and ``patternProperties`` key is one the
  linear-time ECMA-262 engine runs (no backreference or lookaround, not too large);
- ``compilable``: every schema compiles to a class or type alias (see ``_compilable``);
- ``python-name``: no two operations give one client method, and header and cookie
  parameter names can be sent (see ``_python_names``).

Authoring (warnings):

- ``enum-open-closed``: an enum says ``x-specbind-enum: open`` or ``closed`` (without it,
  an enum is open: a value the spec does not list is kept, and validate flags it);
- ``operation-id``: every operation has an operationId (without one, its method is named
  from its method and path);
- ``response-schema``: every response documents a schema, or says why it has none;
- ``example``: every example and schema default validates against its schema;
- ``response-additional-properties``: response schemas do not forbid fields a server adds
  (the bindings keep unknown fields whatever the schema says);
- ``info-contact``, ``operation-tags``: what Spectral's ``oas`` ruleset checks, see
  ``_style``.

Warnings from the loader: ``yaml-timestamp`` (an unquoted date kept as text) and
``convert`` (a Swagger 2.0 feature OpenAPI 3 has no place for).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from .._spec._expansion import oversized_schemas
from .._spec._extensions import ENUM_KEY
from .._spec._load import LoadedSpec
from .._spec._patterns import PatternError, search
from .._spec._problems import Problem
from .._spec._refs import check_refs
from .._spec._walk import (
    METHODS,
    Labelled,
    SpecIndex,
    child,
    follow,
    index_spec,
    resolve_local,
    subschemas,
)
from ._compilable import check_compilable
from ._examples import check_examples
from ._python_names import check_python_names
from ._style import check_info_contact, check_operation_tags
from ._version import check_version
from ._waiters import check_waiters

__all__ = ["lint_spec"]

_ENUM_MODES = ("open", "closed")
_WHY_NO_SCHEMA = "x-specbind-why-no-schema"
#: The severity of what the authoring rules find.
_AUTHORING = "warning"
_MESSAGE_LIMIT = 300
_TEMPLATE_NAME = re.compile(r"\{([^{}]+)\}")


def lint_spec(spec: LoadedSpec) -> list[Problem]:
    """Every problem in ``spec``, warnings included, sorted by position; empty when clean."""
    loaded = [_one_line(found) for found in spec.load_warnings]
    wrong_version = check_version(spec)
    if wrong_version is not None:
        # The other rules would only restate, at length, that this is not a version read.
        return sorted([_one_line(wrong_version), *loaded])
    index = index_spec(spec)
    oversized = oversized_schemas(spec, index.schemas)
    problems = {
        _problem(spec, found.pointer, "ref-expansion", found.message) for found in oversized
    }
    problems.update(loaded)
    for rule, check in _BOUNDED_RULES if oversized else _RULES:
        try:
            problems.update(_one_line(found) for found in check(spec, index))
        except RecursionError:
            problems.add(Problem(spec.path, 1, 1, rule, "the spec nests too deeply to check"))
    if any(found.rule.startswith("ref") and found.is_error for found in problems):
        # Compile is never reached past a broken or endless $ref, and the ref rules say why:
        # one finding per fault.
        problems = {found for found in problems if found.rule != "compilable"}
    return sorted(problems)


def _check_openapi(spec: LoadedSpec, index: SpecIndex) -> Iterable[Problem]:
    """[openapi]. Imported when first run: openapi-spec-validator takes most of a second
    to import, which validate and the mock (they use lint's ref rules) never need."""
    from ._openapi import check_openapi

    return check_openapi(spec, index)


def _check_openapi_shape(spec: LoadedSpec, index: SpecIndex) -> Iterable[Problem]:
    """[openapi], its shape checks alone (for an oversized spec); imported when first run."""
    from ._openapi import check_openapi_shape

    return check_openapi_shape(spec, index)


def _one_line(problem: Problem) -> Problem:
    """The problem with its message as one short printable line.

    Messages quote the spec's own names and values, which may hold newlines or terminal
    escapes, and validator messages may quote a whole object.
    """
    flat = " ".join(problem.message.split())
    shown = "".join(char if char.isprintable() else repr(char)[1:-1] for char in flat)
    if len(shown) > _MESSAGE_LIMIT:
        shown = shown[: _MESSAGE_LIMIT - 3] + "..."
    return replace(problem, message=shown)


def _problem(
    spec: LoadedSpec, pointer: str, rule: str, message: str, severity: str = "error"
) -> Problem:
    line, column = spec.locate(pointer)
    return Problem(spec.path, line, column, rule, message, severity)


def _check_operation_ids(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[operation-id] (authoring) and [operation-id-unique]."""
    first: dict[str, Labelled] = {}
    for operation in sorted(index.operations, key=lambda found: spec.locate(found.pointer)):
        operation_id = operation.node.get("operationId")
        if operation_id is None or (isinstance(operation_id, str) and not operation_id.strip()):
            message = (
                f"{operation.label} has no operationId: its method is named from its method "
                "and path"
            )
            yield _problem(spec, operation.pointer, "operation-id", message, _AUTHORING)
        elif isinstance(operation_id, str) and operation_id in first:
            earlier = first[operation_id]
            line, _ = spec.locate(earlier.pointer)
            yield _problem(
                spec,
                child(operation.pointer, "operationId"),
                "operation-id-unique",
                f"operationId {operation_id!r} of {operation.label} is already used by "
                f"{earlier.label} (line {line})",
            )
        elif isinstance(operation_id, str):
            first[operation_id] = operation


def _check_response_schemas(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[response-schema] (authoring)."""
    for response in index.responses:
        content = response.node.get("content")
        if isinstance(content, dict) and content:
            for media_type, media in content.items():
                if isinstance(media, dict) and "schema" not in media:
                    yield _problem(
                        spec,
                        child(child(response.pointer, "content"), media_type),
                        "response-schema",
                        f"response {response.label}: {media_type} has no schema",
                        _AUTHORING,
                    )
        elif content in (None, {}) and _WHY_NO_SCHEMA not in response.node:
            yield _problem(
                spec,
                response.pointer,
                "response-schema",
                f"response {response.label} has no content schema: document one, or say why "
                f"with {_WHY_NO_SCHEMA}: <reason>",
                _AUTHORING,
            )
        why = response.node.get(_WHY_NO_SCHEMA, "why")
        if not (isinstance(why, str) and why.strip()):
            yield _problem(
                spec,
                child(response.pointer, _WHY_NO_SCHEMA),
                "response-schema",
                f"{_WHY_NO_SCHEMA} must say why, as a non-empty string",
                _AUTHORING,
            )


def _check_path_parameters(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[path-parameter]: each ``{name}`` declared ``in: path`` with required, and no extras."""
    paths = spec.data.get("paths")
    if not isinstance(paths, dict):
        return
    for template, item in paths.items():
        found = follow(spec, child("/paths", template), item)
        if template.startswith("x-") or found is None or not isinstance(found[1], dict):
            continue
        pointer, node = found
        names = set(_TEMPLATE_NAME.findall(template))
        shared = _path_parameters(spec, pointer, node)
        yield from _check_declared(spec, template, names, shared)
        for method in METHODS:
            operation = node.get(method)
            if not isinstance(operation, dict):
                continue
            at = child(pointer, method)
            own = _path_parameters(spec, at, operation)
            yield from _check_declared(spec, template, names, own)
            for name in sorted(names - shared.keys() - own.keys()):
                yield _problem(
                    spec,
                    at,
                    "path-parameter",
                    f"{method.upper()} {template}: {{{name}}} is not declared as a parameter "
                    "with in: path and required: true",
                )


def _path_parameters(
    spec: LoadedSpec, pointer: str, node: dict[str, Any]
) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """The ``in: path`` parameters of a path item or operation, by name.

    Each maps to (where it is listed, where it is written, the parameter): a ``$ref``'d
    parameter is listed in one place and written in another.
    """
    listed = node.get("parameters")
    if not isinstance(listed, list):
        return {}
    result: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for number, parameter in enumerate(listed):
        at = child(child(pointer, "parameters"), number)
        found = follow(spec, at, parameter)
        if found is None or not isinstance(found[1], dict) or found[1].get("in") != "path":
            continue
        name = found[1].get("name")
        if isinstance(name, str):
            result[name] = (at, found[0], found[1])
    return result


def _check_declared(
    spec: LoadedSpec,
    template: str,
    names: set[str],
    declared: dict[str, tuple[str, str, dict[str, Any]]],
) -> Iterator[Problem]:
    for name, (listed, written, parameter) in sorted(declared.items()):
        if name not in names:
            yield _problem(
                spec,
                listed,
                "path-parameter",
                f"path parameter {name!r} is not in the path template {template!r}",
            )
        if parameter.get("required") is not True:
            at = child(written, "required") if "required" in parameter else written
            message = f"path parameter {name!r} must have required: true"
            yield _problem(spec, at, "path-parameter", message)


def _check_enums(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[enum-open-closed]: a wrong annotation is an error, a missing one (open) a warning."""
    for pointer, schema in index.schemas:
        if ENUM_KEY in schema and schema[ENUM_KEY] not in _ENUM_MODES:
            yield _problem(
                spec,
                child(pointer, ENUM_KEY),
                "enum-open-closed",
                f"{ENUM_KEY} is {schema[ENUM_KEY]!r}; it must be 'open' or 'closed'",
            )
        elif "enum" in schema and ENUM_KEY not in schema:
            yield _problem(
                spec,
                child(pointer, "enum"),
                "enum-open-closed",
                f"enum without {ENUM_KEY} is open (values the spec does not list are kept and "
                "flagged): say open, or closed (they are errors)",
                _AUTHORING,
            )


def _check_closed_responses(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[response-additional-properties] (authoring): named after the first response that
    reaches it."""
    reached: dict[str, str] = {}
    # One walk for all responses: a schema an earlier response reached, and all it reaches,
    # is already named after that response.
    walked: set[str] = set()
    for response in sorted(index.responses, key=lambda found: spec.locate(found.pointer)):
        for pointer in _closed_schemas(spec, _response_schemas(spec, response), walked):
            reached.setdefault(pointer, response.label)
    for pointer, label in reached.items():
        keyword = pointer.rsplit("/", 1)[1]
        yield _problem(
            spec,
            pointer,
            "response-additional-properties",
            f"{keyword}: false in a schema of response {label}: a server may add fields, "
            "and specbind keeps them",
            _AUTHORING,
        )


def _response_schemas(spec: LoadedSpec, response: Labelled) -> Iterator[tuple[str, Any]]:
    """The schemas a response object holds: its content's and its headers'."""
    holders: list[tuple[str, Any]] = []
    headers = response.node.get("headers")
    if isinstance(headers, dict):
        for name, header in headers.items():
            found = follow(spec, child(child(response.pointer, "headers"), name), header)
            if found is not None:
                holders.append(found)
    holders.append((response.pointer, response.node))
    for pointer, holder in holders:
        if not isinstance(holder, dict):
            continue
        if "schema" in holder:
            yield child(pointer, "schema"), holder["schema"]
        content = holder.get("content")
        if isinstance(content, dict):
            for media_type, media in content.items():
                if isinstance(media, dict) and "schema" in media:
                    at = child(child(child(pointer, "content"), media_type), "schema")
                    yield at, media["schema"]


def _closed_schemas(
    spec: LoadedSpec, roots: Iterable[tuple[str, Any]], seen: set[str]
) -> Iterator[str]:
    """Pointers to each ``additionalProperties: false`` (or unevaluated) the roots reach,
    walking no schema in ``seen`` (which grows by those walked)."""
    stack = list(roots)
    while stack:
        pointer, schema = stack.pop()
        if pointer in seen or not isinstance(schema, dict):
            continue
        seen.add(pointer)
        for keyword in ("additionalProperties", "unevaluatedProperties"):
            if schema.get(keyword) is False:
                yield child(pointer, keyword)
        ref = schema.get("$ref")
        target = resolve_local(spec, ref) if isinstance(ref, str) else None
        if target is not None:
            stack.append(target)
        stack.extend(subschemas(pointer, schema))


def _check_patterns(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[pattern-unsupported]: each pattern compiles in the engine every layer matches with."""
    for pointer, schema in index.schemas:
        found: list[tuple[str, object]] = [(child(pointer, "pattern"), schema.get("pattern"))]
        keyed = schema.get("patternProperties")
        if isinstance(keyed, dict):
            at = child(pointer, "patternProperties")
            found.extend((child(at, key), key) for key in keyed)
        for at, pattern in found:
            if not isinstance(pattern, str):
                continue  # absent, or the openapi rule's to report
            try:
                search(pattern, "")
            except PatternError as exc:
                message = f"pattern '{pattern}' cannot be matched as ECMA-262 in linear time: "
                yield _problem(spec, at, "pattern-unsupported", message + exc.reason)


_RULES: list[tuple[str, Callable[[LoadedSpec, SpecIndex], Iterable[Problem]]]] = [
    ("openapi", _check_openapi),
    ("operation-id", _check_operation_ids),
    ("response-schema", _check_response_schemas),
    ("example", check_examples),
    ("ref", check_refs),
    ("path-parameter", _check_path_parameters),
    ("enum-open-closed", _check_enums),
    ("response-additional-properties", _check_closed_responses),
    ("waiter", check_waiters),
    ("info-contact", check_info_contact),
    ("operation-tags", check_operation_tags),
    ("pattern-unsupported", _check_patterns),
    ("python-name", check_python_names),
    ("compilable", check_compilable),
]

# The rules that never follow every path through the $refs: all but openapi-spec-validator's
# semantic checks and the example checks, which are exponential in an oversized schema.
_BOUNDED_RULES = [
    (rule, _check_openapi_shape if rule == "openapi" else check)
    for rule, check in _RULES
    if rule != "example"
]

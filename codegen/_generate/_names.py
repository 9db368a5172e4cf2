"""Every Python name specbind derives from a spec, and the names each one must avoid.

One rule set for method, argument, attribute and class names:

- a spec name becomes snake_case (``exitCode`` -> ``exit_code``) or CamelCase for
  classes, as Python normalises identifiers (NFKC); a class name already taken gets
  a number (``Any`` -> ``Any2``), any other name a ``_`` suffix:
- so does a name the generated module itself uses where the new name would live (a
  keyword, a builtin or import the code refers to, the client's own arguments):
  ``self`` -> ``self_``, ``timeout`` -> ``timeout_``;
- one name in two parameter locations is qualified by location: ``path_id``,
  ``query_id``;
- names still equal after that get ``_`` suffixes in a fixed order, the name whose
  wire name already is its snake_case keeping it (``user_id`` stays, ``userId``
  becomes ``user_id_``).

Generated code keeps the wire name next to each Python name, so requests and JSON
are unchanged. Two operationIds that give one method name cannot be renamed without
surprising their callers; :func:`method_name_clashes` finds them for lint to refuse.

An operation without an operationId gets its method from its HTTP method and path
(:func:`derived_method_name`: ``GET /jobs/{id}/logs`` -> ``get_jobs_by_id_logs``);
such names give way to every operationId's, and to each other in path order, with
``_`` suffixes (:func:`operation_method_names`). A method ``m`` also defines
``m_with_response`` and ``m_stream``, and a waiter ``w`` defines ``wait_for_w`` and
``iter_w``: :func:`waiter_clashes` finds the waiter methods that another method takes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

__all__ = [
    "CLIENT_NAMES",
    "HTTP_METHODS",
    "LOCATIONS",
    "MODEL_ATTRIBUTE_NAMES",
    "MODEL_MODULE_NAMES",
    "class_name",
    "class_names",
    "derived_method_name",
    "method_name",
    "method_name_clashes",
    "method_names_of",
    "model_attribute_names",
    "operation_method_names",
    "parameter_names",
    "snake_case",
    "waiter_clashes",
    "waiter_method_names",
]

#: HTTP methods in the order the operations of one path are named in.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: Parameter locations, in the order a client method lists them.
LOCATIONS = ("path", "query", "header", "cookie")

# Python's hard keywords, written out: the output must not depend on the Python that
# generates it. Soft keywords (`match`, `case`, `type`, `_`) stay usable as names, and
# `keyword.softkwlist` grows between versions (`type` in 3.12).
_KEYWORDS = frozenset(
    {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
        "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
        "raise", "return", "try", "while", "with", "yield",
    }
)  # fmt: skip
# The types annotations in generated code name; a name in a scope that also holds
# an annotation must not shadow them (mypy reads annotations in that scope).
_ANNOTATION_NAMES = frozenset({"None", "bool", "bytes", "dict", "float", "int", "list", "str"})

#: Names a client method must not take, for itself or as an argument: the client's
#: own arguments and attributes, and every module-level or builtin name that
#: client.py refers to. Its locals start with ``_``, which no derived name does.
CLIENT_NAMES = _KEYWORDS | _ANNOTATION_NAMES | frozenset(
    {
        "self", "timeout", "retries", "close", "base_url", "type", "object",
        "Any", "Mapping", "UUID", "urllib3", "models", "errors", "converter",
        "DEFAULT_BASE_URL", "DEFAULT_MAX_BODY_BYTES", "USER_AGENT", "Client",
        "ApiResponse", "Transport", "check_parameter", "cookie_header", "header_value",
        "path_segment", "query_value", "structure_response", "DEFAULT_DEADLINE", "deadline",
        "poll", "on_update", "clock", "sleep", "logging", "time", "Callable", "Iterator",
        "PollPolicy", "WaiterSpec", "WaitUpdate", "last", "poll_until",
        "body", "IO", "Credential", "File", "FormValue", "MultipartValue", "ByteStream",
        "basic_credential", "binary_body", "form_body", "json_body", "multipart_body",
        "text_body", "query_parameter", "path_parameter", "header_parameter", "cookie_pairs",
        "read_response", "stream_response", "json_answer", "NO_CONTENT", "TEXT", "BYTES",
        "tuple", "header_float", "header_int", "header_text", "property",
    }
)  # fmt: skip

#: Names a models module defines or imports, which no schema's class may take.
MODEL_MODULE_NAMES = _KEYWORDS | frozenset(
    {
        "annotations", "Any", "Literal", "UUID", "Decimal", "datetime", "date", "time",
        "timedelta", "TypeAlias", "IPv4Address", "IPv6Address", "OpenStrEnum", "SpecStrEnum",
        "OpenIntEnum", "SpecIntEnum", "OpenEnum", "SpecEnum", "Unset",
    }
)  # fmt: skip

#: Names a model's attribute must not take: the class body's annotations resolve in
#: the class namespace, attrs' ``__init__`` takes ``self``, unknown keys live in
#: ``additional_properties``, and cattrs' ``make_dict_(un)structure_fn(cl, converter,
#: **per_attribute)`` takes ``cl`` and ``converter`` itself.
MODEL_ATTRIBUTE_NAMES = (
    MODEL_MODULE_NAMES
    | _ANNOTATION_NAMES
    | frozenset({"self", "additional_properties", "cl", "converter"})
)

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"\W+")
_NOT_ASCII_WORD = re.compile(r"\W+", re.ASCII)
_CLASS_WORDS = re.compile(r"[^0-9A-Za-z]+")


def snake_case(name: str) -> str:
    """``exitCode`` -> ``exit_code``: a lower-case identifier, never starting with ``_``.

    Letters outside ASCII are kept where Python accepts them; a keyword gets a ``_``
    suffix and a leading digit a ``field_`` prefix.
    """
    spaced = _BOUNDARY.sub("_", unicodedata.normalize("NFKC", name))
    result = _NOT_WORD.sub("_", spaced).strip("_").lower()
    if result and not unicodedata.normalize("NFKC", result).isidentifier():
        result = _NOT_ASCII_WORD.sub("_", result).strip("_")
    result = unicodedata.normalize("NFKC", result or "value")
    if result[0].isdigit():
        result = f"field_{result}"
    return _avoiding(result, _KEYWORDS)


def class_name(text: str) -> str:
    """``job-state`` -> ``JobState``: a CamelCase identifier (which may still be taken)."""
    words = _CLASS_WORDS.split(text)
    name = "".join(word[:1].upper() + word[1:] for word in words if word)
    if not name or name[0].isdigit():
        name = f"Schema{name}"
    return name


def class_names(components: Sequence[str]) -> list[str]:
    """The class of each component schema, in order: distinct, and none the module uses.

    A taken name gets a number (``Any2``, ``Job2``): datamodel-code-generator drops
    a trailing ``_`` from class names.
    """
    taken = set(MODEL_MODULE_NAMES)
    names = []
    for component in components:
        base = class_name(component)
        name, counter = base, 1
        while name in taken:
            counter += 1
            name = f"{base}{counter}"
        taken.add(name)
        names.append(name)
    return names


def method_name(operation_id: str) -> str:
    """The client method of an operation; its twin adds ``_with_response``."""
    return _avoiding(snake_case(operation_id), CLIENT_NAMES)


def method_names_of(name: str) -> tuple[str, ...]:
    """Every client method an operation whose method is ``name`` may define."""
    return (name, f"{name}_with_response", f"{name}_stream")


def waiter_method_names(waiter: str) -> tuple[str, str]:
    """The two client methods of a waiter."""
    return f"wait_for_{waiter}", f"iter_{waiter}"


_PATH_PARAMETER = re.compile(r"\{(.+)\}")


def derived_method_name(http_method: str, path: str) -> str:
    """The method of an operation without an operationId.

    ``GET /jobs/{id}`` -> ``get_jobs_by_id``.
    """
    words = [http_method.lower()]
    for segment in path.split("/"):
        parameter = _PATH_PARAMETER.fullmatch(segment)
        if parameter:
            words.append("by_" + snake_case(parameter.group(1)))
        elif segment:
            words.append(snake_case(segment))
    return _avoiding(snake_case("_".join(words)), CLIENT_NAMES)


def operation_method_names(operations: Sequence[tuple[str | None, str, str]]) -> list[str]:
    """The method of each ``(operationId or None, HTTP method, path)``, in order.

    OperationIds give their own names (clashes among them are lint's to refuse);
    derived names then take what is left, in the order given (by path, then in
    :data:`HTTP_METHODS` order, where the compile stage and lint call this), with
    ``_`` suffixes.
    """
    names = [method_name(op_id) if op_id else "" for op_id, _, _ in operations]
    taken = {method for name in names if name for method in method_names_of(name)}
    for index, (op_id, http_method, path) in enumerate(operations):
        if op_id:
            continue
        name = derived_method_name(http_method, path)
        while taken.intersection(method_names_of(name)):
            name += "_"
        taken.update(method_names_of(name))
        names[index] = name
    return names


def waiter_clashes(method_names: Sequence[str], waiters: Sequence[str]) -> list[tuple[int, str]]:
    """(waiter index, method) for each waiter method that an operation's method also defines."""
    defined = {method for name in method_names for method in method_names_of(name)}
    return [
        (index, method)
        for index, waiter in enumerate(waiters)
        for method in waiter_method_names(waiter)
        if method in defined
    ]


def method_name_clashes(operation_ids: Sequence[str]) -> list[tuple[int, int, str]]:
    """(later index, earlier index, name) for each operationId whose method name is taken.

    A method ``m`` also defines ``m_with_response``, so ``getJobWithResponse`` clashes
    with ``getJob``.
    """
    claimed: dict[str, int] = {}
    clashes: list[tuple[int, int, str]] = []
    for index, operation_id in enumerate(operation_ids):
        name = method_name(operation_id)
        taken = [n for n in (name, f"{name}_with_response") if n in claimed]
        if taken:
            clashes.append((index, claimed[taken[0]], taken[0]))
            continue
        claimed[name] = claimed[f"{name}_with_response"] = index
    return clashes


def parameter_names(parameters: Sequence[tuple[str, str]]) -> list[str]:
    """The argument name of each ``(location, wire name)`` of one operation, in order.

    Distinct, none in :data:`CLIENT_NAMES`, and none starting with ``_`` (the
    method's locals do).
    """
    bases = [snake_case(wire) for _, wire in parameters]
    locations: dict[str, set[str]] = {}
    for (location, _), base in zip(parameters, bases, strict=True):
        locations.setdefault(base, set()).add(location)
    wanted = [
        f"{location}_{base}" if len(locations[base]) > 1 else base
        for (location, _), base in zip(parameters, bases, strict=True)
    ]
    return _distinct(
        wanted,
        CLIENT_NAMES,
        exact=[wire == base for (_, wire), base in zip(parameters, bases, strict=True)],
    )


def model_attribute_names(wire_names: Sequence[str]) -> list[str]:
    """The attribute name of each property of one model, in order: distinct and safe."""
    bases = [snake_case(wire) for wire in wire_names]
    return _distinct(
        bases,
        MODEL_ATTRIBUTE_NAMES,
        exact=[wire == base for wire, base in zip(wire_names, bases, strict=True)],
    )


def _avoiding(name: str, reserved: Iterable[str]) -> str:
    while name in reserved:
        name += "_"
    return name


def _distinct(
    wanted: Sequence[str], reserved: frozenset[str], *, exact: Sequence[bool]
) -> list[str]:
    """``wanted`` made distinct and outside ``reserved`` by ``_`` suffixes.

    Names wanted once claim theirs first, so a suffixed name never takes one; then
    exact ones (a wire name that is its own snake_case), then the rest, in order.
    """
    counts = Counter(wanted)
    order = sorted(range(len(wanted)), key=lambda i: (counts[wanted[i]] > 1, not exact[i], i))
    taken: set[str] = set(reserved)
    names = [""] * len(wanted)
    for index in order:
        name = _avoiding(wanted[index], taken)
        taken.add(name)
        names[index] = name
    return names

"""The compile stage's view of a spec: models, enums, unions and operations.

Built once from a loaded, linted spec; the templates render only what is here.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Any
from uuid import UUID

from .._spec._extensions import WAITERS_KEY
from .._spec._files import shown_path
from .._spec._load import LoadedSpec, escape_pointer_token
from ..runtime._regex import PatternError, compile_pattern
from ._names import (
    CLIENT_NAMES,
    HTTP_METHODS,
    LOCATIONS,
    class_name,
    class_names,
    model_attribute_names,
    operation_method_names,
    parameter_names,
    snake_case,
)

__all__ = [
    "Api",
    "CheckCall",
    "CompileError",
    "EnumInfo",
    "ErrorClass",
    "FieldInfo",
    "ModelInfo",
    "Operation",
    "Parameter",
    "PathPart",
    "RequestBody",
    "Response",
    "ResponseHeader",
    "SecurityScheme",
    "UnionInfo",
    "WaiterInfo",
    "build_api",
]

_SCHEMAS = "#/components/schemas/"
_PACKAGE_NAME = re.compile(r"[a-z][a-z0-9_]*")
_JSON_MEDIA = re.compile(r"application/(?:[\w.+-]+\+)?json", re.IGNORECASE)
_TEMPLATE_PARAMETER = re.compile(r"\{([^{}/]+)\}")
_TEXT_MEDIA = re.compile(r"text/[\w.+-]+", re.IGNORECASE)
_FORM_MEDIA = "application/x-www-form-urlencoded"
_MULTIPART_MEDIA = "multipart/form-data"
_IDEMPOTENT = frozenset({"get", "head", "options", "put", "delete", "trace"})
_JSON_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# The style and explode a parameter has when the spec names none.
_DEFAULT_STYLE = {"query": "form", "path": "simple", "header": "simple", "cookie": "form"}

_INT_FORMATS = {
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}


class CompileError(Exception):
    """The spec cannot be compiled; ``str()`` is one line naming the file and place."""


@dataclass(frozen=True)
class CheckCall:
    """One runtime constraint check: ``_checks.<name>(<argument>)`` or ``each(<items>)``."""

    name: str
    argument: object = None
    items: tuple[CheckCall, ...] = ()


@dataclass(frozen=True)
class FieldInfo:
    """A model property, keyed by its wire name."""

    wire: str
    python_name: str
    required: bool
    nullable: bool
    checks: tuple[CheckCall, ...]
    description: str | None
    #: The schema's ``default``, as data: ``{"default": value}``, or empty.
    default: Mapping[str, object]


@dataclass(frozen=True)
class ModelInfo:
    """An object schema in ``components/schemas``."""

    pointer: str
    class_name: str
    description: str | None
    fields: Mapping[str, FieldInfo]


@dataclass(frozen=True)
class EnumInfo:
    """A string enum schema; ``open`` ones keep unlisted values."""

    pointer: str
    class_name: str
    open: bool
    values: tuple[str, ...]
    description: str | None


@dataclass(frozen=True)
class UnionInfo:
    """A ``oneOf`` with a discriminator: tag value to class name, and the fallback class."""

    pointer: str
    class_name: str
    tag: str
    mapping: Mapping[str, str]
    fallback: str | None


@dataclass(frozen=True)
class Parameter:
    """A request parameter of an operation."""

    wire: str
    python_name: str
    location: str
    required: bool
    python_type: str
    accepts_uuid: bool
    checks: tuple[CheckCall, ...]
    description: str | None
    #: ``scalar``, ``array`` or ``object``.
    shape: str = "scalar"
    style: str = "form"
    explode: bool = True
    allow_reserved: bool = False

    @property
    def annotation(self) -> str:
        """The argument's type in the method signature."""
        if self.accepts_uuid and self.shape == "scalar":
            return "str | UUID"
        return self.python_type

    @property
    def styled(self) -> bool:
        """Whether the value goes through a style serialiser (``_styles``), not a scalar helper."""
        default = _DEFAULT_STYLE[self.location]
        return (
            self.shape != "scalar"
            or self.style != default
            or self.allow_reserved
            or (self.location in ("query", "cookie") and not self.explode)
        )


@dataclass(frozen=True)
class RequestBody:
    """The body an operation sends: ``json``, ``form``, ``multipart``, ``binary`` or ``text``."""

    kind: str
    media_type: str
    annotation: str
    required: bool
    description: str | None


@dataclass(frozen=True)
class ResponseHeader:
    """A header a response documents, read into the operation's typed headers."""

    wire: str
    python_name: str
    python_type: str
    description: str | None


@dataclass(frozen=True)
class SecurityScheme:
    """A security scheme, and the client argument that carries its secret.

    ``kind`` is ``token`` (http bearer, oauth2, openIdConnect: ``Authorization: Bearer``),
    ``basic`` (``username``/``password``) or ``api_key`` (in ``location`` as ``wire``).
    """

    key: str
    kind: str
    location: str
    wire: str
    prefix: str
    argument: str
    description: str | None


@dataclass(frozen=True)
class PathPart:
    """A piece of a path template: literal text, or the parameter that fills it."""

    text: str
    parameter: Parameter | None


@dataclass(frozen=True)
class Response:
    """A documented response; ``model`` is the class of its JSON body, if it has one.

    ``kind`` says how its body is read: ``json`` (as ``annotation``), ``text``,
    ``bytes`` or ``none``.
    """

    status: str
    description: str
    model: str | None
    media_types: tuple[str, ...]
    kind: str = "json"
    annotation: str = "None"
    headers: tuple[ResponseHeader, ...] = ()

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")

    @property
    def status_key(self) -> int | str:
        """The status as the runtime's answer maps key it: ``200``, ``"2XX"``, ``"default"``."""
        return int(self.status) if self.status.isdigit() else self.status


@dataclass(frozen=True)
class WaiterInfo:
    """A waiter declared on an operation (``x-specbind-waiters``), as linted spec data."""

    name: str
    description: str | None
    #: The declaration as plain JSON data: the generated client hands it to the runtime.
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Operation:
    """One operation of the API."""

    operation_id: str
    method_name: str
    http_method: str
    path: str
    summary: str | None
    description: str | None
    parameters: tuple[Parameter, ...]
    responses: tuple[Response, ...]
    waiters: tuple[WaiterInfo, ...] = ()
    body: RequestBody | None = None
    #: The alternatives of scheme names the call may authenticate with; ``()`` for none.
    security: tuple[tuple[str, ...], ...] = ()
    #: The ``ApiResponse`` subclass with typed documented headers, when there are some.
    response_class: str | None = None

    @property
    def idempotent(self) -> bool:
        return self.http_method.lower() in _IDEMPOTENT

    @property
    def success(self) -> Response | None:
        return next((r for r in self.responses if r.is_success and r.model), None)

    @property
    def answers(self) -> tuple[Response, ...]:
        """The responses a call returns: the 2xx ones, else ``default``."""
        found = tuple(r for r in self.responses if r.is_success)
        return found or tuple(r for r in self.responses if r.status == "default")

    @property
    def returns(self) -> str:
        """The method's return type: one answer's, or the union of several (``None`` last)."""
        kinds = list(dict.fromkeys(r.annotation for r in self.answers)) or ["None"]
        kinds.sort(key=lambda kind: kind == "None")
        return " | ".join(kinds)

    @property
    def plain_json(self) -> bool:
        """Whether every 2xx answer is one JSON model, as ``structure_response`` reads it."""
        answers = self.answers
        return (
            len({r.annotation for r in answers}) == 1
            and answers[0].kind == "json"
            and answers[0].model is not None
            and answers[0].annotation == f"models.{answers[0].model}"
            and all(r.is_success for r in answers)
        )

    @property
    def streams(self) -> bool:
        """Whether a 2xx answer is binary, so the client also has a ``*_stream`` method."""
        return any(r.kind == "bytes" for r in self.answers)

    @property
    def headers(self) -> tuple[ResponseHeader, ...]:
        """The headers the 2xx answers document, each once."""
        found: dict[str, ResponseHeader] = {}
        for response in self.answers:
            for header in response.headers:
                found.setdefault(header.wire.lower(), header)
        return tuple(found.values())

    @property
    def path_parts(self) -> tuple[PathPart, ...]:
        """The path template split into literal text and path parameters, in order."""
        by_wire = {p.wire: p for p in self.parameters if p.location == "path"}
        parts: list[PathPart] = []
        for index, piece in enumerate(_TEMPLATE_PARAMETER.split(self.path)):
            if index % 2:
                parts.append(PathPart(text=piece, parameter=by_wire[piece]))
            elif piece:
                parts.append(PathPart(text=piece, parameter=None))
        return tuple(parts)


@dataclass(frozen=True)
class ErrorClass:
    """An ``ApiError`` subclass for one documented error status."""

    status: int
    class_name: str
    phrase: str


@dataclass(frozen=True)
class Api:
    """Everything the templates need to know about one spec."""

    name: str
    title: str
    version: str
    spec_path: str
    spec_sha256: str
    server_url: str
    security_schemes: tuple[SecurityScheme, ...]
    models: tuple[ModelInfo, ...]
    enums: tuple[EnumInfo, ...]
    unions: tuple[UnionInfo, ...]
    operations: tuple[Operation, ...]

    def class_names(self) -> dict[str, str]:
        """Component pointer to class name, for every class the models module defines."""
        named: list[ModelInfo | EnumInfo | UnionInfo] = [*self.models, *self.enums, *self.unions]
        return {item.pointer: item.class_name for item in named}

    def credential_arguments(self) -> tuple[SecurityScheme, ...]:
        """One scheme per client credential argument, in the order the signature lists them."""
        found: dict[str, SecurityScheme] = {}
        for scheme in self.security_schemes:
            if scheme.kind != "tls":
                found.setdefault(scheme.argument, scheme)
        return tuple(found.values())

    def error_classes(self) -> tuple[ErrorClass, ...]:
        """One class per numeric error status documented by any operation."""
        statuses = {
            int(response.status)
            for operation in self.operations
            for response in operation.responses
            if response.status.isdigit() and not response.is_success
        }
        return tuple(_error_class(status) for status in sorted(statuses))


_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMAS = ("items", "not", "additionalProperties", "contains", "if", "then", "else")


def _schema_nodes(data: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every schema object in a spec with its pointer: components, parameters, bodies."""
    roots: list[tuple[str, Any]] = [
        (_SCHEMAS + escape_pointer_token(name), schema)
        for name, schema in data.get("components", {}).get("schemas", {}).items()
    ]
    for path, item in data.get("paths", {}).items():
        base = f"#/paths/{escape_pointer_token(path)}"
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for index, parameter in enumerate(operation.get("parameters", [])):
                roots.append(
                    (f"{base}/{method}/parameters/{index}/schema", parameter.get("schema"))
                )
            for status, response in operation.get("responses", {}).items():
                content = f"{base}/{method}/responses/{status}/content"
                for media_type, media in response.get("content", {}).items():
                    pointer = f"{content}/{escape_pointer_token(media_type)}/schema"
                    roots.append((pointer, media.get("schema")))
    stack = list(reversed(roots))
    while stack:
        pointer, node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield pointer, node
        for name, child in node.get("properties", {}).items():
            stack.append((f"{pointer}/properties/{escape_pointer_token(name)}", child))
        for key in _SUBSCHEMA_LISTS:
            for index, child in enumerate(node.get(key, [])):
                stack.append((f"{pointer}/{key}/{index}", child))
        for key in _SUBSCHEMAS:
            stack.append((f"{pointer}/{key}", node.get(key)))


def _accepts_uuid_text(schema: Mapping[str, Any]) -> bool:
    """Whether a string schema admits the canonical text of a UUID, so a ``UUID`` can be passed."""
    if schema.get("type") != "string" or "pattern" not in schema:
        return False
    sample = str(UUID(int=0x0123456789ABCDEF0123456789ABCDEF))
    if len(sample) < int(schema.get("minLength", 0)) or len(sample) > int(
        schema.get("maxLength", 36)
    ):
        return False
    try:
        return compile_pattern(str(schema["pattern"])).search(sample)
    except PatternError:
        return False  # lint's pattern-unsupported rule refuses the spec


def _error_class(status: int) -> ErrorClass:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = f"Status {status}"
    name = class_name(phrase)
    return ErrorClass(status, name if name.endswith("Error") else f"{name}Error", phrase)


def build_api(spec: LoadedSpec) -> Api:
    """Build the compile view of a linted spec. Raises :class:`CompileError`."""
    return _Builder(spec).build()


class _Builder:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = spec.data.get("components", {}).get("schemas", {})
        self.names = self._assign_class_names()

    def fail(self, pointer: str, message: str) -> CompileError:
        line, column = self.spec.locate(pointer)
        return CompileError(f"{self.spec.path}:{line}:{column}: compile: {message}")

    def build(self) -> Api:
        name = self.spec.name
        if not _PACKAGE_NAME.fullmatch(name) or keyword.iskeyword(name):
            raise self.fail("", f"spec file name {name!r} must be a lower-case Python identifier")
        self._refuse_inline_shapes()
        info = self.spec.data.get("info", {})
        servers = self.spec.data.get("servers") or [{"url": ""}]
        models: list[ModelInfo] = []
        enums: list[EnumInfo] = []
        unions: list[UnionInfo] = []
        for component, schema in sorted(self.schemas.items()):
            pointer = _SCHEMAS + escape_pointer_token(component)
            if "enum" in schema:
                enums.append(self._enum(pointer, schema))
            elif "oneOf" in schema and "discriminator" in schema:
                unions.append(self._union(pointer, schema))
            elif schema.get("type") == "object" and "properties" in schema:
                models.append(self._model(pointer, schema))
        return Api(
            name=name,
            title=str(info.get("title", name)),
            version=str(info.get("version", "")),
            spec_path=shown_path(self.spec.path),
            spec_sha256=self.spec.sha256,
            server_url=str(servers[0].get("url", "")),
            security_schemes=self._security_schemes(),
            models=tuple(models),
            enums=tuple(enums),
            unions=tuple(unions),
            operations=self._operations(),
        )

    def _refuse_inline_shapes(self) -> None:
        """Refuse enums and objects with properties written inline.

        Their classes are named after components, so each must be one; lint
        accepts them, as they are valid OpenAPI.
        """
        for pointer, node in _schema_nodes(self.spec.data):
            top_level = pointer.startswith(_SCHEMAS) and pointer.count("/") == 3
            if top_level:
                continue
            if "enum" in node:
                kind = "an enum"
            elif "properties" in node:
                kind = "an object with properties"
            else:
                continue
            raise self.fail(
                pointer,
                f"{kind} is written inline at {pointer}; move it to components/schemas "
                "and use a $ref (generated classes are named after components)",
            )

    def _assign_class_names(self) -> dict[str, str]:
        components = sorted(self.schemas)
        return {
            _SCHEMAS + escape_pointer_token(component): name
            for component, name in zip(components, class_names(components), strict=True)
        }

    def _enum(self, pointer: str, schema: Mapping[str, Any]) -> EnumInfo:
        values = schema["enum"]
        if not all(type(value) is str for value in values):
            raise self.fail(pointer, "only string enums are supported")
        return EnumInfo(
            pointer=pointer,
            class_name=self.names[pointer],
            open=schema.get("x-specbind-enum") == "open",
            values=tuple(values),
            description=schema.get("description"),
        )

    def _union(self, pointer: str, schema: Mapping[str, Any]) -> UnionInfo:
        discriminator = schema["discriminator"]
        members = [option.get("$ref") for option in schema["oneOf"]]
        if not all(isinstance(ref, str) and ref in self.names for ref in members):
            raise self.fail(pointer, "every member of a discriminated oneOf must be a $ref")
        mapping = {
            str(tag): self.names[ref]
            for tag, ref in discriminator.get("mapping", {}).items()
            if ref in self.names
        }
        unmapped = [self.names[ref] for ref in members if self.names[ref] not in mapping.values()]
        if len(unmapped) > 1:
            raise self.fail(pointer, "at most one oneOf member may be left out of the mapping")
        return UnionInfo(
            pointer=pointer,
            class_name=self.names[pointer],
            tag=str(discriminator["propertyName"]),
            mapping=mapping,
            fallback=unmapped[0] if unmapped else None,
        )

    def _model(self, pointer: str, schema: Mapping[str, Any]) -> ModelInfo:
        required = set(schema.get("required", []))
        properties: Mapping[str, Any] = schema["properties"]
        names = model_attribute_names(list(properties))
        fields = {
            wire: FieldInfo(
                wire=wire,
                python_name=name,
                required=wire in required,
                nullable=self._nullable(prop),
                checks=self._checks(prop),
                description=prop.get("description"),
                default={"default": prop["default"]} if "default" in prop else {},
            )
            for (wire, prop), name in zip(properties.items(), names, strict=True)
        }
        return ModelInfo(
            pointer=pointer,
            class_name=self.names[pointer],
            description=schema.get("description"),
            fields=fields,
        )

    def _nullable(self, schema: Mapping[str, Any]) -> bool:
        kinds = schema.get("type")
        if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
            return True
        options = schema.get("anyOf", schema.get("oneOf", []))
        return any(self._nullable(option) for option in options if isinstance(option, dict))

    def _checks(self, schema: Mapping[str, Any]) -> tuple[CheckCall, ...]:
        checks: list[CheckCall] = []
        for keyword_, check in (
            ("pattern", "pattern"),
            ("minLength", "min_length"),
            ("maxLength", "max_length"),
            ("minimum", "minimum"),
            ("maximum", "maximum"),
            ("exclusiveMinimum", "exclusive_minimum"),
            ("exclusiveMaximum", "exclusive_maximum"),
            ("minItems", "min_items"),
            ("maxItems", "max_items"),
        ):
            if keyword_ in schema:
                checks.append(CheckCall(check, schema[keyword_]))
        bounds = _INT_FORMATS.get(str(schema.get("format")))
        if bounds is not None and "minimum" not in schema and "maximum" not in schema:
            checks.extend([CheckCall("minimum", bounds[0]), CheckCall("maximum", bounds[1])])
        items = schema.get("items")
        if isinstance(items, dict):
            item_checks = self._checks(self._deref(items))
            if item_checks:
                checks.append(CheckCall("each", items=item_checks))
        return tuple(checks)

    def _deref(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMAS):
            target = self.spec.resolve(ref)
            if isinstance(target, dict):
                return target
        return schema

    def _security_schemes(self) -> tuple[SecurityScheme, ...]:
        """The spec's security schemes, each with the client argument that carries it.

        http bearer, oauth2 and openIdConnect share ``token``; http basic takes
        ``username`` and ``password``; a lone apiKey takes ``api_key``, and several take
        one argument each, named after the scheme, as does any other http scheme (sent
        as ``Authorization: <Scheme> <value>``). mutualTLS takes none: the caller's
        ``pool`` carries the client certificate.
        """
        found = self.spec.data.get("components", {}).get("securitySchemes", {})
        schemes: list[SecurityScheme] = []
        api_keys = [key for key, scheme in found.items() if scheme.get("type") == "apiKey"]
        taken = set(_RESERVED_ARGUMENTS)
        for key, scheme in found.items():
            kind = scheme.get("type")
            raw_scheme = str(scheme.get("scheme", ""))
            http_scheme = raw_scheme.lower()
            description = scheme.get("description")
            if kind in ("oauth2", "openIdConnect") or (kind == "http" and http_scheme == "bearer"):
                entry = ("token", "header", "Authorization", "Bearer ", "token")
            elif kind == "http" and http_scheme == "basic":
                entry = ("basic", "header", "Authorization", "Basic ", "username")
            elif kind == "mutualTLS":
                entry = ("tls", "tls", "", "", "")
            else:
                if kind == "apiKey":
                    location, wire, prefix = str(scheme.get("in")), str(scheme.get("name")), ""
                else:
                    location, wire, prefix = "header", "Authorization", f"{raw_scheme} "
                argument = "api_key" if api_keys == [key] else _scheme_argument(key)
                while argument in taken:
                    argument += "_"
                taken.add(argument)
                entry = ("api_key", location, wire, prefix, argument)
            schemes.append(SecurityScheme(key, *entry, description))
        return tuple(schemes)

    def _security(self, operation: Mapping[str, Any]) -> tuple[tuple[str, ...], ...]:
        """The operation's security alternatives; every scheme alone when none is declared."""
        schemes = self.spec.data.get("components", {}).get("securitySchemes", {})
        # mutualTLS is met by the connection (the caller's pool), not by a credential.
        tls = {key for key, scheme in schemes.items() if scheme.get("type") == "mutualTLS"}
        declared = operation.get("security", self.spec.data.get("security"))
        if declared is None:
            return tuple((key,) for key in schemes if key not in tls)
        return tuple(
            tuple(str(key) for key in requirement if key not in tls) for requirement in declared
        )

    def _operations(self) -> tuple[Operation, ...]:
        found: list[tuple[str, str, str, Mapping[str, Any], list[Any]]] = []
        for path, item in sorted(self.spec.data.get("paths", {}).items()):
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                pointer = f"#/paths/{escape_pointer_token(path)}/{method}"
                found.append((pointer, path, method, operation, shared))
        names = operation_method_names(
            [(_operation_id(operation), method, path) for _, path, method, operation, _ in found]
        )
        operations = [
            self._operation(pointer, path, method, operation, shared, name=name)
            for (pointer, path, method, operation, shared), name in zip(found, names, strict=True)
        ]
        taken = set(CLIENT_NAMES)
        named = []
        for operation in sorted(operations, key=lambda op: op.method_name):
            if not operation.headers:
                named.append(operation)
                continue
            response_class = class_name(operation.method_name) + "Response"
            while response_class in taken:
                response_class += "_"
            taken.add(response_class)
            named.append(replace(operation, response_class=response_class))
        return tuple(named)

    def _operation(
        self,
        pointer: str,
        path: str,
        method: str,
        operation: Mapping[str, Any],
        shared: list[Any],
        *,
        name: str,
    ) -> Operation:
        declared: dict[tuple[str, str], Mapping[str, Any]] = {}
        for parameter in [*shared, *operation.get("parameters", [])]:
            resolved = self._deref_parameter(parameter)
            declared[(resolved["in"], resolved["name"])] = resolved
        ordered = sorted(
            declared.values(),
            key=lambda p: (not p.get("required", False), LOCATIONS.index(p["in"])),
        )
        names = parameter_names([(str(p["in"]), str(p["name"])) for p in ordered])
        parameters = tuple(
            self._parameter(parameter, name) for parameter, name in zip(ordered, names, strict=True)
        )
        responses = tuple(
            self._response(f"{pointer}/responses/{escape_pointer_token(status)}", status, response)
            for status, response in sorted(operation.get("responses", {}).items())
        )
        body = None
        if "requestBody" in operation:
            body = self._request_body(f"{pointer}/requestBody", operation["requestBody"])
        return Operation(
            operation_id=_operation_id(operation) or name,
            method_name=name,
            http_method=method.upper(),
            path=path,
            summary=operation.get("summary"),
            description=operation.get("description"),
            parameters=parameters,
            responses=responses,
            waiters=tuple(
                WaiterInfo(name=str(name), description=entry.get("description"), data=entry)
                for name, entry in operation.get(WAITERS_KEY, {}).items()
            ),
            body=body,
            security=self._security(operation),
        )

    def _deref_parameter(self, parameter: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = parameter.get("$ref")
        if isinstance(ref, str):
            target = self.spec.resolve(ref)
            if isinstance(target, dict):
                return target
        return parameter

    def _parameter(self, parameter: Mapping[str, Any], python_name: str) -> Parameter:
        schema = self._deref(parameter.get("schema", {}))
        kind = schema.get("type")
        location = str(parameter["in"])
        style = str(parameter.get("style", _DEFAULT_STYLE[location]))
        shape = "scalar"
        python_type = _JSON_TYPES.get(str(kind), "str")
        if schema.get("format") == "uuid":
            python_type = "UUID"
        if kind == "array":
            shape = "array"
            items = self._deref(schema.get("items", {}))
            item_type = _JSON_TYPES.get(str(items.get("type")), "str")
            python_type = f"list[{item_type}]"
        elif kind == "object" or "properties" in schema or "additionalProperties" in schema:
            shape = "object"
            python_type = "Mapping[str, str | int | float | bool]"
        return Parameter(
            wire=str(parameter["name"]),
            python_name=python_name,
            location=location,
            required=bool(parameter.get("required", False)),
            python_type=python_type,
            accepts_uuid=python_type == "UUID" or _accepts_uuid_text(schema),
            checks=self._checks(schema) if shape == "scalar" else (),
            description=parameter.get("description"),
            shape=shape,
            style=style,
            explode=bool(parameter.get("explode", style == "form")),
            allow_reserved=bool(parameter.get("allowReserved", False)),
        )

    def _request_body(self, pointer: str, body: Mapping[str, Any]) -> RequestBody:
        body = self._deref_parameter(body)
        content: Mapping[str, Any] = body.get("content", {})
        chosen = _choose_media(content)
        if chosen is None:
            raise self.fail(pointer, "the request body documents no media type")
        media_type, kind = chosen
        media = content[media_type] if isinstance(content[media_type], dict) else {}
        annotation = {
            "form": "Mapping[str, FormValue]",
            "multipart": "Mapping[str, MultipartValue]",
            "binary": "bytes | IO[bytes]",
            "text": "str",
        }.get(kind) or self._json_annotation(media.get("schema"))
        return RequestBody(
            kind=kind,
            media_type=media_type,
            annotation=annotation,
            required=bool(body.get("required", False)),
            description=body.get("description"),
        )

    def _json_annotation(self, schema: object) -> str:
        """The Python type of a JSON value of ``schema``: a model, a list, a primitive or Any."""
        if not isinstance(schema, dict):
            return "Any"
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref in self.names and self._has_class(ref):
            return f"models.{self.names[ref]}"
        schema = self._deref(schema)
        kind = schema.get("type")
        if kind == "array":
            return f"list[{self._json_annotation(schema.get('items'))}]"
        if isinstance(kind, str) and kind in _JSON_TYPES:
            return _JSON_TYPES[kind]
        if kind == "object" and "properties" not in schema:
            return "dict[str, Any]"
        return "Any"

    def _has_class(self, ref: str) -> bool:
        """Whether the models module defines a class or alias for the component ``ref``."""
        schema = self.spec.resolve(ref)
        if not isinstance(schema, dict):
            return False
        return (
            "enum" in schema
            or ("oneOf" in schema and "discriminator" in schema)
            or (schema.get("type") == "object" and "properties" in schema)
        )

    def _response(self, pointer: str, status: str, response: Mapping[str, Any]) -> Response:
        response = self._deref_parameter(response)
        content: Mapping[str, Any] = response.get("content") or {}
        model = None
        for media_type, media in content.items():
            ref = media.get("schema", {}).get("$ref") if isinstance(media, dict) else None
            if _JSON_MEDIA.fullmatch(media_type) and ref in self.names and self._has_class(ref):
                model = self.names[ref]
        json_media = [m for m in content if _JSON_MEDIA.fullmatch(m)]
        if not content:
            kind, annotation = "none", "None"
        elif json_media:
            media = content[json_media[0]]
            schema = media.get("schema") if isinstance(media, dict) else None
            kind, annotation = "json", self._json_annotation(schema)
        elif all(_TEXT_MEDIA.fullmatch(m) for m in content):
            kind, annotation = "text", "str"
        else:
            kind, annotation = "bytes", "bytes"
        headers = self._response_headers(response)
        return Response(
            status=str(status),
            description=str(response.get("description", "")),
            model=model,
            media_types=tuple(content),
            kind=kind,
            annotation=annotation,
            headers=headers,
        )

    def _response_headers(self, response: Mapping[str, Any]) -> tuple[ResponseHeader, ...]:
        found: dict[str, Mapping[str, Any]] = {}
        for wire, header in response.get("headers", {}).items():
            if str(wire).lower() != "content-type":  # OpenAPI says it is ignored here
                found[str(wire)] = self._deref_parameter(header)
        names = [
            # Not the attributes every ApiResponse has.
            name + "_header" if name in _RESPONSE_ATTRIBUTES else name
            for name in parameter_names([("header", wire) for wire in found])
        ]
        return tuple(
            ResponseHeader(
                wire=wire,
                python_name=name,
                python_type=_JSON_TYPES.get(
                    str(self._deref(header.get("schema", {})).get("type")), "str"
                ),
                description=header.get("description"),
            )
            for (wire, header), name in zip(found.items(), names, strict=True)
        )


_RESPONSE_ATTRIBUTES = frozenset({"status", "headers", "body", "parsed"})
# The client's own arguments, which a scheme's own argument may not take.
_RESERVED_ARGUMENTS = CLIENT_NAMES | frozenset(
    {"token", "username", "password", "base_url", "timeout", "retries", "headers", "pool",
     "ca_certs", "max_body_bytes", "deadline", "schemes"}
)  # fmt: skip


def _scheme_argument(key: str) -> str:
    """The client argument of one of several apiKey schemes: its name, in snake_case."""
    return snake_case(key)


def _operation_id(operation: Mapping[str, Any]) -> str | None:
    operation_id = operation.get("operationId")
    if isinstance(operation_id, str) and operation_id.strip():
        return operation_id
    return None


def _choose_media(content: Mapping[str, Any]) -> tuple[str, str] | None:
    """The media type a request body is sent as, and its kind: JSON first, then forms."""
    kinds = []
    for media_type in content:
        base = media_type.partition(";")[0].strip().lower()
        if _JSON_MEDIA.fullmatch(base):
            kinds.append((0, media_type, "json"))
        elif base == _MULTIPART_MEDIA:
            kinds.append((1, media_type, "multipart"))
        elif base == _FORM_MEDIA:
            kinds.append((2, media_type, "form"))
        elif _TEXT_MEDIA.fullmatch(base):
            kinds.append((4, media_type, "text"))
        else:
            kinds.append((3, media_type, "binary"))
    if not kinds:
        return None
    _, media_type, kind = min(kinds, key=lambda found: found[0])
    return media_type, kind

"""The compile stage's view of a spec: models, enums, unions and operations.

Built once from a loaded, linted spec; the templates render only what is here.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from uuid import UUID

from .._spec._extensions import WAITERS_KEY
from .._spec._files import shown_path
from .._spec._load import LoadedSpec, escape_pointer_token
from ..runtime._regex import PatternError, compile_pattern
from ._names import (
    LOCATIONS,
    class_name,
    class_names,
    method_name,
    model_attribute_names,
    parameter_names,
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
    "Response",
    "UnionInfo",
    "WaiterInfo",
    "build_api",
]

_SCHEMAS = "#/components/schemas/"
_PACKAGE_NAME = re.compile(r"[a-z][a-z0-9_]*")
_JSON_MEDIA = re.compile(r"application/(?:[\w.+-]+\+)?json", re.IGNORECASE)
_TEMPLATE_PARAMETER = re.compile(r"\{([^{}/]+)\}")
_IDEMPOTENT = frozenset({"get", "head", "options", "put", "delete", "trace"})
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


@dataclass(frozen=True)
class PathPart:
    """A piece of a path template: literal text, or the parameter that fills it."""

    text: str
    parameter: Parameter | None


@dataclass(frozen=True)
class Response:
    """A documented response; ``model`` is the class of its JSON body, if it has one."""

    status: str
    description: str
    model: str | None
    media_types: tuple[str, ...]

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")


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

    @property
    def idempotent(self) -> bool:
        return self.http_method.lower() in _IDEMPOTENT

    @property
    def success(self) -> Response | None:
        return next((r for r in self.responses if r.is_success and r.model), None)

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
    bearer: bool
    api_key_header: str | None
    models: tuple[ModelInfo, ...]
    enums: tuple[EnumInfo, ...]
    unions: tuple[UnionInfo, ...]
    operations: tuple[Operation, ...]

    def class_names(self) -> dict[str, str]:
        """Component pointer to class name, for every class the models module defines."""
        named: list[ModelInfo | EnumInfo | UnionInfo] = [*self.models, *self.enums, *self.unions]
        return {item.pointer: item.class_name for item in named}

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
        bearer, api_key_header = self._security()
        return Api(
            name=name,
            title=str(info.get("title", name)),
            version=str(info.get("version", "")),
            spec_path=shown_path(self.spec.path),
            spec_sha256=self.spec.sha256,
            server_url=str(servers[0].get("url", "")),
            bearer=bearer,
            api_key_header=api_key_header,
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

    def _security(self) -> tuple[bool, str | None]:
        schemes = self.spec.data.get("components", {}).get("securitySchemes", {})
        bearer = False
        api_key_header = None
        for scheme in schemes.values():
            kind = scheme.get("type")
            http_bearer = kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer"
            if http_bearer or kind == "oauth2":
                bearer = True
            elif kind == "apiKey" and scheme.get("in") == "header":
                api_key_header = str(scheme["name"])
        return bearer, api_key_header

    def _operations(self) -> tuple[Operation, ...]:
        operations: list[Operation] = []
        for path, item in self.spec.data.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method in ("get", "put", "post", "delete", "options", "head", "patch", "trace"):
                operation = item.get(method)
                if operation is None:
                    continue
                pointer = f"#/paths/{escape_pointer_token(path)}/{method}"
                operations.append(self._operation(pointer, path, method, operation, shared))
        return tuple(sorted(operations, key=lambda op: op.method_name))

    def _operation(
        self,
        pointer: str,
        path: str,
        method: str,
        operation: Mapping[str, Any],
        shared: list[Any],
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
            self._response(status, self._deref_response(response))
            for status, response in sorted(operation.get("responses", {}).items())
        )
        operation_id = str(operation["operationId"])
        if not any(response.is_success and response.model for response in responses):
            raise self.fail(
                pointer,
                f"{operation_id} has no 2xx JSON response whose schema is a $ref to a "
                "component; the client needs one to return",
            )
        return Operation(
            operation_id=operation_id,
            method_name=method_name(operation_id),
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
        )

    def _deref_parameter(self, parameter: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = parameter.get("$ref")
        if isinstance(ref, str):
            target = self.spec.resolve(ref)
            if isinstance(target, dict):
                return target
        return parameter

    def _deref_response(self, response: Mapping[str, Any]) -> Mapping[str, Any]:
        return self._deref_parameter(response)

    def _parameter(self, parameter: Mapping[str, Any], python_name: str) -> Parameter:
        schema = self._deref(parameter.get("schema", {}))
        kind = schema.get("type")
        python_type = {"integer": "int", "number": "float", "boolean": "bool"}.get(str(kind), "str")
        if schema.get("format") == "uuid":
            python_type = "UUID"
        return Parameter(
            wire=str(parameter["name"]),
            python_name=python_name,
            location=str(parameter["in"]),
            required=bool(parameter.get("required", False)),
            python_type=python_type,
            accepts_uuid=python_type == "UUID" or _accepts_uuid_text(schema),
            checks=self._checks(schema),
            description=parameter.get("description"),
        )

    def _response(self, status: str, response: Mapping[str, Any]) -> Response:
        content: Mapping[str, Any] = response.get("content", {})
        model = None
        for media_type, media in content.items():
            ref = media.get("schema", {}).get("$ref") if isinstance(media, dict) else None
            if _JSON_MEDIA.fullmatch(media_type) and ref in self.names:
                model = self.names[ref]
        return Response(
            status=str(status),
            description=str(response.get("description", "")),
            model=model,
            media_types=tuple(content),
        )

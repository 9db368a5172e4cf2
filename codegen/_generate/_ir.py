"""The compile stage's view of a spec: models, enums, unions and operations.

Built once from a loaded, linted spec; the templates render only what is here.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from uuid import UUID

from .._spec._extensions import ENUM_KEY, WAITERS_KEY
from .._spec._load import LoadedSpec, escape_pointer_token
from ..runtime._regex import PatternError, compile_pattern
from ._hoist import HoistError, hoist, refusals
from ._names import (
    LOCATIONS,
    class_name,
    class_names,
    method_name,
    model_attribute_names,
    parameter_names,
    snake_case,
)

__all__ = [
    "AliasInfo",
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
    #: What the schema says beyond the type, as data for the field's metadata: its
    #: ``default`` (recorded only: an absent field stays absent), ``readOnly`` and
    #: ``writeOnly`` (as ``read_only`` and ``write_only``).
    metadata: Mapping[str, object]


@dataclass(frozen=True)
class ModelInfo:
    """An object schema in ``components/schemas``: a class, its properties, and the type
    of the values of the keys it does not list (``Any`` unless ``additionalProperties``
    says)."""

    pointer: str
    class_name: str
    description: str | None
    fields: Mapping[str, FieldInfo]
    extra_type: str = "Any"


@dataclass(frozen=True)
class EnumInfo:
    """An enum schema; ``open`` ones keep unlisted values.

    ``kind`` is ``str`` (every value a string: a string enum), ``int`` (every value an
    integer: an integer enum), or ``any`` (numbers, booleans, or mixed: an enum of
    JSON values). ``members`` names each value, for the kinds whose member names are
    not datamodel-code-generator's.
    """

    pointer: str
    class_name: str
    open: bool
    values: tuple[object, ...]
    description: str | None
    kind: str = "str"
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnionInfo:
    """A ``oneOf`` or ``anyOf``: the type alias of its members, tried in order.

    With a discriminator, ``tag`` names the property whose value picks a member by
    ``mapping`` (tag value to class name); ``fallback`` lists the members left out of
    the mapping, tried in order for any other tag value. Without one, ``exclusive``
    (a ``oneOf``) makes strict structuring refuse a value that more than one member
    takes.
    """

    pointer: str
    class_name: str
    tag: str | None
    mapping: Mapping[str, str]
    fallback: tuple[str, ...]
    exclusive: bool = False


@dataclass(frozen=True)
class AliasInfo:
    """Any other component schema: a type alias (an array, a map, a primitive)."""

    pointer: str
    class_name: str


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
    aliases: tuple[AliasInfo, ...] = ()
    #: ``components/schemas`` after hoisting (see ``_hoist``): what the models render.
    schemas: Mapping[str, Any] = field(default_factory=dict)

    def class_names(self) -> dict[str, str]:
        """Component pointer to the name the models module gives it (a class or alias)."""
        named: list[ModelInfo | EnumInfo | UnionInfo | AliasInfo] = [
            *self.models,
            *self.enums,
            *self.unions,
            *self.aliases,
        ]
        return {item.pointer: item.class_name for item in named}

    def type_of(self, pointer: str) -> str:
        """The Python type expression of a component, by pointer, in ``models``' namespace."""
        return self.class_names()[pointer]

    def error_classes(self) -> tuple[ErrorClass, ...]:
        """One class per numeric error status documented by any operation."""
        statuses = {
            int(response.status)
            for operation in self.operations
            for response in operation.responses
            if response.status.isdigit() and not response.is_success
        }
        return tuple(_error_class(status) for status in sorted(statuses))


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


def _member_refs(members: list[Any]) -> frozenset[str] | None:
    """The ``$ref`` of every member of a union other than ``null``; None unless all are."""
    refs = [m.get("$ref") for m in members if isinstance(m, dict) and m != {"type": "null"}]
    if not all(isinstance(ref, str) for ref in refs):
        return None
    return frozenset(str(ref) for ref in refs)


def _is_model(schema: Mapping[str, Any]) -> bool:
    """Whether an object schema is a class: it lists properties, or it is not a typed map
    (an object whose ``additionalProperties`` is a schema is ``dict[str, X]``)."""
    values = schema.get("additionalProperties")
    return "properties" in schema or not (isinstance(values, dict) and values)


def _described(schema: Mapping[str, Any]) -> str | None:
    """A schema's description, with a note when it is deprecated."""
    description = schema.get("description")
    text = description.strip() if isinstance(description, str) else ""
    if schema.get("deprecated") is True:
        text = f"{text}\n\nDeprecated." if text else "Deprecated."
    return text or None


def _metadata(schema: Mapping[str, Any]) -> dict[str, object]:
    found: dict[str, object] = {}
    if "default" in schema:
        found["default"] = schema["default"]
    for flag, key in (("readOnly", "read_only"), ("writeOnly", "write_only")):
        if schema.get(flag) is True:
            found[key] = True
    return found


def enum_member_names(values: tuple[object, ...]) -> tuple[str, ...]:
    """Member names for the values of an enum that is not all strings: ``TRUE``,
    ``VALUE_1``, ``VALUE_MINUS_2_5``, a string's upper snake_case; distinct by ``_``."""
    names: list[str] = []
    for value in values:
        if type(value) is bool:
            name = "TRUE" if value else "FALSE"
        elif isinstance(value, (int, float)):
            text = repr(value).replace("-", "minus_").replace("+", "")
            name = "VALUE_" + re.sub(r"\W", "_", text).upper()
        else:
            name = snake_case(str(value)).upper()
        while name in names or name.startswith("_"):
            name += "_"
        names.append(name)
    return tuple(names)


def _error_class(status: int) -> ErrorClass:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = f"Status {status}"
    name = class_name(phrase)
    return ErrorClass(status, name if name.endswith("Error") else f"{name}Error", phrase)


def build_api(spec: LoadedSpec) -> Api:
    """Build the compile view of a linted spec, its inline shapes hoisted (see ``_hoist``).

    Raises :class:`CompileError`.
    """
    try:
        hoisted = hoist(spec)
    except HoistError as exc:
        raise _fail(spec, exc.pointer, exc.message) from None
    refused = next(refusals(hoisted), None)
    if refused is not None:
        raise _fail(hoisted, refused.pointer, refused.message)
    return _Builder(hoisted).build()


def _fail(spec: LoadedSpec, pointer: str, message: str) -> CompileError:
    line, column = spec.locate(pointer)
    return CompileError(f"{spec.path}:{line}:{column}: compile: {message}")


class _Builder:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = spec.data.get("components", {}).get("schemas", {})
        self.names = self._assign_class_names()

    def fail(self, pointer: str, message: str) -> CompileError:
        return _fail(self.spec, pointer, message)

    def build(self) -> Api:
        name = self.spec.name
        if not _PACKAGE_NAME.fullmatch(name) or keyword.iskeyword(name):
            raise self.fail("", f"spec file name {name!r} must be a lower-case Python identifier")
        info = self.spec.data.get("info", {})
        servers = self.spec.data.get("servers") or [{"url": ""}]
        models: list[ModelInfo] = []
        enums: list[EnumInfo] = []
        unions: list[UnionInfo] = []
        aliases: list[AliasInfo] = []
        for component, schema in sorted(self.schemas.items()):
            pointer = _SCHEMAS + escape_pointer_token(component)
            if not isinstance(schema, dict):
                aliases.append(AliasInfo(pointer, self.names[pointer]))
            elif "enum" in schema:
                enums.append(self._enum(pointer, schema))
            elif "oneOf" in schema or "anyOf" in schema:
                unions.append(self._union(pointer, schema))
            elif schema.get("type") == "object" and _is_model(schema):
                models.append(self._model(pointer, schema))
            else:
                aliases.append(AliasInfo(pointer, self.names[pointer]))
        bearer, api_key_header = self._security()
        return Api(
            name=name,
            title=str(info.get("title", name)),
            version=str(info.get("version", "")),
            spec_path=f"specs/{name}.yaml",
            spec_sha256=self.spec.sha256,
            server_url=str(servers[0].get("url", "")),
            bearer=bearer,
            api_key_header=api_key_header,
            models=tuple(models),
            enums=tuple(enums),
            unions=tuple(unions),
            operations=self._operations(),
            aliases=tuple(aliases),
            schemas=self.schemas,
        )

    def _assign_class_names(self) -> dict[str, str]:
        components = sorted(self.schemas)
        return {
            _SCHEMAS + escape_pointer_token(component): name
            for component, name in zip(components, class_names(components), strict=True)
        }

    def _enum(self, pointer: str, schema: Mapping[str, Any]) -> EnumInfo:
        values = tuple(schema["enum"])
        if all(type(value) is str for value in values):
            kind = "str"
        elif all(type(value) is int for value in values):
            kind = "int"
        else:
            kind = "any"
        return EnumInfo(
            pointer=pointer,
            class_name=self.names[pointer],
            open=schema.get(ENUM_KEY) != "closed",
            values=values,
            description=_described(schema),
            kind=kind,
            members=() if kind == "str" else enum_member_names(values),
        )

    def _union(self, pointer: str, schema: Mapping[str, Any]) -> UnionInfo:
        discriminator = schema.get("discriminator")
        if not isinstance(discriminator, dict):
            exclusive = "oneOf" in schema and self._classes_only_here(pointer, schema["oneOf"])
            return UnionInfo(pointer, self.names[pointer], None, {}, (), exclusive)
        # Each member is a $ref to a component (see _hoist.refusals).
        members = [str(option["$ref"]) for option in schema.get("oneOf", schema.get("anyOf"))]
        # A mapping value is a $ref, or the bare name of a component schema.
        targets = {
            str(tag): ref if ref.startswith("#") else _SCHEMAS + ref
            for tag, ref in discriminator.get("mapping", {}).items()
            if isinstance(ref, str)
        }
        mapping = {tag: self.names[ref] for tag, ref in targets.items() if ref in self.names}
        unmapped = [self.names[ref] for ref in members if self.names[ref] not in mapping.values()]
        return UnionInfo(
            pointer=pointer,
            class_name=self.names[pointer],
            tag=str(discriminator["propertyName"]),
            mapping=mapping,
            fallback=tuple(unmapped),
        )

    def _classes_only_here(self, pointer: str, members: list[Any]) -> bool:
        """Whether a oneOf's members are all classes no other union component has as
        its members: the runtime tells unions apart by their members' types only."""
        refs = _member_refs(members)
        if refs is None or not all(self._is_class(ref) for ref in refs):
            return False
        return not any(
            other != pointer and _member_refs(options) == refs for other, options in self._unions()
        )

    def _is_class(self, ref: str) -> bool:
        schema = self._deref({"$ref": ref})
        return "enum" in schema or (schema.get("type") == "object" and _is_model(schema))

    def _unions(self) -> Iterator[tuple[str, list[Any]]]:
        for component, schema in self.schemas.items():
            if isinstance(schema, dict):
                members = schema.get("oneOf", schema.get("anyOf"))
                if isinstance(members, list):
                    yield _SCHEMAS + escape_pointer_token(component), members

    def _model(self, pointer: str, schema: Mapping[str, Any]) -> ModelInfo:
        required = set(schema.get("required", []))
        # A boolean schema (`x: true`) says nothing of its values: any JSON, null too.
        properties: Mapping[str, Any] = {
            wire: prop if isinstance(prop, dict) else {}
            for wire, prop in schema.get("properties", {}).items()
        }
        names = model_attribute_names(list(properties))
        fields = {
            wire: FieldInfo(
                wire=wire,
                python_name=name,
                required=wire in required,
                nullable=self._nullable(prop),
                checks=self._checks(prop),
                description=_described(prop),
                metadata=_metadata(prop),
            )
            for (wire, prop), name in zip(properties.items(), names, strict=True)
        }
        extra = schema.get("additionalProperties")
        return ModelInfo(
            pointer=pointer,
            class_name=self.names[pointer],
            description=_described(schema),
            fields=fields,
            extra_type=self._value_type(extra) if isinstance(extra, dict) else "Any",
        )

    def _value_type(self, schema: Mapping[str, Any]) -> str:
        """The Python type of the values of a schema, for the types a class body can
        name without imports of its own: components, JSON primitives, lists and maps of
        them; ``Any`` otherwise."""
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self.names.get(ref, "Any")
        options = [o for o in schema.get("anyOf", schema.get("oneOf", [])) if isinstance(o, dict)]
        if options:
            typed = [self._value_type(o) if o != {"type": "null"} else "None" for o in options]
            return "Any" if "Any" in typed else " | ".join(dict.fromkeys(typed))
        kinds = schema.get("type")
        kind_list = kinds if isinstance(kinds, list) else [kinds]
        typed = [self._primitive(str(kind), schema) for kind in kind_list]
        return "Any" if "Any" in typed or not typed else " | ".join(typed)

    def _primitive(self, kind: str, schema: Mapping[str, Any]) -> str:
        if ("format" in schema and kind == "string") or "enum" in schema or "const" in schema:
            return "Any"
        if kind == "array":
            items = schema.get("items")
            return f"list[{self._value_type(items) if isinstance(items, dict) else 'Any'}]"
        if kind == "object":
            if "properties" in schema:
                return "Any"
            values = schema.get("additionalProperties")
            return f"dict[str, {self._value_type(values) if isinstance(values, dict) else 'Any'}]"
        simple = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
        return {**simple, "null": "None"}.get(kind, "Any")

    def _nullable(self, schema: Mapping[str, Any]) -> bool:
        if not any(key in schema for key in ("type", "anyOf", "oneOf", "$ref", "enum", "const")):
            return True  # no type: any JSON value, null included
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

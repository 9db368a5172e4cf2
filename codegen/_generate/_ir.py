"""The compile stage's view of a spec: models, enums, unions and operations.

Built once from a loaded, linted spec; the templates render only what is here.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import Any
from uuid import UUID

from .._spec._extensions import ENUM_KEY, WAITERS_KEY
from .._spec._files import shown_path
from .._spec._load import LoadedSpec, escape_pointer_token, iter_pointer
from ._hoist import SCHEMAS, HoistError, hoist, recursive_aliases, refusals
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
    "RequestBody",
    "Response",
    "ResponseHeader",
    "SecurityScheme",
    "UnionInfo",
    "WaiterInfo",
    "build_api",
]

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
    aliases: tuple[AliasInfo, ...] = ()
    #: The names of the type aliases (unions among them) that refer to themselves
    #: through arrays or maps, sorted: the models write each such reference as a string,
    #: which the converter resolves by name.
    recursive_aliases: tuple[str, ...] = ()
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

    def credential_arguments(self) -> tuple[SecurityScheme, ...]:
        """One scheme per client credential argument, in the order the signature lists them."""
        found: dict[str, SecurityScheme] = {}
        for scheme in self.security_schemes:
            if scheme.kind != "tls":
                found.setdefault(scheme.argument, scheme)
        return tuple(found.values())

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
    # Imported here: the package `runtime` brings the bindings' whole HTTP layer (urllib3,
    # ssl: ~10 MB), which the process that renders the models never needs.
    from ..runtime._regex import PatternError, compile_pattern

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
    (an object whose ``additionalProperties`` is a schema is ``dict[str, X]``, with
    ``properties: {}`` beside it or not, as the models and ``_hoist`` have it)."""
    values = schema.get("additionalProperties")
    return bool(schema.get("properties")) or not (isinstance(values, dict) and values)


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
        #: The components the models module makes a class of (set by ``build``).
        self.class_pointers: set[str] = set()

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
            pointer = SCHEMAS + escape_pointer_token(component)
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
        self.class_pointers = {model.pointer for model in models} | {e.pointer for e in enums}
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
            aliases=tuple(aliases),
            recursive_aliases=tuple(
                sorted(
                    self.names[SCHEMAS + escape_pointer_token(component)]
                    for component in recursive_aliases(self.schemas)
                )
            ),
            schemas=self.schemas,
        )

    def _assign_class_names(self) -> dict[str, str]:
        components = sorted(self.schemas)
        return {
            SCHEMAS + escape_pointer_token(component): name
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
        members = self._tagged_members(schema.get("oneOf", schema.get("anyOf")))
        discriminator = schema.get("discriminator") or self._inherited_discriminator(members)
        if not isinstance(discriminator, dict) or members is None:
            # The discriminator is a hint: without one, or when a member is no class a
            # tag could pick, the members are tried in order.
            exclusive = "oneOf" in schema and self._classes_only_here(pointer, schema["oneOf"])
            return UnionInfo(pointer, self.names[pointer], None, {}, (), exclusive)
        # A mapping value is a $ref, or the bare name of a component schema.
        targets = {
            str(tag): ref if ref.startswith("#") else SCHEMAS + ref
            for tag, ref in discriminator.get("mapping", {}).items()
            if isinstance(ref, str)
        }
        mapping = {tag: self.names[ref] for tag, ref in targets.items() if ref in self.names}
        unmapped = [ref for ref in members if self.names[ref] not in mapping.values()]
        for ref in unmapped if len(unmapped) > 1 else ():
            # OpenAPI's implicit mapping: a member the mapping leaves out is tagged by
            # its component name, and stays a fallback for tags the spec does not name
            # (a lone fallback needs no tag: it takes every other value).
            mapping.setdefault(list(iter_pointer(ref))[-1], self.names[ref])
        return UnionInfo(
            pointer=pointer,
            class_name=self.names[pointer],
            tag=str(discriminator["propertyName"]),
            mapping=mapping,
            fallback=tuple(self.names[ref] for ref in unmapped),
        )

    def _inherited_discriminator(self, members: list[str] | None) -> Any:
        """The discriminator every member carries from the parent its ``allOf`` merged
        (the parent's tag tells its children apart), or None."""
        found = [self._deref({"$ref": ref}).get("discriminator") for ref in members or ()]
        return found[0] if found and all(d == found[0] for d in found) else None

    def _tagged_members(self, members: list[Any]) -> list[str] | None:
        """The ``$ref`` of each member of a union other than ``null``, in order, when
        each is a model class (an object, which a tag property can pick); else None."""
        refs = [m.get("$ref") for m in members if isinstance(m, dict) and m != {"type": "null"}]
        if not all(
            isinstance(ref, str) and ref in self.names and self._is_model_ref(ref) for ref in refs
        ):
            return None
        return [str(ref) for ref in refs]

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
        return "enum" in self._deref({"$ref": ref}) or self._is_model_ref(ref)

    def _is_model_ref(self, ref: str) -> bool:
        schema = self._deref({"$ref": ref})
        # `type: object` beside a oneOf/anyOf is a union (an alias), not a class.
        union = "oneOf" in schema or "anyOf" in schema
        return schema.get("type") == "object" and _is_model(schema) and not union

    def _unions(self) -> Iterator[tuple[str, list[Any]]]:
        for component, schema in self.schemas.items():
            if isinstance(schema, dict):
                members = schema.get("oneOf", schema.get("anyOf"))
                if isinstance(members, list):
                    yield SCHEMAS + escape_pointer_token(component), members

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
        if isinstance(ref, str) and ref.startswith(SCHEMAS):
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
        if isinstance(ref, str) and ref in self.names:
            return f"models.{self.names[ref]}"  # after hoisting, a class or an alias
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
        """Whether the models module defines a class (a model or an enum, not an alias)
        for the component ``ref``: only a class is a ``type`` to structure a body as."""
        return ref in self.class_pointers

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

"""Index a spec for checking traffic: which operation a request is, and what it declares.

Every schema is kept as a JSON pointer into the spec document, so the JSON Schema layer
can build one validator per schema and resolve ``$ref`` from there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from .._spec._expansion import oversized_schemas
from .._spec._load import LoadedSpec, escape_pointer_token
from .._spec._walk import index_spec as lint_index

__all__ = [
    "HTTP_METHODS",
    "Match",
    "Operation",
    "Parameter",
    "Response",
    "SpecError",
    "SpecIndex",
    "index_spec",
    "is_json_media",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]+)\}")


class SpecError(Exception):
    """The spec cannot be used for checking. ``str()`` is one ``file:line: message`` line."""


@dataclass(frozen=True)
class Parameter:
    """A request parameter: where it goes (path, query, header, cookie) and its schema."""

    name: str
    location: str
    required: bool
    schema: str
    types: frozenset[str]
    item_types: frozenset[str]


@dataclass(frozen=True)
class Response:
    """A declared response: its key (``200``, ``4XX``, ``default``) and media types.

    ``media`` maps each declared media type to the pointer of its schema ("" if none).
    """

    key: str
    media: dict[str, str]

    def schema_for(self, media_type: str) -> str | None:
        """The schema pointer for a media type, honouring ``type/*`` and ``*/*``.

        None when the media type is not declared; "" when declared without a schema.
        """
        for candidate in (media_type, f"{media_type.split('/', 1)[0]}/*", "*/*"):
            if candidate in self.media:
                return self.media[candidate]
        return None

    def json_schema(self) -> str | None:
        """The schema pointer of the first JSON media type, or None if none has one."""
        for media_type, schema in self.media.items():
            if is_json_media(media_type) and schema:
                return schema
        return None


@dataclass(frozen=True)
class Operation:
    """One operation: method, path template, parameters and responses by status key."""

    id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    variables: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    responses: dict[str, Response]

    def declares(self, status: str) -> bool:
        """Whether a status is declared by itself or by its range (not by ``default``)."""
        return status in self.responses or f"{status[0]}XX" in self.responses

    def response_for(self, status: str) -> Response | None:
        """The declared response for a status: exact, then ``NXX``, then ``default``."""
        exact = self.responses.get(status)
        if exact is not None:
            return exact
        if status.isdigit():
            ranged = self.responses.get(f"{status[0]}XX")
            if ranged is not None:
                return ranged
        return self.responses.get("default")


@dataclass(frozen=True)
class Match:
    """A request matched to an operation, with its path parameters (percent-decoded)."""

    operation: Operation
    path_values: dict[str, str]


@dataclass(frozen=True)
class _Server:
    """A server URL as a pattern: ``host`` matches ``host[:port]``, None matches any host."""

    host: re.Pattern[str] | None
    base_path: str


class SpecIndex:
    """The operations of a spec, and how requests find theirs."""

    def __init__(self, operations: dict[str, Operation], servers: tuple[_Server, ...]) -> None:
        self.operations = operations
        self._servers = servers
        # Concrete paths before templated ones, as OpenAPI requires; then the longest.
        self._by_specificity = sorted(
            operations.values(),
            key=lambda op: (op.template.count("{"), -len(op.template), op.template, op.method),
        )

    def match(self, method: str, url: str) -> Match | tuple[str, str]:
        """Find a request's operation, or return (reason, detail) for why it is skipped.

        Reasons: ``other host``, ``undocumented path``, ``undocumented method``.
        """
        try:
            parts = urlsplit(url)
            host = _netloc(parts.scheme, parts.hostname or "", parts.port)
        except ValueError:
            return ("undocumented path", "the URL cannot be parsed")
        servers = [s for s in self._servers if s.host is None or s.host.fullmatch(host)]
        if not servers:
            return ("other host", f"host {host or '(none)'} is not a server of the spec")
        path = parts.path or "/"
        methods: set[str] = set()
        for server in servers:
            if not (path == server.base_path or path.startswith(server.base_path + "/")):
                continue
            rest = path[len(server.base_path) :] or "/"
            for operation in self._by_specificity:
                found = operation.pattern.fullmatch(rest)
                if found is None:
                    continue
                if operation.method != method.lower():
                    methods.add(operation.method.upper())
                    continue
                values = (unquote(value) for value in found.groups())
                return Match(operation, dict(zip(operation.variables, values, strict=True)))
        if methods:
            return (
                "undocumented method",
                f"{method} {path}: the spec documents {', '.join(sorted(methods))}",
            )
        return ("undocumented path", f"{path} matches no path of the spec")


def is_json_media(media_type: str) -> bool:
    """``application/json`` and any ``+json`` type."""
    media_type = media_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def index_spec(spec: LoadedSpec, extra_servers: tuple[str, ...] = ()) -> SpecIndex:
    """Index the operations of a loaded spec. Raises :class:`SpecError`.

    ``extra_servers`` are further server URLs to accept (a self-hosted API's address).
    """
    return _Indexer(spec).index(extra_servers)


class _Indexer:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec

    def fail(self, pointer: str, message: str) -> SpecError:
        line, column = self.spec.locate(pointer)
        return SpecError(f"{self.spec.path}:{line}:{column}: {message}")

    def index(self, extra_servers: tuple[str, ...]) -> SpecIndex:
        paths = self.spec.data.get("paths")
        if not isinstance(paths, dict):
            raise self.fail("", "the spec has no paths")
        operations: dict[str, Operation] = {}
        for template, item in paths.items():
            item_pointer = f"/paths/{escape_pointer_token(template)}"
            if not isinstance(item, dict):
                raise self.fail(item_pointer, f"path {template} is not an object")
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                op_pointer = f"{item_pointer}/{method}"
                operation = self.operation(template, method, item, op_pointer)
                if operation.id in operations:
                    raise self.fail(op_pointer, f"operationId {operation.id} is used twice")
                operations[operation.id] = operation
        if not operations:
            raise self.fail("/paths", "the spec has no operations")
        oversized = oversized_schemas(self.spec, lint_index(self.spec).schemas)
        if oversized:
            # Checking a payload against it would take exponential time; lint says so too.
            raise self.fail(oversized[0].pointer, f"ref-expansion: {oversized[0].message}")
        servers = tuple(self.servers()) + tuple(_server(url, {}) for url in extra_servers)
        return SpecIndex(operations, servers)

    def servers(self) -> Iterator[_Server]:
        declared = self.spec.data.get("servers")
        if not isinstance(declared, list) or not declared:
            yield _Server(None, "")
            return
        for index, server in enumerate(declared):
            url = server.get("url") if isinstance(server, dict) else None
            if not isinstance(url, str):
                raise self.fail(f"/servers/{index}", "a server needs a url")
            variables = server.get("variables", {})
            yield _server(url, variables if isinstance(variables, dict) else {})

    def operation(
        self, template: str, method: str, item: dict[str, Any], pointer: str
    ) -> Operation:
        body = item[method]
        if not isinstance(body, dict):
            raise self.fail(pointer, f"{method} {template} is not an object")
        operation_id = body.get("operationId")
        if not isinstance(operation_id, str) or not operation_id:
            raise self.fail(pointer, f"{method.upper()} {template} has no operationId")
        parameters: dict[tuple[str, str], Parameter] = {}
        for where, owner in ((f"{pointer[: pointer.rindex('/')]}", item), (pointer, body)):
            for index, raw in enumerate(owner.get("parameters", [])):
                parameter = self.parameter(raw, f"{where}/parameters/{index}")
                parameters[(parameter.location, parameter.name)] = parameter
        responses = body.get("responses")
        if not isinstance(responses, dict):
            raise self.fail(pointer, f"{operation_id} has no responses")
        return Operation(
            id=operation_id,
            method=method,
            template=template,
            pattern=_path_pattern(template),
            variables=tuple(m.group(1) for m in _TEMPLATE_VARIABLE.finditer(template)),
            parameters=tuple(parameters.values()),
            responses={
                _status_key(key): self.response(
                    raw, f"{pointer}/responses/{escape_pointer_token(key)}", _status_key(key)
                )
                for key, raw in responses.items()
            },
        )

    def follow(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow local ``$ref`` chains; return the node and the pointer it was found at."""
        for _ in range(32):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node, pointer
            ref = node["$ref"]
            if not ref.startswith("#"):
                raise self.fail(pointer, f"$ref {ref} is not local; only #/... refs are read")
            try:
                node = self.spec.resolve(ref)
            except KeyError:
                raise self.fail(pointer, f"$ref {ref} points at nothing") from None
            pointer = ref[1:]
        raise self.fail(pointer, "$ref chain longer than 32 steps")

    def parameter(self, raw: Any, pointer: str) -> Parameter:
        node, pointer = self.follow(raw, pointer)
        if not isinstance(node, dict):
            raise self.fail(pointer, "a parameter must be an object")
        name, location = node.get("name"), node.get("in")
        if not isinstance(name, str) or location not in ("path", "query", "header", "cookie"):
            raise self.fail(pointer, "a parameter needs a name and in: path|query|header|cookie")
        schema_pointer = f"{pointer}/schema" if "schema" in node else ""
        schema = self.follow(node.get("schema", {}), schema_pointer)[0]
        items = schema.get("items", {}) if isinstance(schema, dict) else {}
        return Parameter(
            name=name,
            location=location,
            required=bool(node.get("required", location == "path")),
            schema=schema_pointer,
            types=self.types(schema, schema_pointer),
            item_types=self.types(items, schema_pointer),
        )

    def types(self, schema: Any, pointer: str) -> frozenset[str]:
        """The JSON types a schema admits, used to read a parameter's text as a value."""
        schema = self.follow(schema, pointer)[0]
        if not isinstance(schema, dict):
            return frozenset()
        declared = schema.get("type")
        if isinstance(declared, str):
            return frozenset({declared})
        if isinstance(declared, list):
            return frozenset(t for t in declared if isinstance(t, str))
        found: set[str] = set()
        for keyword in ("anyOf", "oneOf", "allOf"):
            branches = schema.get(keyword)
            for branch in branches if isinstance(branches, list) else []:
                found |= self.types(branch, pointer)
        values = schema.get("enum")
        values = list(values) if isinstance(values, list) else []
        if "const" in schema:
            values.append(schema["const"])
        found.update(_json_type(value) for value in values)
        return frozenset(found)

    def response(self, raw: Any, pointer: str, key: str) -> Response:
        node, pointer = self.follow(raw, pointer)
        if not isinstance(node, dict):
            raise self.fail(pointer, "a response must be an object")
        content = node.get("content", {})
        if not isinstance(content, dict):
            raise self.fail(pointer, "content must be an object")
        media: dict[str, str] = {}
        for media_type, entry in content.items():
            entry_pointer = f"{pointer}/content/{escape_pointer_token(media_type)}"
            has_schema = isinstance(entry, dict) and "schema" in entry
            media[media_type.lower()] = f"{entry_pointer}/schema" if has_schema else ""
        return Response(key=key, media=media)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _status_key(key: str) -> str:
    """Response keys as looked up: ``4xx`` and ``4XX`` alike become ``4XX``."""
    return key.upper() if key.lower().endswith("xx") else key


def _path_pattern(template: str) -> re.Pattern[str]:
    """``/jobs/{job_id}`` → a regex with one group per variable, matched on the raw path.

    The groups are positional: variable names need not be Python identifiers.
    """
    parts = []
    position = 0
    for variable in _TEMPLATE_VARIABLE.finditer(template):
        parts.append(re.escape(template[position : variable.start()]))
        parts.append("([^/]+)")
        position = variable.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts))


def _server(url: str, variables: dict[str, Any]) -> _Server:
    """A server URL (maybe with ``{variables}``) as a host pattern and a base path."""
    if "://" not in url:
        return _Server(None, url.split("?", 1)[0].rstrip("/"))
    scheme, rest = url.split("://", 1)
    netloc, _, path = rest.partition("/")
    host_parts = []
    position = 0
    for variable in _TEMPLATE_VARIABLE.finditer(netloc):
        host_parts.append(re.escape(netloc[position : variable.start()].lower()))
        choices = variables.get(variable.group(1), {})
        allowed = choices.get("enum") if isinstance(choices, dict) else None
        if isinstance(allowed, list) and allowed:
            host_parts.append("(?:" + "|".join(re.escape(str(a).lower()) for a in allowed) + ")")
        else:
            host_parts.append("[^/]*")
        position = variable.end()
    host_parts.append(re.escape(netloc[position:].lower()))
    host = "".join(host_parts)
    port = _DEFAULT_PORTS.get(scheme.lower())
    if port is not None:
        # "api.example.com:443" in a server URL is the same server as "api.example.com".
        host = host.removesuffix(re.escape(f":{port}"))
    base_path = "/" + path.split("?", 1)[0].rstrip("/") if path else ""
    return _Server(re.compile(host), base_path.rstrip("/"))


def _netloc(scheme: str, hostname: str, port: int | None) -> str:
    if port is None or port == _DEFAULT_PORTS.get(scheme.lower()):
        return hostname.lower()
    return f"{hostname.lower()}:{port}"

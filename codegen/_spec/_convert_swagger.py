"""Swagger 2.0 documents in the shape of OpenAPI 3.0 (their schemas are upgraded after).

- ``definitions``, top-level ``parameters`` and ``responses`` and ``securityDefinitions``
  move under ``components`` (a top-level ``body`` parameter is a request body);
- a ``body`` parameter is the operation's ``requestBody``, one media type per entry of
  ``consumes``; ``formData`` parameters are one object schema, ``multipart/form-data``
  when one is a file, else ``application/x-www-form-urlencoded``;
- other parameters keep their fields, and their type is their ``schema``;
  ``collectionFormat`` is ``style`` and ``explode``;
- a response's ``schema`` is its ``content``, one media type per entry of ``produces``;
- ``host``, ``basePath`` and ``schemes`` are ``servers`` (https when no scheme is given:
  2.0 means the scheme the document was fetched with, which a file does not say);
- security schemes: ``basic`` is HTTP basic, ``apiKey`` stays, oauth2's ``flow`` names
  its OpenAPI 3 flow.

``consumes`` and ``produces`` default to ``application/json``. The returned pointer map
is ``{new pointer: pointer written}`` for every node that moved.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ._convert_schema import swagger_ref
from ._events import escape_pointer_token

__all__ = ["copy_plain", "swagger_to_30"]

_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
#: Parameter fields that stay on an OpenAPI 3 parameter; the others describe its schema.
_PARAMETER_FIELDS = ("name", "in", "description", "required", "allowEmptyValue")
_FLOWS = {
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}
#: collectionFormat as (style, explode) in a query; csv is the 2.0 default.
_QUERY_STYLES = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}


def copy_plain(node: Any) -> Any:
    """A deep copy of plain JSON-like data."""
    if isinstance(node, dict):
        return {key: copy_plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [copy_plain(value) for value in node]
    return node


def _at(pointer: str, *tokens: str | int) -> str:
    for token in tokens:
        pointer = f"{pointer}/{escape_pointer_token(str(token))}"
    return pointer


@dataclass
class _Swagger:
    source: dict[str, Any]
    warnings: list[tuple[str, str]]
    origins: dict[str, str] = field(default_factory=dict)

    def moved(self, new: str, old: str) -> None:
        if new != old:
            self.origins[new] = old

    def warn(self, pointer: str, message: str) -> None:
        self.warnings.append((pointer, message))

    # The document.

    def document(self) -> dict[str, Any]:
        source = self.source
        result: dict[str, Any] = {"openapi": "3.0.3"}
        self.moved("/openapi", "/swagger")
        if "info" in source:
            result["info"] = copy_plain(source["info"])
        servers = self.servers()
        if servers:
            result["servers"] = servers
        paths = source.get("paths")
        if isinstance(paths, dict):
            result["paths"] = {
                template: copy_plain(item)
                if template.startswith("x-")
                else self.path_item(item, _at("/paths", template))
                for template, item in paths.items()
            }
        components = self.components()
        if components:
            result["components"] = components
        for key, value in source.items():
            if key in ("tags", "externalDocs", "security") or key.startswith("x-"):
                result[key] = copy_plain(value)
        return result

    def servers(self) -> list[dict[str, Any]]:
        host, base = self.source.get("host"), self.source.get("basePath", "")
        if not isinstance(base, str):
            base = ""
        if isinstance(host, str) and host:
            listed = self.source.get("schemes")
            schemes = (
                [scheme for scheme in listed if isinstance(scheme, str)]
                if isinstance(listed, list)
                else []
            )
            schemes = schemes or ["https"]
            self.moved("/servers", "/host")
            return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes]
        if base:
            self.moved("/servers", "/basePath")
            return [{"url": base}]
        return []

    def components(self) -> dict[str, Any]:
        source, components = self.source, {}
        definitions = source.get("definitions")
        if isinstance(definitions, dict):
            components["schemas"] = copy_plain(definitions)
            self.moved("/components/schemas", "/definitions")
        parameters = source.get("parameters")
        if isinstance(parameters, dict):
            plain: dict[str, Any] = {}
            bodies: dict[str, Any] = {}
            for name, parameter in parameters.items():
                written = _at("/parameters", name)
                where = parameter.get("in") if isinstance(parameter, dict) else None
                if where == "body":
                    at = _at("/components/requestBodies", name)
                    bodies[name] = self.body(parameter, self.consumes({}), at, written)
                elif where != "formData":
                    # A formData parameter is written into each form that uses it.
                    at = _at("/components/parameters", name)
                    plain[name] = self.parameter(parameter, written, at)
                    self.moved(at, written)
            if plain:
                components["parameters"] = plain
            if bodies:
                components["requestBodies"] = bodies
        responses = source.get("responses")
        if isinstance(responses, dict):
            components["responses"] = {
                name: self.response(
                    response,
                    _at("/components/responses", name),
                    _at("/responses", name),
                    self.produces({}),
                )
                for name, response in responses.items()
            }
        schemes = source.get("securityDefinitions")
        if isinstance(schemes, dict):
            components["securitySchemes"] = {
                name: self.security_scheme(scheme) for name, scheme in schemes.items()
            }
            self.moved("/components/securitySchemes", "/securityDefinitions")
        return components

    def consumes(self, operation: dict[str, Any]) -> list[str]:
        return _media_types(operation.get("consumes", self.source.get("consumes")))

    def produces(self, operation: dict[str, Any]) -> list[str]:
        return _media_types(operation.get("produces", self.source.get("produces")))

    # Paths and operations.

    def path_item(self, item: Any, pointer: str) -> Any:
        if not isinstance(item, dict):
            return copy_plain(item)
        result: dict[str, Any] = {}
        shared = list(self.parameters(item.get("parameters"), _at(pointer, "parameters")))
        plain = [found for found in shared if found[2] not in ("body", "formData")]
        for key, value in item.items():
            if key == "parameters":
                if plain:
                    result[key] = self.listed(plain, _at(pointer, key))
            elif key in _METHODS and isinstance(value, dict):
                carried = [found for found in shared if found[2] in ("body", "formData")]
                result[key] = self.operation(value, _at(pointer, key), carried)
            elif key == "$ref" and isinstance(value, str):
                result[key] = swagger_ref(value)
            else:
                result[key] = copy_plain(value)
        return result

    def parameters(self, listed: Any, pointer: str) -> Iterator[tuple[str, Any, str | None]]:
        """(where written, the parameter as written, its ``in``) for each listed one."""
        if not isinstance(listed, list):
            return
        for number, parameter in enumerate(listed):
            at = _at(pointer, number)
            resolved = self.resolve(parameter)
            where = resolved.get("in") if isinstance(resolved, dict) else None
            yield at, parameter, where if isinstance(where, str) else None

    def resolve(self, node: Any) -> Any:
        """A ``#/parameters/...`` reference followed; anything else as it is."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref: str = node["$ref"]
            if ref.startswith("#/parameters/"):
                table = self.source.get("parameters")
                name = ref[len("#/parameters/") :].replace("~1", "/").replace("~0", "~")
                if isinstance(table, dict):
                    return table.get(name, node)
        return node

    def listed(self, found: list[tuple[str, Any, str | None]], pointer: str) -> list[Any]:
        result = []
        for number, (written, parameter, _) in enumerate(found):
            self.moved(_at(pointer, number), written)
            if isinstance(parameter, dict) and isinstance(parameter.get("$ref"), str):
                result.append({**copy_plain(parameter), "$ref": swagger_ref(parameter["$ref"])})
            else:
                result.append(self.parameter(parameter, written, _at(pointer, number)))
        return result

    def operation(
        self, operation: dict[str, Any], pointer: str, carried: list[tuple[str, Any, str | None]]
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        own = list(self.parameters(operation.get("parameters"), _at(pointer, "parameters")))
        plain = [found for found in own if found[2] not in ("body", "formData")]
        bodies = [found for found in carried + own if found[2] == "body"]
        form = [found for found in carried + own if found[2] == "formData"]
        for key, value in operation.items():
            if key in ("consumes", "produces"):
                continue
            if key == "parameters":
                if plain:
                    result[key] = self.listed(plain, _at(pointer, key))
                result.update(self.request_body(bodies, form, operation, pointer))
            elif key == "responses" and isinstance(value, dict):
                produces = self.produces(operation)
                result[key] = {
                    code: self.response(
                        response, _at(pointer, key, code), _at(pointer, key, code), produces
                    )
                    for code, response in value.items()
                }
            else:
                result[key] = copy_plain(value)
        if "parameters" not in operation:
            result.update(self.request_body(bodies, form, operation, pointer))
        return result

    def request_body(
        self,
        bodies: list[tuple[str, Any, str | None]],
        form: list[tuple[str, Any, str | None]],
        operation: dict[str, Any],
        pointer: str,
    ) -> dict[str, Any]:
        """``{"requestBody": ...}`` from the body (the operation's own over its path's) or
        the form parameters, else nothing."""
        if bodies:
            return {"requestBody": self.operation_body(bodies[-1], operation, pointer)}
        if form:
            return {"requestBody": self.form(form, operation, pointer)}
        return {}

    def operation_body(
        self, found: tuple[str, Any, str | None], operation: dict[str, Any], pointer: str
    ) -> dict[str, Any]:
        written, parameter, _ = found
        at = _at(pointer, "requestBody")
        ref = parameter.get("$ref") if isinstance(parameter, dict) else None
        if isinstance(ref, str) and ref.startswith("#/parameters/"):
            self.moved(at, written)
            return {"$ref": "#/components/requestBodies/" + ref[len("#/parameters/") :]}
        return self.body(parameter, self.consumes(operation), at, written)

    def body(
        self, parameter: dict[str, Any], consumes: list[str], pointer: str, written: str
    ) -> dict[str, Any]:
        """A ``body`` parameter as a request body, one media type per entry of consumes."""
        types = [media for media in consumes if media not in (_FORM, _MULTIPART)] or [_JSON]
        self.moved(pointer, written)
        for media in types:
            self.moved(_at(pointer, "content", media), written)
        result: dict[str, Any] = {}
        if "description" in parameter:
            result["description"] = parameter["description"]
        schema = parameter.get("schema", {})
        result["content"] = {media: {"schema": copy_plain(schema)} for media in types}
        if parameter.get("required") is True:
            result["required"] = True
        result.update({k: copy_plain(v) for k, v in parameter.items() if k.startswith("x-")})
        return result

    def form(
        self, found: list[tuple[str, Any, str | None]], operation: dict[str, Any], pointer: str
    ) -> dict[str, Any]:
        """The formData parameters as one object schema."""
        fields = [(written, self.resolve(parameter)) for written, parameter, _ in found]
        consumes = self.consumes(operation)
        files = any(parameter.get("type") == "file" for _, parameter in fields)
        media = _MULTIPART if files or (_MULTIPART in consumes and _FORM not in consumes) else _FORM
        content = _at(pointer, "requestBody", "content", media)
        self.moved(_at(pointer, "requestBody"), _at(pointer, "parameters"))
        schema: dict[str, Any] = {"type": "object", "properties": {}}
        required: list[str] = []
        encoding: dict[str, Any] = {}
        for written, parameter in fields:
            name = str(parameter.get("name", ""))
            converted = self.parameter(parameter, written, None)
            schema["properties"][name] = converted.get("schema", {})
            if "description" in converted:
                schema["properties"][name]["description"] = converted["description"]
            self.moved(_at(content, "schema", "properties", name), written)
            if parameter.get("required") is True:
                required.append(name)
            if "style" in converted or "explode" in converted:
                encoding[name] = {
                    key: converted[key] for key in ("style", "explode") if key in converted
                }
        if required:
            schema["required"] = required
        body: dict[str, Any] = {"schema": schema}
        if encoding:
            body["encoding"] = encoding
        result: dict[str, Any] = {"content": {media: body}}
        if required:
            result["required"] = True
        return result

    def parameter(self, parameter: Any, written: str, pointer: str | None) -> Any:
        """A non-body parameter (converted to ``pointer``, if listed on its own): its type,
        format, items, enum... are its ``schema``."""
        if not isinstance(parameter, dict):
            return copy_plain(parameter)
        if "$ref" in parameter:
            return {**copy_plain(parameter), "$ref": swagger_ref(str(parameter["$ref"]))}
        result: dict[str, Any] = {}
        schema: dict[str, Any] = {}
        for key, value in parameter.items():
            if key in _PARAMETER_FIELDS or (key.startswith("x-") and key != "x-nullable"):
                result[key] = copy_plain(value)
            elif key == "collectionFormat":
                result.update(self.style(parameter, written))
            elif key == "schema":
                schema.update(copy_plain(value))
            else:
                schema[key] = copy_plain(value)
        self.drop_nested_formats(schema, _at(written, "items"))
        result["schema"] = schema
        if pointer is not None:
            self.moved(_at(pointer, "schema"), written)
        return result

    def style(self, parameter: dict[str, Any], written: str) -> dict[str, Any]:
        if parameter.get("type") != "array":
            return {}
        form = parameter.get("collectionFormat", "csv")
        where = parameter.get("in")
        if where in ("path", "header") and form == "csv":
            return {"style": "simple", "explode": False}
        if where in ("query", "formData") and form in _QUERY_STYLES:
            style, explode = _QUERY_STYLES[form]
            return {"style": style, "explode": explode}
        self.warn(
            _at(written, "collectionFormat"),
            f"collectionFormat {form!r} in {where} has no OpenAPI 3 equivalent; "
            "it is read as the default style",
        )
        return {}

    def drop_nested_formats(self, schema: dict[str, Any], pointer: str) -> None:
        items = schema.get("items")
        if isinstance(items, dict):
            if "collectionFormat" in items:
                form = items.pop("collectionFormat")
                self.warn(
                    _at(pointer, "collectionFormat"),
                    f"collectionFormat {form!r} of nested array items has no OpenAPI 3 "
                    "equivalent; it is left out",
                )
            self.drop_nested_formats(items, _at(pointer, "items"))

    def response(self, response: Any, pointer: str, written: str, produces: list[str]) -> Any:
        if not isinstance(response, dict):
            return copy_plain(response)
        if isinstance(response.get("$ref"), str):
            return {**copy_plain(response), "$ref": swagger_ref(response["$ref"])}
        self.moved(pointer, written)
        result: dict[str, Any] = {}
        for key, value in response.items():
            if key == "schema":
                for media in produces:
                    self.moved(_at(pointer, "content", media, "schema"), _at(written, "schema"))
                result["content"] = {media: {"schema": copy_plain(value)} for media in produces}
            elif key == "headers" and isinstance(value, dict):
                result[key] = {
                    name: self.header(header, _at(written, key, name), _at(pointer, key, name))
                    for name, header in value.items()
                }
            elif key == "examples" and isinstance(value, dict):
                content = result.setdefault("content", {})
                for media, example in value.items():
                    self.moved(_at(pointer, "content", media, "example"), _at(written, key, media))
                    content.setdefault(media, {})["example"] = copy_plain(example)
            else:
                result[key] = copy_plain(value)
        result.setdefault("description", "")
        return result

    def header(self, header: Any, written: str, pointer: str) -> Any:
        if not isinstance(header, dict):
            return copy_plain(header)
        result: dict[str, Any] = {}
        schema: dict[str, Any] = {}
        for key, value in header.items():
            if key == "description" or (key.startswith("x-") and key != "x-nullable"):
                result[key] = copy_plain(value)
            elif key != "collectionFormat":
                schema[key] = copy_plain(value)
        result["schema"] = schema
        self.moved(_at(pointer, "schema"), written)
        return result

    def security_scheme(self, scheme: Any) -> Any:
        if not isinstance(scheme, dict):
            return copy_plain(scheme)
        kind = scheme.get("type")
        extra = {
            key: copy_plain(value)
            for key, value in scheme.items()
            if key == "description" or key.startswith("x-")
        }
        if kind == "basic":
            return {"type": "http", "scheme": "basic", **extra}
        if kind == "oauth2" and scheme.get("flow") in _FLOWS:
            name, urls = _FLOWS[scheme["flow"]]
            flow = {url: scheme.get(url, "") for url in urls}
            flow["scopes"] = copy_plain(scheme.get("scopes", {}))
            return {"type": "oauth2", "flows": {name: flow}, **extra}
        return copy_plain(scheme)


def _media_types(listed: Any) -> list[str]:
    if isinstance(listed, list) and all(isinstance(media, str) for media in listed) and listed:
        return list(dict.fromkeys(listed))
    return [_JSON]


def swagger_to_30(
    document: dict[str, Any], warnings: list[tuple[str, str]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The 2.0 ``document`` in OpenAPI 3.0's shape, and ``{new pointer: pointer written}``.

    What cannot be carried over is added to ``warnings`` as (pointer written, message).
    """
    swagger = _Swagger(document, warnings)
    return swagger.document(), swagger.origins

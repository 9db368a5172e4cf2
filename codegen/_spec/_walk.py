"""Index an OpenAPI 3.1 document: where its operations, responses, schemas and $refs are.

The lint rules look at objects by what they are (a response, a schema, a parameter), which
depends on where they sit in the document. This walk knows the OpenAPI 3.1 object graph, so
literal data (``example``, ``default``, ``enum``, ``const``, extensions) is never mistaken for
a schema or a ``$ref``. It skips every node of the wrong type: shape errors are the
``openapi`` rule's to report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from ._load import LoadedSpec, escape_pointer_token

__all__ = [
    "METHODS",
    "Labelled",
    "Ref",
    "SpecIndex",
    "child",
    "follow",
    "index_spec",
    "local_target",
    "resolve_local",
    "subschemas",
]

#: The operations a 3.1 path item can hold.
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# JSON Schema 2020-12 keywords whose value is one subschema, a map of them, or a list of them.
_ONE_SCHEMA = frozenset(
    {
        "items",
        "additionalProperties",
        "unevaluatedItems",
        "unevaluatedProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "contentSchema",
    }
)
_SCHEMA_MAP = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
_SCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})


def child(pointer: str, token: str | int) -> str:
    """The JSON pointer of one member of the node at ``pointer``."""
    return f"{pointer}/{escape_pointer_token(str(token))}"


def local_target(ref: str) -> str | None:
    """The JSON pointer a local ``#/...`` reference names, or None for any other reference."""
    if not ref.startswith("#/"):
        return None
    # A fragment is URI-encoded (RFC 6901 section 6), as referencing decodes it too.
    return unquote(ref[1:])


def resolve_local(spec: LoadedSpec, ref: str) -> tuple[str, Any] | None:
    """The (pointer, node) a local reference names, or None if it is not local or not there."""
    target = local_target(ref)
    if target is None:
        return None
    try:
        return target, spec.resolve(target)
    except KeyError:
        return None


def follow(spec: LoadedSpec, pointer: str, node: Any) -> tuple[str, Any] | None:
    """Follow a chain of Reference objects to the object it ends at.

    None when a link is not local, does not resolve, or the chain loops: the ``ref`` rules
    report those.
    """
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        if pointer in seen:
            return None
        seen.add(pointer)
        found = resolve_local(spec, node["$ref"])
        if found is None:
            return None
        pointer, node = found
    return pointer, node


def subschemas(pointer: str, schema: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Yield (pointer, node) for each direct subschema of a schema, in document order."""
    for key, value in schema.items():
        at = child(pointer, key)
        if key in _ONE_SCHEMA and not isinstance(value, list):
            yield at, value
        elif (key in _SCHEMA_LIST or key == "items") and isinstance(value, list):
            # A list under `items` is the pre-2020 tuple form; its members are still schemas.
            yield from ((child(at, index), item) for index, item in enumerate(value))
        elif key in _SCHEMA_MAP and isinstance(value, dict):
            yield from ((child(at, name), item) for name, item in value.items())


def map_subschemas(schema: dict[str, Any], transform: Callable[[Any], Any]) -> dict[str, Any]:
    """A copy of a schema with each direct subschema replaced by ``transform`` of it.

    Every other keyword's value (``enum``, ``default``, ``example``, the names in
    ``properties``, ...) is kept as it is: it is data, not a schema.
    """

    def one(key: str, value: Any) -> Any:
        if key in _ONE_SCHEMA and not isinstance(value, list):
            return transform(value)
        if (key in _SCHEMA_LIST or key == "items") and isinstance(value, list):
            return [transform(item) for item in value]
        if key in _SCHEMA_MAP and isinstance(value, dict):
            return {name: transform(item) for name, item in value.items()}
        return value

    return {key: one(key, value) for key, value in schema.items()}


@dataclass(frozen=True)
class Labelled:
    """An object of the document, with a human label such as ``GET /jobs/{id}``."""

    pointer: str
    label: str
    node: dict[str, Any]


@dataclass(frozen=True)
class Ref:
    """One ``$ref`` as written: ``pointer`` is the object holding it."""

    pointer: str
    ref: str


@dataclass
class SpecIndex:
    """The objects of one document the lint rules look at, each where it is written."""

    operations: list[Labelled] = field(default_factory=list)
    responses: list[Labelled] = field(default_factory=list)
    #: Media types, parameters and headers: the objects with a schema and examples.
    holders: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    schemas: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)


def index_spec(spec: LoadedSpec) -> SpecIndex:
    """Walk the document once and index it."""
    return _Walker(spec).run()


_Task = tuple[Callable[[str, Any, str], None], str, Any, str]


class _Walker:
    """A worklist walk (no recursion, so any depth the loader accepts is fine)."""

    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.index = SpecIndex()
        self.tasks: list[_Task] = []
        self.walked_schemas: set[str] = set()
        self.schema_refs: list[str] = []

    def run(self) -> SpecIndex:
        self.document("", self.spec.data, "")
        while self.tasks or self.schema_refs:
            if self.tasks:
                handler, pointer, node, label = self.tasks.pop()
                handler(pointer, node, label)
                continue
            # A schema reached only through $ref (say, under an `x-` key) is still a schema.
            found = resolve_local(self.spec, self.schema_refs.pop())
            if found is not None and found[0] not in self.walked_schemas:
                self.push(self.schema, *found)
        return self.index

    def push(self, handler: Callable[[str, Any, str], None], pointer: str, node: Any) -> None:
        self.tasks.append((handler, pointer, node, ""))

    def push_map(
        self, handler: Callable[[str, Any, str], None], pointer: str, node: Any, label: str = ""
    ) -> None:
        """Queue each value of a map of objects (extensions skipped), labelled by its key."""
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if not key.startswith("x-"):
                self.tasks.append((handler, child(pointer, key), value, f"{label}{key}"))

    def is_ref(self, pointer: str, node: Any) -> bool:
        """Record a Reference object; True if ``node`` is one."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            self.index.refs.append(Ref(pointer, node["$ref"]))
            return True
        return False

    def document(self, pointer: str, node: Any, _label: str) -> None:
        self.push_map(self.path_item, child(pointer, "paths"), node.get("paths"))
        self.push_map(self.path_item, child(pointer, "webhooks"), node.get("webhooks"), "webhook ")
        components = node.get("components")
        if not isinstance(components, dict):
            return
        at = child(pointer, "components")
        kinds: dict[str, Callable[[str, Any, str], None]] = {
            "schemas": self.schema,
            "responses": self.response,
            "parameters": self.parameter,
            "examples": self.reference_only,
            "requestBodies": self.request_body,
            "headers": self.parameter,
            "securitySchemes": self.reference_only,
            "links": self.reference_only,
            "callbacks": self.callback,
            "pathItems": self.path_item,
        }
        for kind, handler in kinds.items():
            self.push_map(handler, child(at, kind), components.get(kind), f"components/{kind}/")

    def path_item(self, pointer: str, node: Any, label: str) -> None:
        if not isinstance(node, dict):
            return
        # A path item's $ref may sit beside its operations, so keep walking.
        self.is_ref(pointer, node)
        self.push_list(self.parameter, child(pointer, "parameters"), node.get("parameters"))
        for method in METHODS:
            if isinstance(node.get(method), dict):
                operation = f"{method.upper()} {label}"
                self.tasks.append((self.operation, child(pointer, method), node[method], operation))

    def push_list(self, handler: Callable[[str, Any, str], None], pointer: str, node: Any) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                self.push(handler, child(pointer, index), item)

    def operation(self, pointer: str, node: dict[str, Any], label: str) -> None:
        self.index.operations.append(Labelled(pointer, label, node))
        self.push_list(self.parameter, child(pointer, "parameters"), node.get("parameters"))
        self.push(self.request_body, child(pointer, "requestBody"), node.get("requestBody"))
        self.push_map(
            self.response, child(pointer, "responses"), node.get("responses"), f"{label} "
        )
        self.push_map(self.callback, child(pointer, "callbacks"), node.get("callbacks"))

    def callback(self, pointer: str, node: Any, _label: str) -> None:
        if not self.is_ref(pointer, node):
            self.push_map(self.path_item, pointer, node, "callback ")

    def request_body(self, pointer: str, node: Any, _label: str) -> None:
        if not self.is_ref(pointer, node) and isinstance(node, dict):
            self.push_map(self.media_type, child(pointer, "content"), node.get("content"))

    def response(self, pointer: str, node: Any, label: str) -> None:
        if self.is_ref(pointer, node) or not isinstance(node, dict):
            return
        self.index.responses.append(Labelled(pointer, label, node))
        self.push_map(self.parameter, child(pointer, "headers"), node.get("headers"))
        self.push_map(self.media_type, child(pointer, "content"), node.get("content"))
        self.push_map(self.reference_only, child(pointer, "links"), node.get("links"))

    def media_type(self, pointer: str, node: Any, _label: str) -> None:
        if not isinstance(node, dict):
            return
        self.holder(pointer, node)
        encodings = node.get("encoding")
        if isinstance(encodings, dict):
            for name, encoding in encodings.items():
                if isinstance(encoding, dict):
                    at = child(child(pointer, "encoding"), name)
                    self.push_map(self.parameter, child(at, "headers"), encoding.get("headers"))

    def parameter(self, pointer: str, node: Any, _label: str) -> None:
        """A Parameter or a Header object (a header is a parameter without name and in)."""
        if self.is_ref(pointer, node) or not isinstance(node, dict):
            return
        self.holder(pointer, node)
        self.push_map(self.media_type, child(pointer, "content"), node.get("content"))

    def holder(self, pointer: str, node: dict[str, Any]) -> None:
        """An object with a schema, an example and named examples."""
        self.index.holders.append((pointer, node))
        self.push(self.schema, child(pointer, "schema"), node.get("schema"))
        self.push_map(self.reference_only, child(pointer, "examples"), node.get("examples"))

    def reference_only(self, pointer: str, node: Any, _label: str) -> None:
        """An object that holds no schema: only its being a Reference matters."""
        self.is_ref(pointer, node)

    def schema(self, pointer: str, node: Any, _label: str) -> None:
        if not isinstance(node, dict) or pointer in self.walked_schemas:
            return
        self.walked_schemas.add(pointer)
        self.index.schemas.append((pointer, node))
        if self.is_ref(pointer, node):
            self.schema_refs.append(node["$ref"])
        for at, subschema in subschemas(pointer, node):
            self.push(self.schema, at, subschema)

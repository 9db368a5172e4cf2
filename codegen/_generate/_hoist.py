"""Hoisting: every schema that needs a class or an alias becomes a component.

The models module has one class (or enum, or type alias) per component schema, so
this makes, from a loaded spec, one in which every shape that needs a name has one:

- every inline object with ``properties`` (with or without ``type: object``), every
  inline ``enum``, every inline ``allOf`` that is more than one ``$ref``, and every
  inline ``oneOf``/``anyOf`` that is more than "one schema or null";
- every JSON request or response body schema that is not a ``$ref``, arrays and
  primitives included, so that each body names a component.

Each is moved to ``components/schemas`` and replaced by a ``$ref`` to it (kept
nullable where it was: ``anyOf: [$ref, {type: null}]``). A typed map
(``additionalProperties`` without ``properties``) stays inline as ``dict[str, X]``.
A ``oneOf``/``anyOf`` none of whose members has a shape (``required`` alone, ``not``,
null) is dropped first: it only constrains the schema beside it, which alone decides
the class. A member ``enum: [null]`` or ``const: null`` is written ``type: null``.

Naming rule (stable: it depends only on the document; collision-free):

==============================================  =========================================
where the schema was written                    name
==============================================  =========================================
request body of an operation                    ``{Operation}Request``
JSON response of an operation                   ``{Operation}Response``, with the status
                                                appended when the operation has several
                                                (``GetJobResponse404``)
``components/requestBodies/X``                  ``{X}Request``
``components/responses/X``                      ``{X}Response``
property ``p`` of ``Parent``                    ``{Parent}{P}`` (``JobState``)
array items of ``Parent``                       ``{Parent}Item``
map values of ``Parent``                        ``{Parent}Value``
member ``n`` (from 1) of a composite ``Parent``  ``{Parent}Option{n}``
==============================================  =========================================

``{Operation}`` is the CamelCase of the operationId, or of the method and path when
there is none (``get /jobs/{id}`` -> ``GetJobsId``); every part is CamelCased as a
class name (:func:`specbind._generate._names.class_name`). A suffix a name already
ends with is not doubled. A name already taken by a component, or by an earlier
hoisted schema, gets the first free number from 2 (``JobState2``). Components are
visited in sorted order, then paths and methods in document order, each depth first
in document order, so adding a schema elsewhere renames nothing already named except
on a collision.

``locate()`` of a new component gives the line where the inline schema was written.

Then each component is normalised into a shape the compile stage renders one way:
``properties`` without ``type`` gets ``type: object``; an ``allOf`` is merged into one
flat object (a property in two parts keeps the narrower schema, one that has every
keyword of the other with the same values; two that disagree are refused, and lint's
``compilable`` rule refuses them first); an enum lists each value once, and one
with values that are one in Python (``true`` beside ``1``) is typed by its values'
JSON types instead; ``properties`` beside a ``oneOf``/``anyOf`` of components are
dropped (the union is the type); an object or enum that admits ``null`` loses the
``null``, and every reference to it becomes "it or null". A ``type`` beside a ``$ref``
that the component already has is dropped wherever it is written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .._spec._extensions import ENUM_KEY
from .._spec._graph import strongly_connected
from .._spec._load import LoadedSpec, escape_pointer_token, iter_pointer
from .._spec._problems import Problem
from ._names import class_name

__all__ = [
    "SCHEMAS",
    "HoistError",
    "enum_intersection",
    "hoist",
    "is_json_media",
    "merge_conflict",
    "recursive_aliases",
    "refusals",
]

#: Why a shape is refused (by compile, and by lint's ``compilable`` rule).
ENUM_EMPTY = "an enum must list at least one value other than null"
ENUM_VALUE_TYPES = "an enum's values must be strings, numbers or booleans"
UNION_BESIDE_PROPERTIES = (
    "properties beside a oneOf/anyOf whose members are not all component schemas, nor only "
    "constraints on the properties declared here: no one class can stand for both (make "
    "each member a $ref to an object schema, or let the members only constrain these "
    "properties: required, or narrower schemas of them)"
)
ENUM_BESIDE_PROPERTIES = (
    "an enum beside properties: a class cannot be both an enum and an object "
    "model (list the values in a property of the object, or drop the properties)"
)
OBJECT_AMONG_TYPES = (
    "an object with properties whose type also admits another type than null has no "
    "class (write the other types as members of a oneOf beside a $ref to the object)"
)
ALIAS_CYCLE = (
    "this schema contains itself with no array or map on the way (through oneOf/anyOf, "
    "$ref, or the properties of a schema of several types); a type alias cannot refer to "
    "itself there (put the cycle inside an array or a map, or give it an object with "
    "properties)"
)

#: Where component schemas live, as a pointer prefix.
SCHEMAS = "#/components/schemas/"
_SCHEMAS_PATH = SCHEMAS.removeprefix("#")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_COMPOSITES = ("allOf", "oneOf", "anyOf")
# Keywords that say nothing about the values a schema accepts.
_ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly"}
)
_NULL = {"type": "null"}
# The other ways a member of a union is written to admit null alone.
_NULL_FORMS = ({"enum": [None]}, {"const": None})
# Keywords that give a schema a shape (a type): any other only constrains its values.
_SHAPES = frozenset(
    {
        "type",
        "properties",
        "additionalProperties",
        "patternProperties",
        "items",
        "prefixItems",
        "enum",
        "const",
        "$ref",
    }
)
# References followed to find one node: hoisting adds at most one per level.
_MAX_HOPS = 64


class HoistError(Exception):
    """A shape that cannot be compiled: ``pointer`` says where, ``message`` why."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.message = message


def is_json_media(media_type: str) -> bool:
    """Whether a media type carries JSON (``application/json``, ``…+json``, parameters)."""
    return "json" in media_type.lower()


def hoist(spec: LoadedSpec) -> LoadedSpec:
    """The spec with every shape that needs a name made a component (see the module).

    Raises :class:`HoistError` for a shape no class can express.
    """
    return _Hoister(spec).run()


def merge_conflict(
    first: Any, second: Any, resolve: Callable[[Any], Any] = lambda node: node
) -> Any | None:
    """The narrower of two schemas for one property in two ``allOf`` parts, or None
    when neither is narrower (they disagree). ``resolve`` gives what a ``$ref`` stands
    for, to compare."""
    if _narrows(second, first, resolve, set()):
        return second
    if _narrows(first, second, resolve, set()):
        return first
    return None


#: Keywords whose value is a schema: one narrows another through them.
_NARROWED_THROUGH = frozenset({"items", "additionalProperties"})


def _narrows(
    narrow: Any, wide: Any, resolve: Callable[[Any], Any], seen: set[tuple[int, int]]
) -> bool:
    """Whether ``narrow`` states every constraint of ``wide`` (each keyword the same, or,
    for a subschema, narrower itself), so that it takes no value ``wide`` refuses."""
    if narrow == wide:
        return True
    resolved_narrow, resolved_wide = resolve(narrow), resolve(wide)
    if not (isinstance(resolved_narrow, dict) and isinstance(resolved_wide, dict)):
        return False
    pair = (id(resolved_narrow), id(resolved_wide))
    if pair in seen:
        return True  # a recursive schema, compared again where it began
    seen.add(pair)
    members = resolved_wide.get("anyOf")
    if isinstance(members, list) and set(resolved_wide) - _ANNOTATIONS == {"anyOf"}:
        # What narrows one member of an anyOf (`X` of `anyOf: [X, null]`) narrows it.
        return any(_narrows(narrow, member, resolve, seen) for member in members)
    constraints = {k: v for k, v in resolved_narrow.items() if k not in _ANNOTATIONS}
    for key, value in resolved_wide.items():
        if key in _ANNOTATIONS:
            continue
        if key not in constraints:
            return False
        stated = constraints[key]
        if stated == value:
            continue
        if key in _NARROWED_THROUGH and _narrows(stated, value, resolve, seen):
            continue
        if key == "properties" and _narrows_each(stated, value, resolve, seen):
            continue
        return False
    return True


def _narrows_each(
    narrow: Any, wide: Any, resolve: Callable[[Any], Any], seen: set[tuple[int, int]]
) -> bool:
    if not (isinstance(narrow, dict) and isinstance(wide, dict)):
        return False
    return all(
        name in narrow and _narrows(narrow[name], schema, resolve, seen)
        for name, schema in wide.items()
    )


def refusals(hoisted: LoadedSpec) -> Iterator[HoistError]:
    """Every component of a hoisted spec that no class or alias can express."""
    schemas = hoisted.data.get("components", {}).get("schemas", {})
    for key, schema in sorted(schemas.items()):
        pointer = SCHEMAS + escape_pointer_token(key)
        if not isinstance(schema, dict):
            continue
        values = schema.get("enum")
        if isinstance(values, list):
            if not values:
                yield HoistError(pointer, ENUM_EMPTY)
            elif not all(type(value) in (str, int, float, bool) for value in values):
                yield HoistError(pointer, ENUM_VALUE_TYPES)
        kinds = schema.get("type")
        fields = schema.get("properties")
        if not (isinstance(fields, dict) and fields):
            continue
        if isinstance(kinds, list) and "object" in kinds:
            yield HoistError(pointer, OBJECT_AMONG_TYPES)
        if isinstance(values, list) and kinds in (None, "object"):
            yield HoistError(pointer, ENUM_BESIDE_PROPERTIES)
        # A union beside properties that normalising left (see _union_alone): the
        # compile stage makes it an alias, datamodel-code-generator would make classes.
        if "oneOf" in schema or "anyOf" in schema:
            yield HoistError(pointer, UNION_BESIDE_PROPERTIES)
    yield from _alias_cycles(schemas)


def _is_class(schema: Any) -> bool:
    """Whether a hoisted component is a class (an enum or an object model)."""
    if not isinstance(schema, dict):
        return False
    if "enum" in schema:
        return True
    if "oneOf" in schema or "anyOf" in schema:
        return False
    values = schema.get("additionalProperties")
    object_typed = schema.get("type") == "object"
    # `properties: {}` beside typed additionalProperties is a map, as without it.
    return object_typed and (
        bool(schema.get("properties")) or not (isinstance(values, dict) and values)
    )


def recursive_aliases(schemas: Mapping[str, Any]) -> frozenset[str]:
    """The components compiled to type aliases that refer to themselves, through other
    aliases only: each is written with a string forward reference to itself
    (``ErrorDetails: TypeAlias = dict[str, "ErrorDetails"] | InnerErrors``), and the
    converter resolves that reference by name (see the runtime's ``make_converter``)."""
    edges = _alias_edges(schemas, guarded=True)
    return frozenset(key for cycle in _cycles(edges) for key in cycle)


def _alias_cycles(schemas: Mapping[str, Any]) -> Iterator[HoistError]:
    """Aliases that are members of themselves: they reach themselves through aliases
    alone, with no array or map on the way (``A = A | str``). One that passes through an
    array or a map (``A = list[A] | str``) is a recursive alias that compiles."""
    cyclic = {key for cycle in _cycles(_alias_edges(schemas, guarded=False)) for key in cycle}
    for key in sorted(cyclic):
        yield HoistError(SCHEMAS + escape_pointer_token(key), ALIAS_CYCLE)


def _alias_edges(schemas: Mapping[str, Any], *, guarded: bool) -> dict[str, set[str]]:
    """For each alias component, the alias components it refers to: through every
    subschema if ``guarded``, else only those not inside an array's items or a map's
    values."""
    return {
        key: {
            ref
            for ref in _refs(schema, guarded=guarded)
            if ref in schemas and not _is_class(schemas[ref])
        }
        for key, schema in schemas.items()
        if not _is_class(schema)
    }


def _cycles(edges: Mapping[str, set[str]]) -> Iterator[list[str]]:
    """The nodes of each strongly connected component of a graph that has a cycle (more
    than one node, or a node with an edge to itself): every node on a cycle is in one.
    Nodes and edges are taken in sorted order, so that the result does not depend on the
    document's."""
    ordered = {node: sorted(edges[node]) for node in sorted(edges)}
    for group in strongly_connected(ordered):
        node = next(iter(group))
        if len(group) > 1 or node in edges.get(node, ()):
            yield sorted(group)


def _refs(node: Any, *, guarded: bool = True) -> Iterator[str]:
    """The component names a schema refers to, through every subschema; not through an
    array's items nor a map's values unless ``guarded``."""
    if isinstance(node, list):
        for item in node:
            yield from _refs(item, guarded=guarded)
    elif isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS):
            tokens = list(iter_pointer(ref))
            if len(tokens) == 3:
                yield tokens[2]
        through = ("items", "additionalProperties") if guarded else ()
        for key in (*through, *_COMPOSITES):
            if key in node:
                yield from _refs(node[key], guarded=guarded)
        properties = node.get("properties")
        if isinstance(properties, dict):
            yield from _refs(list(properties.values()), guarded=guarded)


class _MovedPositions(Mapping[str, tuple[int, int]]):
    """Positions of the original file, seen at the pointers of moved schemas."""

    def __init__(self, base: Mapping[str, tuple[int, int]], moved: Mapping[str, str]) -> None:
        self.base = base
        # New component pointer (without '#') to where its schema was written.
        self.moved = moved

    def origin(self, pointer: str) -> str:
        """Where the node at ``pointer`` (with or without ``#``) was written."""
        hashed = pointer.startswith("#")
        pointer = pointer.removeprefix("#")
        found = self._origin(pointer)
        return f"#{found}" if hashed else found

    def _origin(self, pointer: str) -> str:
        if pointer.startswith(_SCHEMAS_PATH):
            component, slash, rest = pointer[len(_SCHEMAS_PATH) :].partition("/")
            origin = self.moved.get(_SCHEMAS_PATH + component)
            if origin is not None:
                return origin + slash + rest
        return pointer

    def __getitem__(self, pointer: str) -> tuple[int, int]:
        return self.base[self._origin(pointer)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)


class _Hoister:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.data: dict[str, Any] = _copy(spec.data)
        components = self.data.setdefault("components", {})
        if not isinstance(components, dict):
            components = self.data["components"] = {}
        schemas = components.setdefault("schemas", {})
        if not isinstance(schemas, dict):
            schemas = components["schemas"] = {}
        self.schemas: dict[str, Any] = schemas
        self.taken = {class_name(key) for key in schemas} | set(schemas)
        self.hoisted: dict[str, Any] = {}
        # New component pointer (without '#') -> pointer where it was written.
        self.moved: dict[str, str] = {}

    def run(self) -> LoadedSpec:
        for key in sorted(self.schemas):
            pointer = SCHEMAS + escape_pointer_token(key)
            self._visit(self.schemas[key], pointer, class_name(key))
        self._bodies()
        self.schemas.update(self.hoisted)
        for key in sorted(self.schemas):
            self.schemas[key] = self._shallow_refs(self.schemas[key])
        self._name_own_items()
        positions = _MovedPositions(self.spec.positions, self.moved)
        normaliser = _Normaliser(self.schemas, self._name, self.moved)
        try:
            normaliser.run()
        except HoistError as exc:
            raise HoistError(positions.origin(exc.pointer), exc.message) from None
        hoisted = dataclasses.replace(self.spec, data=self.data, positions=positions)
        if not normaliser.notes:
            return hoisted
        # What the merge read in a way to say: warnings of the compilable rule.
        notes = [
            Problem(
                hoisted.path, *hoisted.locate(note.pointer), "compilable", note.message, "warning"
            )
            for note in normaliser.notes
        ]
        return dataclasses.replace(hoisted, load_warnings=(*hoisted.load_warnings, *notes))

    def _name_own_items(self) -> None:
        """Make a component of the items of each array component that are, or hold, the
        array itself (``L: {type: array, items: {$ref: L}}`` gets ``LItem: {$ref: L}``).

        datamodel-code-generator drops the type of such items (``L = list``); a type alias
        of its own keeps it (``L = list["LItem"]``, ``LItem = L``).
        """
        for key in sorted(self.schemas):
            schema = self.schemas[key]
            if not (isinstance(schema, dict) and isinstance(schema.get("items"), dict)):
                continue
            if key not in set(_refs(schema["items"])):
                continue
            name = self._name(f"{class_name(key)}Item")
            written = _MovedPositions(self.spec.positions, self.moved).origin(
                f"{_SCHEMAS_PATH}{escape_pointer_token(key)}/items"
            )
            self.moved[_SCHEMAS_PATH + escape_pointer_token(name)] = written
            self.schemas[name] = schema["items"]
            schema["items"] = {"$ref": SCHEMAS + escape_pointer_token(name)}

    def _shallow_refs(self, node: Any) -> Any:
        """``node`` with each ``$ref`` into the inside of a component replaced: by the
        reference that now stands there, or by a copy of the schema it points to.

        Classes are made for components only; a vendor's ``$ref`` to
        ``#/components/schemas/Job/properties/state`` then names ``JobState``.
        """
        if isinstance(node, list):
            return [self._shallow_refs(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS) and ref.count("/") > 3:
            try:
                target = self._resolve(ref)
            except KeyError:
                return node  # lint's ref rule reports it
            if isinstance(target, dict) and set(target) == {"$ref"}:
                return dict(target)
            return _copy(target)
        if isinstance(ref, str) and ref.startswith(SCHEMAS) and self._restates_type(ref, node):
            # `type: object` beside a `$ref` to an object says nothing more (3.0 even
            # ignores it), and would make datamodel-code-generator a class of its own.
            node = {key: value for key, value in node.items() if key != "type"}
        return {key: self._shallow_refs(value) for key, value in node.items()}

    def _restates_type(self, ref: str, node: Mapping[str, Any]) -> bool:
        """Whether ``node`` has a ``type`` beside its ``$ref`` that every value of the
        component ``ref`` names already has."""
        written = set(_types(node))
        try:
            target = self._resolve(ref)
        except KeyError:
            return False
        if not (written and isinstance(target, dict)):
            return False
        own = set(_types(target)) or ({"object"} if _is_object(target) else set())
        return bool(own) and own <= written

    def _resolve(self, ref: str, depth: int = 0) -> Any:
        """The node at ``ref``, through the references that now stand where inline
        schemas were written."""
        node: Any = self.data
        for token in iter_pointer(ref):
            moved = node.get("$ref") if isinstance(node, dict) else None
            if isinstance(moved, str) and token not in node and depth < _MAX_HOPS:
                node = self._resolve(moved, depth + 1)
            if isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            elif isinstance(node, dict) and token in node:
                node = node[token]
            else:
                raise KeyError(ref)
        return node

    def _name(self, wanted: str) -> str:
        name, counter = wanted, 1
        while name in self.taken:
            counter += 1
            name = f"{wanted}{counter}"
        self.taken.add(name)
        return name

    def _hoist(
        self, node: dict[str, Any], pointer: str, wanted: str, *, body: bool = False
    ) -> dict[str, Any]:
        """Move ``node`` (written at ``pointer``) to a new component; return what replaces it.

        A body stays a plain ``$ref``; elsewhere a class that admits null is referred
        to as "it or null".
        """
        name = self._name(wanted)
        target = SCHEMAS + escape_pointer_token(name)
        self.moved[target.removeprefix("#")] = pointer.removeprefix("#")
        schema, nullable = (node, False) if body else _without_null(node)
        self.hoisted[name] = schema
        self._visit(schema, pointer, name)
        ref = {"$ref": target}
        return {"anyOf": [ref, dict(_NULL)]} if nullable else ref

    def _child(self, node: Any, pointer: str, wanted: str) -> Any:
        """``node`` itself, or the reference to it once hoisted when it needs a name."""
        if not isinstance(node, dict):
            return node
        if _is_null(node):
            return dict(_NULL)
        _drop_constraint_unions(node)
        _consts_as_enum(node)
        if _needs_component(node):
            return self._hoist(node, pointer, wanted)
        self._visit(node, pointer, wanted)
        return node

    def _visit(self, node: Any, pointer: str, name: str) -> None:
        if not isinstance(node, dict):
            return
        _drop_constraint_unions(node)
        _consts_as_enum(node)
        properties = node.get("properties")
        if isinstance(properties, dict):
            for key, child in properties.items():
                properties[key] = self._child(
                    child,
                    f"{pointer}/properties/{escape_pointer_token(key)}",
                    name + _suffix(key),
                )
        if isinstance(node.get("items"), dict):
            node["items"] = self._child(node["items"], f"{pointer}/items", f"{name}Item")
        if isinstance(node.get("additionalProperties"), dict):
            node["additionalProperties"] = self._child(
                node["additionalProperties"], f"{pointer}/additionalProperties", f"{name}Value"
            )
        for keyword in _COMPOSITES:
            members = node.get(keyword)
            if not isinstance(members, list):
                continue
            for index, member in enumerate(members):
                at = f"{pointer}/{keyword}/{index}"
                if keyword == "allOf":
                    # Parts of an allOf are merged into their parent, not named.
                    self._visit(member, at, name)
                else:
                    members[index] = self._child(member, at, f"{name}Option{index + 1}")

    def _bodies(self) -> None:
        components = self.data.get("components", {})
        for kind, suffix in (("requestBodies", "Request"), ("responses", "Response")):
            entries = components.get(kind)
            if not isinstance(entries, dict):
                continue
            for key, entry in entries.items():
                pointer = f"#/components/{kind}/{escape_pointer_token(key)}"
                self._contents(entry, pointer, _suffixed(class_name(key), suffix))
        paths = self.data.get("paths")
        if not isinstance(paths, dict):
            return
        for path, item in paths.items():
            if not isinstance(item, dict):
                continue
            for method in _METHODS:
                operation = item.get(method)
                if not isinstance(operation, dict):
                    continue
                pointer = f"#/paths/{escape_pointer_token(path)}/{method}"
                self._operation(operation, pointer, _operation_name(operation, method, path))

    def _operation(self, operation: dict[str, Any], pointer: str, name: str) -> None:
        self._contents(
            operation.get("requestBody"), f"{pointer}/requestBody", _suffixed(name, "Request")
        )
        responses = operation.get("responses")
        if not isinstance(responses, dict):
            return
        inline = [
            status
            for status, response in responses.items()
            if isinstance(response, dict)
            and "$ref" not in response
            and any(
                not _is_component_ref(self._shallow_refs(media["schema"]))
                for _, media in _media(response)
            )
        ]
        for status, response in responses.items():
            wanted = _suffixed(name, "Response") + (str(status) if len(inline) > 1 else "")
            self._contents(
                response, f"{pointer}/responses/{escape_pointer_token(str(status))}", wanted
            )

    def _contents(self, entry: Any, pointer: str, wanted: str) -> None:
        """Hoist the body schemas of one request body or response."""
        if not isinstance(entry, dict) or "$ref" in entry:
            return
        for media_type, media in _media(entry):
            at = f"{pointer}/content/{escape_pointer_token(media_type)}/schema"
            schema = self._shallow_refs(media["schema"])
            if _is_component_ref(schema):
                media["schema"] = schema
            elif is_json_media(media_type) or _needs_component(schema):
                media["schema"] = self._hoist(schema, at, wanted, body=True)
            else:
                self._visit(schema, at, wanted)


def _copy(node: Any) -> Any:
    """A copy of JSON data (several times faster than ``copy.deepcopy``)."""
    if isinstance(node, dict):
        return {key: _copy(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_copy(item) for item in node]
    return node


def _media(entry: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each media type of a request body or response that has a schema."""
    content = entry.get("content")
    if not isinstance(content, dict):
        return
    for media_type, media in content.items():
        if isinstance(media, dict) and isinstance(media.get("schema"), dict):
            yield str(media_type), media


def _is_component_ref(node: Any) -> bool:
    """Whether a schema is only a ``$ref`` to a component schema."""
    if not (isinstance(node, dict) and set(node) == {"$ref"} and isinstance(node["$ref"], str)):
        return False
    return node["$ref"].startswith(SCHEMAS) and node["$ref"].count("/") == 3


def _suffix(key: str) -> str:
    return class_name(key) if key else "Empty"


def _suffixed(name: str, suffix: str) -> str:
    return name if name.endswith(suffix) else name + suffix


def _operation_name(operation: Mapping[str, Any], method: str, path: str) -> str:
    operation_id = operation.get("operationId")
    if isinstance(operation_id, str) and operation_id:
        return class_name(operation_id)
    return class_name(f"{method} {path}")


def _types(node: Mapping[str, Any]) -> list[str]:
    kinds = node.get("type")
    if isinstance(kinds, str):
        return [kinds]
    return [kind for kind in kinds if isinstance(kind, str)] if isinstance(kinds, list) else []


def _is_object(node: Mapping[str, Any]) -> bool:
    return "properties" in node or ("object" in _types(node) and "additionalProperties" not in node)


def _needs_component(node: Mapping[str, Any]) -> bool:
    """Whether an inline schema needs a class or alias of its own."""
    if "$ref" in node:
        return False
    if "properties" in node:
        return True
    if isinstance(node.get("prefixItems"), list):
        # A tuple: datamodel-code-generator would name its alias itself, after the
        # property (`nodes` -> `Node`), taking a component's name (Prefect's Graph).
        return True
    if isinstance(node.get("enum"), list) and any(value is not None for value in node["enum"]):
        return True
    all_of = node.get("allOf")
    if isinstance(all_of, list) and not _single_ref(all_of):
        return True
    for keyword in ("oneOf", "anyOf"):
        members = node.get(keyword)
        if isinstance(members, list) and len([m for m in members if m != _NULL]) > 1:
            return True
    return False


def _drop_constraint_unions(node: dict[str, Any]) -> None:
    """Remove a ``oneOf``/``anyOf`` none of whose members has a shape of its own.

    Such a union (``oneOf: [{required: [a]}, {required: [b]}]`` beside ``properties``)
    only constrains the values the schema beside it accepts: the keywords beside it
    alone decide the class. A member that narrows properties the schema beside it
    declares (``{properties: {enabled: {enum: [false]}}}``, without a ``type`` other
    than the schema's own) adds no field either. ``specbind validate`` still checks the
    union, against the spec.
    """
    for keyword in ("oneOf", "anyOf"):
        members = node.get(keyword)
        if (
            isinstance(members, list)
            and all(_constrains_only(member, node) for member in members)
            and not all(map(_is_null, members))
        ):
            del node[keyword]


#: What a member of a union of constants may say beside its ``const`` or ``enum``.
_CONST_MEMBER = frozenset({"type"}) | _ANNOTATIONS


def _consts_as_enum(node: dict[str, Any]) -> None:
    """Write a ``oneOf``/``anyOf`` whose members are each a ``const`` or an ``enum``
    (3.1's way of documenting each value of an enum), or null, as the one ``enum`` it
    means (an enum of values no class can hold is then refused as any such enum is).

    It is closed unless the schema says ``x-specbind-enum``: the union is no ``enum``
    keyword, so the schema itself, which ``specbind validate`` reads, refuses any other
    value, and so do both converters.
    """
    if isinstance(node.get("properties"), dict) and node["properties"]:
        return  # beside an object's fields, a union of constants is refused, not an enum
    for keyword in ("oneOf", "anyOf"):
        members = node.get(keyword)
        if not isinstance(members, list):
            continue
        listed = [_listed_values(member) for member in members if not _is_null(member)]
        if not listed or any(values is None for values in listed):
            continue
        values = [value for values in listed if values is not None for value in values]
        if len(listed) < len(members):
            values.append(None)
        del node[keyword]
        node["enum"] = values
        node.setdefault(ENUM_KEY, "closed")
        return


def _listed_values(member: Any) -> list[Any] | None:
    """The values a ``const`` or ``enum`` member lists, or None for any other member."""
    if not isinstance(member, dict):
        return None
    keys = set(member) - _CONST_MEMBER
    if keys == {"const"}:
        return [member["const"]]
    if keys == {"enum"} and isinstance(member["enum"], list):
        return list(member["enum"])
    return None


def _constrains_only(member: Any, parent: Mapping[str, Any]) -> bool:
    """Whether a union member adds no shape to the schema beside it, ``parent`` (null is
    no shape: the keywords beside the union decide whether null is admitted).

    A member may restate the parent's ``type`` and narrow properties the parent
    declares: the parent's class has those fields already."""
    if not isinstance(member, dict):
        return False
    if _is_null(member):
        return True
    shapes = {keyword for keyword in _SHAPES if keyword in member}
    if "type" in shapes and "type" in parent and member["type"] == parent["type"]:
        shapes.discard("type")
    if "properties" in shapes and _narrows_declared(member["properties"], parent):
        shapes.discard("properties")
    if shapes:
        return False
    return all(
        isinstance(member.get(keyword, []), list)
        and all(_constrains_only(part, parent) for part in member.get(keyword, []))
        for keyword in _COMPOSITES
    )


def _narrows_declared(properties: Any, parent: Mapping[str, Any]) -> bool:
    """Whether a union member's ``properties`` name only properties ``parent`` declares
    (each then only constrains a field the parent's class has)."""
    declared = parent.get("properties")
    return (
        isinstance(properties, dict)
        and isinstance(declared, dict)
        and bool(declared)
        and set(properties) <= set(declared)
    )


def _is_null(member: Any) -> bool:
    return member == _NULL or member in _NULL_FORMS


def _single_ref(parts: list[Any]) -> bool:
    return len(parts) == 1 and isinstance(parts[0], dict) and set(parts[0]) == {"$ref"}


def _without_null(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A class-bearing schema (object or enum) without ``null``, and whether it had it."""
    kinds = node.get("type")
    values = node.get("enum")
    has_null = isinstance(kinds, list) and "null" in kinds and ("properties" in node or values)
    if isinstance(values, list) and None in values:
        has_null = True
    if not has_null:
        return node, False
    schema = dict(node)
    if isinstance(kinds, list):
        rest = [kind for kind in kinds if kind != "null"]
        schema["type"] = rest[0] if len(rest) == 1 else rest
    if isinstance(values, list):
        schema["enum"] = [value for value in values if value is not None]
    return schema, True


class _Normaliser:
    """Each component in the one shape the compile stage renders (see the module)."""

    def __init__(
        self, schemas: dict[str, Any], name: Callable[[str], str], moved: dict[str, str]
    ) -> None:
        self.schemas = schemas
        self.merging: set[str] = set()
        self.name = name
        self.moved = moved
        #: What a merge read in a way worth a warning: (hoisted pointer, message).
        self.notes: list[HoistError] = []

    def run(self) -> None:
        for key in sorted(self.schemas):
            self._merge(key)
        nullable = set()
        for key, schema in sorted(self.schemas.items()):
            if isinstance(schema, dict):
                self.schemas[key], had_null = _without_null(
                    _listed_once(_union_alone(_one_type(schema)))
                )
                if had_null:
                    nullable.add(SCHEMAS + escape_pointer_token(key))
        if nullable:
            for key in sorted(self.schemas):
                self.schemas[key] = _nullable_refs(self.schemas[key], nullable)

    def _merge(self, key: str) -> dict[str, Any]:
        """The component, with its ``allOf`` merged and its ``type: object`` written."""
        schema = self.schemas[key]
        if not isinstance(schema, dict):
            return {}
        if "allOf" in schema and key not in self.merging:
            self.merging.add(key)
            try:
                schema = self.schemas[key] = self._merged(
                    schema, SCHEMAS + escape_pointer_token(key)
                )
            finally:
                self.merging.discard(key)
        if "properties" in schema and "type" not in schema:
            schema["type"] = "object"
        return dict(schema)

    def _resolve(self, node: Any) -> Any:
        """What a ``$ref`` to a component stands for; any other node itself."""
        ref = node.get("$ref") if isinstance(node, dict) else None
        if isinstance(ref, str) and ref.startswith(SCHEMAS):
            tokens = list(iter_pointer(ref))
            if len(tokens) == 3 and tokens[2] in self.schemas:
                return self.schemas[tokens[2]]
        return node

    def _part(self, part: Any, pointer: str) -> dict[str, Any]:
        if not isinstance(part, dict):
            raise HoistError(pointer, "an allOf part must be a schema object")
        ref = part.get("$ref")
        if ref is None:
            return self._merged(part, pointer) if "allOf" in part else part
        if not (isinstance(ref, str) and ref.startswith(SCHEMAS)):
            raise HoistError(pointer, f"an allOf part refers to {ref!r}, not a component schema")
        tokens = list(iter_pointer(ref))
        key = tokens[2] if len(tokens) == 3 else ""
        if key not in self.schemas:
            raise HoistError(pointer, f"an allOf part refers to {ref!r}, not a component schema")
        if key in self.merging:
            raise HoistError(pointer, f"an allOf part refers back to {ref!r}, which contains it")
        return self._merge(key)

    def _merged(self, schema: dict[str, Any], pointer: str) -> dict[str, Any]:
        """One flat schema of an ``allOf`` and its parent's own keywords."""
        own = {key: value for key, value in schema.items() if key != "allOf"}
        written = schema["allOf"]
        if not isinstance(written, list):
            # Not valid OpenAPI (the openapi rule says so too); a string would otherwise
            # be read as a list of its characters.
            raise HoistError(f"{pointer}/allOf", "an allOf must be a list of schema objects")
        parts = [self._part(part, f"{pointer}/allOf/{index}") for index, part in enumerate(written)]
        merged: dict[str, Any] = {}
        properties: dict[str, Any] = {}
        required: list[str] = []
        for index, part in enumerate([*parts, own]):
            for name, value in part.items():
                if name in ("properties", "required", "allOf"):
                    continue
                if name in ("description", "title") and name in merged:
                    continue
                merged[name] = value
            for name, written in (part.get("properties") or {}).items():
                narrower = written
                if name in properties:
                    narrower = merge_conflict(properties[name], written, self._resolve)
                    where = f"{pointer}/allOf/{index}" if index < len(parts) else pointer
                    if narrower is None:
                        narrower = self._common_enum(
                            properties[name], written, pointer, name, where
                        )
                    if narrower is None:
                        raise HoistError(
                            where,
                            f"property {name!r} has two different schemas in the parts of "
                            "an allOf, and neither is narrower",
                        )
                properties[name] = narrower
            for name in part.get("required") or []:
                if name not in required:
                    required.append(name)
        for name in ("description", "title"):
            if name in own:
                merged[name] = own[name]
        if properties or any(_is_object(part) for part in [*parts, own]):
            merged["type"] = "object"
            merged["properties"] = properties
        if required:
            merged["required"] = required
        return merged

    def _common_enum(
        self, first: Any, second: Any, pointer: str, name: str, where: str
    ) -> dict[str, Any] | None:
        """A new component for the values two enums given one property by two parts of an
        ``allOf`` both allow (what the ``allOf`` means), or None unless both are enums that
        differ in their values alone and share one."""
        common = enum_intersection(first, second, self._resolve)
        if common is None:
            return None
        owner = list(iter_pointer(pointer))[2]
        key = self.name(class_name(owner) + class_name(name))
        target = SCHEMAS + escape_pointer_token(key)
        self.moved[target.removeprefix("#")] = where.removeprefix("#")
        self.schemas[key] = common
        shown = cut_list(common["enum"])
        self.notes.append(
            HoistError(
                where,
                f"property {name!r} has two enums in the parts of an allOf, and neither is "
                f"narrower: typed by the values both allow, {shown}, as the allOf means",
            )
        )
        return {"$ref": target}


def enum_intersection(
    first: Any, second: Any, resolve: Callable[[Any], Any] = lambda node: node
) -> dict[str, Any] | None:
    """``second``'s enum with the values ``first`` lists too, when the two (each ``$ref``
    resolved) differ in their ``enum`` alone, besides annotations, and share a value other
    than null; else None."""
    narrow, wide = resolve(second), resolve(first)
    if not (isinstance(narrow, dict) and isinstance(wide, dict)):
        return None
    values, others = narrow.get("enum"), wide.get("enum")
    if not (isinstance(values, list) and isinstance(others, list)):
        return None
    if not all(type(value) in _JSON_KINDS for value in (*values, *others)):
        return None

    def rest(schema: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in schema.items() if k not in _ANNOTATIONS and k != "enum"}

    if rest(narrow) != rest(wide):
        return None
    listed = {(type(value) is bool, type(value) is str, value) for value in others}
    common = [v for v in values if (type(v) is bool, type(v) is str, v) in listed]
    if all(value is None for value in common):
        return None
    return {**narrow, "enum": common}


def cut_list(values: list[Any], limit: int = 6) -> str:
    """A short listing of enum values: the first few, and how many more."""
    shown = ", ".join(repr(value) for value in values[:limit])
    more = f", and {len(values) - limit} more" if len(values) > limit else ""
    return f"[{shown}{more}]"


# The JSON type of each value an enum may list.
_JSON_KINDS = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


def _union_alone(schema: dict[str, Any]) -> dict[str, Any]:
    """A ``oneOf``/``anyOf`` of components without the object keywords beside it.

    The union is the component's type (its members keep the keys they do not list);
    the ``properties`` beside it only constrain it, and would make
    datamodel-code-generator merge them into a class of its own per member.
    ``specbind validate`` still checks them, against the spec.
    """
    members = schema.get("oneOf", schema.get("anyOf"))
    if not (isinstance(members, list) and members and "properties" in schema):
        return schema
    if not all(_is_component_ref(_bare(member)) or member == _NULL for member in members):
        return schema
    dropped = ("properties", "required", "additionalProperties")
    alone = {key: value for key, value in schema.items() if key not in dropped}
    if alone.get("type") == "object":
        del alone["type"]
    return alone


def _one_type(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema whose ``type`` lists one type (``[object]``) with it written alone."""
    kinds = schema.get("type")
    if isinstance(kinds, list) and len(kinds) == 1 and isinstance(kinds[0], str):
        return {**schema, "type": kinds[0]}
    return schema


def _bare(node: Any) -> Any:
    """A schema without its annotations and extensions (``{$ref: X, x-note: ...}`` is X)."""
    if not isinstance(node, dict):
        return node
    return {k: v for k, v in node.items() if not (k in _ANNOTATIONS or k.startswith("x-"))}


def _listed_once(schema: dict[str, Any]) -> dict[str, Any]:
    """An enum with each value listed once (JSON Schema allows a value twice; it means
    nothing: ``1`` and ``1.0`` are one number). An enum whose values are still one in
    Python (``true`` beside ``1``, ``false`` beside ``0``) can be no enum class: it is
    typed by its values' JSON types instead, each value keeping its type on the wire."""
    values = schema.get("enum")
    if not isinstance(values, list) or not all(type(v) in _JSON_KINDS for v in values):
        return schema
    once: dict[tuple[bool, bool, Any], Any] = {}
    for value in values:
        once.setdefault((type(value) is bool, type(value) is str, value), value)
    listed = list(once.values())
    if len(set(listed)) == len(listed):
        return schema if len(listed) == len(values) else {**schema, "enum": listed}
    typed = {key: value for key, value in schema.items() if key not in ("enum", ENUM_KEY)}
    kinds = dict.fromkeys(_JSON_KINDS[type(value)] for value in listed)
    return {**typed, "type": next(iter(kinds)) if len(kinds) == 1 else list(kinds)}


def _nullable_refs(node: Any, nullable: set[str]) -> Any:
    """A schema with each reference to a component in ``nullable`` made "it or null"."""
    if not isinstance(node, dict):
        return node
    if node.get("$ref") in nullable:
        return {"anyOf": [node, dict(_NULL)]}
    result = dict(node)
    for key in ("items", "additionalProperties"):
        if key in node:
            result[key] = _nullable_refs(node[key], nullable)
    if isinstance(node.get("properties"), dict):
        result["properties"] = {
            name: _nullable_refs(child, nullable) for name, child in node["properties"].items()
        }
    for key in _COMPOSITES:
        members = node.get(key)
        if not isinstance(members, list):
            continue
        if key != "allOf" and any(_refers(member, nullable) for member in members):
            # A member that admits null makes the composite admit it: said once.
            members = [*members, dict(_NULL)] if _NULL not in members else members
            result[key] = [
                m if _refers(m, nullable) else _nullable_refs(m, nullable) for m in members
            ]
        else:
            result[key] = [_nullable_refs(member, nullable) for member in members]
    return result


def _refers(node: Any, pointers: set[str]) -> bool:
    return isinstance(node, dict) and node.get("$ref") in pointers

"""A first look with jsonschema-rs: is a payload certainly free of schema findings?

The schema layer (jsonschema) and the unknown-field walk cost milliseconds per payload;
jsonschema-rs says in microseconds whether a value passes a schema. Its answer is used
one way only. Each schema is rewritten to be at least as strict as what the Python
layers check: integer formats become bounds, ``date-time`` a pattern narrower than the
Python checker's, every object that lists properties is closed, and every ``pattern`` is
run by the same linear-time ECMA-262 engine as the Python layers (or, when it is plain
ASCII that both engines read alike, by jsonschema-rs's own). A payload that
passes the rewritten schema has no schema issue and no unknown field, so the Python
layers are skipped; any other payload goes through them, and they word every finding.

Rewriting only ever narrows what passes, which is sound where every keyword is
monotone (``allOf``, ``anyOf``, ``properties``, ``items``...). Two shapes of the others
are sound too, and common in vendors' specs: a ``oneOf`` whose branches no value can
pass two of (each an object that requires one tag property and gives it string values
no other branch allows, through ``const``, ``enum`` or ``not``), which is an ``anyOf``;
and a ``not`` of string values alone, which the rewrite never narrows. A schema that
reaches any other ``oneOf``, ``not`` or ``if`` (where narrowing a part can turn a
failure into a pass), or where the two libraries could read it differently
(``patternProperties``, whose keys jsonschema-rs would match itself, formats whose
checkers differ, ``multipleOf``, ``uniqueItems``, dynamic or non-local references), gets
no first look at all.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import jsonschema_rs

from .._spec._load import LoadedSpec, iter_pointer
from ..runtime._base64 import is_base64
from ..runtime._regex import PatternError, compile_pattern

__all__ = ["DATE_TIME", "PATTERN", "FirstLook", "resolve"]

_URI = "urn:specbind:first-look"
# The formats the schema layer checks (see _schema._format_checker) that jsonschema-rs
# does not check the same way: what replaces each one, or nothing (no first look).
_INT_BOUNDS = {"int32": 2**31, "int64": 2**63}
#: jsonschema-rs accepts no ``uuid`` the Python checker refuses; it is kept as it is.
_SAME_FORMATS = {"uuid"}
#: RFC 3339 date-times the Python checker (rfc3339-validator) accepts, minus a few it
#: also accepts (29 February, leap seconds, a newline at the end): those get the full look.
DATE_TIME = (
    r"^(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-"
    r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
    r"|(?:0[13578]|1[02])-31)"
    r"[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)
#: jsonschema-rs runs every ``pattern`` but plain ones as this keyword, through the
#: linear-time ECMA-262 engine the Python layers use, so the two read each pattern alike
#: and neither backtracks.
PATTERN = "x-specbind-pattern"
#: A plain pattern reads alike in jsonschema-rs's own (linear-time) engine and in
#: ECMA-262, so it is left to jsonschema-rs, without a Python call per string: anchors
#: only at the ends, literal ASCII letters, digits and a few marks, classes of those
#: (never negated), ``(?:`` groups, alternation and counts. Each atom matches one ASCII
#: character and nothing else, so neither UTF-16 code units against code points nor
#: Unicode case or class rules can tell the engines apart. (A pattern jsonschema-rs
#: would refuse fails the build: then there is no first look.)
_PLAIN_CHAR = r"[A-Za-z0-9_:,=@ ]|\\[.\-]"
_PLAIN_ATOM = rf"-|{_PLAIN_CHAR}|\[(?:(?:[A-Za-z0-9_](?:-[A-Za-z0-9_])?|[.+]|{_PLAIN_CHAR})+-?)\]"
_PLAIN_COUNT = r"(?:[?*+]|\{[0-9]{1,3}(?:,[0-9]{0,3})?\})?"
_PLAIN_PATTERN = re.compile(rf"\^?(?:(?:{_PLAIN_ATOM}|\)){_PLAIN_COUNT}|\(\?:|\|)*\$?")
# Keywords whose result a stricter subschema could turn from failure into success
# (`oneOf` matching one branch instead of two, `not`, `if`), whose reading may differ
# (`patternProperties`, float `multipleOf`, `uniqueItems` equality), or whose references
# are not plain.
_UNSAFE_KEYWORDS = (
    "oneOf", "not", "if", "then", "else", "maxContains", "unevaluatedProperties",
    "patternProperties", "unevaluatedItems", "multipleOf", "uniqueItems", "$id", "$anchor",
    "$dynamicRef", "$dynamicAnchor", "$recursiveRef",
)  # fmt: skip
_SUBSCHEMA = ("additionalProperties", "items", "contains", "propertyNames")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "dependentSchemas")


class _NoFirstLook(Exception):
    """The schema uses something the two libraries might read differently."""


class FirstLook:
    """One jsonschema-rs validator per schema pointer, built on first use."""

    def __init__(self, spec: LoadedSpec) -> None:
        self._document = spec.data
        self._validators: dict[str, jsonschema_rs.Validator | None] = {}
        #: The rewritten document each validator runs, by schema pointer.
        self._documents: dict[str, Any] = {}
        self._copy: Any = None

    def clean(self, schema: str, value: Any) -> bool:
        """True only if the schema layer would find no issue and no unknown field."""
        if schema not in self._validators:
            self._validators[schema] = self._build(schema)
        validator = self._validators[schema]
        if validator is None:
            return False
        try:
            return validator.is_valid(value)
        except Exception:
            # A value jsonschema-rs cannot take: the Python layers look at it.
            return False

    def clean_under(self, schema: str, reference: str, value: Any) -> bool:
        """Whether ``value``, met at a ``$ref`` while the Python layers look at a payload
        of ``schema``, is certainly free of findings there: they may skip it.

        Only where ``schema`` has a first look, so that nothing it reaches changes what a
        reference means (no ``$id``), and only for plain references into the spec.
        """
        return (
            schema in self._documents
            and reference.startswith("#/")
            and "%" not in reference
            and self.clean(reference[1:], value)
        )

    def rewritten(self, schema: str) -> tuple[Any, Any] | None:
        """The rewritten document the first look of ``schema`` runs, and the schema in
        it; None when it has no first look (or has not been built)."""
        document = self._documents.get(schema)
        return None if document is None else (document, _at(document, schema))

    def _build(self, schema: str) -> jsonschema_rs.Validator | None:
        # One rewritten copy for every schema: the rewrite of a node is the same from
        # whichever schema it is reached, and doing it again changes nothing, so a
        # schema's validator sees its reachable nodes rewritten, whatever was built
        # before (a spec can be large, and each $ref a failing payload meets has one).
        if self._copy is None:
            self._copy = copy.deepcopy(self._document)
        document = self._copy
        try:
            _tighten(document, _at(document, schema))
            self._documents[schema] = document
            registry = jsonschema_rs.Registry(
                [(_URI, document)], draft=jsonschema_rs.Draft202012, retriever=_refuse
            )
            return jsonschema_rs.Draft202012Validator(
                # A URI fragment: `{` and the like are percent-encoded (RFC 6901, 6).
                {"$ref": f"{_URI}#{quote(schema, safe='/~')}"},
                registry=registry,
                validate_formats=True,
                formats={"byte": is_base64},
                retriever=_refuse,
                keywords={PATTERN: _EcmaPattern},
            )
        except Exception:
            # A schema jsonschema-rs cannot build (a bad pattern, a dangling reference)
            # or should not judge: the schema layer reports on it as usual.
            self._documents.pop(schema, None)
            return None


def _refuse(uri: str) -> Any:
    raise _NoFirstLook(f"only references into the spec are followed, not {uri}")


def resolve(document: Any, reference: str) -> Any:
    """The node a reference into the document names; KeyError for any other reference."""
    if not reference.startswith("#"):
        raise KeyError(reference)
    return _at(document, reference[1:])


def _at(document: Any, pointer: str) -> Any:
    node = document
    for token in iter_pointer(pointer):
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _tighten(document: Any, root: Any) -> None:
    """Rewrite, in place, every schema reachable from ``root`` as the module says."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if "oneOf" in node and _exclusive(document, node["oneOf"]):
            # At most one branch can pass, so the oneOf is an anyOf of them.
            all_of = node.get("allOf", [])
            if not isinstance(all_of, list):
                raise _NoFirstLook("allOf is not a list")
            node["allOf"] = [*all_of, {"anyOf": node.pop("oneOf")}]
        unsafe = [keyword for keyword in _UNSAFE_KEYWORDS if keyword in node]
        # A `not` of values alone is read alike by both and never narrowed.
        if unsafe and not (unsafe == ["not"] and _values(node["not"]) is not None):
            raise _NoFirstLook("a keyword whose reading may differ")
        reference = node.get("$ref")
        if reference is not None:
            if not (isinstance(reference, str) and reference.startswith("#")):
                raise _NoFirstLook("a reference out of the spec")
            stack.append(_at(document, reference[1:]))
        _move_pattern(node)
        _replace_format(node)
        if isinstance(node.get("properties"), dict) and node.get("additionalProperties", True) in (
            True,
            {},
        ):
            node["additionalProperties"] = False
        stack.extend(_subschemas(node))


#: The values a tag may take: ``(True, values)`` only those, ``(False, values)`` any but those.
_Allowed = tuple[bool, frozenset[str]]


def _exclusive(document: Any, branches: object) -> bool:
    """Whether no value can pass two of ``branches``: each is an object schema (a
    ``$ref`` to one, maybe) that requires a tag property all of them require, and gives
    it string values (:func:`_values`) that no other branch gives it."""
    if not isinstance(branches, list) or len(branches) < 2:
        return False
    objects: list[dict[str, Any]] = []
    for branch in branches:
        found = _followed(document, branch)
        if not (
            isinstance(found, dict)
            and found.get("type") == "object"
            and isinstance(found.get("required"), list)
            and isinstance(found.get("properties"), dict)
        ):
            return False
        objects.append(found)
    tags = set.intersection(*(set(branch["required"]) for branch in objects))
    for tag in sorted(tag for tag in tags if isinstance(tag, str)):
        allowed = [_allowed(branch, tag) for branch in objects]
        if all(
            _disjoint(first, second)
            for index, first in enumerate(allowed)
            for second in allowed[index + 1 :]
        ):
            return True
    return False


def _allowed(branch: dict[str, Any], tag: str) -> _Allowed | None:
    """What a branch lets its tag be, or None when that is not one ``const``, ``enum``
    or ``not`` of string values written on the tag property itself.

    The unknown-field walk leaves out the branches whose ``const`` or ``enum`` the value
    does not agree with, and keeps any other: a branch that says its tag by ``not`` must
    declare no other property, so that keeping it beside the branch the value passed
    changes nothing the walk finds.
    """
    schema = branch["properties"].get(tag)
    if not isinstance(schema, dict):
        return None
    forms = [key for key in ("const", "enum", "not") if key in schema]
    if forms == ["not"]:
        values = _values(schema["not"])
        alone = set(branch["properties"]) == {tag} and not any(
            keyword in branch for keyword in ("allOf", "anyOf", "oneOf")
        )
        return None if values is None or not alone else (False, values)
    if len(forms) == 1:
        values = _values({forms[0]: schema[forms[0]]})
        return None if values is None else (True, values)
    return None


def _disjoint(first: _Allowed | None, second: _Allowed | None) -> bool:
    if first is None or second is None:
        return False
    (only, values), (other_only, others) = first, second
    if only and other_only:
        return not values & others
    if only or other_only:
        return values <= others if only else others <= values
    return False  # two "any but": both take every other string


def _values(schema: object) -> frozenset[str] | None:
    """The strings a schema of only ``const`` or only ``enum`` of strings lists, or None."""
    if not isinstance(schema, dict) or len(schema) != 1:
        return None
    if isinstance(schema.get("const"), str):
        return frozenset([schema["const"]])
    listed = schema.get("enum")
    if isinstance(listed, list) and listed and all(isinstance(value, str) for value in listed):
        return frozenset(listed)
    return None


def _followed(document: Any, schema: object) -> object:
    """``schema``, or what its chain of plain ``$ref`` (nothing beside it) leads to."""
    for _ in range(64):
        if not (isinstance(schema, dict) and set(schema) == {"$ref"}):
            return schema
        reference = schema["$ref"]
        if not (isinstance(reference, str) and reference.startswith("#/")):
            return None
        try:
            schema = _at(document, reference[1:])
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    return None


def _subschemas(node: dict[str, Any]) -> Iterator[Any]:
    for keyword in _SUBSCHEMA:
        if keyword in node:
            yield node[keyword]
    for keyword in _SUBSCHEMA_LISTS:
        if isinstance(node.get(keyword), list):
            yield from node[keyword]
    for keyword in _SUBSCHEMA_MAPS:
        if isinstance(node.get(keyword), dict):
            yield from node[keyword].values()


def _move_pattern(node: dict[str, Any]) -> None:
    # Plain patterns (DATE_TIME among them) stay for jsonschema-rs itself.
    if "pattern" in node and not is_plain(node["pattern"]):
        node[PATTERN] = node.pop("pattern")


def is_plain(pattern: object) -> bool:
    """Whether jsonschema-rs reads ``pattern`` as ECMA-262 does (see ``_PLAIN_PATTERN``).

    A pattern the ECMA-262 engine refuses is not plain: as the keyword, it fails the build.
    """
    if not (isinstance(pattern, str) and _PLAIN_PATTERN.fullmatch(pattern)):
        return False
    try:
        compile_pattern(pattern)
    except PatternError:
        return False
    return True


class _EcmaPattern:
    """The ``pattern`` keyword for jsonschema-rs, read by :mod:`codegen.runtime._regex`."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        # A pattern the engine refuses fails the build: then there is no first look.
        self._search = compile_pattern(value).search

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not self._search(instance):
            raise ValueError("does not match the pattern")


#: Every format jsonschema (4.26) can check under draft 2020-12, whatever is installed
#: beside it, and OpenAPI's integer formats. Which of them it does check depends on what
#: is installed, and takes importing jsonschema to learn: a spec whose formats are all
#: outside this set needs no jsonschema until a payload fails.
JSONSCHEMA_FORMATS = frozenset(
    {
        "date", "date-time", "duration", "email", "hostname", "idn-email", "idn-hostname",
        "ipv4", "ipv6", "iri", "iri-reference", "json-pointer", "regex",
        "relative-json-pointer", "time", "uri", "uri-reference", "uri-template", "uuid",
        *_INT_BOUNDS,
    }
)  # fmt: skip


@functools.cache
def _checked_elsewhere() -> frozenset[str]:
    """The formats the schema layer checks: jsonschema's, and the integer ones.

    Asked when a first look is built, not at import: jsonschema takes a while to import,
    and a run where every payload passes the first look never needs it otherwise.
    """
    from jsonschema import Draft202012Validator

    return frozenset(Draft202012Validator.FORMAT_CHECKER.checkers) | frozenset(_INT_BOUNDS)


def _replace_format(node: dict[str, Any]) -> None:
    name = node.get("format")
    if name in _SAME_FORMATS or not (
        # A date-time is narrowed whether or not the schema layer checks it (jsonschema
        # checks it with rfc3339-validator installed): a narrower first look is sound.
        name == "date-time" or (name in JSONSCHEMA_FORMATS and name in _checked_elsewhere())
    ):
        # Formats the schema layer does not check may only make jsonschema-rs stricter.
        return
    if name == "date-time":
        narrower: dict[str, Any] = {"pattern": DATE_TIME}
    elif name in _INT_BOUNDS:
        bound = _INT_BOUNDS[name]
        narrower = {"minimum": -bound, "maximum": bound - 1}
    else:
        raise _NoFirstLook(f"format {name!r}, which the two libraries check differently")
    all_of = node.get("allOf", [])
    if not isinstance(all_of, list):
        raise _NoFirstLook("allOf is not a list")
    del node["format"]
    node["allOf"] = [*all_of, narrower]

"""Whether a payload the first look passes is certainly one the model layer accepts.

Most payloads pass the first look (see ``_fast``), and then the model layer's strict
structuring is all that is left to run: the larger part of the time a clean payload
costs. For a model this module proves, once, that structuring cannot refuse a value
the first look's schema passes; such a payload then skips the model layer, which would
have found nothing.

The proof walks the model's type alongside the schema the first look runs (the
rewritten one, ``date-time`` patterns, closed objects and all). A schema is read as
what every value passing it must be: the keywords of the node, of what its ``$ref``
points to and of its ``allOf`` members all hold at once, and one ``anyOf`` branch holds.
A keyword read here is one that holds; a keyword not read only narrows what passes
further, so leaving it out never makes a proof wrong, only rarer. Each structuring
target is taken for what the bindings' runtime does with it:

- ``str``, ``bool``, ``int`` (which takes ``1.0`` too), ``float`` and ``Any`` take
  every value of the JSON types the schema allows them;
- a ``datetime`` takes every string of the first look's date-time pattern, a ``UUID``
  every string jsonschema-rs's ``uuid`` format takes (hyphenated hex), a string enum
  the values the schema's ``enum`` lists, or any string when it is open;
- a list, every array whose items are all proven; a map of ``Any``, every object;
- a model, every object that holds each of its required fields (``required``), each
  of its fields proven against that property's schema, its checks (patterns, lengths,
  bounds, item counts) implied by the same keywords of the schema, the defaults of
  its optional fields passing them, and its extra keys kept as they come.

Anything else (unions of several types, ``Literal``, ``bytes``, dates, typed extras,
a model that contains itself, a validator or converter the runtime does not make,
hooks other than the runtime's) is no proof, and such payloads are structured as
before. The reading of the runtime holds for the runtime source of this specbind: a
bindings package whose runtime is another is never proven.
"""

from __future__ import annotations

import ast
import copy
import functools
import importlib
import itertools
import re
import types
import typing
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

import attrs

from ._fast import DATE_TIME, PATTERN, resolve

__all__ = ["ModelProof"]

#: The runtime modules whose code the proof reads; they must be ours, to the letter.
_RUNTIME_MODULES = ("_converter", "_checks", "_datetimes", "_enums", "_regex", "_unset")
_HEADER = re.compile(r"\A(?:# [^\n]*\n)+\n")
_NOQA = re.compile(r"  # noqa[^\n]*")
#: How many ways (``anyOf`` branches, multiplied out) a schema is read, at most.
_MAX_ALTERNATIVES = 32
_NUMBER = (int, float)


def _source(path: Path) -> str:
    """A runtime module's text, without the generated header and ``noqa`` comments."""
    return _NOQA.sub("", _HEADER.sub("", path.read_text("utf-8"), count=1))


@functools.cache
def same_runtime(bindings: str) -> bool:
    """Whether the bindings' runtime is this specbind's, module for module."""
    ours = Path(__file__).parent.parent / "runtime"
    try:
        for name in _RUNTIME_MODULES:
            theirs = importlib.import_module(f"{bindings}._runtime.{name}").__file__
            if theirs is None or _source(Path(theirs)) != _source(ours / f"{name}.py"):
                return False
    except (ImportError, OSError, UnicodeDecodeError):
        return False
    return True


class _Facts:
    """What every value passing one conjunction of schema nodes is."""

    def __init__(self, nodes: Sequence[dict[str, Any]]) -> None:
        self.types: frozenset[str] | None = None
        self.enums: list[list[Any]] = []
        self.properties: dict[str, list[Any]] = {}
        self.required: set[str] = set()
        self.items: list[Any] = []
        self.patterns: set[str] = set()
        self.formats: set[str] = set()
        self.bounds: dict[str, list[Any]] = {}
        for node in nodes:
            self._read(node)

    def _read(self, node: dict[str, Any]) -> None:
        kind = node.get("type")
        if isinstance(kind, str | list):
            names = frozenset([kind] if isinstance(kind, str) else kind)
            # JSON Schema's "number" takes integers too.
            if "number" in names:
                names |= {"integer"}
            self.types = names if self.types is None else self.types & names
        if isinstance(node.get("enum"), list):
            self.enums.append(node["enum"])
        if "const" in node:
            self.enums.append([node["const"]])
        if isinstance(node.get("properties"), dict):
            for name, schema in node["properties"].items():
                self.properties.setdefault(name, []).append(schema)
        if isinstance(node.get("required"), list):
            self.required.update(name for name in node["required"] if isinstance(name, str))
        if "items" in node and "prefixItems" not in node:
            self.items.append(node["items"])
        for keyword in ("pattern", PATTERN):
            if isinstance(node.get(keyword), str):
                self.patterns.add(node[keyword])
        if isinstance(node.get("format"), str):
            self.formats.add(node["format"])
        for keyword in (
            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "minLength", "maxLength", "minItems", "maxItems",
        ):  # fmt: skip
            value = node.get(keyword)
            if type(value) in _NUMBER:
                self.bounds.setdefault(keyword, []).append(value)

    def only(self, *types: str) -> bool:
        """Whether every value is of one of these JSON types."""
        return self.types is not None and self.types <= frozenset(types)

    def at_least(self, keyword: str, limit: Any) -> bool:
        return any(bound >= limit for bound in self.bounds.get(keyword, ()))

    def at_most(self, keyword: str, limit: Any) -> bool:
        return any(bound <= limit for bound in self.bounds.get(keyword, ()))

    def more_than(self, keyword: str, limit: Any) -> bool:
        return any(bound > limit for bound in self.bounds.get(keyword, ()))

    def less_than(self, keyword: str, limit: Any) -> bool:
        return any(bound < limit for bound in self.bounds.get(keyword, ()))


class _NoProof(Exception):
    """The schema cannot be read here (too many ways, a reference that goes nowhere)."""


class ModelProof:
    """Proofs for the models of one bindings package against the first look's schemas."""

    def __init__(self, bindings: str, converter: Any) -> None:
        self._runtime: dict[str, ModuleType] = {
            name: importlib.import_module(f"{bindings}._runtime.{name}")
            for name in ("_converter", "_checks", "_enums", "_unset")
        }
        # The first try: the converter whose hooks decide whether structuring succeeds.
        self._hooks: Any = getattr(converter, "_first_try", None)

    def covers(self, document: Any, root: Any, model: Any) -> bool:
        """Whether structuring as ``model`` takes every value that passes ``root`` (a
        schema of ``document``, the first look's)."""
        if self._hooks is None:
            return False
        try:
            return self._accepts(document, [root], model, ())
        except (_NoProof, RecursionError):
            return False

    def _ways(self, document: Any, nodes: Sequence[Any]) -> list[_Facts]:
        """The facts of each way a value can pass all of ``nodes`` (a false schema: none)."""
        return [_Facts(way) for way in self._conjunctions(document, nodes)]

    def _conjunctions(self, document: Any, nodes: Sequence[Any]) -> list[list[dict[str, Any]]]:
        """The nodes that all hold, for each way a value can pass all of ``nodes``."""
        ways: list[list[dict[str, Any]]] = [[]]
        pending = list(nodes)
        seen: set[int] = set()
        while pending:
            node = pending.pop()
            if node is False:
                return []
            if not isinstance(node, dict) or id(node) in seen:
                continue  # true, or met already: nothing more to know
            seen.add(id(node))
            for way in ways:
                way.append(node)
            reference = node.get("$ref")
            if isinstance(reference, str):
                try:
                    pending.append(resolve(document, reference))
                except (KeyError, IndexError, ValueError, TypeError):
                    raise _NoProof("a reference that goes nowhere") from None
            if isinstance(node.get("allOf"), list):
                pending.extend(node["allOf"])
            branches = node.get("anyOf")
            if isinstance(branches, list):
                # Each way splits into one per way through one of the branches.
                through = [
                    way for branch in branches for way in self._conjunctions(document, [branch])
                ]
                ways = [[*way, *more] for way, more in itertools.product(ways, through)]
                if len(ways) > _MAX_ALTERNATIVES:
                    raise _NoProof("too many ways to read the schema")
        return ways

    def _accepts(
        self, document: Any, nodes: Sequence[Any], target: Any, path: tuple[Any, ...]
    ) -> bool:
        ways = self._ways(document, nodes)
        return all(self._takes(document, facts, target, path) for facts in ways)

    def _takes(self, document: Any, facts: _Facts, target: Any, path: tuple[Any, ...]) -> bool:
        """Whether structuring as ``target`` takes every value these facts hold for."""
        if facts.types is not None and not facts.types:
            return True  # no value passes
        if target is Any:
            return True
        unset = self._runtime["_unset"].Unset
        origin = typing.get_origin(target)
        if origin in (typing.Union, types.UnionType):
            members = [m for m in typing.get_args(target) if m is not unset]
            nullable = type(None) in members
            members = [m for m in members if m is not type(None)]
            if len(members) != 1:
                return False
            target = members[0]
            if nullable:
                kinds = facts.types
                if kinds is None:
                    return target is Any
                facts = copy.copy(facts)
                facts.types = kinds - {"null"}
                if not facts.types:
                    return True
        if target is Any:
            return True
        origin = typing.get_origin(target)
        converter = self._runtime["_converter"]
        if target in (str, bool, int, float):
            expected = {
                str: (converter._structure_str, ("string",)),
                bool: (converter._structure_bool, ("boolean",)),
                int: (converter._structure_int, ("integer",)),
                float: (converter._structure_number, ("integer", "number")),
            }[target]
            return self._hook(target) is expected[0] and facts.only(*expected[1])
        if target is datetime:
            return (
                self._hook(target) is converter._structure_datetime
                and facts.only("string")
                and DATE_TIME in facts.patterns
            )
        if target is UUID:
            return (
                self._hook(target) is converter._structure_uuid
                and facts.only("string")
                and "uuid" in facts.formats
            )
        enums = self._runtime["_enums"]
        if isinstance(target, type) and issubclass(target, enums.SpecStrEnum):
            if self._hook(target) is not converter._structure_enum or not facts.only("string"):
                return False
            if enums.is_open(target):
                return True
            values = {member.value for member in typing.cast(Any, target)}
            return any(
                all(type(value) is str and value in values for value in listed)
                for listed in facts.enums
            )
        if origin is list:
            (item,) = typing.get_args(target) or (Any,)
            if not facts.only("array"):
                return False
            if item is Any:
                return True
            return bool(facts.items) and self._accepts(document, facts.items, item, path)
        if origin is dict:
            arguments = typing.get_args(target)
            return facts.only("object") and (not arguments or arguments[1] is Any)
        if isinstance(target, type) and attrs.has(target):
            return facts.only("object") and self._model(document, facts, target, path)
        return False

    def _hook(self, target: Any) -> Any:
        try:
            return self._hooks.get_structure_hook(target)
        except Exception:
            return None

    def _model(self, document: Any, facts: _Facts, model: type, path: tuple[Any, ...]) -> bool:
        if model in path:
            return False  # a model that contains itself: structuring recurses with the value
        if hasattr(model, "__attrs_pre_init__") or hasattr(model, "__attrs_post_init__"):
            return False
        path = (*path, model)
        converter = self._runtime["_converter"]
        try:
            fields = attrs.fields(attrs.resolve_types(model))
        except Exception:
            return False
        for field in fields:
            if field.converter is not None or not field.init:
                return False
            if field.name == converter.EXTRA_FIELD:
                if converter._extra_values(fields) is not Any:
                    return False
                continue
            wire = field.metadata.get("wire")
            if not isinstance(wire, str) or wire not in facts.properties:
                return False
            if field.default is attrs.NOTHING:
                if wire not in facts.required:
                    return False
            elif not self._default_passes(field):
                return False
            schemas = facts.properties[wire]
            if not self._accepts(document, schemas, field.type, path):
                return False
            if not self._checks_hold(document, schemas, field, field.type):
                return False
        return True

    def _default_passes(self, field: attrs.Attribute[Any]) -> bool:
        """Whether the checks of an optional field pass its default (absent, it is that)."""
        default: Any = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if default.takes_self:
                return False
            default = default.factory()
        try:
            for check in self._runtime["_checks"].validators_of(field.validator):
                check(None, field, default)
        except Exception:
            return False
        return True

    def _checks_hold(
        self, document: Any, schemas: Sequence[Any], field: attrs.Attribute[Any], target: Any
    ) -> bool:
        checks = self._runtime["_checks"]
        validators = checks.validators_of(field.validator)
        if not validators:
            return True
        ways = self._ways(document, schemas)
        for check in validators:
            if isinstance(check, checks._Each):
                # Checks of every item: proven against each way the items can pass.
                if not all(facts.items for facts in ways):
                    return False
                items = [item for facts in ways for item in self._ways(document, facts.items)]
                if not all(self._implied(c, item, checks) for c in check.checks for item in items):
                    return False
            elif not all(self._implied(check, facts, checks) for facts in ways):
                return False
        return True

    def _implied(self, check: Any, facts: _Facts, checks: ModuleType) -> bool:
        """Whether a value these facts hold for passes ``check`` (one of ``_checks``)."""
        if not isinstance(check, checks._Check):
            return False
        kind, test, limit = check.kind, check.test, check.constant
        applies = {"string": ("string",), "number": ("integer", "number"), "array": ("array",)}
        if facts.types is not None and not (facts.types & frozenset(applies.get(kind, ()))):
            return True  # the check never applies to these values
        if kind == "string" and test == "{c}({v})":
            prefix = "does not match "
            if not check.requirement.startswith(prefix):
                return False
            try:
                regex = ast.literal_eval(check.requirement[len(prefix) :])
            except (ValueError, SyntaxError):
                return False
            return regex in facts.patterns
        if type(limit) not in _NUMBER:
            return False
        rules = {
            ("string", "len({v}) >= {c}"): lambda: facts.at_least("minLength", limit),
            ("string", "len({v}) <= {c}"): lambda: facts.at_most("maxLength", limit),
            ("array", "len({v}) >= {c}"): lambda: facts.at_least("minItems", limit),
            ("array", "len({v}) <= {c}"): lambda: facts.at_most("maxItems", limit),
            ("number", "{v} >= {c}"): lambda: (
                facts.at_least("minimum", limit) or facts.at_least("exclusiveMinimum", limit)
            ),
            ("number", "{v} <= {c}"): lambda: (
                facts.at_most("maximum", limit) or facts.at_most("exclusiveMaximum", limit)
            ),
            ("number", "{v} > {c}"): lambda: (
                facts.at_least("exclusiveMinimum", limit) or facts.more_than("minimum", limit)
            ),
            ("number", "{v} < {c}"): lambda: (
                facts.at_most("exclusiveMaximum", limit) or facts.less_than("maximum", limit)
            ),
        }
        rule = rules.get((kind, test))
        return rule is not None and rule()

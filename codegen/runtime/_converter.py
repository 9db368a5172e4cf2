"""cattrs converters for generated models: exact JSON types, wire names, kept extras.

cattrs coerces by default (``"7"`` becomes ``7`` for an ``int``, ``None`` becomes
``"None"`` for a ``str``); these converters accept only the JSON type the spec
names, keep unknown keys and unknown open-enum values, and keep an absent field
(:data:`UNSET`) apart from ``null``.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import attrs
from cattrs import Converter
from cattrs.cols import list_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._checks import lenient
from ._datetimes import format_datetime, parse_datetime
from ._enums import SpecStrEnum
from ._unset import UNSET, Unset

__all__ = ["EXTRA_FIELD", "TaggedUnion", "make_converter"]

#: The attribute of every model that keeps the JSON keys its spec does not know.
EXTRA_FIELD = "additional_properties"

_T = TypeVar("_T")
_NONE_TYPE = type(None)
_UUID_HYPHENS = (8, 13, 18, 23)


@attrs.frozen
class TaggedUnion:
    """A ``oneOf`` told apart by a tag property: tag value to class, plus a fallback.

    ``fallback`` takes any tag value not in ``mapping``, so a kind the vendor adds
    later is kept rather than rejected.
    """

    tag: str
    mapping: Mapping[str, type]
    fallback: type | None = None

    def members(self) -> frozenset[type]:
        found = set(self.mapping.values())
        if self.fallback is not None:
            found.add(self.fallback)
        return frozenset(found)


class _LenientConverter(Converter):
    """Structures without checking spec constraints (patterns, lengths, ranges)."""

    def structure(self, obj: Any, cl: Any) -> Any:
        with lenient():
            return super().structure(obj, cl)


def make_converter(*, strict: bool, tagged_unions: Sequence[TaggedUnion] = ()) -> Converter:
    """Build a converter for generated models.

    A strict converter checks every constraint of the spec and reports each error
    with its path (cattrs detailed validation). A lenient one checks JSON types and
    required keys only, which is what a client needs to read what a server sends.
    """
    converter = (
        Converter(detailed_validation=True)
        if strict
        else _LenientConverter(detailed_validation=False)
    )
    _register_scalars(converter, strict=strict)
    unions = {union.members(): union for union in tagged_unions}
    converter.register_structure_hook_factory(_is_list, lambda t: _list_hook(converter, t))
    converter.register_structure_hook_factory(
        _is_union, lambda t: _union_hook(converter, t, unions)
    )
    converter.register_structure_hook_factory(attrs.has, lambda cls: _model_hook(converter, cls))
    converter.register_unstructure_hook_factory(
        attrs.has, lambda cls: _model_unstructure_hook(converter, cls)
    )
    return converter


def _register_scalars(converter: Converter, *, strict: bool) -> None:
    converter.register_structure_hook(str, _exact(str, "a string"))
    converter.register_structure_hook(bool, _exact(bool, "a boolean"))
    converter.register_structure_hook(int, _exact(int, "an integer"))
    converter.register_structure_hook(float, _structure_number)
    # cattrs dispatches a hook registered for a class to its subclasses, and a
    # string enum is a str: its own hook must be registered on a class that comes
    # before str in the enums' MRO.
    converter.register_structure_hook(SpecStrEnum, _structure_enum)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_structure_hook(UUID, _structure_uuid if strict else _structure_uuid_lenient)
    converter.register_structure_hook_func(_is_free_form, _structure_free_form)
    converter.register_structure_hook_func(lambda t: t is Any, lambda value, _: value)
    converter.register_unstructure_hook(datetime, format_datetime)
    converter.register_unstructure_hook(UUID, str)


def _structure_enum(value: Any, enum_type: type[enum.Enum]) -> enum.Enum:
    # Only the JSON type of the values: `Status(1)` must not find a member by
    # accident, nor `Status(True)`.
    if type(value) is not str:
        raise TypeError(f"expected a string, found {_describe(value)}")
    return enum_type(value)


def _exact(kind: type[_T], described: str) -> Callable[[Any, Any], _T]:
    # `type(x) is kind` rather than isinstance: a JSON `true` is not an integer.
    def structure(value: Any, _: Any) -> _T:
        if type(value) is not kind:
            raise TypeError(f"expected {described}, found {_describe(value)}")
        return value

    return structure


def _structure_number(value: Any, _: Any) -> float:
    # JSON has one number type: an integer is a valid `number`, kept as written.
    if type(value) is not float and type(value) is not int:
        raise TypeError(f"expected a number, found {_describe(value)}")
    return typing.cast(float, value)


def _structure_datetime(value: Any, _: Any) -> datetime:
    if type(value) is not str:
        raise TypeError(f"expected an RFC 3339 date-time string, found {_describe(value)}")
    return parse_datetime(value)


def _structure_uuid(value: Any, _: Any) -> UUID:
    # JSON Schema's `uuid` format is the hyphenated form only; uuid.UUID would
    # also take braces, `urn:uuid:` and no hyphens.
    if type(value) is not str:
        raise TypeError(f"expected a UUID string, found {_describe(value)}")
    if len(value) != 36 or any(value[i] != "-" for i in _UUID_HYPHENS):
        raise ValueError(f"not a hyphenated UUID: {value[:80]!r}")
    return UUID(value)


def _structure_uuid_lenient(value: Any, _: Any) -> UUID:
    if type(value) is not str:
        raise TypeError(f"expected a UUID string, found {_describe(value)}")
    return UUID(value)


def _is_free_form(type_: Any) -> bool:
    return typing.get_origin(type_) is dict


def _structure_free_form(value: Any, _: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise TypeError(f"expected an object, found {_describe(value)}")
    return value


def _is_list(type_: Any) -> bool:
    return typing.get_origin(type_) is list


def _list_hook(converter: Converter, type_: Any) -> Callable[[Any, Any], list[Any]]:
    build = list_structure_factory(type_, converter)

    def structure(value: Any, _: Any) -> list[Any]:
        # cattrs' own list hook takes any iterable: a string would become a list
        # of characters.
        if type(value) is not list:
            raise TypeError(f"expected an array, found {_describe(value)}")
        structured: list[Any] = build(value, type_)
        return structured

    return structure


def _is_union(type_: Any) -> bool:
    return typing.get_origin(type_) in (typing.Union, types.UnionType)


def _union_hook(
    converter: Converter, type_: Any, unions: Mapping[frozenset[type], TaggedUnion]
) -> Callable[[Any, Any], Any]:
    members = [arg for arg in typing.get_args(type_) if arg is not Unset]
    nullable = _NONE_TYPE in members
    members = [arg for arg in members if arg is not _NONE_TYPE]
    if len(members) == 1:
        only = members[0]
        only_hook = converter.get_structure_hook(only)

        def structure_one(value: Any, _: Any) -> Any:
            if value is None and nullable:
                return None
            return only_hook(value, only)

        return structure_one
    union = unions.get(frozenset(members))
    if union is None:
        raise TypeError(f"no tagged union registered for {type_!r}")
    return _tagged_hook(converter, union, nullable)


def _tagged_hook(
    converter: Converter, union: TaggedUnion, nullable: bool
) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if value is None and nullable:
            return None
        if type(value) is not dict:
            raise TypeError(f"expected an object, found {_describe(value)}")
        tag = value.get(union.tag)
        if type(tag) is not str:
            raise ValueError(f"the {union.tag!r} tag is missing or not a string")
        target = union.mapping.get(tag, union.fallback)
        if target is None:
            known = ", ".join(sorted(union.mapping))
            raise ValueError(f"unknown {union.tag!r} {tag!r}; expected one of {known}")
        return converter.structure(value, target)

    return structure


def _model_hook(converter: Converter, cls: type[_T]) -> Callable[[Any, Any], _T]:
    fields = attrs.fields(typing.cast(Any, cls))
    renames: dict[str, Any] = {
        field.name: override(rename=field.metadata["wire"])
        for field in fields
        if "wire" in field.metadata
    }
    known = frozenset(field.metadata["wire"] for field in fields if "wire" in field.metadata)
    keeps_extra = any(field.name == EXTRA_FIELD for field in fields)
    if keeps_extra:
        renames[EXTRA_FIELD] = override(omit=True)
    build = make_dict_structure_fn(cls, converter, **renames)
    name = cls.__name__

    def structure(value: Any, _: Any) -> _T:
        if type(value) is not dict:
            raise TypeError(f"expected an object for {name}, found {_describe(value)}")
        instance = build(value, cls)
        if keeps_extra and not known.issuperset(value):
            extra = {key: item for key, item in value.items() if key not in known}
            # Models are frozen, and the extras are not an argument of cattrs'
            # generated function, so they are set once, here.
            object.__setattr__(instance, EXTRA_FIELD, extra)
        return instance

    return structure


def _model_unstructure_hook(
    converter: Converter, cls: type[Any]
) -> Callable[[Any], dict[str, Any]]:
    fields = attrs.fields(cls)
    overrides: dict[str, Any] = {
        field.name: override(rename=field.metadata["wire"], omit_if_default=field.default is UNSET)
        for field in fields
        if "wire" in field.metadata
    }
    keeps_extra = any(field.name == EXTRA_FIELD for field in fields)
    if keeps_extra:
        overrides[EXTRA_FIELD] = override(omit=True)
    build = make_dict_unstructure_fn(cls, converter, **overrides)

    def unstructure(instance: Any) -> dict[str, Any]:
        result: dict[str, Any] = build(instance)
        if keeps_extra:
            extra = getattr(instance, EXTRA_FIELD)
            if extra:
                result.update(extra)
        return result

    return unstructure


def _describe(value: object) -> str:
    if value is None:
        return "null"
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    kind = kinds.get(type(value))
    if kind is not None:
        shown = repr(value)
        return f"{kind} {shown if len(shown) <= 80 else shown[:77] + '...'}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__

"""cattrs converters for generated models: exact JSON types, wire names, kept extras.

cattrs coerces by default (``"7"`` becomes ``7`` for an ``int``, ``None`` becomes
``"None"`` for a ``str``); these converters accept only the JSON type the spec
names, keep unknown keys and unknown open-enum values, and keep an absent field
(:data:`UNSET`) apart from ``null``.
"""

from __future__ import annotations

import enum
import functools
import keyword
import threading
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID, SafeUUID

import attrs
from cattrs import Converter
from cattrs.cols import list_structure_factory
from cattrs.errors import BaseValidationError, ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._base64 import format_base64, parse_base64
from ._checks import _STRICT, fails_source, off_unless_strict, validators_of
from ._datetimes import (
    COMMON_LENGTH,
    COMMON_MARKS,
    format_date,
    format_datetime,
    from_common,
    parse_date,
    parse_datetime,
)
from ._enums import SpecEnum, SpecIntEnum, SpecStrEnum, is_open, unknown_member
from ._json import parse_json
from ._unset import UNSET, Unset

__all__ = ["EXTRA_FIELD", "ModelConverter", "TaggedUnion", "make_converter"]

#: The attribute of every model that keeps the JSON keys its spec does not know.
EXTRA_FIELD = "additional_properties"
#: What :meth:`ModelConverter.loads_in_one_pass` returns when it builds nothing.
NOT_BUILT: Any = object()

_T = TypeVar("_T")
_C = TypeVar("_C", bound=Converter)
_NONE_TYPE = type(None)
_UUID_HYPHENS = (8, 13, 18, 23)
#: The JSON type of each Python type ``json.loads`` makes.
_JSON_TYPES = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}
_ALL_JSON_TYPES = frozenset(_JSON_TYPES.values())
_STRING_TYPES = frozenset({"string"})
_NUMBERS = frozenset({"integer", "number"})
#: The models whose structuring code is being compiled, per thread: a model that
#: contains itself is then found, as cattrs finds it.
_BUILDING = threading.local()
# attrs' stubs declare Factory as a function; it is the class of factory defaults.
_FACTORY: Any = attrs.Factory
_NO_ALIASES: Mapping[str, Any] = types.MappingProxyType({})


@attrs.frozen
class TaggedUnion:
    """A ``oneOf`` told apart by a tag property: tag value to class, plus a fallback.

    ``fallback`` (a class, or a union of the classes left out of the mapping, tried in
    order) takes any tag value not in ``mapping``, so a kind the vendor adds later is
    kept rather than rejected.
    """

    tag: str
    mapping: Mapping[str, type]
    fallback: Any = None

    def fallbacks(self) -> tuple[Any, ...]:
        if self.fallback is None:
            return ()
        if _is_union(self.fallback):
            return tuple(_union_members(self.fallback)[0])
        return (self.fallback,)

    def members(self) -> frozenset[type]:
        return frozenset([*self.mapping.values(), *self.fallbacks()])


class _LenientConverter(Converter):
    """Structures without checking spec constraints (patterns, lengths, ranges)."""

    def structure(self, obj: Any, cl: Any) -> Any:
        # A token, not a context manager: that would cost more than structuring a
        # small payload.
        token = _STRICT.set(False)
        try:
            return super().structure(obj, cl)
        finally:
            _STRICT.reset(token)


class ModelConverter(Converter):
    """The converter of generated models: ``structure`` and ``loads``, detailed errors.

    Detailed validation is paid for by failing payloads only. A first try builds the
    model without detailed validation and stops at the first error; only a payload it
    refuses is structured again with cattrs' detailed validation, whose error lists
    every fault with its path. Both call the same hooks and checks on the same values,
    so they accept the same payloads and build equal models.
    """

    def __init__(self, first_try: Converter, *, strict: bool) -> None:
        super().__init__(detailed_validation=True)
        self._first_try = first_try
        self._strict = strict
        #: Per model: parse and structure in one pass (see _typed), or None.
        self._typed: dict[Any, Callable[[Any], Any] | None] = {}

    def structure(self, obj: Any, cl: Any) -> Any:
        try:
            return self._first_try.structure(obj, cl)
        except Exception:
            return self._detailed(obj, cl)

    def loads(self, data: bytes | str, cl: type[_T]) -> _T:
        """Parse the JSON ``data`` and structure it as ``cl``: a response body as it came.

        As the client reads its answers: with msgspec installed, in one pass where it can
        (see ``_typed``), else parsed (see ``parse_json``) and structured; the model or
        the error is the same either way. ``ValueError`` when ``data`` is not JSON (not
        UTF-8, broken, ``NaN`` or a number out of range, nested too deeply); cattrs'
        ``ClassValidationError`` when it is JSON the model refuses.
        """
        found = self.loads_in_one_pass(data, cl)
        if found is not NOT_BUILT:
            return typing.cast(_T, found)
        try:
            value = parse_json(data)
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None
        structured: _T = self.structure(value, cl)
        return structured

    def loads_in_one_pass(self, data: bytes | str, cl: Any) -> Any:
        """What ``loads`` gives, parsed and structured in one pass (see ``_typed``), or
        :data:`NOT_BUILT` when that pass cannot build it (no msgspec, a ``cl`` it cannot
        shape, unknown keys, or any fault): ``loads`` then takes the plain path."""
        try:
            typed = self._typed[cl]
        except KeyError:
            typed = self._typed[cl] = self._typed_loader(cl)
        except TypeError:  # an unhashable type argument: nothing typed for it
            return NOT_BUILT
        return NOT_BUILT if typed is None else typed(data)

    def _typed_loader(self, cl: Any) -> Callable[[Any], Any] | None:
        # Imported here: _typed builds on this module.
        from ._typed import typed_loader

        return typed_loader(self._first_try, cl, checked=self._strict)

    def _detailed(self, obj: Any, cl: Any) -> Any:
        try:
            return super().structure(obj, cl)
        except BaseValidationError:
            raise
        except Exception as exc:
            # A value refused as a whole (a list where a model wants an object) fails in
            # the model's own hook, before cattrs can group anything: group it here, so
            # that every refusal is the documented validation error.
            name = getattr(cl, "__name__", repr(cl))
            raise ClassValidationError(f"While structuring {name}", [exc], cl) from None


class _LenientModelConverter(ModelConverter, _LenientConverter):
    """Lenient, with a detailed second pass for the payloads the first try refuses."""


_ModelHookFactory = Callable[[Converter, type[Any]], Callable[[Any, Any], Any]]


def make_converter(
    *,
    strict: bool,
    tagged_unions: Sequence[TaggedUnion] = (),
    one_of: Sequence[Any] = (),
    recursive: Mapping[str, Any] = _NO_ALIASES,
) -> ModelConverter:
    """Build a converter for generated models.

    A strict converter checks every constraint of the spec, and refuses a value that
    more than one member of a ``oneOf`` in ``one_of`` (type aliases of unions) takes. A
    lenient one checks JSON types and required keys only, which is what a client needs
    to read what a server sends. Either raises, for a payload it refuses, cattrs'
    detailed error: every fault with its path (see ``error_locations``).

    ``recursive`` maps the name of each type alias that refers to itself to the alias:
    the models write such a reference as a string (``dict[str, "ErrorDetails"]``), which
    ``typing.get_type_hints`` leaves a ``ForwardRef`` once it meets it again; either
    form is structured and unstructured as the alias of that name.
    """
    unions: dict[frozenset[Any], TaggedUnion | None] = {
        union.members(): union for union in tagged_unions
    }
    if strict:
        for union_type in one_of:
            unions.setdefault(frozenset(_union_members(union_type)[0]), None)
    # The first try of either is a plain converter: a lenient one's models turn the
    # spec's checks off themselves where they run any (see _init_model_hook), which is
    # cheaper than turning them off around every call.
    first_try = Converter(detailed_validation=False)
    _configure(
        first_try,
        unions,
        strict=strict,
        model_hook=functools.partial(_direct_model_hook, checked=strict),
        recursive=recursive,
    )
    detailed = ModelConverter if strict else _LenientModelConverter
    return _configure(
        detailed(first_try, strict=strict),
        unions,
        strict=strict,
        model_hook=_model_hook,
        recursive=recursive,
    )


def _configure(
    converter: _C,
    unions: Mapping[frozenset[Any], TaggedUnion | None],
    *,
    strict: bool,
    model_hook: _ModelHookFactory,
    recursive: Mapping[str, Any],
) -> _C:
    _register_scalars(converter, strict=strict)
    if recursive:
        _register_recursive(converter, recursive)
    converter.register_structure_hook_factory(_is_list, lambda t: _list_hook(converter, t))
    converter.register_structure_hook_factory(
        _is_union, lambda t: _union_hook(converter, t, unions)
    )
    converter.register_structure_hook_factory(attrs.has, lambda cls: model_hook(converter, cls))
    converter.register_unstructure_hook_factory(
        attrs.has, lambda cls: _model_unstructure_hook(converter, cls)
    )
    return converter


def _register_scalars(converter: Converter, *, strict: bool) -> None:
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_number)
    # cattrs dispatches a hook registered for a class to its subclasses, and a
    # string enum is a str: its own hook must be registered on a class that comes
    # before str in the enums' MRO.
    converter.register_structure_hook(SpecStrEnum, _structure_enum)
    converter.register_structure_hook(SpecIntEnum, _structure_value_enum)
    converter.register_structure_hook(SpecEnum, _structure_value_enum)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_structure_hook(date, _structure_date)
    converter.register_structure_hook(bytes, _structure_base64)
    converter.register_structure_hook(UUID, _structure_uuid if strict else _structure_uuid_lenient)
    converter.register_structure_hook_factory(_is_map, lambda t: _map_hook(converter, t))
    converter.register_structure_hook_func(_is_literal, _structure_literal)
    converter.register_structure_hook_func(lambda t: t is Any, lambda value, _: value)
    converter.register_unstructure_hook(datetime, format_datetime)
    converter.register_unstructure_hook(date, format_date)
    converter.register_unstructure_hook(bytes, format_base64)
    converter.register_unstructure_hook(UUID, str)


def _register_recursive(converter: Converter, aliases: Mapping[str, Any]) -> None:
    """Hooks for the references of type aliases to themselves, by name (see
    :func:`make_converter`).

    Each looks the alias's own hook up on its first call, not when it is made: the
    alias's hook is being made then, from the hooks of its members, this one among them.
    """

    def alias_of(type_: Any) -> Any:
        if isinstance(type_, typing.ForwardRef):
            type_ = type_.__forward_arg__
        return aliases.get(type_) if isinstance(type_, str) else None

    def structure_hook(type_: Any) -> Callable[[Any, Any], Any]:
        alias = alias_of(type_)
        hooks: list[Callable[[Any, Any], Any]] = []

        def structure(value: Any, _: Any) -> Any:
            if not hooks:
                hooks.append(converter.get_structure_hook(alias))
            return hooks[0](value, alias)

        return structure

    def unstructure_hook(type_: Any) -> Callable[[Any], Any]:
        alias = alias_of(type_)
        return lambda value: converter.unstructure(value, alias)

    converter.register_structure_hook_factory(lambda t: alias_of(t) is not None, structure_hook)
    converter.register_unstructure_hook_factory(lambda t: alias_of(t) is not None, unstructure_hook)


def _structure_enum(value: Any, enum_type: type[enum.Enum]) -> enum.Enum:
    # Only the JSON type of the values: `Status(1)` must not find a member by
    # accident, nor `Status(True)`.
    if type(value) is not str:
        raise TypeError(f"expected a string, found {_describe(value)}")
    # A dict lookup is a third of the cost of `enum_type(value)`, which is still what
    # finds an open enum's unknown values and words the error for a closed one.
    member = _members_by_value(enum_type).get(value)
    return member if member is not None else enum_type(value)


@functools.cache
def _members_by_value(enum_type: type[enum.Enum]) -> dict[Any, enum.Enum]:
    return {member.value: member for member in enum_type}


@functools.cache
def _members_by_json(enum_type: type[enum.Enum]) -> dict[tuple[str, Any], enum.Enum]:
    # Keyed by JSON type as well: `true` is not `1`, though Python finds them equal.
    return {(_JSON_TYPES[type(m.value)], m.value): m for m in enum_type}


def _structure_value_enum(value: Any, enum_type: type[enum.Enum]) -> enum.Enum:
    """An integer enum, or an enum of numbers, booleans or mixed values: only a value of
    the JSON type it is listed with is a member."""
    kind = _JSON_TYPES.get(type(value))
    if issubclass(enum_type, int):
        if not _integral(value):
            raise TypeError(f"expected an integer, found {_describe(value)}")
        value, kind = int(value), "integer"
    if kind not in ("boolean", "integer", "number", "string"):
        raise TypeError(f"expected a {enum_type.__name__} value, found {_describe(value)}")
    members = _members_by_json(enum_type)
    member = members.get((kind, value))
    if member is None and kind in ("integer", "number"):
        # JSON has one number type: 1.0 is the listed 1.
        member = members.get(("number" if kind == "integer" else "integer", value))
    if member is not None:
        return member
    listed = {listed_kind for listed_kind, _ in members}
    if listed & _NUMBERS:
        listed |= _NUMBERS
    if is_open(enum_type) and kind in listed:
        # An open enum keeps new values of the JSON types it lists.
        found: enum.Enum = unknown_member(enum_type, value)
        return found
    raise ValueError(f"{_describe(value)} is not a valid {enum_type.__name__}")


def _exact(kind: type[_T], described: str) -> Callable[[Any, Any], _T]:
    # `type(x) is kind` rather than isinstance: a JSON `true` is not an integer.
    def structure(value: Any, _: Any) -> _T:
        if type(value) is not kind:
            raise TypeError(f"expected {described}, found {_describe(value)}")
        return value

    return structure


_structure_str = _exact(str, "a string")
_structure_bool = _exact(bool, "a boolean")


def _structure_int(value: Any, _: Any) -> int:
    # JSON Schema's integer is any number without a fraction: `1.0` is the integer 1.
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise TypeError(f"expected an integer, found {_describe(value)}")


def _integral(value: Any) -> bool:
    """Whether a JSON number is an integer in JSON Schema's sense (``1.0`` is one)."""
    return type(value) is int or (type(value) is float and value.is_integer())


def _structure_number(value: Any, _: Any) -> float:
    # JSON has one number type: an integer is a valid `number`, kept as written.
    if type(value) is not float and type(value) is not int:
        raise TypeError(f"expected a number, found {_describe(value)}")
    return typing.cast(float, value)


#: The scalar hooks, and the types of the values each returns unchanged: compiled model
#: code makes that test itself and calls the hook only to raise its error.
_PASSES: dict[Callable[[Any, Any], Any], tuple[type, ...]] = {
    _structure_str: (str,),
    _structure_bool: (bool,),
    _structure_int: (int,),
    _structure_number: (float, int),
}


#: The JSON types each scalar structuring target takes (bool before int: it is one).
_SCALAR_TYPES: tuple[tuple[type, frozenset[str]], ...] = (
    (bool, frozenset({"boolean"})),
    (int, frozenset({"integer"})),
    (float, frozenset({"integer", "number"})),
    (str, _STRING_TYPES),
    (date, _STRING_TYPES),
    (UUID, _STRING_TYPES),
    (bytes, _STRING_TYPES),
)


def _is_literal(type_: Any) -> bool:
    origin: Any = typing.get_origin(type_)
    return origin is typing.Literal


def _structure_literal(value: Any, type_: Any) -> Any:
    """A ``const``: the value itself, of its JSON type (``true`` is not the constant 1)."""
    kind = _JSON_TYPES.get(type(value))
    for constant in typing.get_args(type_):
        constant_kind = _JSON_TYPES.get(type(constant))
        same_kind = kind == constant_kind or {kind, constant_kind} <= _NUMBERS
        if same_kind and value == constant:
            return value
    expected = " or ".join(repr(constant) for constant in typing.get_args(type_))
    raise ValueError(f"expected {expected}, found {_describe(value)}")


def _structure_datetime(value: Any, _: Any) -> datetime:
    if type(value) is not str:
        raise TypeError(f"expected an RFC 3339 date-time string, found {_describe(value)}")
    return parse_datetime(value)


def _structure_date(value: Any, _: Any) -> date:
    if type(value) is not str:
        raise TypeError(f"expected an RFC 3339 full-date string, found {_describe(value)}")
    return parse_date(value)


def _structure_base64(value: Any, _: Any) -> bytes:
    if type(value) is not str:
        raise TypeError(f"expected a base64 string, found {_describe(value)}")
    return parse_base64(value)


def _structure_uuid(value: Any, _: Any) -> UUID:
    # JSON Schema's `uuid` format is the hyphenated form only; uuid.UUID would
    # also take braces, `urn:uuid:` and no hyphens.
    if type(value) is not str:
        raise TypeError(f"expected a UUID string, found {_describe(value)}")
    if len(value) != 36 or any(value[i] != "-" for i in _UUID_HYPHENS):
        raise ValueError(f"not a hyphenated UUID: {value[:80]!r}")
    found = _hyphenated_uuid(value)
    return UUID(value) if found is None else found


def _structure_uuid_lenient(value: Any, _: Any) -> UUID:
    if type(value) is not str:
        raise TypeError(f"expected a UUID string, found {_describe(value)}")
    found = _hyphenated_uuid(value)
    return UUID(value) if found is None else found


_UUID_INT = vars(UUID)["int"].__set__
_UUID_IS_SAFE = vars(UUID)["is_safe"].__set__


def _hyphenated_uuid(text: str) -> UUID | None:
    """``UUID(text)`` for the hyphenated form, in a third of the time; None for any other
    text, which ``UUID`` itself then takes or refuses.

    With the hyphens at their places and 32 characters besides that ``int`` reads, the
    text holds no ``urn:``, ``uuid:`` nor braces, so ``UUID`` would read the same number
    from the same characters, with the same ``int``.
    """
    digits = text.replace("-", "")
    if len(text) != 36 or len(digits) != 32 or any(text[i] != "-" for i in _UUID_HYPHENS):
        return None
    try:
        number = int(digits, 16)
    except ValueError:
        return None
    uuid: UUID = object.__new__(UUID)
    _UUID_INT(uuid, number)
    _UUID_IS_SAFE(uuid, SafeUUID.unknown)
    return uuid


def _is_map(type_: Any) -> bool:
    return typing.get_origin(type_) is dict


def _map_values(type_: Any) -> Any:
    """The type of the values of ``dict[str, X]`` (Any for a bare ``dict``)."""
    arguments = typing.get_args(type_)
    return arguments[1] if len(arguments) == 2 else Any


def _map_hook(converter: Converter, type_: Any) -> Callable[[Any, Any], dict[str, Any]]:
    """``dict[str, X]``: an object whose every value is an ``X`` (kept as it came for Any)."""
    values = _map_values(type_)
    hooks: list[Callable[[Any, Any], Any]] = []

    def structure(value: Any, _: Any) -> dict[str, Any]:
        if type(value) is not dict:
            raise TypeError(f"expected an object, found {_describe(value)}")
        if values is Any:
            return value
        if not hooks:
            # Looked up on first use: the values may be of a model that holds this map.
            hooks.append(converter.get_structure_hook(values))
        hook = hooks[0]
        return {key: hook(item, values) for key, item in value.items()}

    return structure


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


def _union_members(type_: Any) -> tuple[list[Any], bool]:
    """A union's members other than Unset and None, and whether None is one."""
    members = [arg for arg in typing.get_args(type_) if arg is not Unset]
    return [arg for arg in members if arg is not _NONE_TYPE], _NONE_TYPE in members


def _union_hook(
    converter: Converter, type_: Any, unions: Mapping[frozenset[Any], TaggedUnion | None]
) -> Callable[[Any, Any], Any]:
    """Unions: tagged ones by their tag; others by trying their members in order, and
    for the keys ``unions`` maps to None (a strict ``oneOf``), every member."""
    members, nullable = _union_members(type_)
    if len(members) == 1:
        only = members[0]
        only_hook = converter.get_structure_hook(only)

        def structure_one(value: Any, _: Any) -> Any:
            if value is None and nullable:
                return None
            return only_hook(value, only)

        return structure_one
    key = frozenset(members)
    union = unions.get(key)
    if union is None:
        return _untagged_hook(converter, members, nullable, exclusive=key in unions)
    return _tagged_hook(converter, union, nullable)


def _accepted_json_types(type_: Any) -> frozenset[str]:
    """The JSON types a structuring target can take: a union member is tried only on
    values of these types."""
    origin = typing.get_origin(type_)
    if _is_union(type_):
        return frozenset().union(*(_accepted_json_types(arg) for arg in typing.get_args(type_)))
    if origin is typing.Literal:
        return frozenset(_JSON_TYPES.get(type(arg), "null") for arg in typing.get_args(type_))
    if origin is list:
        return frozenset({"array"})
    if origin is dict or attrs.has(type_):
        return frozenset({"object"})
    if isinstance(type_, type):
        if issubclass(type_, enum.Enum) and not issubclass(type_, (str, int)):
            if is_open(type_):
                return frozenset({"boolean", "integer", "number", "string"})
            return frozenset(_JSON_TYPES[type(member.value)] for member in type_)
        for kind, accepted in _SCALAR_TYPES:
            if issubclass(type_, kind):
                return accepted
    return _ALL_JSON_TYPES


def _untagged_hook(
    converter: Converter, members: Sequence[Any], nullable: bool, *, exclusive: bool = False
) -> Callable[[Any, Any], Any]:
    """A ``oneOf``/``anyOf`` without a tag: the members that can take the value's JSON
    type are tried in order, and the first that structures it wins; when ``exclusive``,
    the others must refuse it."""
    accepted = [(member, _accepted_json_types(member)) for member in members]
    expected = " or ".join(sorted(frozenset().union(*(kinds for _, kinds in accepted))))

    def structure(value: Any, _: Any) -> Any:
        if value is None and nullable:
            return None
        kind = _JSON_TYPES.get(type(value))
        whole = kind == "number" and _integral(value)
        errors: list[Exception] = []
        candidates = [
            member for member, kinds in accepted if kind in kinds or (whole and "integer" in kinds)
        ]
        for index, member in enumerate(candidates):
            try:
                found = converter.structure(value, member)
            except Exception as exc:  # the next member may take it
                errors.append(exc)
                continue
            if exclusive:
                _only_one(converter, value, member, candidates[index + 1 :])
            return found
        if not errors:
            raise TypeError(f"expected {expected}, found {_describe(value)}")
        if len(errors) == 1:
            raise errors[0]
        raise ValueError(f"{_describe(value)} matches none of the {len(errors)} possible schemas")

    return structure


def _only_one(converter: Converter, value: Any, taken: Any, others: Sequence[Any]) -> None:
    """Refuse ``value`` if a member other than ``taken`` also structures it (``oneOf``)."""
    for other in others:
        if _takes(converter, value, other):
            names = f"{getattr(taken, '__name__', taken)} and {getattr(other, '__name__', other)}"
            raise ValueError(f"{_describe(value)} matches both {names}; oneOf allows one")


def _takes(converter: Converter, value: Any, type_: Any) -> bool:
    try:
        converter.structure(value, type_)
    except Exception:  # any refusal: this member does not take the value
        return False
    return True


def _tagged_hook(
    converter: Converter, union: TaggedUnion, nullable: bool
) -> Callable[[Any, Any], Any]:
    fallbacks = union.fallbacks()
    fallback: Callable[[Any, Any], Any] | None = None
    if len(fallbacks) > 1:
        fallback = _untagged_hook(converter, fallbacks, nullable=False)
    elif fallbacks:
        only = fallbacks[0]

        def fallback(value: Any, _: Any) -> Any:
            return converter.structure(value, only)

    def structure(value: Any, _: Any) -> Any:
        if value is None and nullable:
            return None
        if type(value) is not dict:
            raise TypeError(f"expected an object, found {_describe(value)}")
        tag = value.get(union.tag)
        if type(tag) is not str:
            raise ValueError(f"the {union.tag!r} tag is missing or not a string")
        target = union.mapping.get(tag)
        if target is not None:
            return converter.structure(value, target)
        if fallback is None:
            known = ", ".join(sorted(union.mapping))
            raise ValueError(f"unknown {union.tag!r} {tag!r}; expected one of {known}")
        return fallback(value, None)

    return structure


def _extra_values(fields: Sequence[attrs.Attribute[Any]]) -> Any:
    """The type of the values of a model's unknown keys (``additionalProperties``)."""
    for field in fields:
        if field.name == EXTRA_FIELD:
            arguments = typing.get_args(field.type)
            return arguments[1] if len(arguments) == 2 else Any
    return Any


def _map_of(values: Any) -> Any:
    """``dict[str, values]``, for a type known only when the model is."""
    return types.GenericAlias(dict, (str, values))


def _model_hook(converter: Converter, cls: type[_T]) -> Callable[[Any, Any], _T]:
    fields = attrs.fields(attrs.resolve_types(typing.cast(Any, cls)))
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
    values = _extra_values(fields)

    def structure(value: Any, _: Any) -> _T:
        if type(value) is not dict:
            raise TypeError(f"expected an object for {name}, found {_describe(value)}")
        instance = build(value, cls)
        if keeps_extra and not known.issuperset(value):
            extra = {key: item for key, item in value.items() if key not in known}
            if values is not Any:
                extra = converter.structure(extra, _map_of(values))
            # Models are frozen, and the extras are not an argument of cattrs'
            # generated function, so they are set once, here.
            object.__setattr__(instance, EXTRA_FIELD, extra)
        return instance

    return structure


def _init_model_hook(
    converter: Converter, cls: type[_T], *, checked: bool
) -> Callable[[Any, Any], _T]:
    """Structuring through cattrs and the model's ``__init__``, with the spec's checks
    turned off unless ``checked``."""
    build = _model_hook(converter, cls)
    if checked:
        return build

    def structure(value: Any, cl: Any) -> _T:
        token = _STRICT.set(False)
        try:
            return build(value, cl)
        finally:
            _STRICT.reset(token)

    return structure


def _direct_model_hook(
    converter: Converter, cls: type[_T], *, checked: bool = False
) -> Callable[[Any, Any], _T]:
    """Structuring into a model that sets its slots directly, when that is the same.

    attrs' ``__init__`` of a frozen class sets each attribute through
    ``object.__setattr__`` and calls every check, even with checks off (lenient): half
    the time spent on a small model. When the class has no converters and no init
    hooks (and, unless ``checked``, no validators but spec checks), its slots are set
    here straight from the payload, then, if ``checked``, its validators run as
    ``__init__`` runs them. Keys are read in the order cattrs reads them (optional ones
    first), so that even the first error raised is the one cattrs would raise.
    """
    fields = attrs.fields(attrs.resolve_types(typing.cast(Any, cls)))
    if not _sets_slots_directly(cls, fields, checked=checked):
        return _init_model_hook(converter, cls, checked=checked)
    building: set[type] = _BUILDING.__dict__.setdefault("models", set())
    if cls in building:
        # The model contains itself: the field that leads back here (see _field_hook)
        # looks its hook up per value instead, as cattrs does.
        raise RecursionError(f"{cls.__name__} contains itself")
    building.add(cls)
    try:
        return _compile_model_hook(converter, cls, fields, checked=checked)
    finally:
        building.discard(cls)


def _sets_slots_directly(
    cls: type[Any], fields: Sequence[attrs.Attribute[Any]], *, checked: bool
) -> bool:
    """Whether setting each field's slot builds what ``__init__`` builds."""
    if hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
        return False
    # Only the fields' own slots: attrs adds hidden ones (e.g. a cached hash) that its
    # ``__init__`` fills.
    slots = {name for klass in cls.__mro__ for name in vars(klass).get("__slots__", ())}
    if slots - {"__weakref__"} != {field.name for field in fields}:
        return False
    for field in fields:
        default: Any = field.default
        if (
            not field.init
            or field.converter is not None
            or not (checked or off_unless_strict(field.validator))
            or (field.name != EXTRA_FIELD and "wire" not in field.metadata)
            or (isinstance(default, _FACTORY) and default.takes_self)
            or not isinstance(getattr(cls, field.name), types.MemberDescriptorType)
        ):
            return False
    return True


def _builder(cls: type[Any]) -> type[Any] | None:
    """A subclass of ``cls`` with plain attribute assignment, or None where there is none.

    Setting a slot through its descriptor's ``__set__`` is a call per field; assigning an
    attribute of a class that keeps ``object``'s ``__setattr__`` is one quick
    instruction. So a model is built as an instance of this subclass (the same slots,
    hence the same memory layout), which then becomes a ``cls`` by ``__class__``
    assignment: two to three times faster than the calls. None when Python refuses the
    assignment for this class.
    """
    namespace = {
        "__slots__": (),
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
        "__module__": cls.__module__,
        "__qualname__": f"{cls.__qualname__}.<specbind builder>",
    }
    try:
        builder = type(cls.__name__, (cls,), namespace)
        probe: Any = object.__new__(builder)
        probe.__class__ = cls
    except TypeError:
        return None
    return builder


def _is_plain_name(name: str) -> bool:
    """Whether ``name`` may be written as an attribute in source, meaning that slot: an
    ASCII identifier (others are normalised by the parser), not a keyword, not mangled."""
    return (
        name.isascii()
        and name.isidentifier()
        and not keyword.iskeyword(name)
        and not (name.startswith("__"))
    )


def _compile_model_hook(
    converter: Converter,
    cls: type[_T],
    fields: Sequence[attrs.Attribute[Any]],
    *,
    checked: bool,
) -> Callable[[Any, Any], _T]:
    """Write and compile the structuring function of one model.

    Field ``n`` is read into ``xn``, then stored as the attribute of its own (Python)
    name, or through its slot's ``sn`` where that name cannot be written plainly or the
    class has no builder (see :func:`_builder`). The source holds such generated names
    only: wire names, hooks and defaults reach it as values in its namespace, so no
    spec string is ever code. Unknown keys are found by counting the known ones read:
    only a payload with more keys than that is searched for them.
    """
    name = cls.__name__

    def not_object(value: Any) -> None:
        raise TypeError(f"expected an object for {name}, found {_describe(value)}")

    builder = _builder(cls)
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "cls": cls,
        "builder": cls if builder is None else builder,
        "not_object": not_object,
        "checks_off": attrs.validators.get_disabled,
        "checks_on": _STRICT.get,
    }
    optional: list[str] = []
    required: list[str] = []
    keep_extra: list[str] = []
    validate: list[str] = []
    known: set[str] = set()
    counts = any(field.name == EXTRA_FIELD for field in fields)
    for n, field in enumerate(fields):
        if builder is not None and _is_plain_name(field.name):
            store = f"i.{field.name} = x{n}"
        else:
            namespace[f"s{n}"] = getattr(cls, field.name).__set__
            store = f"s{n}(i, x{n})"
        fill = _fill(field, n, namespace)
        if checked:
            validate += _validate_field(field, n, namespace)
        if field.name == EXTRA_FIELD:
            keep_extra = [*_extras(converter, fields, n, fill, namespace), store]
            continue
        known.add(field.metadata["wire"])
        namespace[f"w{n}"] = field.metadata["wire"]
        read = _read_field(converter, field.type, n, namespace)
        if field.default is attrs.NOTHING:
            required += [*read, store]
        else:
            count = ["n += 1"] if counts else []
            optional += [f"if w{n} in o:", *_indent([*count, *read]), "else:", f"    {fill}", store]
    namespace["known"] = frozenset(known)
    required_count = sum(1 for field in fields if field.default is attrs.NOTHING)
    lines = ["if type(o) is not dict:", "    not_object(o)", "i = new(builder)"]
    if counts:
        lines.append(f"n = {required_count}")
    lines += [*optional, *required, *keep_extra]
    if builder is not None:
        lines.append("i.__class__ = cls")
    if validate:
        lines += validate
    source = "\n".join(["def structure(o, _):", *_indent([*lines, "return i"])])
    # Compiled like cattrs' own structuring code; see the docstring for what goes in.
    exec(compile(source, "<specbind structure>", "exec"), namespace)  # noqa: S102
    return typing.cast(Callable[[Any, Any], _T], namespace["structure"])


def _fill(field: attrs.Attribute[Any], n: int, namespace: dict[str, Any]) -> str:
    """The line that sets ``xn`` to field ``n``'s default."""
    default: Any = field.default
    if isinstance(default, _FACTORY):
        if default.factory is dict:
            return f"x{n} = {{}}"  # a new dict, sooner than by a call
        namespace[f"f{n}"] = default.factory
        return f"x{n} = f{n}()"
    namespace[f"d{n}"] = default
    return f"x{n} = d{n}"


def _extras(
    converter: Converter,
    fields: Sequence[attrs.Attribute[Any]],
    n: int,
    fill: str,
    namespace: dict[str, Any],
) -> list[str]:
    """Lines that set ``xn`` to the unknown keys of ``o``, given ``n`` known ones read."""
    extras = f"x{n} = {{key: item for key, item in o.items() if key not in known}}"
    values = _extra_values(fields)
    if values is not Any:
        # Typed values (additionalProperties: X): structured as an X map is.
        namespace[f"h{n}"] = _field_hook(converter, _map_of(values))
        namespace[f"t{n}"] = _map_of(values)
        extras += f"; x{n} = h{n}(x{n}, t{n})"
    # Every known key read was counted: no more keys than that, none unknown.
    return ["if len(o) == n:", f"    {fill}", "else:", f"    {extras}"]


def _validate_field(field: attrs.Attribute[Any], n: int, namespace: dict[str, Any]) -> list[str]:
    """Lines that run field ``n``'s validators on ``xn`` as ``__init__`` runs them.

    ``__init__`` runs them unless attrs' validators are disabled; a spec check raises
    only while checks are on (see ``_checks``). A spec check is inlined, and called only
    to raise its error when its test fails, so that a valid value costs no call.
    """
    namespace[f"a{n}"] = field
    lines = []
    for j, validator in enumerate(validators_of(field.validator)):
        namespace[f"v{n}_{j}"] = validator
        call = f"v{n}_{j}(i, a{n}, x{n})"
        inline = fails_source(validator, f"x{n}", f"c{n}_{j}")
        if inline is None:
            lines += ["if not checks_off():", f"    {call}"]
        else:
            fails, namespace[f"c{n}_{j}"] = inline
            lines += [f"if {fails} and checks_on() and not checks_off():", f"    {call}"]
    return lines


def _read_field(converter: Converter, type_: Any, n: int, namespace: dict[str, Any]) -> list[str]:
    """Lines that read field ``n`` from ``o`` into ``xn`` and structure it as cattrs would."""
    return [f"x{n} = o[w{n}]", *_convert_field(converter, type_, n, namespace)]


def _unwrapped(type_: Any) -> tuple[Any, bool]:
    """The type a field's value is structured as, and whether null is let through first."""
    if _is_union(type_):
        members, nullable = _union_members(type_)
        if len(members) == 1:
            # What the union's hook would do, without the call to it (see _union_hook).
            return members[0], nullable
        # A tagged union: its hook takes null itself.
    return type_, False


def _convert_field(
    converter: Converter, type_: Any, n: int, namespace: dict[str, Any]
) -> list[str]:
    """Lines that structure ``xn``, a value of field ``n`` (of ``type_``), as cattrs would."""
    type_, nullable = _unwrapped(type_)
    hook = _field_hook(converter, type_)
    namespace[f"h{n}"] = hook
    namespace[f"t{n}"] = type_
    convert = _convert_inline(converter, hook, type_, f"{n}", namespace)
    if nullable:
        convert = [f"if x{n} is not None:", *_indent(convert)]
    return convert


def _convert_inline(
    converter: Converter,
    hook: Callable[[Any, Any], Any],
    type_: Any,
    n: str,
    namespace: dict[str, Any],
) -> list[str]:
    """Lines that structure ``xn`` as ``hn`` (the hook of ``type_``, in ``tn``) does.

    The common cases inline, each calling the hook whenever it is not sure, which then
    takes its own course (and raises its own error).
    """
    value = f"x{n}"
    call = f"{value} = h{n}({value}, t{n})"
    passes = _PASSES.get(hook, ())
    if _is_map(type_) and _map_values(type_) is Any:
        passes = (dict,)  # kept as it came (see _map_hook)
    if passes:
        return [f"if {_not_of(passes, value, n, namespace)}:", f"    {call}"]
    if hook is _structure_enum:
        namespace[f"e{n}"] = _members_by_value(type_)
        found = f"type({value}) is str and {value} in e{n}"
        return [f"if {found}:", f"    {value} = e{n}[{value}]", "else:", f"    {call}"]
    if hook is _structure_datetime:
        namespace["common_length"] = COMMON_LENGTH
        namespace["common_marks"] = COMMON_MARKS
        namespace["from_common"] = from_common
        # The common form (see _datetimes) parsed here; anything else by the hook.
        common = f"len({value}) == common_length and {value}[4::3] == common_marks"
        return [
            f"if type({value}) is str and {common}:",
            "    try:",
            f"        {value} = from_common({value})",
            "    except ValueError:",
            f"        {call}",
            "else:",
            f"    {call}",
        ]
    if hook is _structure_uuid or hook is _structure_uuid_lenient:
        namespace["hyphenated_uuid"] = _hyphenated_uuid
        return [
            f"y = hyphenated_uuid({value}) if type({value}) is str else None",
            f"{value} = {call.partition(' = ')[2]} if y is None else y",
        ]
    if _is_list(type_) and not converter.detailed_validation:
        return _convert_list(converter, type_, n, namespace) or [call]
    return [call]


def _convert_list(converter: Converter, type_: Any, n: str, namespace: dict[str, Any]) -> list[str]:
    """What cattrs' list hook does without detailed validation, without the two calls
    into it, nor one per item for items of a scalar type; empty for a list of Any."""
    value = f"x{n}"
    call = f"{value} = h{n}({value}, t{n})"
    arguments = typing.get_args(type_)
    element = arguments[0] if arguments else Any
    if element is Any:
        return []
    item_hook = _field_hook(converter, element)
    item_passes = _PASSES.get(item_hook, ())
    if item_passes:
        # Items kept as they are, in a list of the model's own; the hook for the list
        # raises the error of the first item of another type.
        return [
            f"if type({value}) is list:",
            f"    for e in {value}:",
            f"        if {_not_of(item_passes, 'e', f'{n}_e', namespace)}:",
            f"            {call}",
            "            break",
            "    else:",
            f"        {value} = {value}[:]",
            "else:",
            f"    {call}",
        ]
    namespace[f"g{n}"] = item_hook
    namespace[f"u{n}"] = element
    return [
        f"if type({value}) is list:",
        f"    {value} = [g{n}(e, u{n}) for e in {value}]",
        "else:",
        f"    {call}",
    ]


def _not_of(kinds: tuple[type, ...], value: str, n: str, namespace: dict[str, Any]) -> str:
    """Python, over ``value``, true when its type is none of ``kinds`` (named ``kn_m``)."""
    for number, kind in enumerate(kinds):
        namespace[f"k{n}_{number}"] = kind
    return " and ".join(f"type({value}) is not k{n}_{number}" for number in range(len(kinds)))


def _field_hook(converter: Converter, type_: Any) -> Callable[[Any, Any], Any]:
    try:
        return converter.get_structure_hook(type_)
    except RecursionError:
        # A model that contains itself through this field: look up per value.
        return converter.structure


def _indent(lines: list[str]) -> list[str]:
    return [f"    {line}" for line in lines]


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
    typed = _extra_values(attrs.fields(attrs.resolve_types(typing.cast(Any, cls)))) is not Any

    def unstructure(instance: Any) -> dict[str, Any]:
        result: dict[str, Any] = build(instance)
        if keeps_extra:
            extra = getattr(instance, EXTRA_FIELD)
            if extra:
                result.update(converter.unstructure(extra) if typed else extra)
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

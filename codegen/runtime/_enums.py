"""Enums from a spec: closed ones, and open ones that also hold values the spec does not list.

A string enum is a ``str`` (``SpecStrEnum``), an integer enum an ``int``
(``SpecIntEnum``); an enum of numbers, booleans or mixed JSON values is a plain enum
of those values (``SpecEnum``). Each has an open twin (``Open…``) whose unlisted values
become unknown members, for which :func:`is_known` is false, so that they round-trip.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = [
    "OpenEnum",
    "OpenIntEnum",
    "OpenStrEnum",
    "SpecEnum",
    "SpecIntEnum",
    "SpecStrEnum",
    "is_known",
    "is_open",
    "unknown_member",
]


class SpecStrEnum(str, enum.Enum):
    """A string enum from a spec; ``str()`` and ``format()`` give the wire value on every Python."""

    def __str__(self) -> str:
        return str(self._value_)

    def __format__(self, format_spec: str) -> str:
        return format(str(self._value_), format_spec)


class SpecIntEnum(int, enum.Enum):
    """An integer enum from a spec; ``str()`` gives the wire value on every Python."""

    def __str__(self) -> str:
        return str(self._value_)

    def __format__(self, format_spec: str) -> str:
        return format(int(self._value_), format_spec)


class SpecEnum(enum.Enum):
    """An enum of JSON numbers, booleans or mixed values from a spec."""


class _Open:
    """What makes an enum open: unlisted values become unknown members, made on demand."""

    @classmethod
    def _unknown_members(cls) -> dict[Any, Any]:
        cache: dict[Any, Any] | None = cls.__dict__.get("_specbind_unknown")
        if cache is None:
            cache = {}
            type.__setattr__(cls, "_specbind_unknown", cache)
        return cache

    def __repr__(self) -> str:
        member: Any = self
        if is_known(member):
            return f"<{type(self).__name__}.{member._name_}: {member._value_!r}>"
        return f"<{type(self).__name__} unknown: {member._value_!r}>"


class OpenStrEnum(_Open, SpecStrEnum):
    """A string enum the vendor may grow: an unlisted value becomes an unknown member.

    ``Kind("new")`` returns a member whose ``value`` is ``"new"`` and for which
    :func:`is_known` is false, so the value round-trips instead of failing.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        return unknown_member(cls, value)


class OpenIntEnum(_Open, SpecIntEnum):
    """An integer enum the vendor may grow (see :class:`OpenStrEnum`)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if type(value) is not int:
            return None
        return unknown_member(cls, value)


class OpenEnum(_Open, SpecEnum):
    """An enum of JSON values the vendor may grow (see :class:`OpenStrEnum`)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if type(value) not in (str, int, float, bool):
            return None
        return unknown_member(cls, value)


def unknown_member(cls: type[Any], value: Any) -> Any:
    """The unknown member of an open enum for ``value``: one object per value, so that
    equal values give the same member and ``is`` comparisons keep working."""
    cache = cls._unknown_members()
    # Keyed by JSON type too: `true` and `1` are different values.
    key = (type(value), value)
    unknown = cache.get(key)
    if unknown is None:
        if issubclass(cls, str):
            unknown = str.__new__(cls, value)
        elif issubclass(cls, int):
            unknown = int.__new__(cls, value)
        else:
            unknown = object.__new__(cls)
        unknown._name_ = str(value)
        unknown._value_ = value
        cache[key] = unknown
    return unknown


def is_open(enum_type: type[enum.Enum]) -> bool:
    """Whether an enum keeps unlisted values."""
    return issubclass(enum_type, _Open)


def is_known(member: enum.Enum) -> bool:
    """Whether an enum member is one the spec lists (false for an open enum's new value)."""
    return type(member).__members__.get(member.name) is member

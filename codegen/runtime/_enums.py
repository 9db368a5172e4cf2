"""Open enums: string enums that also hold values the spec does not list."""

from __future__ import annotations

import enum
from typing import Any

__all__ = ["OpenStrEnum", "SpecStrEnum", "is_known"]


class SpecStrEnum(str, enum.Enum):
    """A string enum from a spec; ``str()`` and ``format()`` give the wire value on every Python."""

    def __str__(self) -> str:
        return str(self._value_)

    def __format__(self, format_spec: str) -> str:
        return format(str(self._value_), format_spec)


class OpenStrEnum(SpecStrEnum):
    """A string enum the vendor may grow: an unlisted value becomes an unknown member.

    ``Kind("new")`` returns a member whose ``value`` is ``"new"`` and for which
    :func:`is_known` is false, so the value round-trips instead of failing.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        # Unknown members are created on demand and cached, so that equal values
        # give the same object and `is` comparisons keep working.
        unknown = cls._unknown_members().get(value)
        if unknown is None:
            unknown = str.__new__(cls, value)
            unknown._name_ = value
            unknown._value_ = value
            cls._unknown_members()[value] = unknown
        return unknown

    @classmethod
    def _unknown_members(cls) -> dict[str, Any]:
        cache: dict[str, Any] | None = cls.__dict__.get("_specbind_unknown")
        if cache is None:
            cache = {}
            type.__setattr__(cls, "_specbind_unknown", cache)
        return cache

    def __repr__(self) -> str:
        if is_known(self):
            return f"<{type(self).__name__}.{self._name_}: {self._value_!r}>"
        return f"<{type(self).__name__} unknown: {self._value_!r}>"


def is_known(member: enum.Enum) -> bool:
    """Whether an enum member is one the spec lists (false for an open enum's new value)."""
    return type(member).__members__.get(member.name) is member

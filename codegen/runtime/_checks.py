"""attrs validators for the constraints a spec states; they run only in strict mode.

Each check applies to the JSON type it constrains and lets other values pass, as
JSON Schema does: a ``pattern`` says nothing about ``null`` or an absent field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import attrs

__all__ = [
    "ConstraintViolation",
    "each",
    "exclusive_maximum",
    "exclusive_minimum",
    "max_items",
    "max_length",
    "maximum",
    "min_items",
    "min_length",
    "minimum",
    "off_unless_strict",
    "pattern",
]

# Strict by default, so a model built by hand is checked; the lenient converter
# turns checks off while it structures what a server sent.
_STRICT: ContextVar[bool] = ContextVar("specbind_strict", default=True)

Check = Callable[[Any, "attrs.Attribute[Any]", Any], None]


class ConstraintViolation(ValueError):
    """A value breaks a constraint of the spec; ``wire_name`` is its JSON key."""

    def __init__(self, wire_name: str, message: str) -> None:
        super().__init__(f"{wire_name}: {message}")
        self.wire_name = wire_name
        self.reason = message


def _wire_name(attribute: attrs.Attribute[Any]) -> str:
    return str(attribute.metadata.get("wire", attribute.name))


def _is_number(value: object) -> bool:
    return type(value) is int or type(value) is float


@attrs.frozen
class _Check:
    """One constraint: a predicate on values of one JSON type, and what it requires."""

    applies: Callable[[Any], bool]
    holds: Callable[[Any], bool]
    requirement: str

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if _STRICT.get() and self.applies(value) and not self.holds(value):
            shown = repr(value)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            raise ConstraintViolation(_wire_name(attribute), f"{shown} {self.requirement}")


def _is_str(value: object) -> bool:
    return type(value) is str


def _is_list(value: object) -> bool:
    return type(value) is list


def pattern(regex: str) -> _Check:
    """The string matches ``regex`` somewhere (JSON Schema patterns are not anchored)."""
    compiled = re.compile(regex)
    return _Check(_is_str, lambda v: compiled.search(v) is not None, f"does not match {regex!r}")


def min_length(limit: int) -> _Check:
    """The string has at least ``limit`` characters."""
    return _Check(_is_str, lambda v: len(v) >= limit, f"is shorter than {limit} characters")


def max_length(limit: int) -> _Check:
    """The string has at most ``limit`` characters."""
    return _Check(_is_str, lambda v: len(v) <= limit, f"is longer than {limit} characters")


def minimum(limit: float) -> _Check:
    """The number is at least ``limit``."""
    return _Check(_is_number, lambda v: v >= limit, f"is less than the minimum {limit}")


def maximum(limit: float) -> _Check:
    """The number is at most ``limit``."""
    return _Check(_is_number, lambda v: v <= limit, f"is more than the maximum {limit}")


def exclusive_minimum(limit: float) -> _Check:
    """The number is more than ``limit``."""
    return _Check(_is_number, lambda v: v > limit, f"is not more than {limit}")


def exclusive_maximum(limit: float) -> _Check:
    """The number is less than ``limit``."""
    return _Check(_is_number, lambda v: v < limit, f"is not less than {limit}")


def min_items(limit: int) -> _Check:
    """The array has at least ``limit`` items."""
    return _Check(_is_list, lambda v: len(v) >= limit, f"has fewer than {limit} items")


def max_items(limit: int) -> _Check:
    """The array has at most ``limit`` items."""
    return _Check(_is_list, lambda v: len(v) <= limit, f"has more than {limit} items")


@attrs.frozen
class _Each:
    """Applies item checks to every item of an array."""

    checks: tuple[Check, ...]

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not (_STRICT.get() and _is_list(value)):
            return
        for index, item in enumerate(value):
            try:
                for check in self.checks:
                    check(instance, attribute, item)
            except ConstraintViolation as exc:
                raise ConstraintViolation(exc.wire_name, f"item {index}: {exc.reason}") from None


def each(*checks: Check) -> _Each:
    """Every item of the array passes ``checks``."""
    return _Each(checks)


def off_unless_strict(validator: object) -> bool:
    """Whether an attrs validator is made of these checks only, so it does nothing when
    checks are off. attrs composes a list of validators into one that keeps them in
    ``_validators``."""
    if validator is None or isinstance(validator, (_Check, _Each)):
        return True
    inner = getattr(validator, "_validators", None)
    return isinstance(inner, tuple) and all(off_unless_strict(v) for v in inner)

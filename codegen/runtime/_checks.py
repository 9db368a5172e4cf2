"""attrs validators for the constraints a spec states; they run only in strict mode.

Each check applies to the JSON type it constrains and lets other values pass, as
JSON Schema does: a ``pattern`` says nothing about ``null`` or an absent field.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import attrs

from ._regex import compile_pattern

__all__ = [
    "ConstraintViolation",
    "each",
    "exclusive_maximum",
    "exclusive_minimum",
    "fails_source",
    "max_items",
    "max_length",
    "maximum",
    "min_items",
    "min_length",
    "minimum",
    "off_unless_strict",
    "pattern",
    "validators_of",
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


#: Which values a check applies to, by the JSON type it constrains, as Python over ``{v}``.
_APPLIES = {
    "string": "type({v}) is str",
    "number": "(type({v}) is int or type({v}) is float)",
    "array": "type({v}) is list",
}


@attrs.frozen
class _Check:
    """One constraint on values of one JSON type, and what it requires.

    ``test`` is Python over ``{v}`` (the value) and ``{c}`` (``constant``) that is true
    when the value meets the constraint; compiled model code inlines it (see
    :func:`fails_source`), and calling the check runs the same expression.
    """

    kind: str
    test: str
    constant: Any
    requirement: str
    _fails: Callable[[Any, Any], bool] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Built from this module's templates; the constant is an argument, never source.
        namespace: dict[str, Any] = {}
        exec(f"def fails(v, c):\n    return {self.fails_source('v', 'c')}", namespace)  # noqa: S102
        object.__setattr__(self, "_fails", namespace["fails"])

    def fails_source(self, value: str, constant: str) -> str:
        """Python, over the names ``value`` and ``constant``, true when the check fails."""
        holds = self.test.format(v=value, c=constant)
        return f"{_APPLIES[self.kind].format(v=value)} and not ({holds})"

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if _STRICT.get() and self._fails(value, self.constant):
            shown = repr(value)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            raise ConstraintViolation(_wire_name(attribute), f"{shown} {self.requirement}")


def pattern(regex: str) -> _Check:
    """The string matches ``regex`` somewhere (JSON Schema patterns are not anchored)."""
    search = compile_pattern(regex).search
    return _Check("string", "{c}({v})", search, f"does not match {regex!r}")


def min_length(limit: int) -> _Check:
    """The string has at least ``limit`` characters."""
    return _Check("string", "len({v}) >= {c}", limit, f"is shorter than {limit} characters")


def max_length(limit: int) -> _Check:
    """The string has at most ``limit`` characters."""
    return _Check("string", "len({v}) <= {c}", limit, f"is longer than {limit} characters")


def minimum(limit: float) -> _Check:
    """The number is at least ``limit``."""
    return _Check("number", "{v} >= {c}", limit, f"is less than the minimum {limit}")


def maximum(limit: float) -> _Check:
    """The number is at most ``limit``."""
    return _Check("number", "{v} <= {c}", limit, f"is more than the maximum {limit}")


def exclusive_minimum(limit: float) -> _Check:
    """The number is more than ``limit``."""
    return _Check("number", "{v} > {c}", limit, f"is not more than {limit}")


def exclusive_maximum(limit: float) -> _Check:
    """The number is less than ``limit``."""
    return _Check("number", "{v} < {c}", limit, f"is not less than {limit}")


def min_items(limit: int) -> _Check:
    """The array has at least ``limit`` items."""
    return _Check("array", "len({v}) >= {c}", limit, f"has fewer than {limit} items")


def max_items(limit: int) -> _Check:
    """The array has at most ``limit`` items."""
    return _Check("array", "len({v}) <= {c}", limit, f"has more than {limit} items")


@attrs.frozen
class _Each:
    """Applies item checks to every item of an array."""

    checks: tuple[Check, ...]

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not (_STRICT.get() and type(value) is list):
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


def validators_of(validator: object) -> tuple[Any, ...]:
    """A field's validators, in the order attrs runs them: attrs composes a list of them
    into one that keeps them in ``_validators``."""
    if validator is None:
        return ()
    inner = getattr(validator, "_validators", None)
    return inner if isinstance(inner, tuple) else (validator,)


def off_unless_strict(validator: object) -> bool:
    """Whether a field's validators are these checks only, which do nothing when checks
    are off."""
    return all(isinstance(v, (_Check, _Each)) for v in validators_of(validator))


def fails_source(validator: object, value: str, constant: str) -> tuple[str, Any] | None:
    """For a check of this module: Python over the names ``value`` and ``constant`` that
    is true when it fails (with checks on), and the constant; None for any other
    validator."""
    if isinstance(validator, _Check):
        return validator.fails_source(value, constant), validator.constant
    return None

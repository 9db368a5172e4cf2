"""Checks on request parameters, made before anything is sent."""

from __future__ import annotations

import re
from uuid import UUID

from ._errors import InvalidParameterError, ParameterTypeError
from ._regex import compile_pattern

__all__ = ["check_parameter"]

# JSON Schema's `uuid` format is the hyphenated form only; uuid.UUID would also take
# braces, `urn:uuid:` and no hyphens, which a server may not.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def check_parameter(
    value: object,
    *,
    name: str,
    pattern: str | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    uuid: bool = False,
) -> None:
    """Raise ``InvalidParameterError`` naming ``name`` when ``value`` breaks a constraint.

    String constraints (``pattern``, lengths, ``uuid``) apply to a string, or to a
    ``UUID`` as its canonical text, and refuse any other value with
    ``ParameterTypeError``;
    ``minimum`` and ``maximum`` apply to a number and refuse anything else.
    """
    if isinstance(value, bool):
        raise ParameterTypeError(f"{name}: expected a string or number, got a boolean")
    if minimum is not None or maximum is not None:
        if not isinstance(value, (int, float)):
            raise ParameterTypeError(f"{name}: expected a number, got {type(value).__name__}")
        if minimum is not None and value < minimum:
            raise InvalidParameterError(f"{name}: {value!r} is less than the minimum {minimum}")
        if maximum is not None and value > maximum:
            raise InvalidParameterError(f"{name}: {value!r} is more than the maximum {maximum}")
        return
    text = str(value) if isinstance(value, UUID) else value
    if not isinstance(text, str):
        raise ParameterTypeError(f"{name}: expected a string, got {type(value).__name__}")
    shown = repr(text) if len(text) <= 80 else repr(text[:77]) + "..."
    if min_length is not None and len(text) < min_length:
        raise InvalidParameterError(f"{name}: {shown} is shorter than {min_length} characters")
    if max_length is not None and len(text) > max_length:
        raise InvalidParameterError(f"{name}: {shown} is longer than {max_length} characters")
    if pattern is not None and not compile_pattern(pattern).search(text):
        raise InvalidParameterError(f"{name}: {shown} does not match {pattern!r}")
    if uuid and not _UUID.fullmatch(text):
        raise InvalidParameterError(f"{name}: {shown} is not a UUID (8-4-4-4-12 hex digits)")

"""Checks on request parameters, made before anything is sent."""

from __future__ import annotations

import re
from uuid import UUID

__all__ = ["check_parameter"]


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
    """Raise ``ValueError`` naming ``name`` when ``value`` breaks a constraint of the spec."""
    if isinstance(value, bool):
        raise TypeError(f"{name}: expected a string or number, got a boolean")
    if isinstance(value, (int, float)):
        if minimum is not None and value < minimum:
            raise ValueError(f"{name}: {value!r} is less than the minimum {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"{name}: {value!r} is more than the maximum {maximum}")
        return
    if isinstance(value, UUID):
        return
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a string, got {type(value).__name__}")
    shown = repr(value) if len(value) <= 80 else repr(value[:77]) + "..."
    if min_length is not None and len(value) < min_length:
        raise ValueError(f"{name}: {shown} is shorter than {min_length} characters")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{name}: {shown} is longer than {max_length} characters")
    if pattern is not None and re.search(pattern, value) is None:
        raise ValueError(f"{name}: {shown} does not match {pattern!r}")
    if uuid:
        try:
            UUID(value)
        except ValueError:
            raise ValueError(f"{name}: {shown} is not a UUID") from None

"""Comparing JSON documents the way the design says: date-times as instants."""

from __future__ import annotations

from typing import Any

from generated._runtime import parse_datetime


def as_instants(value: Any) -> Any:
    """A copy of ``value`` where every RFC 3339 string is replaced by its instant."""
    if isinstance(value, dict):
        return {key: as_instants(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_instants(item) for item in value]
    if isinstance(value, str):
        try:
            return ("instant", parse_datetime(value))
        except ValueError:
            return value
    if type(value) is float and value.is_integer():
        # JSON does not tell 1 from 1.0; Python does.
        return ("number", int(value))
    if type(value) is int:
        return ("number", value)
    return value

"""Where a structuring error happened, as JSON pointers with wire names."""

from __future__ import annotations

from typing import Any

import attrs
from cattrs.errors import ClassValidationError, IterableValidationError

from ._checks import ConstraintViolation

__all__ = ["error_locations"]


def error_locations(error: BaseException) -> list[tuple[str, str]]:
    """Flatten a structuring error into ``(JSON pointer, message)`` pairs, one per fault.

    Pointers use the JSON keys (``/tasks/3/exitCode``), not attribute names.
    """
    found: list[tuple[str, str]] = []
    _walk(error, "", found)
    return found


def _walk(error: BaseException, pointer: str, found: list[tuple[str, str]]) -> None:
    if isinstance(error, ClassValidationError):
        wire = _wire_names(error.cl)
        with_notes, without = error.group_exceptions()
        for inner, note in with_notes:
            _walk(inner, f"{pointer}/{escape_token(wire.get(note.name, note.name))}", found)
        for inner in without:
            _walk(inner, pointer, found)
    elif isinstance(error, IterableValidationError):
        with_index, rest = error.group_exceptions()
        for item, index_note in with_index:
            _walk(item, f"{pointer}/{index_note.index}", found)
        for item in rest:
            _walk(item, pointer, found)
    elif isinstance(error, ConstraintViolation):
        found.append((f"{pointer}/{escape_token(error.wire_name)}", error.reason))
    elif isinstance(error, KeyError):
        # cattrs' generated code raises KeyError(wire name) for a missing key, and
        # the note already names the attribute; the pointer is complete.
        found.append((pointer, "required property is missing"))
    else:
        found.append((pointer, str(error)))


def _wire_names(cls: type[Any]) -> dict[str, str]:
    if not attrs.has(cls):
        return {}
    return {field.name: str(field.metadata.get("wire", field.name)) for field in attrs.fields(cls)}


def escape_token(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")

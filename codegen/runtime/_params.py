"""Checks on request parameters, made before anything is sent."""

from __future__ import annotations

import functools
import re
from uuid import UUID

from ._errors import InvalidParameterError, ParameterTypeError

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
    if pattern is not None and _ecma_regex(pattern).search(text) is None:
        raise InvalidParameterError(f"{name}: {shown} does not match {pattern!r}")
    if uuid and not _UUID.fullmatch(text):
        raise InvalidParameterError(f"{name}: {shown} is not a UUID (8-4-4-4-12 hex digits)")


@functools.lru_cache(maxsize=256)
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled so that ``$`` means what it means in JSON Schema (ECMA-262).

    There ``$`` outside a character class matches only at the end of the value;
    Python's ``$`` also matches before a final newline, so ``^[a-z]+$`` would let
    ``"abc\\n"`` through. It becomes ``\\Z``; everything else is left as it is.
    """
    out: list[str] = []
    index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # A "]" first in a class (after an optional "^") is a literal to Python.
            start = index + 1
            if pattern.startswith("^", start):
                start += 1
            if pattern.startswith("]", start):
                out.append(pattern[index : start + 1])
                index = start + 1
                continue
        elif char == "$":
            char = r"\Z"
        out.append(char)
        index += 1
    return re.compile("".join(out))

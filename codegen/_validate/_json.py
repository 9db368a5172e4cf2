"""Parse one payload as strict JSON, turning every way it can fail into one line of text."""

from __future__ import annotations

import gc
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from .._spec._load import escape_pointer_token

__all__ = ["MAX_DEPTH", "NotJson", "Parsed", "TooDeep", "nested_too_deep", "parse_json"]

#: Payloads nested deeper than this (arrays and objects) are reported, not parsed. It is
#: far beyond real traffic and well within what the parser and the checks can recurse,
#: in any process: the verdict must not depend on the call stack (or on --jobs).
MAX_DEPTH = 512
# A JSON string, or the rest of the text after an unterminated quote; brackets inside
# strings do not nest.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?')
_BRACKETS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


class NotJson(Exception):
    """The payload is not JSON we can check. ``str()`` is one line; ``rule`` names why."""

    rule = "not-json"
    expected = "a JSON value"


class TooDeep(NotJson):
    """The payload nests deeper than :data:`MAX_DEPTH`: it was not parsed."""

    rule = "too-deep"
    expected = f"at most {MAX_DEPTH} levels of nesting"


class _Rejected(ValueError):
    """Raised from inside the parser's hooks for values JSON cannot carry."""


@dataclass(frozen=True)
class Parsed:
    """A parsed payload and the pointers of keys that appeared twice in one object."""

    value: Any
    duplicate_keys: tuple[str, ...]


def parse_json(raw: bytes) -> Parsed:
    """Parse UTF-8 JSON (a leading BOM is allowed). Raises :class:`NotJson`.

    ``NaN``, ``Infinity`` and numbers too large for a float (``1e999``) are refused:
    they are not JSON values. Integers longer than Python converts
    (``int_max_str_digits``) become ``NotJson`` instead of escaping. Nesting deeper than
    :data:`MAX_DEPTH` raises :class:`TooDeep` before any parsing.
    """
    if nested_too_deep(raw):
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels; not checked")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotJson(f"not UTF-8 text (byte {exc.start} is 0x{raw[exc.start]:02x})") from None
    text = text.removeprefix("\ufeff")
    if not text or text.isspace():
        raise NotJson("empty: no JSON value")
    repeated: dict[int, tuple[dict[str, Any], list[str]]] = {}

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            again: list[str] = []
            for key, _ in pairs:
                if key in seen:
                    again.append(key)
                seen.add(key)
            # Keep the object itself so that its id() stays unique until we look it up.
            repeated[id(result)] = (result, again)
        return result

    collecting = gc.isenabled()
    # Parsing makes no reference cycles, but millions of new containers would set off
    # the cyclic collector again and again, each time over all of them.
    gc.disable()
    try:
        value = json.loads(
            text,
            object_pairs_hook=pairs_hook,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"
        reason = exc.msg.removesuffix(" at")  # "Invalid control character at"
        raise NotJson(f"not valid JSON: {reason} at {where}") from None
    except _Rejected as exc:
        raise NotJson(f"not valid JSON: {exc}") from None
    except ValueError as exc:
        # int_max_str_digits: "Exceeds the limit (4300 digits) for integer string conversion"
        raise NotJson(f"not valid JSON: integer too long ({' '.join(str(exc).split())})") from None
    finally:
        if collecting:
            gc.enable()
    duplicates = tuple(_duplicate_pointers(value, repeated)) if repeated else ()
    return Parsed(value, duplicates)


def nested_too_deep(raw: bytes) -> bool:
    """Whether arrays and objects in ``raw`` nest deeper than :data:`MAX_DEPTH`.

    Counted on the bytes (outside strings), in time linear in their length, whether or
    not they are valid JSON: up to its first error, the parser nests exactly as deep.
    """
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return False
    steps = _STRING.sub(b"", raw).translate(_BRACKETS, _NOT_BRACKETS)
    return max(accumulate(memoryview(steps).cast("b")), default=0) > MAX_DEPTH


def _reject_constant(name: str) -> Any:
    raise _Rejected(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _Rejected(f"number {text[:20]}{'…' if len(text) > 20 else ''} is out of range")
    return number


def _duplicate_pointers(
    value: Any, repeated: dict[int, tuple[dict[str, Any], list[str]]]
) -> Iterator[str]:
    """Find where the objects with repeated keys sit; iterative, as nesting may be deep."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, dict):
            found = repeated.get(id(node))
            if found is not None and found[0] is node:
                yield from (f"{pointer}/{escape_pointer_token(key)}" for key in found[1])
            stack.extend(
                (child, f"{pointer}/{escape_pointer_token(key)}")
                for key, child in reversed(node.items())
            )
        elif isinstance(node, list):
            stack.extend(
                (child, f"{pointer}/{index}") for index, child in reversed(list(enumerate(node)))
            )

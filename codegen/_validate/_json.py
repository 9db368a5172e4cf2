"""Parse one payload as strict JSON, turning every way it can fail into one line of text.

Two parsers give the same :class:`Parsed`. orjson parses most payloads in microseconds;
its result is taken only where it provably equals the exact parser's (see
:func:`_parse_quickly`). Every other payload, and every payload that is not JSON, goes
through :mod:`json` with hooks that find repeated keys and word each fault.
"""

from __future__ import annotations

import gc
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import orjson

from .._spec._load import escape_pointer_token

__all__ = [
    "MAX_DEPTH",
    "QUICK_MAX_BYTES",
    "NotJson",
    "Parsed",
    "TooDeep",
    "nested_too_deep",
    "parse_json",
]

#: Payloads nested deeper than this (arrays and objects) are reported, not parsed. It is
#: far beyond real traffic and well within what the parser and the checks can recurse,
#: in any process: the verdict must not depend on the call stack (or on --jobs).
MAX_DEPTH = 512
# A JSON string, or the rest of the text after an unterminated quote; brackets inside
# strings do not nest.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?')
_BRACKETS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
#: Larger payloads go to the exact parser: orjson needs more memory than it does for a
#: large document, and it crashes (SIGSEGV) rather than raise where memory runs out.
QUICK_MAX_BYTES = 1 << 20
# orjson turns an integer outside 64 bits into a float, silently: a run of this many
# digits (anywhere, strings included) sends the payload to the exact parser.
_LONG_DIGITS = b"0" * 19
_DIGITS_AS_ZEROS = bytes(ord("0" if byte in b"0123456789" else " ") for byte in range(256))


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
    :data:`MAX_DEPTH` raises :class:`TooDeep` before the exact parser sees it (orjson
    takes no more than 255 levels, so whatever it parses is not that deep).
    """
    collecting = gc.isenabled()
    # Parsing makes no reference cycles, but millions of new containers would set off
    # the cyclic collector again and again, each time over all of them.
    gc.disable()
    try:
        quick = _parse_quickly(raw)
        if quick is not None:
            return quick
        if nested_too_deep(raw):
            raise TooDeep(f"nested deeper than {MAX_DEPTH} levels; not checked")
        return _parse_exactly(raw)
    finally:
        if collecting:
            gc.enable()


def _parse_quickly(raw: bytes) -> Parsed | None:
    """orjson's parse when it is certainly the exact parser's, else None.

    orjson refuses what :mod:`json` and its hooks here refuse (NaN, infinities, lone
    surrogates, a BOM, bad UTF-8) and more; it differs only on integers outside 64 bits
    (see ``_LONG_DIGITS``) and keeps the last of repeated keys without a word. Repeated
    keys are found by counting colons. In the raw text each key has one colon after
    it, and a string has one per colon it holds; ``\\u003a`` escapes aside (sent to the
    exact parser), orjson's output of the value is counted alike, but holds only the
    keys and strings that were kept. Every repeated key loses at least its own colon,
    so the two counts are equal exactly when no key was repeated.
    """
    if len(raw) > QUICK_MAX_BYTES:
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None  # the exact parser words why
    try:
        written = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return None  # nested deeper than orjson writes (255 levels)
    if written == raw:
        # The payload is orjson's own writing of the value (compact, as most servers
        # send it): that writing holds each key of an object once, and writes a float
        # with a point or an exponent, never as the digits of an integer outside 64 bits.
        return Parsed(value, ())
    if b"\\" in raw and (b"\\u003a" in raw or b"\\u003A" in raw):
        return None
    if _LONG_DIGITS in raw.translate(_DIGITS_AS_ZEROS):
        return None
    if raw.count(b":") != written.count(b":"):
        return None
    return Parsed(value, ())


def _parse_exactly(raw: bytes) -> Parsed:
    """:mod:`json`'s parse, repeated keys and all; raises :class:`NotJson`."""
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

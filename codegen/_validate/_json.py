"""Parse one payload as strict JSON, turning every way it can fail into one line of text."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .._load import escape_pointer_token

__all__ = ["NotJson", "Parsed", "parse_json"]


class NotJson(Exception):
    """The payload is not JSON we can check. ``str()`` is one line."""


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
    they are not JSON values. Nesting too deep for the parser, and integers longer than
    Python converts (``int_max_str_digits``), become ``NotJson`` instead of escaping.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotJson(f"not UTF-8 text (byte {exc.start} is 0x{raw[exc.start]:02x})") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
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
    except RecursionError:
        raise NotJson("not valid JSON: nested too deeply to parse") from None
    except ValueError as exc:
        # int_max_str_digits: "Exceeds the limit (4300 digits) for integer string conversion"
        raise NotJson(f"not valid JSON: integer too long ({' '.join(str(exc).split())})") from None
    duplicates = tuple(_duplicate_pointers(value, repeated)) if repeated else ()
    return Parsed(value, duplicates)


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

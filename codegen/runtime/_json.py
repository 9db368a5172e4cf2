"""Strict JSON parsing: the standard library's answer, sooner when msgspec is installed.

``parse_json`` is what every body goes through (the client's answers and
``converter.loads``). Its result is always the one the ``json`` module gives, hooks
included: ``NaN``, ``Infinity`` and numbers that overflow a float are refused, and an
integer keeps every digit. When msgspec is importable it parses first, two to three times
faster; any body it refuses (a lone surrogate, ``1e400``, ``NaN``, a BOM, nesting past
its limit, an integer of more than 4,300 digits, broken JSON) goes to the ``json``
module, so that what is accepted, what is refused and the words of the error are the
same with or without it. orjson is not used: it turns integers past 2**64 into floats.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
from collections.abc import Callable
from typing import Any

__all__ = ["FAST_PARSER", "fast_module", "parse_json"]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


# One decoder for every call: json.loads with these hooks would build a new one each time.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


def _standard(body: bytes | str) -> Any:
    # Decoding the bytes first keeps the parser from guessing UTF-16 or UTF-32.
    text = body if isinstance(body, str) else bytes(body).decode("utf-8")
    return _DECODER.decode(text)


def _msgspec() -> Any:
    # Imported by name: the bindings neither need msgspec nor its type stubs.
    try:
        importlib.import_module("msgspec.json")
        return importlib.import_module("msgspec")
    except ImportError:
        return None


_MSGSPEC = _msgspec()
_FAST: Callable[[bytes | str], Any] | None = (
    None if _MSGSPEC is None else _MSGSPEC.json.Decoder().decode
)
#: The optional parser in use, or None: ``"msgspec"`` when it is installed.
FAST_PARSER = None if _FAST is None else "msgspec"


def fast_module() -> Any:
    """The msgspec module when it is installed, else None."""
    return _MSGSPEC


def parse_json(body: bytes | str) -> Any:
    """The JSON value of ``body`` (UTF-8 bytes, or text), exactly as the ``json`` module
    reads it with non-finite numbers refused; ``ValueError`` (a ``json.JSONDecodeError``
    or ``UnicodeDecodeError``) when it is not JSON, ``RecursionError`` when it is nested
    too deeply for Python."""
    if _FAST is not None:
        # Any refusal, or a bug of its own: the json module decides, in its own words.
        with contextlib.suppress(Exception):
            return _FAST(body)
    return _standard(body)

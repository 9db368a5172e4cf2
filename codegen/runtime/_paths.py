"""Turning parameter values into safe pieces of a request: path segments, header and query values.

Each helper raises ``InvalidParameterError`` (``ParameterTypeError`` for a value of the
wrong kind; both are ``SpecbindError``s, and ``ValueError`` and ``TypeError`` as well)
naming the parameter, and never quotes a header value: it may be a secret.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import Enum
from urllib.parse import quote
from uuid import UUID

from ._errors import InvalidParameterError, ParameterTypeError

__all__ = [
    "check_path",
    "cookie_header",
    "header_name",
    "header_value",
    "path_segment",
    "query_value",
]

# RFC 9110 field values: visible characters, spaces and tabs. CR and LF would start a
# new header (or the body); NUL and the other controls are refused by careful servers.
_BAD_HEADER_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# RFC 9110 token: the characters a header name may use.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 3986 path: "/" then pchars (unreserved, sub-delims, ":", "@" or a %XX escape).
_ENCODED_PATH = re.compile(r"(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)+")
_DOT_SEGMENTS = frozenset({".", ".."})


def path_segment(value: object, *, name: str) -> str:
    """Return ``value`` as exactly one percent-encoded path segment.

    Strings, UUIDs, integers and enum members holding one of those are accepted.
    ``""``, ``"."`` and ``".."`` are refused: urllib3 removes dot segments (RFC 3986),
    so they would move the request up the tree, and an empty one would change the route.
    """
    text = _text(value, name=name, kinds=(str, UUID, int))
    if text in _DOT_SEGMENTS or not text:
        raise InvalidParameterError(f"path parameter {name!r} may not be empty, '.' or '..'")
    # safe="" encodes "/", "?", "#" and "%" too, so no value can add a segment, start
    # a query or fragment, or be decoded into a dot segment later ("%2e" -> "%252e").
    return quote(_utf8(text, name=name), safe="")


def query_value(value: object, *, name: str) -> str:
    """Return ``value`` as the text of a query parameter (encoded later, with the URL).

    Booleans become ``true``/``false`` as JSON spells them; floats must be finite.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidParameterError(f"query parameter {name!r} must be a finite number")
    text = _text(value, name=name, kinds=(str, UUID, int, float))
    _utf8(text, name=name)
    return text


def header_value(value: str, *, name: str) -> str:
    """Return ``value`` unchanged once it is safe as the value of header ``name``.

    CR, LF, NUL and the other control characters but tab are refused: they would let
    a value inject headers. So are characters outside Latin-1, which HTTP/1.1 cannot
    carry and ``http.client`` would fail on halfway through sending.
    """
    if not isinstance(value, str):
        raise ParameterTypeError(f"header {name!r} must be a string, got {type(value).__name__}")
    if _BAD_HEADER_CHARACTER.search(value):
        raise InvalidParameterError(
            f"header {name!r} contains a control character (CR, LF, NUL, ...)"
        )
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise InvalidParameterError(
            f"header {name!r} contains characters outside Latin-1"
        ) from None
    return value


def header_name(name: str) -> str:
    """Return ``name`` unchanged once it is a valid header name (an RFC 9110 token)."""
    if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
        raise InvalidParameterError(f"{name!r} is not a valid header name")
    return name


def check_path(path: str) -> str:
    """Return ``path`` unchanged once it is an already-encoded path without dot segments.

    The transport appends it to the base URL as it is, so a raw ``?``, ``#``, space or
    dot segment here is a bug in the caller, not something to repair silently.
    """
    if not _ENCODED_PATH.fullmatch(path):
        raise InvalidParameterError(
            f"path {path!r} is not percent-encoded or does not start with '/'"
        )
    if any(segment in _DOT_SEGMENTS for segment in path.split("/")):
        raise InvalidParameterError(f"path {path!r} contains a '.' or '..' segment")
    return path


def _text(value: object, *, name: str, kinds: tuple[type, ...]) -> str:
    # Enum members go by their value: str() of a (str, Enum) member is "Cls.NAME".
    raw = value.value if isinstance(value, Enum) else value
    if isinstance(raw, bool) or not isinstance(raw, kinds):
        raise ParameterTypeError(f"parameter {name!r} cannot be sent as {type(value).__name__}")
    if isinstance(raw, str):
        return str.__str__(raw)
    return str(raw)


def _utf8(text: str, *, name: str) -> str:
    # A lone surrogate cannot be encoded: quote() and urlencode() would raise a
    # UnicodeEncodeError that does not say which parameter held it.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidParameterError(f"parameter {name!r} is not valid Unicode text") from None
    return text


def cookie_header(cookies: Mapping[str, str]) -> str:
    """Return the value of a ``Cookie`` header that sends each of ``cookies``.

    Names must be RFC 9110 tokens; values are percent-encoded, so that no ``;``,
    ``,``, space or quote in one can end it or forge another cookie.
    """
    return "; ".join(
        f"{header_name(name)}={quote(_utf8(value, name=name), safe='')}"
        for name, value in cookies.items()
    )

"""Request bodies: JSON, text, binary, ``application/x-www-form-urlencoded`` and multipart.

Each encoder returns the bytes to send (and the multipart one its Content-Type), or
raises ``InvalidParameterError`` naming ``body`` (and the field) for a value that
cannot be sent as the media type says: a NaN in JSON, a lone surrogate, a control
character in a multipart name or file name.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import IO, Any
from urllib.parse import quote
from uuid import UUID

import attrs

from ._errors import InvalidParameterError, ParameterTypeError

__all__ = [
    "File",
    "FormValue",
    "MultipartValue",
    "binary_body",
    "form_body",
    "json_body",
    "multipart_body",
    "text_body",
]

# Names and file names go in a quoted-string; these would end it or the header.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PLAIN_PARAMETER = re.compile(r"[ !#-\[\]-~]*")  # printable ASCII but '"' and '\'


@attrs.frozen
class File:
    """A file part of a multipart body: its content, and optionally its name and type.

    ``content`` is bytes or a binary file object (read when the request is built).
    ``content_type`` defaults to ``application/octet-stream``.
    """

    content: bytes | IO[bytes] = attrs.field(repr=False)
    filename: str | None = None
    content_type: str | None = None


FormValue = str | int | float | bool | UUID | Enum | Sequence[str | int | float | bool]
MultipartValue = (
    str | int | float | bool | bytes | File | IO[bytes] | Sequence[str | int | float | bytes | File]
)


def json_body(data: object, *, name: str = "body") -> bytes:
    """``data`` (already unstructured) as strict UTF-8 JSON."""
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise InvalidParameterError(f"{name} cannot be sent as JSON: {exc}") from None


def text_body(text: str, *, name: str = "body") -> bytes:
    """``text`` in UTF-8 (sent as ``charset=utf-8``)."""
    if not isinstance(text, str):
        raise ParameterTypeError(f"{name} must be a string, got {type(text).__name__}")
    return _utf8(text, name)


def binary_body(content: bytes | IO[bytes], *, name: str = "body") -> bytes:
    """The bytes of ``content``: bytes, or a binary file object read to its end."""
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    if hasattr(content, "read"):
        data = content.read()
        if isinstance(data, bytes):
            return data
    raise ParameterTypeError(f"{name} must be bytes or a binary file, got {type(content).__name__}")


def form_body(fields: Mapping[str, FormValue], *, name: str = "body") -> bytes:
    """``fields`` as ``application/x-www-form-urlencoded``; a list repeats its name.

    Spaces are sent as ``%20``: ``urllib.parse.parse_qsl`` reads every value back exactly.
    """
    pairs = []
    for key, value in fields.items():
        field = f"{name}[{key!r}]"
        items = value if _is_list(value) else [value]
        for item in items:  # type: ignore[union-attr]
            pairs.append(f"{_quote(_key(key, name), name)}={_quote(_scalar(item, field), field)}")
    return "&".join(pairs).encode("ascii")


def multipart_body(
    fields: Mapping[str, MultipartValue], *, name: str = "body"
) -> tuple[bytes, str]:
    """``fields`` as ``multipart/form-data``: the body and its Content-Type.

    A ``str`` or number is a text part; ``bytes``, a binary file or a :class:`File` a file
    part; a list repeats its name. Names and file names outside printable ASCII, or
    holding ``"`` or ``\\``, are sent RFC 2231-encoded (``filename*=utf-8''...``); control
    characters in them are refused, and so are file names that start or end with
    whitespace, which parsers strip. The boundary is random and never occurs in a part.
    """
    parts: list[tuple[str, str, bytes]] = []  # (disposition, content type, content)
    for key, value in fields.items():
        field = f"{name}[{key!r}]"
        items = value if _is_list(value) else [value]
        for item in items:  # type: ignore[union-attr]
            parts.append(_part(_key(key, name), item, field))
    boundary = secrets.token_hex(16)
    while any(boundary.encode() in content for _, _, content in parts):
        boundary = secrets.token_hex(16)
    chunks = []
    for disposition, content_type, content in parts:
        chunks.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        chunks.append(content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def _part(key: str, item: object, field: str) -> tuple[str, str, bytes]:
    disposition = "form-data; " + _parameter("name", key, field)
    if isinstance(item, File):
        filename = item.filename
        content_type = item.content_type or "application/octet-stream"
        _check_content_type(content_type, field)
        content = binary_body(item.content, name=field)
    elif isinstance(item, (bytes, bytearray, memoryview)) or hasattr(item, "read"):
        # A file object's name is its path: only the last part names the file.
        path = getattr(item, "name", None)
        filename = path.replace("\\", "/").rsplit("/", 1)[-1] if isinstance(path, str) else None
        content_type = "application/octet-stream"
        content = binary_body(item, name=field)  # type: ignore[arg-type]
    else:
        filename = None
        content_type = "text/plain; charset=utf-8"
        content = _utf8(_scalar(item, field), field)
    if filename is not None:
        if filename != filename.strip():
            # Multipart parsers (email's get_filename among them) strip it.
            raise InvalidParameterError(f"{field}: a file name may not start or end with spaces")
        disposition += "; " + _parameter("filename", filename, field)
    return disposition, content_type, content


def _parameter(attribute: str, value: str, field: str) -> str:
    """``attribute="value"``, or RFC 2231's ``attribute*=utf-8''...`` when it must be."""
    if _CONTROL.search(value):
        raise InvalidParameterError(
            f"{field}: a multipart {attribute} may not hold control characters (CR, LF, NUL, ...)"
        )
    if _PLAIN_PARAMETER.fullmatch(value):
        return f'{attribute}="{value}"'
    return f"{attribute}*=utf-8''{_quote(value, field)}"


def _check_content_type(content_type: str, field: str) -> None:
    if _CONTROL.search(content_type) or not content_type.isascii():
        raise InvalidParameterError(f"{field}: the content type holds forbidden characters")


def _is_list(value: object) -> bool:
    return isinstance(value, (list, tuple))


def _key(key: object, name: str) -> str:
    if not isinstance(key, str):
        raise ParameterTypeError(f"{name}: field names must be strings")
    return key


def _scalar(value: Any, field: str) -> str:
    raw = value.value if isinstance(value, Enum) else value
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and not math.isfinite(raw):
        raise InvalidParameterError(f"{field} must be a finite number")
    if isinstance(raw, str):
        return str.__str__(raw)
    if isinstance(raw, (int, float, UUID)):
        return str(raw)
    raise ParameterTypeError(f"{field} cannot be sent as {type(value).__name__}")


def _quote(text: str, field: str) -> str:
    return quote(_utf8(text, field), safe="")


def _utf8(text: str, field: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidParameterError(f"{field} is not valid Unicode text") from None

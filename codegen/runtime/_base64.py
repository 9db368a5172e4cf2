"""``format: byte``: base64 text (RFC 4648, section 4) held as the bytes it encodes."""

from __future__ import annotations

import base64
import binascii

__all__ = ["format_base64", "is_base64", "parse_base64"]


def parse_base64(text: str) -> bytes:
    """The bytes ``text`` encodes; ValueError unless it is canonical padded base64.

    Canonical (what :func:`format_base64` writes back): the standard alphabet, ``=``
    padding, no line breaks or spaces, and zero bits after the last byte, so that the
    bytes give the same text again.
    """
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"not base64: {_shown(text)}") from None
    if base64.b64encode(data) != text.encode("ascii"):
        raise ValueError(f"not canonical base64 (its last bits are not zero): {_shown(text)}")
    return data


def is_base64(value: object) -> bool:
    """Whether a JSON value passes ``format: byte``: a string that is not canonical
    base64 fails; any other JSON type passes, as formats apply to strings only."""
    if type(value) is not str:
        return True
    try:
        parse_base64(value)
    except ValueError:
        return False
    return True


def format_base64(data: bytes) -> str:
    """The canonical base64 text of ``data``."""
    return base64.b64encode(data).decode("ascii")


def _shown(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= 80 else shown[:77] + "..."

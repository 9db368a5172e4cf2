"""One HAR 1.2 entry as a request and a response, with the body decoded."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from ._redact import cut

__all__ = ["Exchange", "HarError", "parse_entry"]


class HarError(Exception):
    """The entry is not shaped as HAR says. ``str()`` is one line; ``pointer`` says where."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer


@dataclass(frozen=True)
class Exchange:
    """What a HAR entry recorded. Header names keep their case; look them up with
    :meth:`request_header` and :meth:`response_header`.

    ``text`` is None when the HAR did not capture the response body; ``base64`` says
    whether it is encoded. :meth:`body` decodes it.
    """

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    response_headers: tuple[tuple[str, str], ...]
    mime_type: str
    text: str | None
    base64: bool

    def request_header(self, name: str) -> list[str]:
        """Every value of a request header, matched without regard to case."""
        return _values(self.request_headers, name)

    def response_header(self, name: str) -> list[str]:
        """Every value of a response header, matched without regard to case."""
        return _values(self.response_headers, name)

    def body(self) -> bytes | None:
        """The response body as bytes (None if not captured). Raises :class:`HarError`."""
        if self.text is None:
            return None
        if self.base64:
            try:
                return base64.b64decode(self.text, validate=True)
            except (binascii.Error, ValueError):
                raise HarError(
                    "/response/content/text", "content.text is not valid base64"
                ) from None
        # Lone surrogates survive JSON decoding; keep them so the body check reports bad UTF-8.
        return self.text.encode("utf-8", "surrogatepass")

    @property
    def content_type(self) -> str:
        """The response's media type, lower-case and without parameters ("" if unknown)."""
        declared = self.response_header("content-type")
        raw = declared[0] if declared else self.mime_type
        return raw.split(";", 1)[0].strip().lower()


def _values(headers: tuple[tuple[str, str], ...], name: str) -> list[str]:
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def parse_entry(entry: Any) -> Exchange:
    """Read the parts of a HAR entry that a contract check needs. Raises :class:`HarError`."""
    if not isinstance(entry, dict):
        raise HarError("", "a HAR entry must be an object")
    request = _object(entry, "request", "")
    response = _object(entry, "response", "")
    content = response.get("content", {})
    if not isinstance(content, dict):
        raise HarError("/response/content", "response.content must be an object")
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool):
        raise HarError("/response/status", "response.status must be an integer")
    if status != 0 and not 100 <= status <= 599:
        # 0 is HAR's "no response"; anything else outside HTTP's range matches no response.
        shown = cut(str(status), 20)
        raise HarError("/response/status", f"response.status {shown} is not 0 or 100 to 599")
    mime_type = content.get("mimeType", "")
    return Exchange(
        method=_string(request, "method", "/request").upper(),
        url=_string(request, "url", "/request"),
        request_headers=_headers(request, "/request"),
        status=status,
        response_headers=_headers(response, "/response"),
        mime_type=mime_type if isinstance(mime_type, str) else "",
        text=_text(content),
        base64=content.get("encoding") == "base64",
    )


def _object(parent: dict[str, Any], key: str, pointer: str) -> dict[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise HarError(f"{pointer}/{key}", f"{key} must be an object")
    return value


def _string(parent: dict[str, Any], key: str, pointer: str) -> str:
    value = parent.get(key)
    if not isinstance(value, str):
        raise HarError(f"{pointer}/{key}", f"{pointer[1:]}.{key} must be a string")
    return value


def _headers(message: dict[str, Any], pointer: str) -> tuple[tuple[str, str], ...]:
    headers = message.get("headers", [])
    if not isinstance(headers, list):
        raise HarError(f"{pointer}/headers", "headers must be a list")
    pairs = []
    for index, header in enumerate(headers):
        if not (
            isinstance(header, dict)
            and isinstance(header.get("name"), str)
            and isinstance(header.get("value"), str)
        ):
            raise HarError(f"{pointer}/headers/{index}", "a header needs a string name and value")
        # HTTP/2 pseudo-headers (":authority") are transport, not part of the contract.
        if not header["name"].startswith(":"):
            pairs.append((header["name"], header["value"]))
    return tuple(pairs)


def _text(content: dict[str, Any]) -> str | None:
    text = content.get("text")
    if text is not None and not isinstance(text, str):
        raise HarError("/response/content/text", "response.content.text must be a string")
    return text

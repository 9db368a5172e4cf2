"""Credentials taken out of a HAR entry before it is written, wherever the spec put them.

Scrubbed: every request header and query parameter that a security scheme names or whose
name is credential-like (``Authorization``, ``x-api-key``, ``access_token``...), every
cookie value and ``Set-Cookie`` header, and in JSON bodies the value of every key that is
credential-like or that the spec marks as secret (``writeOnly`` or ``format: password``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .._spec._load import LoadedSpec
from .._validate._redact import REDACTED, is_secret_name

__all__ = ["Scrubber"]


class Scrubber:
    """Scrubs HAR entries for one spec."""

    def __init__(self, spec: LoadedSpec) -> None:
        schemes = spec.data.get("components", {}).get("securitySchemes", {})
        self.names = {
            str(scheme.get("name", "")).lower()
            for scheme in schemes.values()
            if isinstance(scheme, dict) and scheme.get("type") == "apiKey"
        }
        self.fields = set(_secret_properties(spec.data))

    def secret(self, name: str) -> bool:
        return name.lower() in self.names or is_secret_name(name)

    def entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        """``entry`` with its credentials replaced by ``[redacted]`` (changed in place)."""
        for message in (entry["request"], entry["response"]):
            message["headers"] = [
                {**h, "value": REDACTED} if self.secret(h["name"]) else h
                for h in message.get("headers", [])
            ]
            message["cookies"] = [{**c, "value": REDACTED} for c in message.get("cookies", [])]
        request = entry["request"]
        request["queryString"] = [
            {**q, "value": REDACTED} if self.secret(q["name"]) else q
            for q in request.get("queryString", [])
        ]
        request["url"] = self.url(request["url"])
        if "postData" in request:
            request["postData"]["text"] = self.body(request["postData"].get("text", ""))
        content = entry["response"]["content"]
        if isinstance(content.get("text"), str):
            content["text"] = self.body(content["text"])
        return entry

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        query = [
            (name, REDACTED if self.secret(name) else value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        netloc = parts.netloc.rpartition("@")[2]  # user info is a credential too
        return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))

    def body(self, text: str) -> str:
        """A JSON body with secret fields scrubbed; other text as it is."""
        try:
            value = json.loads(text)
        except ValueError:
            return text
        scrubbed = self._value(value)
        return text if scrubbed == value else json.dumps(scrubbed, ensure_ascii=False)

    def _value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: REDACTED if (key in self.fields or self.secret(key)) else self._value(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self._value(item) for item in value]
        return value


def _secret_properties(node: Any) -> Iterator[str]:
    """Names of properties the spec marks ``writeOnly`` or ``format: password``."""
    if isinstance(node, dict):
        for name, schema in (node.get("properties") or {}).items():
            if isinstance(schema, dict) and (
                schema.get("writeOnly") is True or schema.get("format") == "password"
            ):
                yield str(name)
        for child in node.values():
            yield from _secret_properties(child)
    elif isinstance(node, list):
        for child in node:
            yield from _secret_properties(child)

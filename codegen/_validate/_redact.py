"""Keep secrets out of reports: credential headers, cookies and token-like names."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

__all__ = ["REDACTED", "is_secret_header", "is_secret_name", "redact_url"]

REDACTED = "[redacted]"

_SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "cookie",
        "set-cookie",
    }
)
# A query parameter or JSON key named like a credential. Deliberately broad: showing
# "[redacted]" for a harmless value costs little, leaking a token costs a lot.
_SECRET_NAME = re.compile(
    r"token|secret|passw|api[-_]?key|auth|jwt|session|signature|credential|^sig$|^key$|^code$",
    re.IGNORECASE,
)


def is_secret_header(name: str) -> bool:
    """Whether a header carries credentials (``Authorization``, ``x-api-key``, cookies)."""
    return name.lower() in _SECRET_HEADERS or bool(_SECRET_NAME.search(name))


def is_secret_name(name: str) -> bool:
    """Whether a query parameter or JSON key is named like a credential."""
    return bool(_SECRET_NAME.search(name))


def redact_url(url: str) -> str:
    """Return ``url`` with its user info and token-like query values replaced."""
    try:
        parts = urlsplit(url)
    except ValueError:
        # Unparseable (e.g. a broken IPv6 literal): keep only what precedes any query.
        return url.split("?", 1)[0].rsplit("@", 1)[-1]
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _redact_pair(pair: str) -> str:
    name, sep, _ = pair.partition("=")
    if sep and is_secret_name(unquote_plus(name)):
        return f"{name}={REDACTED}"
    return pair

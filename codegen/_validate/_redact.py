"""How input text and values are shown in reports: cut, escaped, and without credentials.

Every place a report shows something taken from the input (a body's preview, a HAR
entry's label, a URL, a model message) goes through here. Credentials are found by
structure, not by where a value happens to sit:

- in a JSON value, a credential-named key hides its value at any depth;
- under a pointer, any credential-named token hides what is below it;
- in text that is not JSON at all, everything after a credential-named word is hidden;
- in a URL, user info, the fragment and credential-named query values are hidden.

Names are matched deliberately broadly: showing ``[redacted]`` for a harmless value
costs little, leaking a token costs a lot.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from .._spec._load import iter_pointer

__all__ = [
    "MAX_SHOWN",
    "REDACTED",
    "cut",
    "is_secret_name",
    "one_line",
    "preview",
    "redact_text",
    "redact_url",
    "show_message",
    "show_text",
    "show_value",
]

REDACTED = "[redacted]"
#: Values shown in findings are cut to this many characters.
MAX_SHOWN = 80
#: Containers nested deeper than this are shown as ``…``.
_MAX_PREVIEW_DEPTH = 8

# Matched anywhere in a name, once it is lower-case with `_`, `.`, spaces and camelCase
# humps turned into `-`.
_SECRET_PART = re.compile(
    r"token|secret|passw|passphrase|passcode|api-?key|(?:access|private|secret|signing|client"
    r"|master)-?key|auth|bearer|jwt|session|signature|credential|cookie|csrf|xsrf"
)
# Matched as one whole word of a name (`pw`, `user-pass`), or, for `key` and `code`,
# as the whole name: `sort-key` and `exit-code` are no credentials.
_SECRET_WORDS = frozenset({"pass", "passwd", "pwd", "pw", "sig", "sid", "otp", "hmac"})
_SECRET_NAMES = frozenset({"key", "code"})
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
# A word of free text that could be a key: `access_token`, `x-api-key`, `apiKey`.
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")
# What may sit between a key and its value in broken JSON, a query or a header line.
_KEY_TAIL = re.compile(r"""["'\s]*[:=]?\s*""")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# Characters that would break a report line or drive a terminal: C0 (but tab), DEL, C1,
# and the Unicode line and paragraph separators.
_BREAKING = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def is_secret_name(name: str) -> bool:
    """Whether a key, query parameter or header is named like a credential.

    ``Authorization``, ``x-api-key``, ``Cookie``, ``access_token``, ``pw``, ``apiKey``...
    """
    plain = _SEPARATORS.sub("-", _HUMP.sub("-", name).lower()).strip("-")
    if plain in _SECRET_NAMES or _SECRET_PART.search(plain):
        return True
    return any(word in _SECRET_WORDS for word in plain.split("-"))


def cut(text: str, limit: int = MAX_SHOWN) -> str:
    """Shorten ``text`` to at most ``limit`` characters, marking the cut with ``…``."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str) -> str:
    """``text`` with line breaks and terminal controls escaped (``\\x0a``), tabs kept."""
    return _BREAKING.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def redact_text(text: str) -> str:
    """Free text (a broken body, a message) with everything after a credential word hidden.

    The scan is tolerant: it needs no valid JSON, query or header syntax, only a word
    named like a credential (``"access_token":``, ``password=``, ``Bearer``).
    """
    if _URL.match(text):
        text = redact_url(text)
    for word in _WORD.finditer(text):
        if is_secret_name(word.group()):
            tail = _KEY_TAIL.match(text, word.end())
            end = tail.end() if tail else word.end()
            return text[:end] + REDACTED if end < len(text) else text
    return text


def show_text(text: str, limit: int = MAX_SHOWN) -> str:
    """Free text as findings show it: redacted, then quoted, escaped and cut."""
    return cut(json.dumps(redact_text(text[: limit * 4]), ensure_ascii=False), limit)


def show_message(pointer: str, message: str) -> str:
    """A message that may quote the value at ``pointer``, redacted as that value is."""
    if _secret_pointer(pointer):
        return f"the value was refused ({REDACTED}: its key names a credential)"
    return cut(redact_text(message))


def show_value(pointer: str, value: Any) -> str:
    """A value as findings show it: redacted under any credential-named key, and cut."""
    return REDACTED if _secret_pointer(pointer) else preview(value)


def _secret_pointer(pointer: str) -> bool:
    return any(is_secret_name(token) for token in iter_pointer(pointer))


def preview(value: Any, limit: int = MAX_SHOWN) -> str:
    """Show a JSON value compactly, cut to ``limit`` characters.

    Only as much of the value is rendered as the limit needs, so a huge or deeply nested
    value costs no more than a small one. The value of every credential-named key, at any
    depth, shows as ``[redacted]``, and strings are redacted as free text. Control
    characters come out escaped, so a payload cannot inject terminal escapes.
    """
    return cut(_render(value, limit + 1, 0), limit)


def _render(value: Any, budget: int, depth: int) -> str:
    if isinstance(value, str):
        return json.dumps(redact_text(value[: budget * 4])[:budget], ensure_ascii=False)
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    if depth >= _MAX_PREVIEW_DEPTH:
        return "[…]" if isinstance(value, list) else "{…}"
    if isinstance(value, dict):
        opening, closing = "{", "}"
        items = ((f"{json.dumps(key[:budget], ensure_ascii=False)}: ", key) for key in value)
        values = iter(value.values())
    elif isinstance(value, list):
        opening, closing = "[", "]"
        items = (("", "") for _ in value)
        values = iter(value)
    else:
        return cut(repr(value), budget)
    parts = [opening]
    size = 1
    for index, (prefix, key) in enumerate(items):
        if size > budget:
            break
        item = next(values)
        shown = REDACTED if key and is_secret_name(key) else _render(item, budget - size, depth + 1)
        text = ("" if index == 0 else ", ") + prefix + shown
        parts.append(text)
        size += len(text)
    parts.append(closing)
    return "".join(parts)


def redact_url(url: str) -> str:
    """``url`` with its user info, its fragment and credential-named query values hidden."""
    try:
        parts = urlsplit(url)
    except ValueError:
        # Unparseable (e.g. a broken IPv6 literal): keep only the host and path.
        return re.split(r"[?#]", url, maxsplit=1)[0].rsplit("@", 1)[-1]
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    fragment = REDACTED if parts.fragment else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def _redact_pair(pair: str) -> str:
    name, sep, value = pair.partition("=")
    if is_secret_name(unquote_plus(name)):
        return f"{name}={REDACTED}" if sep else name
    # The value may carry a credential of its own (`next=https://x/?token=...`): then it
    # is shown decoded and redacted, else as it was.
    decoded = unquote_plus(value)
    shown = redact_text(decoded)
    return pair if shown == decoded else f"{name}={shown}"

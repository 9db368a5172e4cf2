"""What one check of one payload found, and how values are shown in findings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["MAX_SHOWN", "Finding", "Outcome", "Result", "Severity", "cut", "preview"]

#: Values shown in findings are cut to this many characters.
MAX_SHOWN = 80
#: Containers nested deeper than this are shown as ``…`` (a payload may nest ~1000 deep).
_MAX_PREVIEW_DEPTH = 8

Severity = Literal["error", "warning"]
Outcome = Literal["valid", "invalid", "skipped", "unreadable"]


@dataclass(frozen=True)
class Finding:
    """One problem in one payload.

    ``keyword`` is the JSON Schema keyword behind a schema finding (``type``, ``enum``,
    ``required``...); the drift summary groups findings by it.
    """

    input: str
    operation: str
    status: str
    pointer: str
    severity: Severity
    rule: str
    expected: str
    found: str
    message: str
    keyword: str = ""


@dataclass(frozen=True)
class Result:
    """Everything found in one payload (a JSON body, a JSON Lines line or a HAR entry).

    ``skipped`` is the reason it was not checked (e.g. ``other host``); ``unreadable``
    says why an input could not be read at all. Both are empty for a checked payload.
    """

    input: str
    operation: str = ""
    status: str = ""
    findings: tuple[Finding, ...] = ()
    skipped: str = ""
    unreadable: str = ""
    detail: str = ""

    @property
    def outcome(self) -> Outcome:
        """valid, invalid (any error), skipped or unreadable."""
        if self.unreadable:
            return "unreadable"
        if self.skipped:
            return "skipped"
        if any(finding.severity == "error" for finding in self.findings):
            return "invalid"
        return "valid"


def cut(text: str, limit: int = MAX_SHOWN) -> str:
    """Shorten ``text`` to at most ``limit`` characters, marking the cut with ``…``."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def preview(value: Any, limit: int = MAX_SHOWN) -> str:
    """Show a JSON value compactly, cut to ``limit`` characters.

    Only as much of the value is rendered as the limit needs, so a huge or deeply nested
    value costs no more than a small one. Control characters come out escaped, so a
    payload cannot inject terminal escapes into a report.
    """
    return cut(_render(value, limit + 1, 0), limit)


def _render(value: Any, budget: int, depth: int) -> str:
    if isinstance(value, str):
        return json.dumps(value[:budget], ensure_ascii=False)
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    if depth >= _MAX_PREVIEW_DEPTH:
        return "[…]" if isinstance(value, list) else "{…}"
    if isinstance(value, dict):
        opening, closing = "{", "}"
        items = (f"{json.dumps(key[:budget], ensure_ascii=False)}: " for key in value)
        values = iter(value.values())
    elif isinstance(value, list):
        opening, closing = "[", "]"
        items = ("" for _ in value)
        values = iter(value)
    else:
        return cut(repr(value), budget)
    parts = [opening]
    size = 1
    for index, prefix in enumerate(items):
        if size > budget:
            break
        text = (
            ("" if index == 0 else ", ") + prefix + _render(next(values), budget - size, depth + 1)
        )
        parts.append(text)
        size += len(text)
    parts.append(closing)
    return "".join(parts)

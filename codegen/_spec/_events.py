"""Turn YAML parse events into plain JSON data, noting where each node is written.

ruamel's constructor would build Python objects for tags (``!custom``, ``!!set``,
``!!python/...``), expand merge keys and share aliased nodes. A spec needs none of that,
so the document is built from the parser's events instead, and each of those features is
refused at the line it is written on. Building from events needs no recursion, and every
cost is bounded as it is met: nesting depth, node count, key length, and the total length
of the JSON pointers kept for positions (a long key repeated in every descendant's
pointer is what made a 3 MB spec exhaust memory).

Plain scalars resolve by the YAML 1.2 core schema (:func:`resolve_plain`), the reading
OpenAPI documents are written for, even under a ``%YAML 1.1`` directive: ``yes``, ``no``,
``on``, ``1_000``, ``0b101`` and dates stay strings. A mapping key is always its text (a
JSON key is a string), so a response code written ``200:`` is ``"200"``. A plain scalar
that YAML 1.1 would read as a timestamp is kept as text with a ``yaml-timestamp`` warning.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_KEY_CHARS",
    "MAX_NODES",
    "MAX_POINTER_CHARS",
    "Refused",
    "Warned",
    "escape_pointer_token",
    "plain_document",
    "resolve_plain",
]

#: Deeper than any real spec; deeper data makes the later stages' recursion fail.
MAX_DEPTH = 200
#: A node count no hand-written spec comes near; each node costs memory in every stage.
MAX_NODES = 500_000
#: YAML's own limit for an implicit key; property names and paths are far shorter.
MAX_KEY_CHARS = 1024
#: The JSON pointers of all nodes together; long keys nested deep would grow it quadratically.
MAX_POINTER_CHARS = 64 * 1024 * 1024

#: A surrogate comes from a "\ud800" escape: alone it is no text (no UTF-8 encoder takes it).
_SURROGATE = re.compile("[\ud800-\udfff]")
# The YAML 1.2 core schema's regular expressions (YAML 1.2.2, 10.3.2), which OpenAPI
# documents are written in, whatever %YAML directive they carry.
_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+")
_OCTAL = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?(\.inf|\.Inf|\.INF)")
_NAN = re.compile(r"\.nan|\.NaN|\.NAN")
#: YAML 1.1's timestamp: a 1.2 string, but one a 1.1 reader makes a date, so worth a word.
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?"
    r"([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?"
)


class Refused(Exception):
    """The document uses something a spec may not: ``message`` at 1-based ``line``."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Warned:
    """Something read as written that its author may have meant otherwise."""

    rule: str
    message: str
    line: int
    column: int


def escape_pointer_token(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


@dataclass
class _Frame:
    """A mapping or sequence being filled, and the key waiting for its value."""

    node: dict[str, Any] | list[Any]
    pointer: str
    key: str | None = None
    key_pointer: str = ""
    key_lines: dict[str, int] = field(default_factory=dict)


def _where(event: Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


class _Builder:
    """Consumes one stream's events and builds the single document in it."""

    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.positions: dict[str, tuple[int, int]] = {"": (1, 1)}
        self.root: Any = None
        self.documents = 0
        self.nodes = 0
        self.pointer_chars = 0
        self.warnings: list[Warned] = []

    def feed(self, event: Event) -> None:
        if isinstance(event, DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise Refused("more than one YAML document; a spec is one", *_where(event))
        elif isinstance(event, AliasEvent):
            raise Refused(
                f"YAML alias *{event.anchor} is not supported in a spec; "
                "write the value out, or use $ref",
                *_where(event),
            )
        elif isinstance(event, NodeEvent):
            self.node(event)
        elif isinstance(event, CollectionEndEvent):
            self.stack.pop()

    def node(self, event: NodeEvent) -> None:
        tag: str | None = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise Refused(
                f"YAML tag {shown} is not supported in a spec; remove it "
                "(quote a value to make it a string)",
                *_where(event),
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise Refused(f"more than {MAX_NODES:,} nodes; a spec is far smaller", *_where(event))
        parent = self.stack[-1] if self.stack else None
        if parent is not None and isinstance(parent.node, dict) and parent.key is None:
            self.key(parent, event)
            return
        if parent is None:
            pointer = ""
        elif isinstance(parent.node, dict):
            pointer = parent.key_pointer
        else:
            pointer = self.child(parent.pointer, str(len(parent.node)))
            self.positions[pointer] = _where(event)
        value = self.value(event, pointer)
        if parent is None:
            self.root = value
        elif isinstance(parent.node, dict):
            parent.node[parent.key or ""] = value
            parent.key = None
        else:
            parent.node.append(value)

    def value(self, event: NodeEvent, pointer: str) -> Any:
        if isinstance(event, ScalarEvent):
            return self.scalar(event)
        if len(self.stack) >= MAX_DEPTH:
            raise Refused("nesting too deep to parse")
        container: dict[str, Any] | list[Any] = {} if isinstance(event, MappingStartEvent) else []
        self.stack.append(_Frame(container, pointer))
        return container

    def key(self, parent: _Frame, event: NodeEvent) -> None:
        if isinstance(event, CollectionStartEvent):
            kind = "mapping" if isinstance(event, MappingStartEvent) else "sequence"
            raise Refused(f"a mapping key is a {kind}; keys must be strings", *_where(event))
        assert isinstance(event, ScalarEvent)
        plain = not event.style and event.implicit[0]
        if plain and event.value == "<<":
            raise Refused(
                "merge keys (<<) are not supported in a spec; write the keys out",
                *_where(event),
            )
        # A key is its text, whatever it would resolve to as a value: JSON object keys are
        # strings, so `200:` in responses is "200", and `on:` or `null:` a property name.
        key = _text(event) if _SURROGATE.search(event.value) else event.value
        if len(key) > MAX_KEY_CHARS:
            raise Refused(
                f"a mapping key of {len(key):,} characters; keys may be at most {MAX_KEY_CHARS:,}",
                *_where(event),
            )
        line, column = _where(event)
        if key in parent.key_lines:
            first = parent.key_lines[key]
            raise Refused(f"duplicate key {key!r} (first on line {first})", line, column)
        parent.key_lines[key] = line
        parent.key = key
        parent.key_pointer = self.child(parent.pointer, key)
        self.positions[parent.key_pointer] = (line, column)

    def child(self, pointer: str, token: str) -> str:
        found = f"{pointer}/{escape_pointer_token(token)}"
        self.pointer_chars += len(found)
        if self.pointer_chars > MAX_POINTER_CHARS:
            raise Refused(
                "its keys nest too long: the JSON pointers of its nodes total more than "
                f"{MAX_POINTER_CHARS:,} characters"
            )
        return found

    def scalar(self, event: ScalarEvent) -> Any:
        if event.style or not event.implicit[0]:
            # Quoted or block scalars are always strings.
            return _text(event) if _SURROGATE.search(event.value) else event.value
        try:
            value = resolve_plain(event.value)
        except ValueError as exc:
            # int() refuses more than 4,300 digits.
            raise Refused(f"cannot read {_cut(event.value)}: {exc}", *_where(event)) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise Refused(f"{_cut(event.value)} is not a JSON number", *_where(event))
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return _text(event)
            if _TIMESTAMP.fullmatch(value):
                line, column = _where(event)
                self.warnings.append(
                    Warned(
                        "yaml-timestamp",
                        f"unquoted {_cut(value)} looks like a YAML 1.1 timestamp; it is read "
                        "as the string it is (quote it to say so)",
                        line,
                        column,
                    )
                )
        return value


def resolve_plain(text: str) -> Any:
    """The value of an untagged plain scalar by the YAML 1.2 core schema (10.3.2).

    ``012`` is the integer 12 and ``0o12`` is 10; ``1_000``, ``0b101``, ``yes``, ``no``,
    ``on`` and dates are strings. ``.inf`` and ``.nan`` are floats (the caller refuses
    them: JSON has no such numbers).
    """
    if _NULL.fullmatch(text):
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        return int(text, 10)
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INFINITY.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.fullmatch(text):
        return math.nan
    return text


def _text(event: ScalarEvent) -> str:
    """A string written with surrogate escapes: a pair is one character, as in JSON."""
    text: str = event.value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if "\ufffd" in text and "\ufffd" not in event.value:
        raise Refused(
            f"the string {_cut(event.value)} holds a lone surrogate: it is not Unicode text",
            *_where(event),
        )
    return text


def _cut(text: str) -> str:
    """A scalar as a message quotes it: never the whole of a long one."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def plain_document(text: str) -> tuple[Any, dict[str, tuple[int, int]], list[Warned]]:
    """The one document in ``text`` as plain data, the (line, column) of each pointer, and
    the warnings met on the way.

    Raises :class:`Refused` for what a spec may not use, and ruamel's ``YAMLError`` for
    text that is not YAML.
    """
    # The safe scanner: the round-trip one marks folded lines with "\a" in the value.
    yaml = YAML(typ="safe", pure=True)
    builder = _Builder()
    for event in yaml.parse(text):
        builder.feed(event)
    return builder.root, builder.positions, builder.warnings

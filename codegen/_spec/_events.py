"""Turn YAML parse events into plain JSON data, noting where each node is written.

ruamel's constructor would build Python objects for tags (``!custom``, ``!!set``,
``!!python/...``), expand merge keys and share aliased nodes. A spec needs none of that,
so the document is built from the parser's events instead, and each of those features is
refused at the line it is written on. Building from events needs no recursion, and every
cost is bounded as it is met: nesting depth, node count, key length, and the total length
of the JSON pointers kept for positions (a long key repeated in every descendant's
pointer is what made a 3 MB spec exhaust memory).
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
from ruamel.yaml.nodes import ScalarNode

__all__ = [
    "MAX_DEPTH",
    "MAX_KEY_CHARS",
    "MAX_NODES",
    "MAX_POINTER_CHARS",
    "Refused",
    "escape_pointer_token",
    "plain_document",
]

#: Deeper than any real spec; deeper data makes the later stages' recursion fail.
MAX_DEPTH = 200
#: A node count no hand-written spec comes near; each node costs memory in every stage.
MAX_NODES = 500_000
#: YAML's own limit for an implicit key; property names and paths are far shorter.
MAX_KEY_CHARS = 1024
#: The JSON pointers of all nodes together; long keys nested deep would grow it quadratically.
MAX_POINTER_CHARS = 64 * 1024 * 1024

_STR = "tag:yaml.org,2002:str"
#: A surrogate comes from a "\ud800" escape: alone it is no text (no UTF-8 encoder takes it).
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The plain scalars a spec may write unquoted, by their tag's name.
_CONSTRUCTED = frozenset({"int", "float", "bool", "null"})
_MERGE = "tag:yaml.org,2002:merge"


class Refused(Exception):
    """The document uses something a spec may not: ``message`` at 1-based ``line``."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


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

    def __init__(self, yaml: YAML) -> None:
        self.yaml = yaml
        self.stack: list[_Frame] = []
        self.positions: dict[str, tuple[int, int]] = {"": (1, 1)}
        self.root: Any = None
        self.documents = 0
        self.nodes = 0
        self.pointer_chars = 0

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
        if self.tag(event) == _MERGE:
            raise Refused(
                "merge keys (<<) are not supported in a spec; write the keys out",
                *_where(event),
            )
        key = self.scalar(event)
        if not isinstance(key, str):
            raise Refused(
                f"mapping key {key!r} is a {type(key).__name__}; keys must be strings",
                *_where(event),
            )
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

    def tag(self, event: ScalarEvent) -> str:
        """The tag YAML resolves an untagged scalar to (a quoted one is always a string)."""
        if event.style or not event.implicit[0]:
            return _STR
        return str(self.yaml.resolver.resolve(ScalarNode, event.value, event.implicit))

    def scalar(self, event: ScalarEvent) -> Any:
        tag = self.tag(event)
        if tag == _STR:
            return _text(event) if _SURROGATE.search(event.value) else event.value
        kind = tag.rpartition(":")[2]
        if kind not in _CONSTRUCTED:
            # Timestamps (and YAML 1.1's `=`) have no JSON counterpart; a spec that means
            # a string must quote it.
            raise Refused(
                f"unquoted {kind} {_cut(event.value)} has no JSON counterpart; "
                "quote it to make it a string",
                *_where(event),
            )
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            value = self.yaml.constructor.construct_object(node, deep=True)
        except ValueError as exc:
            # int() refuses more than 4,300 digits.
            raise Refused(f"cannot read {_cut(event.value)}: {exc}", *_where(event)) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise Refused(f"{_cut(event.value)} is not a JSON number", *_where(event))
        return value


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


def plain_document(text: str) -> tuple[Any, dict[str, tuple[int, int]]]:
    """The one document in ``text`` as plain data, and the (line, column) of each pointer.

    Raises :class:`Refused` for what a spec may not use, and ruamel's ``YAMLError`` for
    text that is not YAML (or a scalar YAML cannot read, such as ``2024-02-30``).
    """
    # The safe scanner: the round-trip one marks folded lines with "\a" in the value.
    yaml = YAML(typ="safe", pure=True)
    builder = _Builder(yaml)
    for event in yaml.parse(text):
        builder.feed(event)
    return builder.root, builder.positions

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

The events come from libyaml, through PyYAML's C parser, when it is there: it parses a
3 MB spec in a tenth of a second where ruamel's pure-Python parser takes seconds. libyaml
reads YAML 1.1 and ruamel 1.2, and their messages differ, so ruamel stays the reference:
any text the C parser refuses, or that the builder refuses, is read again by ruamel, whose
error (or document) is the answer; and so is a text with what the two read differently
(a ``%`` directive, an anchor, a tab, a BOM, the line breaks U+0085, U+2028 and U+2029,
a block scalar header or leading blank lines ruamel refuses, a document that is one
scalar). What is left, the two read alike, event for event and mark for mark
(``tests/test_yaml_c_parser.py`` holds the C reading to ruamel's).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = [
    "MAX_DEPTH",
    "MAX_KEY_CHARS",
    "MAX_NODES",
    "MAX_POINTER_CHARS",
    "Refused",
    "Warned",
    "c_parser_version",
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

#: What libyaml (YAML 1.1) and ruamel (YAML 1.2) read differently: a byte order mark (or a
#: U+FEFF anywhere), the characters YAML 1.1 breaks lines at and YAML 1.2 does not, and
#: tabs (ruamel refuses one before a comment, libyaml does not). No corpus YAML has any.
_RUAMEL_ONLY = re.compile("[\t\ufeff\x85\u2028\u2029]")
#: A block scalar's header as ruamel reads it too: libyaml also takes some ruamel refuses
#: (``>#``). The C reading leaves any other to ruamel.
_BLOCK_HEADER = re.compile(r"[|>](?:[1-9][-+]?|[-+][1-9]?)?(?: +#[^\r\n]*| *)(?:\r?\n|\Z)")
#: A block scalar's leading blank lines, and the spaces that start the line after them.
_LEADING_BLANKS = re.compile(r"((?: *(?:\r\n|\r|\n))*)( *)")
_BREAK = re.compile(r"\r\n|\r|\n")

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


# The kinds of event the builder tells apart; any other (stream start and end, document
# end) it passes over.
_DOCUMENT, _ALIAS, _SCALAR, _MAPPING, _SEQUENCE, _END = range(6)
#: The event classes by name, alike in ruamel and PyYAML.
_EVENT_KINDS = {
    "DocumentStartEvent": _DOCUMENT,
    "AliasEvent": _ALIAS,
    "ScalarEvent": _SCALAR,
    "MappingStartEvent": _MAPPING,
    "SequenceStartEvent": _SEQUENCE,
    "MappingEndEvent": _END,
    "SequenceEndEvent": _END,
}
#: Each event class of a parser imported so far, by kind (see :func:`_kinds_of`).
_KINDS: dict[type, int] = {}


def _kinds_of(events: Any) -> None:
    _KINDS.update({getattr(events, name): kind for name, kind in _EVENT_KINDS.items()})


# The parsers are imported at the first text read (~30 ms): a spec whose read comes from
# the cache (``_read_cache``), as validate's mostly do, needs neither.
@functools.cache
def _ruamel() -> Any:
    """ruamel.yaml's ``YAML``, its events known to the builder."""
    from ruamel.yaml import YAML, events

    _kinds_of(events)
    return YAML


class _LibYAML(NamedTuple):
    parser: Any
    error: type[Exception]
    version: str


@functools.cache
def _libyaml() -> _LibYAML | None:
    """PyYAML's C parser and error, its events known to the builder; None where PyYAML
    or its libyaml is missing (ruamel then reads everything)."""
    try:
        from yaml import YAMLError, __version__, __with_libyaml__, events
        from yaml._yaml import get_version_string
        from yaml.cyaml import CParser
    except ImportError:
        return None
    if not __with_libyaml__:
        return None
    _kinds_of(events)
    return _LibYAML(CParser, YAMLError, f"pyyaml {__version__} libyaml {get_version_string()}")


def c_parser_version() -> str:
    """The versions of PyYAML and libyaml that read YAML, or "" where ruamel reads it all."""
    found = _libyaml()
    return found.version if found is not None else ""


_BLOCK = frozenset("|>")


class _Deferred(Exception):
    """The C parser met what only ruamel reads as the reference does: ruamel reads it."""


def _where(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


class _Builder:
    """Consumes one stream's events and builds the single document in it."""

    def __init__(self, c_parser: bool = False, text: str = "") -> None:
        self.c_parser = c_parser
        self.text = text
        self.stack: list[_Frame] = []
        self.positions: dict[str, tuple[int, int]] = {"": (1, 1)}
        self.root: Any = None
        self.documents = 0
        self.nodes = 0
        self.pointer_chars = 0
        self.warnings: list[Warned] = []

    def feed(self, event: Any) -> None:
        kind = _KINDS.get(type(event))
        if kind is None:
            return
        if kind >= _SCALAR:
            if kind == _END:
                self.stack.pop()
            else:
                self.node(event, kind)
        elif kind == _DOCUMENT:
            if self.c_parser and (event.version is not None or event.tags is not None):
                # A %YAML or %TAG directive: ruamel reads by the version it names.
                raise _Deferred
            self.documents += 1
            if self.documents > 1:
                raise Refused("more than one YAML document; a spec is one", *_where(event))
        else:
            raise Refused(
                f"YAML alias *{event.anchor} is not supported in a spec; "
                "write the value out, or use $ref",
                *_where(event),
            )

    def node(self, event: Any, kind: int) -> None:
        if self.c_parser and event.anchor is not None:
            # libyaml ends an anchor's name at a ":" (YAML 1.1), ruamel does not; an
            # anchor is of no use without an alias, which ruamel refuses at its line.
            raise _Deferred
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
            self.key(parent, event, kind)
            return
        if parent is None:
            if self.c_parser and kind == _SCALAR:
                # A document that is one scalar is no spec; libyaml and ruamel differ on
                # a block scalar's lines at column 0 ("|\n#"): ruamel says what it is.
                raise _Deferred
            pointer = ""
        elif isinstance(parent.node, dict):
            pointer = parent.key_pointer
        else:
            pointer = self.child(parent.pointer, str(len(parent.node)))
            self.positions[pointer] = _where(event)
        value = self.value(event, kind, pointer)
        if parent is None:
            self.root = value
        elif isinstance(parent.node, dict):
            parent.node[parent.key or ""] = value
            parent.key = None
        else:
            parent.node.append(value)

    def value(self, event: Any, kind: int, pointer: str) -> Any:
        if kind == _SCALAR:
            return self.scalar(event)
        if len(self.stack) >= MAX_DEPTH:
            raise Refused("nesting too deep to parse")
        container: dict[str, Any] | list[Any] = {} if kind == _MAPPING else []
        self.stack.append(_Frame(container, pointer))
        return container

    def key(self, parent: _Frame, event: Any, kind: int) -> None:
        if kind != _SCALAR:
            shown = "mapping" if kind == _MAPPING else "sequence"
            raise Refused(f"a mapping key is a {shown}; keys must be strings", *_where(event))
        if self.c_parser and event.style in _BLOCK:
            self.check_block_header(event.start_mark.index)  # an explicit key: "? |"
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

    def check_block_header(self, index: int) -> None:
        """Defer to ruamel a block scalar whose header or leading lines it reads otherwise.

        ruamel refuses a block scalar whose first leading blank line holds spaces and a
        later leading line (or the first line of text) more spaces ("more indented follow
        up line than first in a block scalar"); libyaml reads it.
        """
        header = _BLOCK_HEADER.match(self.text, index)
        if header is None:
            raise _Deferred
        leading = _LEADING_BLANKS.match(self.text, header.end())
        assert leading is not None  # it matches the empty string
        if leading.group(1):
            lines = _BREAK.split(leading.group(1))[:-1]
            first = len(lines[0])
            if first and max(len(leading.group(2)), *map(len, lines)) > first:
                raise _Deferred

    def scalar(self, event: Any) -> Any:
        if self.c_parser and event.style in _BLOCK:
            self.check_block_header(event.start_mark.index)
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


def _text(event: Any) -> str:
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
    text that is not YAML: what ruamel reads is the answer, libyaml's reading only a
    faster way to the same one (see the module).
    """
    found = _libyaml()
    if found is not None:
        try:
            return c_document(text)
        except (found.error, Refused, _Deferred, UnicodeError):
            pass  # ruamel reads it again: its error, at its line, or its document
    return ruamel_document(text)


def ruamel_document(text: str) -> tuple[Any, dict[str, tuple[int, int]], list[Warned]]:
    """:func:`plain_document` as ruamel's parser reads ``text`` (the reference reading)."""
    # The safe scanner: the round-trip one marks folded lines with "\a" in the value.
    yaml = _ruamel()(typ="safe", pure=True)
    builder = _Builder()
    for event in yaml.parse(text):
        builder.feed(event)
    return builder.root, builder.positions, builder.warnings


def c_document(text: str) -> tuple[Any, dict[str, tuple[int, int]], list[Warned]]:
    """:func:`plain_document` as libyaml's parser reads ``text``, with no fallback.

    Raises PyYAML's ``YAMLError`` where libyaml refuses the text, :class:`Refused`, and
    ``_Deferred`` for what only ruamel reads as the reference does (see the module).
    """
    found = _libyaml()
    if found is None:
        raise RuntimeError("PyYAML with libyaml is not installed")
    if _RUAMEL_ONLY.search(text):
        raise _Deferred
    builder = _Builder(c_parser=True, text=text)
    parser = found.parser(text)
    try:
        feed = builder.feed
        while parser.check_event():
            feed(parser.get_event())
    finally:
        parser.dispose()
    return builder.root, builder.positions, builder.warnings

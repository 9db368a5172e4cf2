"""Read inputs: detect each one's kind from its content and cut it into units to check.

A unit is one JSON body (a JSON file or one JSON Lines line), one HAR entry, or a
problem that stands in for the payload it prevented (a broken line, a file that is not
HAR, an input that cannot be read).
"""

from __future__ import annotations

import glob
import io
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal

from ._json import NotJson, Parsed, nested_too_deep, parse_json
from ._redact import one_line, redact_url

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_LINE_BYTES",
    "Body",
    "Broken",
    "HarEntry",
    "Input",
    "Kind",
    "Unit",
    "Unreadable",
    "UnreadableInput",
    "Window",
    "expand",
    "import_fsspec",
    "is_url",
    "json_lines",
    "kind_of",
    "line_start",
    "open_input",
    "open_stream",
]

#: A JSON Lines line longer than this is reported, not parsed (nor held in memory).
MAX_LINE_BYTES = 16 * 1024 * 1024
#: A JSON or HAR document larger than this is reported, not parsed.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
_SKIP_CHUNK = 1024 * 1024
#: JSON's whitespace: what blank lines and the space around a document are made of.
_BLANK = b" \t\r\n"
_NOT_BLANK = re.compile(rb"[^ \t\r\n]")
_BLANK_BYTES = frozenset(_BLANK)
#: JSON Lines are read this many bytes at a time: more, and glibc serves the reads from
#: a heap that only grows (its mmap threshold rises), worker after worker.
_READ_BYTES = 64 * 1024
#: How many lines after an unparseable first line are tried when telling JSON Lines
#: from pretty-printed JSON.
_SNIFF_LINES = 10

Kind = Literal["json", "jsonl", "har"]
if TYPE_CHECKING:
    _Stream = io.BufferedReader[Any] | io.BufferedRandom
else:
    _Stream = io.BufferedReader | io.BufferedRandom
_SUFFIXES: dict[str, Kind] = {".har": "har", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class Body:
    """One response body to check against the operation named on the command line.

    ``parsed`` is the body already parsed, when reading the input took that (a whole
    document is parsed once, to tell HAR from a body); a worker process is sent only
    ``raw`` and parses it itself.
    """

    label: str
    raw: bytes
    parsed: Parsed | None = field(default=None, compare=False, repr=False)

    def __reduce__(self) -> tuple[type[Body], tuple[str, bytes]]:
        return (Body, (self.label, self.raw))


@dataclass(frozen=True)
class HarEntry:
    """One entry of a HAR file, still as parsed JSON."""

    label: str
    entry: Any


@dataclass(frozen=True)
class Broken:
    """A payload that could not even be cut out: ``rule`` is e.g. ``not-har``."""

    label: str
    rule: str
    message: str
    body: bool


@dataclass(frozen=True)
class Unreadable:
    """An input that cannot be read at all (missing, a directory, no permission)."""

    label: str
    reason: str


Unit = Body | HarEntry | Broken | Unreadable


class Input:
    """One opened input, its kind already detected. Use as a context manager."""

    def __init__(self, label: str, stream: _Stream, kind: Kind) -> None:
        self.label = label
        self.kind = kind
        self._stream = stream

    def __enter__(self) -> Input:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stream.close()

    def units(self) -> Iterator[Unit]:
        """Yield the input's units in order; a read error ends them with :class:`Unreadable`."""
        try:
            if self.kind == "jsonl":
                yield from json_lines(self._stream, self.label)
            else:
                yield from _document(self._stream, self.label, self.kind)
        except OSError as exc:
            yield Unreadable(self.label, f"read failed: {exc.strerror or exc}")


class UnreadableInput(Exception):
    """Raised by :func:`open_input`; ``str()`` says why, in one line."""


def open_input(name: str) -> Input:
    """Open a file (``-`` is standard input) and detect its kind. Raises UnreadableInput."""
    if name == "-":
        return open_stream("<stdin>", sys.stdin.buffer)
    if is_url(name):
        return _open_url(name)
    try:
        # Before opening: opening a FIFO waits for a writer, maybe forever.
        mode = os.stat(name).st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableInput("is a directory")
        if not stat.S_ISREG(mode):
            raise UnreadableInput("not a regular file")
        stream = open(name, "rb")  # noqa: SIM115 -- closed by Input.__exit__
    except FileNotFoundError:
        raise UnreadableInput("no such file") from None
    except PermissionError:
        raise UnreadableInput("permission denied") from None
    except OSError as exc:
        raise UnreadableInput(f"cannot open: {exc.strerror or exc}") from None
    try:
        kind = kind_of(name, stream)
        stream.seek(0)
    except OSError as exc:
        stream.close()
        raise UnreadableInput(f"read failed: {exc.strerror or exc}") from None
    return Input(name, stream, kind)


def open_stream(label: str, source: IO[bytes]) -> Input:
    """Spool a byte stream (standard input, a file object, a remote file) to a temporary
    file, and detect its kind: sniffing needs to read it twice. Raises UnreadableInput."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by Input.__exit__
    try:
        shutil.copyfileobj(source, spool, _SKIP_CHUNK)
        spool.seek(0)
        kind = kind_of(label, spool)
        spool.seek(0)
    except OSError as exc:
        spool.close()
        raise UnreadableInput(f"read failed: {exc.strerror or exc}") from None
    return Input(label, spool, kind)


def _open_url(url: str) -> Input:
    """An fsspec URL (``s3://``, ``gs://``, ``memory://``, ``file://``...), spooled."""
    fsspec = import_fsspec()
    try:
        with fsspec.open(url, "rb") as remote:
            return open_stream(url, remote)
    except FileNotFoundError:
        raise UnreadableInput("no such file") from None
    except (OSError, ValueError) as exc:
        raise UnreadableInput(f"cannot open: {one_line(str(exc))[:200]}") from None


def is_url(name: str) -> bool:
    """Whether an input names an fsspec URL rather than a local path."""
    return "://" in name


def import_fsspec() -> Any:
    """fsspec, or UnreadableInput saying how to install it."""
    try:
        import fsspec
    except ImportError:
        raise UnreadableInput("reading URLs needs fsspec: pip install 'specbind[dask]'") from None
    return fsspec


def expand(name: str) -> list[str]:
    """The inputs a name stands for: a glob's matches, sorted (local or an fsspec URL),
    else the name itself (a glob that matches nothing is reported as unreadable)."""
    if name == "-" or not glob.has_magic(name) or os.path.exists(name):
        return [name]
    if is_url(name):
        fsspec = import_fsspec()
        try:
            fs, pattern = fsspec.core.url_to_fs(name)
            matches = sorted(fs.unstrip_protocol(path) for path in fs.glob(pattern))
        except (OSError, ValueError):
            return [name]  # reported as unreadable when it is opened
    else:
        matches = sorted(glob.glob(name))
    return matches or [name]


def kind_of(label: str, stream: IO[bytes]) -> Kind:
    """An input's kind: from its name's suffix (``.har``, ``.jsonl``, ``.ndjson``), else
    from the content at the stream's position."""
    known = _SUFFIXES.get(os.path.splitext(label)[1].lower())
    if known:
        return known
    if isinstance(stream, io.BufferedReader | io.BufferedRandom):
        return _sniff(stream)
    return _sniff(io.BufferedReader(Window(stream, sys.maxsize)))


class Window(io.RawIOBase):
    """At most the next ``left`` bytes of a stream, as a raw stream that a BufferedReader
    can wrap (for ``peek`` and ``readline``): a byte range of a file, or a remote file."""

    def __init__(self, stream: IO[bytes], left: int) -> None:
        self._stream = stream
        self._left = left
        #: How many line ends (``\n``) have been read through the window.
        self.newlines = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._left)
        if want <= 0:
            return 0
        data = self._stream.read(want)
        buffer[: len(data)] = data
        self._left -= len(data)
        self.newlines += data.count(b"\n")
        return len(data)


def line_start(stream: IO[bytes], at: int, size: int) -> int:
    """The first offset at or after ``at`` where a line of ``stream`` starts (``size`` if
    none): a byte range moved to line starts holds whole lines."""
    if at <= 0:
        return 0
    if at >= size:
        return size
    stream.seek(at - 1)
    position = at - 1
    while chunk := stream.read(_SKIP_CHUNK):
        found = chunk.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(chunk)
    return size


def _sniff(stream: _Stream) -> Kind:
    """Tell JSON Lines from one JSON (or HAR) document by content.

    Several non-blank lines of which the first parses on its own mean JSON Lines. When the
    first does not parse alone (a broken line, or pretty-printed JSON), a later line that
    parses alone as an object still means JSON Lines. Anything else is one document; HAR
    is recognised when that document is parsed.
    """
    first = True
    tried = 0
    while tried <= _SNIFF_LINES:
        _skip_blank(stream)
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            break
        if len(line) > MAX_LINE_BYTES:
            # A line this long is no pretty-printed document line: a stream of records.
            return "jsonl"
        alone = _alone(line)
        if first:
            if alone != "no":
                # A whole value with more after it: JSON Lines.
                _skip_blank(stream)
                return "jsonl" if stream.peek(1) else "json"
            first = False
            continue
        tried += 1
        if alone == "record":
            return "jsonl"
    return "json"


def _alone(line: bytes) -> Literal["record", "value", "no"]:
    """Whether a line is a whole JSON object (a record), another whole value, or neither.

    A line nested too deep to parse counts as a record: no pretty-printed document puts
    that much on one line.
    """
    if nested_too_deep(line):
        return "record"
    try:
        value = json.loads(line)
    except ValueError:
        return "no"
    return "record" if isinstance(value, dict) else "value"


def _skip_blank(stream: _Stream) -> int:
    """Move past blank bytes, a buffer at a time; return how many line ends were passed."""
    lines = 0
    while ahead := stream.peek(1):
        if ahead[0] not in _BLANK:
            break  # the common case: no copy of what is buffered
        rest = ahead.lstrip(_BLANK)
        skipped = len(ahead) - len(rest)
        lines += ahead.count(b"\n", 0, skipped)
        stream.read(skipped)
        if rest:
            break
    return lines


def json_lines(stream: _Stream, label: str, before: int = 0) -> Iterator[Unit]:
    """One unit per non-blank line, labelled ``file:line``; never holds a long line whole.

    ``before`` is how many lines precede the stream in its file (a byte range of it
    starts at a line). Blank bytes before a line are skipped, and a line is what follows
    them up to its line end, ``\\r`` and ``\\n`` stripped from its end. The stream is
    read 64 KiB at a time and cut here: a line costs a search, not a call of
    ``readline`` (nor a copy of the read buffer to look for blanks).
    """
    number = before
    buffer = b""
    at = 0
    while True:
        if at < len(buffer) and buffer[at] not in _BLANK_BYTES:
            start = at  # the usual case: a line right after the line end before it
        else:
            found = _NOT_BLANK.search(buffer, at)
            while found is None:
                number += buffer.count(b"\n", at)
                buffer, at = stream.read(_READ_BYTES), 0
                if not buffer:
                    return
                found = _NOT_BLANK.search(buffer)
            start = found.start()
            number += buffer.count(b"\n", at, start)
        number += 1
        end = buffer.find(b"\n", start)
        while end < 0 and len(buffer) - start <= MAX_LINE_BYTES:
            more = stream.read(_READ_BYTES)
            if not more:
                break
            searched = len(buffer) - start
            buffer, start = buffer[start:] + more, 0
            end = buffer.find(b"\n", searched)
        if end < 0 and len(buffer) - start <= MAX_LINE_BYTES:
            # The last line, without a line end.
            yield Body(f"{label}:{number}", buffer[start:].rstrip(b"\r\n"))
            return
        if end >= 0 and end - start <= MAX_LINE_BYTES:
            yield Body(f"{label}:{number}", buffer[start:end].rstrip(b"\r"))
            at = end + 1
            continue
        # Longer than read: counted to its end, never held whole.
        length = (end + 1 if end >= 0 else len(buffer)) - start
        at = end + 1
        while end < 0:
            buffer, at = stream.read(_READ_BYTES), 0
            if not buffer:
                break
            end = buffer.find(b"\n")
            length += end + 1 if end >= 0 else len(buffer)
            at = end + 1
        yield Broken(
            f"{label}:{number}",
            "line-too-long",
            f"line is {length:,} bytes, longer than the {MAX_LINE_BYTES:,} read; not checked",
            body=True,
        )


def _document(stream: _Stream, label: str, kind: Kind) -> Iterator[Unit]:
    """A whole JSON document: one body, or the entries of a HAR file.

    It is parsed once: the parse that tells HAR from a body is the one the body is
    checked with. The blank bytes around it are never read into memory.
    """
    _skip_blank(stream)
    start = stream.tell()
    size = _content_end(stream, start) - start
    if size > MAX_DOCUMENT_BYTES:
        yield Broken(
            label,
            "too-large",
            f"document is {size:,} bytes, more than the {MAX_DOCUMENT_BYTES:,} read as one "
            "document; not checked",
            body=kind != "har",
        )
        return
    stream.seek(start)
    raw = stream.read(size)
    try:
        parsed = parse_json(raw)
    except NotJson as exc:
        if kind == "har":
            yield Broken(label, "not-har", f"not a HAR file: {exc}", body=False)
        else:
            # The checker reports why, as for any body that is not JSON.
            yield Body(label, raw)
        return
    if kind == "har" or _is_har(parsed.value):
        del raw  # the entries are all that is needed from here on
        yield from _har_entries(parsed.value, label)
    else:
        # Hand over the only reference: a suspended generator keeps its locals alive, and
        # the parse must go as soon as the consumer lets go of it (before workers fork).
        body = [Body(label, raw, parsed)]
        del raw, parsed
        yield body.pop()


def _content_end(stream: _Stream, start: int) -> int:
    """The offset just after the last byte that is not blank (``start`` if there is none)."""
    end = os.fstat(stream.fileno()).st_size
    while end > start:
        step = min(_SKIP_CHUNK, end - start)
        stream.seek(end - step)
        chunk = stream.read(step).rstrip(_BLANK)
        if chunk:
            return end - step + len(chunk)
        end -= step
    return start


def _is_har(document: Any) -> bool:
    """A JSON object whose ``log`` holds ``entries``: how HAR is told from a body."""
    return (
        isinstance(document, dict)
        and isinstance(document.get("log"), dict)
        and "entries" in document["log"]
    )


def _har_entries(document: Any, label: str) -> Iterator[Unit]:
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        where = "log" if not isinstance(log, dict) else "log.entries"
        yield Broken(label, "not-har", f"not a HAR file: no {where} list", body=False)
        return
    for index, entry in enumerate(entries):
        yield HarEntry(_entry_label(label, index, entry), entry)


def _entry_label(label: str, index: int, entry: Any) -> str:
    """``file#entry N METHOD URL``, the URL's secrets redacted; N counts from 0."""
    request = entry.get("request") if isinstance(entry, dict) else None
    if not isinstance(request, dict):
        return f"{label}#entry {index}"
    method = request.get("method")
    url = request.get("url")
    shown = [f"{label}#entry {index}"]
    if isinstance(method, str):
        shown.append(one_line(method[:16]))
    if isinstance(url, str):
        shown.append(one_line(redact_url(url))[:2048])
    return " ".join(shown)

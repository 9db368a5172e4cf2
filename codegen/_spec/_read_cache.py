"""A cache of read spec text: the plain data, positions and warnings of a spec file.

Reading YAML with positions is most of what loading a spec costs (tens of milliseconds
for a small spec), and ``specbind validate`` starts by loading one, every time. The read
is a pure function of the text and of the code that reads it, so it is kept in
``generate``'s content-addressed store (:class:`~codegen._generate._cache.Cache`), keyed
by the sha256 of the text, of that code's source (the YAML and JSON readers here and
ruamel.yaml's and PyYAML's packages, which carry their versions, and PyYAML's compiled
libyaml module, if any: whether the C parser reads) and of orjson's version. None of
them is imported for it: a hit needs no YAML parser. A spec edit
or an upgrade of any of them changes the key. Entries are checked against their own
sha256 on every read; an entry that is missing, damaged or not of the expected shape is
a miss, and the text is read as usual. A cache that cannot be read or written costs time
only.

Only what JSON carries exactly is kept: orjson refuses integers outside 64 bits and
lone surrogates, and such a read is not stored. Floats round-trip exactly (orjson writes
the shortest text that reads back as the same float), and the read builds no shared
nodes (aliases are refused), so a hit is equal, type for type, to a fresh read.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ._events import Warned

if TYPE_CHECKING:
    from .._generate._cache import Cache

__all__ = ["Read", "cached_read"]

#: What reading a spec's text gives: the document, the position of each pointer, warnings.
Read = tuple[Any, dict[str, tuple[int, int]], list[Warned]]
#: Bump when the layout of an entry changes.
_LAYOUT = "spec-read-1"


@functools.cache
def _reader_id() -> str | None:
    """The sha256 of the reading code (see the module), or None when it cannot be read."""
    digest = hashlib.sha256(orjson.__version__.encode())
    here = Path(__file__).parent
    try:
        found = importlib.util.find_spec("ruamel.yaml")
        origin = found.origin if found is not None else None
        if origin is None:
            return None
        for path in (here / "_events.py", here / "_json.py", Path(origin), *_pyyaml_files()):
            data = path.read_bytes()
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
    except (OSError, ImportError, ValueError):
        return None
    return digest.hexdigest()


def _pyyaml_files() -> list[Path]:
    """PyYAML's ``__init__`` and its compiled libyaml module (none where it is missing)."""
    found = importlib.util.find_spec("yaml")
    if found is None or found.origin is None:
        return []
    package = Path(found.origin)
    return [package, *sorted(package.parent.glob("_yaml.*"))]


def cached_read(text: str, kind: str, cache: Cache | None, read: Callable[[], Read]) -> Read:
    """``read()``, or what it gave before for this ``text`` read as ``kind`` (yaml, json).

    Exceptions from ``read`` pass through, and are not cached.
    """
    reader = _reader_id() if cache is not None else None
    if cache is None or reader is None:
        return read()
    key = cache.key(_LAYOUT, reader, kind, text)
    stored = cache.get(key)
    if stored is not None:
        found = _decoded(stored)
        if found is not None:
            return found
    fresh = read()
    encoded = _encoded(fresh)
    if encoded is not None:
        cache.put(key, encoded)
    return fresh


def _encoded(fresh: Read) -> str | None:
    document, positions, warned = fresh
    try:
        return orjson.dumps(
            {
                "document": document,
                "positions": positions,
                "warned": [[w.rule, w.message, w.line, w.column] for w in warned],
            }
        ).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return None  # an integer outside 64 bits, a lone surrogate: not kept


def _decoded(stored: str) -> Read | None:
    try:
        entry = orjson.loads(stored)
        positions = {
            pointer: (line, column) for pointer, (line, column) in entry["positions"].items()
        }
        warned = [
            Warned(str(rule), str(message), int(line), int(column))
            for rule, message, line, column in entry["warned"]
        ]
        return entry["document"], positions, warned
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return None

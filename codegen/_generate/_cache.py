"""A content-addressed store of generated text, so that ``generate`` skips work it did before.

It memoises pure steps of the compile stage (ruff on one file, datamodel-code-generator
on one spec). An entry is keyed by the sha256 of everything that decides the step's
output (the tool's version, its configuration, its whole input), so it cannot outlive
a change to any of them: a spec edit changes the input and misses, and an edit to a
generated file changes no key at all; the drift check still compares fresh output with
it. Each entry holds the sha256 of its text, checked on every read: a truncated or
damaged entry is a miss, never an output. A cache that cannot be read or written only
costs time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["Cache", "default_cache_dir"]

#: Bump when the layout of an entry changes.
_LAYOUT = "v1"


def default_cache_dir() -> Path:
    """``$SPECBIND_CACHE_DIR``, else ``$XDG_CACHE_HOME/specbind``, else ``~/.cache/specbind``."""
    explicit = os.environ.get("SPECBIND_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "specbind"


class Cache:
    """Text entries under ``directory``, addressed by :meth:`key`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / _LAYOUT
        #: Entries found, and entries stored, since this cache was made.
        self.hits = 0
        self.stores = 0

    @staticmethod
    def key(*parts: str) -> str:
        """The address of the output of a step whose inputs are ``parts``, in order."""
        digest = hashlib.sha256()
        for part in parts:
            encoded = part.encode("utf-8")
            # Length-prefixed, so that no two different lists of parts hash the same bytes.
            digest.update(len(encoded).to_bytes(8, "big"))
            digest.update(encoded)
        return digest.hexdigest()

    def get(self, key: str) -> str | None:
        """The text stored under ``key``, or None when there is none or it is damaged."""
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            return None
        checksum, _, body = raw.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode("ascii") != checksum:
            return None
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        self.hits += 1
        return text

    def put(self, key: str, text: str) -> None:
        """Store ``text`` under ``key``; a failure to write is ignored."""
        body = text.encode("utf-8")
        entry = hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, scratch = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(entry)
                # Atomic: a reader sees the whole entry or none.
                os.replace(scratch, target)
            finally:
                Path(scratch).unlink(missing_ok=True)
        except OSError:
            return
        self.stores += 1

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

"""Load stage: read an OpenAPI YAML (or JSON) file into plain data with line numbers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ._events import Refused, escape_pointer_token, plain_document
from ._files import package_name

__all__ = ["MAX_SPEC_BYTES", "LoadError", "LoadedSpec", "escape_pointer_token", "load_spec"]

#: A hand-written spec is a few dozen KB; anything this large is a mistake or an attack.
MAX_SPEC_BYTES = 5 * 1024 * 1024


class LoadError(Exception):
    """A spec file that cannot be read or parsed. ``str()`` is one line."""

    def __init__(self, path: str, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}: load: {self.message}"
        return f"{self.path}: load: {self.message}"


@dataclass(frozen=True)
class LoadedSpec:
    """A parsed spec: plain JSON-compatible data, plus where each node was written."""

    path: str
    data: dict[str, Any]
    sha256: str
    positions: Mapping[str, tuple[int, int]] = field(repr=False)

    @property
    def name(self) -> str:
        """The spec's package name, from its file name (see :func:`package_name`)."""
        return package_name(self.path)

    def locate(self, pointer: str) -> tuple[int, int]:
        """Return the 1-based (line, column) of the node at a JSON pointer.

        A pointer to a node that was not written (or was synthesised) falls back to
        its nearest written ancestor.
        """
        pointer = pointer.removeprefix("#")
        while pointer:
            found = self.positions.get(pointer)
            if found is not None:
                return found
            pointer = pointer.rpartition("/")[0]
        return (1, 1)

    def resolve(self, pointer: str) -> Any:
        """Return the node at a local JSON pointer (``#/a/b`` or ``/a/b``); KeyError if absent."""
        node: Any = self.data
        for token in iter_pointer(pointer):
            if isinstance(node, list):
                if not token.isdigit() or int(token) >= len(node):
                    raise KeyError(pointer)
                node = node[int(token)]
            elif isinstance(node, dict):
                if token not in node:
                    raise KeyError(pointer)
                node = node[token]
            else:
                raise KeyError(pointer)
        return node


def iter_pointer(pointer: str) -> Iterator[str]:
    """Yield the unescaped tokens of a JSON pointer, with or without a leading ``#``."""
    body = pointer.removeprefix("#")
    if not body:
        return
    if not body.startswith("/"):
        raise KeyError(pointer)
    for raw in body[1:].split("/"):
        yield raw.replace("~1", "/").replace("~0", "~")


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and parse one spec file. Raises :class:`LoadError` with a one-line reason."""
    shown = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_SPEC_BYTES:
            raise LoadError(
                shown, f"file is {size:,} bytes; a spec may be at most {MAX_SPEC_BYTES:,}"
            )
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise LoadError(shown, "no such file") from None
    except IsADirectoryError:
        raise LoadError(shown, "is a directory, not a spec file") from None
    except OSError as exc:
        raise LoadError(shown, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(shown, f"not UTF-8 text (byte {exc.start})") from None
    try:
        document, positions = plain_document(text)
    except Refused as exc:
        raise LoadError(shown, exc.message, exc.line, exc.column) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        reason = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise LoadError(shown, f"invalid YAML: {reason}", line, column) from None
    except YAMLError as exc:
        raise LoadError(shown, f"invalid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(document, dict):
        kind = "empty" if document is None else f"a {type(document).__name__}"
        raise LoadError(shown, f"the top level is {kind}; an OpenAPI document is a mapping")
    return LoadedSpec(shown, document, hashlib.sha256(raw).hexdigest(), positions)

"""Load stage: read an OpenAPI YAML (or JSON) file into plain data with line numbers.

OpenAPI 3.1.x, 3.0.0 to 3.0.4 and Swagger 2.0 are read; :attr:`LoadedSpec.data` is always
OpenAPI 3.1 (see ``_convert``), and :meth:`LoadedSpec.locate` names the line of the file
as written. A document of any other version is loaded as it is, for lint's ``openapi``
rule to refuse.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._convert import SourceMap, convert, source_version
from ._events import Refused, escape_pointer_token, plain_document
from ._files import package_name
from ._json import json_document
from ._problems import Problem
from ._read_cache import Read, cached_read

if TYPE_CHECKING:
    from .._generate._cache import Cache

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

    def __reduce__(self) -> tuple[type[LoadError], tuple[str, str, int, int]]:
        # Raised again where generate builds its compile views in a child process.
        return (LoadError, (self.path, self.message, self.line, self.column))

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}: load: {self.message}"
        return f"{self.path}: load: {self.message}"


@dataclass(frozen=True)
class LoadedSpec:
    """A parsed spec: plain JSON-compatible data, plus where each node was written.

    ``data`` is OpenAPI 3.1 whatever the file's version, its harmless faults repaired
    (see ``_convert_repair``); ``written`` is the document as the file has it, with the
    same repairs (None for 3.1: ``data`` is it), ``source_version`` its version (``"3.1"``,
    ``"3.0"``, ``"2.0"``, or None for one specbind does not read), and ``positions`` are
    of ``written``'s pointers. ``load_warnings`` are what the loader read as written but
    its author may have meant otherwise (lint reports them).
    """

    path: str
    data: dict[str, Any]
    sha256: str
    positions: Mapping[str, tuple[int, int]] = field(repr=False)
    source_version: str | None = "3.1"
    written: dict[str, Any] | None = field(default=None, repr=False)
    source_map: SourceMap | None = field(default=None, repr=False)
    load_warnings: tuple[Problem, ...] = ()

    def as_written(self) -> LoadedSpec:
        """This spec with ``data`` as the file has it (for checks of the written version)."""
        if self.written is None:
            return self
        return LoadedSpec(self.path, self.written, self.sha256, self.positions, self.source_version)

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
        if self.source_map is not None:
            pointer = self.source_map.to_source(pointer)
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


def load_spec(path: str | Path, *, cache: Cache | None = None) -> LoadedSpec:
    """Read and parse one spec file. Raises :class:`LoadError` with a one-line reason.

    With ``cache``, the read of the text is kept there and taken from there when the
    same text was read before (see ``_read_cache``): the result is the same.
    """
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
        kind = "yaml"
        if shown.lower().endswith(".json"):
            text = _checked_json(shown, text)
            kind = "json"
        document, positions, warned = cached_read(
            text, kind, cache, functools.partial(_read, text, kind)
        )
    except Refused as exc:
        raise LoadError(shown, exc.message, exc.line, exc.column) from None
    except Exception as exc:
        invalid = _invalid_yaml(shown, exc)
        if invalid is None:
            raise
        raise invalid from None
    if not isinstance(document, dict):
        kind = "empty" if document is None else f"a {type(document).__name__}"
        raise LoadError(shown, f"the top level is {kind}; an OpenAPI document is a mapping")
    warnings = [
        Problem(shown, found.line, found.column, found.rule, found.message, "warning")
        for found in warned
    ]
    sha256 = hashlib.sha256(raw).hexdigest()
    version = source_version(document)
    if version is None:
        return LoadedSpec(
            shown, document, sha256, positions, version, load_warnings=tuple(warnings)
        )
    if version == "3.1":
        spec = LoadedSpec(shown, document, sha256, positions, version)
    else:
        converted = convert(document, version)
        spec = LoadedSpec(
            shown, converted.data, sha256, positions, version, document, converted.source_map
        )
        for pointer, message in converted.warnings:
            line, column = spec.as_written().locate(pointer)
            warnings.append(Problem(shown, line, column, "convert", message, "warning"))
    return _repaired(spec, warnings)


def _repaired(spec: LoadedSpec, warnings: list[Problem]) -> LoadedSpec:
    """The spec with its harmless faults repaired (see ``_convert_repair``), each warned of."""
    # Imported here: the repairs walk the document with ``_walk``, which imports this module.
    from ._convert_repair import find_repairs, repaired_data

    try:
        repairs = find_repairs(spec)
        data, written = repaired_data(spec, repairs) if repairs else (spec.data, spec.written)
    except RecursionError:
        # Nested too deep to walk: lint says so, and nothing is repaired.
        return replace(spec, load_warnings=tuple(warnings))
    for repair in repairs:
        line, column = spec.locate(repair.pointer)
        warnings.append(Problem(spec.path, line, column, "openapi", repair.message, "warning"))
    return replace(spec, data=data, written=written, load_warnings=tuple(warnings))


def _invalid_yaml(shown: str, error: Exception) -> LoadError | None:
    """What ruamel's parser said of text that is not YAML, as a LoadError; None for any
    other error. ruamel is imported here, not with this module: a spec read from the
    cache needs no YAML parser, and one that failed to parse has imported it already."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        reason = " ".join(str(error.problem or error.context or "invalid YAML").split())
        return LoadError(shown, f"invalid YAML: {reason}", line, column)
    if isinstance(error, YAMLError):
        return LoadError(shown, f"invalid YAML: {' '.join(str(error).split())}")
    return None


def _read(text: str, kind: str) -> Read:
    """The document, positions and warnings of a spec's text (``.json`` files: ``json``)."""
    read = json_document(text) if kind == "json" else None
    return (*read, []) if read else plain_document(text)


def _checked_json(shown: str, text: str) -> str:
    """Check a ``.json`` file is JSON (YAML would take more); the text to read positions from.

    JSON is YAML 1.2, but YAML also takes what JSON does not (comments, trailing commas,
    unquoted strings), so a ``.json`` file is first read as JSON: a syntax error is
    refused at its line, and ``NaN`` or ``Infinity``. (A duplicate key is refused at its
    line when the text is read as YAML.) Tabs, which JSON allows between tokens and YAML
    does not everywhere, become spaces: a JSON string holds none.
    """

    def no_constant(name: str) -> Any:
        raise _JSONConstant(name)

    try:
        json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        raise LoadError(shown, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except _JSONConstant as exc:
        raise LoadError(shown, f"invalid JSON: {exc.name} is not a JSON number") from None
    return text.replace("\t", " ")


class _JSONConstant(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

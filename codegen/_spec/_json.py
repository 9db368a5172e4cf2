"""Read a ``.json`` spec fast: the stdlib's parser for the data, one scan for positions.

ruamel's pure-Python YAML parser reads a 3 MB JSON document (GitHub's, Kubernetes') in
about 20 s; ``json.loads`` takes a tenth of a second. Positions come from one pass of a
lexeme regex over the text, which keeps the same bounds the YAML loader keeps (nesting
depth, node count, key length, pointer length) so that a hostile file is refused before
it is parsed. What that pass cannot tell a user precisely (a duplicate key, a string
with a surrogate escape) sends the file back to the YAML loader, which names its line.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._events import (
    MAX_DEPTH,
    MAX_KEY_CHARS,
    MAX_NODES,
    MAX_POINTER_CHARS,
    Refused,
    escape_pointer_token,
)

__all__ = ["json_document"]

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+', re.DOTALL)
#: A ``\uD800``-``\uDFFF`` escape: JSON allows a lone one, Unicode text does not.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


class _Duplicate(Exception):
    """An object with one key twice: the YAML loader says where."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Duplicate
    return found


def json_document(text: str) -> tuple[Any, dict[str, tuple[int, int]]] | None:
    """The JSON document ``text`` as plain data and the (line, column) of each pointer
    (of each key in an object, each item in an array), or ``None`` when the YAML loader
    should read it instead. ``text`` is valid JSON (the caller checked it).

    Raises :class:`Refused` for a document past the loader's bounds.
    """
    if _SURROGATE_ESCAPE.search(text):
        return None
    positions = _positions(text)
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except _Duplicate:
        return None
    return data, positions


def _positions(text: str) -> dict[str, tuple[int, int]]:
    positions: dict[str, tuple[int, int]] = {"": (1, 1)}
    # Each open container: its pointer, whether it is an object, and its next index (an
    # array) or whether a key is awaited (an object).
    stack: list[list[Any]] = []
    key_pointer = ""
    line, line_start, scanned = 1, 0, 0
    nodes = pointer_chars = 0
    for match in _TOKEN.finditer(text):
        lexeme, start = match.group(), match.start()
        if lexeme in ",:":
            continue
        if lexeme in "}]":
            stack.pop()
            continue
        breaks = text.count("\n", scanned, start)
        if breaks:
            line += breaks
            line_start = text.rindex("\n", scanned, start) + 1
        scanned = start
        where = (line, start - line_start + 1)
        top = stack[-1] if stack else None
        if top is not None and top[1] and top[2]:  # a key
            key = json.loads(lexeme) if "\\" in lexeme else lexeme[1:-1]
            if len(key) > MAX_KEY_CHARS:
                raise Refused(
                    f"a mapping key of {len(key):,} characters; keys may be at most "
                    f"{MAX_KEY_CHARS:,}",
                    *where,
                )
            key_pointer = f"{top[0]}/{escape_pointer_token(key)}"
            pointer_chars += len(key_pointer)
            positions[key_pointer] = where
            top[2] = False
            continue
        nodes += 1
        if nodes > MAX_NODES:
            raise Refused(f"more than {MAX_NODES:,} nodes; a spec is far smaller", *where)
        if top is None:
            pointer = ""
        elif top[1]:
            pointer = key_pointer
            top[2] = True
        else:
            pointer = f"{top[0]}/{top[2]}"
            top[2] += 1
            pointer_chars += len(pointer)
            positions[pointer] = where
        if pointer_chars > MAX_POINTER_CHARS:
            raise Refused(
                "its keys nest too long: the JSON pointers of its nodes total more than "
                f"{MAX_POINTER_CHARS:,} characters"
            )
        if lexeme in "{[":
            if len(stack) >= MAX_DEPTH:
                raise Refused("nesting too deep to parse")
            stack.append([pointer, lexeme == "{", lexeme == "{" or 0])
    return positions

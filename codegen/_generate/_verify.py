"""The last check before anything is written: every generated module compiles.

The last line of defence against a template or spec string that broke out of its
literal, or names that clash: whatever we write must compile, which also catches what
``ast.parse`` lets through (a duplicate argument, say).

A large module (the client of a large spec runs to tens of thousands of lines) is
compiled a piece at a time: compile() holds the syntax tree of all it is given at once,
tens of bytes for every byte of source, and for the largest specs that was the largest
thing generate ever held. A piece is a run of top-level definitions, or of definitions
directly in a top-level class (compiled in a class of the same name, so that names are
mangled alike). Each is compiled at its own line numbers behind a statement (so that a
``from __future__`` import in it is refused as it would be in the whole module), with the
``__future__`` features of the module's head.

A module whose pieces all compile compiles whole: each piece ends with every bracket,
string and block closed, so the module's tokens are the pieces' one after another; a
class body accepts nothing a module's body refuses; and no compile-time rule spans two
statements of one body but those about ``global`` and ``nonlocal``. A module that may
hold one of those, or any piece that fails, is compiled whole, and the error reported is
the whole module's.
"""

from __future__ import annotations
import __future__

import re
from typing import NamedTuple

from ._ir import CompileError

__all__ = ["verify_python"]

#: Lines per piece: small enough that no piece's syntax tree weighs much, large enough
#: that the pieces add no time.
_PIECE_LINES = 2000
#: Where a piece may start, after a blank line: a top-level definition, or one directly
#: in a top-level class (the client's methods), which is compiled in a class of its own.
_START = re.compile(r"(?<=\n\n)(?:(?:@|class |def |async def )|(    )(?:@|def |async def ))")
#: A top-level class statement, its decorators (and their wrapped lines) included.
_CLASS = re.compile(r"(?:@[^\n]*\n(?:[ \t)][^\n]*\n)*)*class (\w+)")
#: Where a ``global`` or ``nonlocal`` statement may start (a line, or after ``;`` or
#: ``:``): the only compile-time rules that span statements. Text that only looks like
#: one (in a docstring) just costs the whole-module compile.
_DECLARATION = re.compile(r"(?:^|[;:])[ \t\f]*(?:global|nonlocal)\b", re.MULTILINE)
_FUTURE_FLAGS = 0
for _feature in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _feature).compiler_flag


class _Piece(NamedTuple):
    start: int  # offset in the module
    line: int  # its first line's number
    in_class: str | None  # the top-level class whose body it starts in


def verify_python(shown: str, content: str) -> None:
    """Raise :class:`CompileError` unless ``content`` compiles (``shown`` names it)."""
    pieces = _pieces(content)
    if len(pieces) > 1 and not _DECLARATION.search(content) and _pieces_compile(content, pieces):
        return
    _compile(shown, content)


def _pieces(content: str) -> list[_Piece]:
    """The pieces of a module, each of at least ``_PIECE_LINES`` lines (but the last)."""
    pieces = [_Piece(0, 1, None)]
    line, counted, in_class = 1, 0, None
    for found in _START.finditer(content):
        nested = found.group(1) is not None
        if not nested:
            header = _CLASS.match(content, found.start())
            in_class = header.group(1) if header else None
        elif in_class is None:
            continue
        line += content.count("\n", counted, found.start())
        counted = found.start()
        if line - pieces[-1].line >= _PIECE_LINES:
            pieces.append(_Piece(found.start(), line, in_class if nested else None))
    return pieces


def _pieces_compile(content: str, pieces: list[_Piece]) -> bool:
    ends = [piece.start for piece in pieces[1:]] + [len(content)]
    flags = 0
    for piece, end in zip(pieces, ends, strict=True):
        # A later piece keeps its line numbers: its first line is a statement (the class
        # it starts in, for one in a class body), then blank lines.
        text = content[piece.start : end]
        if piece.start:
            lead = f"class {piece.in_class}:" if piece.in_class else "pass"
            text = lead + "\n" * (piece.line - 1) + text
        try:
            code = compile(text, "<piece>", "exec", flags=flags, dont_inherit=True)
        except SyntaxError:
            return False
        if piece.start == 0:
            flags = code.co_flags & _FUTURE_FLAGS
    return True


def _compile(shown: str, content: str) -> None:
    try:
        compile(content, shown, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise CompileError(
            f"{shown}:{exc.lineno}: compile: generated code does not compile "
            f"({exc.msg}); this is a specbind bug"
        ) from None

"""The last check of generate: a large module, compiled a piece at a time, is refused
exactly when compiling it whole fails, at the line compile() names."""

from __future__ import annotations

import pytest
from specbind._generate._ir import CompileError
from specbind._generate._verify import _PIECE_LINES, _pieces, verify_python

#: A class of many methods, then many top-level classes: both kinds of piece.
_METHOD = "    def method_{n}(self, a: int, b: int = 1) -> int:\n        return a + b\n\n"
_CLASS = "\n@decorate(\n    True,\n)\nclass Model{n}:\n    x: int = 1\n\n"


def _module(methods: int, classes: int, *, head: str = "") -> str:
    body = "".join(_METHOD.format(n=n) for n in range(methods))
    tail = "".join(_CLASS.format(n=n) for n in range(classes))
    return (
        f"from __future__ import annotations\n{head}\n\ndef decorate(x):\n"
        f"    return lambda c: c\n\n\nclass Client:\n    '''Docs.'''\n\n{body}{tail}"
    )


def _line_of(source: str, text: str) -> int:
    return source[: source.index(text)].count("\n") + 1


def test_a_large_module_is_compiled_in_pieces_of_both_kinds() -> None:
    source = _module(_PIECE_LINES, _PIECE_LINES // 2)
    pieces = _pieces(source)
    assert len(pieces) > 3
    assert any(piece.in_class == "Client" for piece in pieces)
    assert any(piece.in_class is None for piece in pieces[1:])
    verify_python("generated/api/client.py", source)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        # A duplicate argument deep in the class: only compiling finds it.
        (
            ("    def method_1500(self, a: int, b: int = 1)", "    def method_1500(self, a, a)"),
            "duplicate",
        ),
        # In a top-level class far down.
        (("class Model700:\n    x: int = 1", "class Model700:\n    return 1"), "outside function"),
        # A future import anywhere but the top.
        (
            (
                "\n@decorate(\n    True,\n)\nclass Model600:",
                "\nfrom __future__ import annotations\n@decorate(\n    True,\n)\nclass Model600:",
            ),
            "beginning of the file",
        ),
        # A name mangled in the class clashes with another argument's.
        (
            (
                "    def method_1500(self, a: int, b: int = 1)",
                "    def method_1500(self, __a, _Client__a)",
            ),
            "duplicate",
        ),
        # Module-level global after assignment, the two in different pieces.
        (
            (
                "class Model900:\n    x: int = 1\n",
                "class Model900:\n    x: int = 1\n\n\nglobal Model1\n",
            ),
            "global declaration",
        ),
    ],
)
def test_a_fault_in_any_piece_is_reported_as_the_whole_module_would(
    broken: tuple[str, str], message: str
) -> None:
    good = _module(2000, 1000)
    old, new = broken
    assert old in good
    source = good.replace(old, new, 1)
    with pytest.raises(CompileError, match=message) as caught:
        verify_python("generated/api/client.py", source)
    with pytest.raises(SyntaxError) as whole:
        compile(source, "generated/api/client.py", "exec", dont_inherit=True)
    assert str(caught.value).startswith(f"generated/api/client.py:{whole.value.lineno}: compile:")

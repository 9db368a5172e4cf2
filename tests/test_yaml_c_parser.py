"""libyaml's parser reads a spec as ruamel's does, or leaves it to ruamel.

``plain_document`` reads YAML with PyYAML's C parser (libyaml) when it can, and with
ruamel's pure-Python parser, the reference, when libyaml refuses the text, when the
builder refuses it, or when the text has what the two read differently. These tests hold
the C reading to the reference: wherever ``c_document`` gives a reading, ruamel gives the
same document, the same positions and the same warnings; and ``plain_document`` gives
exactly what ``ruamel_document`` gives (the same reading or the same error), on generated
documents, on every YAML file of the corpus, specs/ and the test fixtures.
"""

from __future__ import annotations

import lzma
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _support import ROOT
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml.error import YAMLError
from specbind import load_spec
from specbind._spec._events import (
    Refused,
    c_document,
    c_parser_version,
    plain_document,
    ruamel_document,
)

#: Above this size a file's ruamel reading takes seconds: such files are slow tests.
_LARGE = 1_000_000


def _reading(read: Callable[[str], Any], text: str) -> tuple[str, str]:
    """What ``read`` makes of ``text``, as comparable text: the reading or the error.

    ``repr`` tells ``1`` from ``True`` and ``1.0``, and keeps the keys' order.
    """
    try:
        return "read", repr(read(text))
    except Refused as exc:
        return "refused", repr((exc.message, exc.line, exc.column))
    except YAMLError as exc:
        return "invalid", f"{type(exc).__name__}: {exc}"


def _check(text: str) -> bool:
    """The C reading (when there is one) is ruamel's, and ``plain_document`` is ruamel's.

    Returns whether the C parser gave a reading of its own.
    """
    reference = _reading(ruamel_document, text)
    assert _reading(plain_document, text) == reference
    try:
        fast = c_document(text)
    except Exception:  # any refusal sends the text to ruamel
        return False
    assert ("read", repr(fast)) == reference
    return True


def test_libyaml_is_there_to_read_with() -> None:
    # PyYAML is a pinned dependency, and its wheels carry libyaml: without it every read
    # is ruamel's, correct but ten times slower, and these tests would compare ruamel
    # with itself.
    assert c_parser_version().startswith("pyyaml 6.0.4 libyaml ")


# -- generated documents ----------------------------------------------------------------

#: Plain scalars: numbers, booleans, nulls and dates of YAML 1.1 and 1.2, words, and text
#: with the characters that end or start a plain scalar somewhere.
_PLAIN = st.sampled_from(
    [
        "0", "012", "0o17", "0x1F", "0b101", "1_000", "-1", "+1", "1.5", ".5", "1.", "1e3",
        "+1e3", "-.inf", ".NaN", "1:20", "1:20:30", "190:20:30", "2001-12-14",
        "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-1-1",
        "true", "True", "TRUE", "false", "yes", "No", "on", "OFF", "y", "n", "null", "Null",
        "~", "<<", "=", "word", "two words", "a:b", "a#b", "a -b", "a- b", "-a", "?a", ":a",
        "http://x.y/z?a=b&c=d#f", "[not]", "a,b", "é", "😀", "日本語", "a'b", 'a"b', "a\\b",
        "%a", "@a", "`a", "x" * 300,
    ]
)  # fmt: skip
#: Characters YAML does not print (C0 and C1 controls, DEL, non-characters) or that sit
#: at the edges of the printable ranges.
_ODD = ["\u00a0", "\x7f", "\x00", "\x1f", "\x80", "\x9f", "\ud7ff", "\ue000", "\ufffe", "\uffff"]
#: Characters for quoted and block scalars: ASCII, Latin, CJK, astral, tab, quotes.
_CHARS = st.sampled_from(list("ab yz09:#-?,[]{}&*!|>'\"%@`\\\t/é日😀") + _ODD)
#: Double-quoted escapes YAML 1.2 defines (and some it does not: libyaml or ruamel refuses).
_ESCAPES = st.sampled_from(
    [
        "\\0", "\\a", "\\b", "\\t", "\\\t", "\\n", "\\v", "\\f", "\\r", "\\e", "\\ ", '\\"',
        "\\/", "\\\\", "\\N", "\\_", "\\L", "\\P", "\\x41", "\\u00e9", "\\U0001F600",
        "\\ud83d\\ude00", "\\ud800", "\\q", "\\x4", "\\\n  ",
    ]
)  # fmt: skip


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


@st.composite
def _scalar(draw: st.DrawFn, indent: int) -> str:
    """One scalar as written after ``key: `` or ``- `` at ``indent``."""
    style = draw(st.sampled_from(["plain", "plain", "single", "double", "block", "multi"]))
    if style == "plain":
        return draw(_PLAIN)
    if style == "single":
        text = draw(st.text(_CHARS, max_size=12))
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        parts = draw(st.lists(st.text(_CHARS, max_size=4) | _ESCAPES, max_size=5))
        return (
            '"' + "".join(part if part.startswith("\\") else _quoted(part) for part in parts) + '"'
        )
    pad = " " * (indent + 2)
    if style == "multi":
        words = draw(st.lists(st.sampled_from(["a", "b c", "é", "1", "x:y", "#z"]), min_size=2))
        return f"\n{pad}".join(words)
    header = draw(st.sampled_from(["|", ">", "|-", ">+", "|2", ">-", "|+"]))
    lines = draw(
        st.lists(
            st.text(_CHARS, max_size=10).map(lambda s: s.rstrip("\\"))
            | st.sampled_from(["", "  indented", "\t"]),
            min_size=1,
            max_size=4,
        )
    )
    return header + "".join(f"\n{pad}{line}" if line else "\n" for line in lines)


def _key() -> st.SearchStrategy[str]:
    return _PLAIN | st.sampled_from(["'quoted'", '"dq\\tkey"', "200", "404", "'200'", "? x"])


@st.composite
def _flow(draw: st.DrawFn, depth: int) -> str:
    """A flow collection, on one line or several."""
    items: list[str] = []
    mapping = draw(st.booleans())
    for _ in range(draw(st.integers(0, 3))):
        if depth > 0 and draw(st.booleans()):
            value = draw(_flow(depth - 1))
        else:
            value = draw(
                st.sampled_from(["a", "1", "'s'", '"d"', "é", "true", "2001-01-01", "x y", ""])
            )
        items.append(
            f"{draw(st.sampled_from(['k', '1', 'é', 'k2', 'kk']))}: {value}" if mapping else value
        )
    sep = draw(st.sampled_from([", ", ",", ",\n  ", " , "]))
    body = sep.join(dict.fromkeys(items) if mapping else items)
    return ("{" + body + "}") if mapping else ("[" + body + "]")


@st.composite
def _block(draw: st.DrawFn, indent: int, depth: int) -> str:
    """A block mapping or sequence at ``indent``: lines, each ending in a newline."""
    pad = " " * indent
    sequence = draw(st.integers(0, 3)) == 0
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        prefix = draw(st.sampled_from(["", "", "", "&anchor ", "!tag ", "*alias "]))
        if prefix == "*alias ":
            value = "*anchor"
        else:
            kind = draw(
                st.sampled_from(["scalar", "scalar", "flow", "block"] if depth else ["scalar"])
            )
            if kind == "block":
                inner = indent + draw(st.sampled_from([2, 4, 1]))
                nested = draw(_block(inner, depth - 1))
                value = prefix.rstrip() + "\n" + nested.rstrip("\n")
            elif kind == "flow":
                value = prefix + draw(_flow(2))
            else:
                value = prefix + draw(_scalar(indent))
        comment = draw(st.sampled_from(["", "", " # note", "\t# tab", " #é"]))
        if "\n" in value or value.endswith(("|", ">")):
            comment = ""
        head = "- " if sequence else f"{draw(_key())}:{' ' if value[:1] != chr(10) else ''}"
        if not sequence and not value:
            head = head.rstrip()
        lines.append(f"{pad}{head}{value}{comment}\n")
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["\n", f"{pad}# comment\n", "   \n"])))
    return "".join(lines)


@st.composite
def _document(draw: st.DrawFn) -> str:
    body = draw(_block(0, 3))
    head = draw(
        st.sampled_from(
            ["", "", "", "---\n", "--- # c\n", "%YAML 1.1\n---\n", "%YAML 1.2\n---\n", "\ufeff"]
        )
    )
    tail = draw(st.sampled_from(["", "", "...\n", "---\nb: 2\n", "# end"]))
    text = head + body + tail
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\n", "\r\n")
    return text


#: What a mutation inserts: YAML's indicators, whitespace, breaks and some text.
_NOISE = st.sampled_from(
    [*":-?,[]{}#&*!|>'\"%@` \t\n\rxé😀\\", "\u2028", "\x85", "\ufeff", ": ", "- ", "  ", *_ODD]
)


#: Lines of real specs, for windows of them to damage (a few small ones, read once).
_REAL_LINES = [
    (ROOT / folder / name).read_text(encoding="utf-8").splitlines(keepends=True)
    for folder, name in [
        ("specs", "prunner.yaml"),
        ("specs", "vectara.yaml"),
        ("tests/corpus", "airflow-v1.yaml"),
        ("tests/corpus", "scalar-galaxy.yaml"),
    ]
]


@st.composite
def _real_window(draw: st.DrawFn) -> str:
    """Up to 40 consecutive lines of a real spec, dedented to the first one's indentation."""
    lines = draw(st.sampled_from(_REAL_LINES))
    start = draw(st.integers(0, len(lines) - 1))
    window = lines[start : start + draw(st.integers(1, 40))]
    cut = len(window[0]) - len(window[0].lstrip(" "))
    return "".join(line[cut:] if line[:cut].isspace() else line for line in window)


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    """A generated document, or lines of a real one, with a few characters inserted,
    removed or replaced."""
    text = draw(_document() | _real_window())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "delete", "replace"]))
        if how == "insert":
            text = text[:at] + draw(_NOISE) + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + draw(_NOISE) + text[at + 1 :]
    return text


#: The text of one line of a multi-line scalar: words, indicators, comments, quotes.
_PIECES = [*"ab #:-'\"", "é", "😀", " #", ": ", "- "]
_LINE = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)


@st.composite
def _multiline(draw: st.DrawFn) -> str:
    """A mapping of multi-line scalars: lines indented anyhow, blank lines with spaces."""
    lines = []
    for number in range(draw(st.integers(1, 3))):
        indent = draw(st.sampled_from([0, 0, 2, 4]))
        style = draw(st.sampled_from(["block", "plain", "single", "double"]))
        head = draw(
            st.sampled_from(["|", ">", "|-", ">+", "|2", ">1-", "|+ # c", "> #"])
            if style == "block"
            else st.sampled_from({"plain": [""], "single": ["'"], "double": ['"']}[style])
        )
        lines.append(f"{' ' * indent}k{number}: {head}{draw(_LINE) if style != 'block' else ''}")
        for _ in range(draw(st.integers(0, 4))):
            spaces = " " * (indent + draw(st.integers(0, 5)))
            lines.append(spaces + draw(_LINE))
        if style in ("single", "double"):
            lines[-1] += head
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n", "\n  \n"]))


_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_document())
@example("é😀: ü😀\n  \nx: [a, 'b', \"c\\/d\\t\\N\\_\\L\\P\\e\"]\n")
@example("openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n        200: {}\n")
@example("a: 2001-12-14\nb: '2001-12-14'\n")
@example("a: b\r\nc: [d, e]\r\n")
@example("%YAML 1.1\n---\na: yes\n")
@example("%YAML 1.2\n---\na: 1\n")
@example("\ufeffa: 1\n")
@example('a: "x\u2028y"\nb: c\u2028d\n')
@example("a: 1\na: 2\n")
@example("a: &x 1\nb: *x\n")
@example("<<: {a: 1}\n")
@example("a: !!str 1\n")
@example('a: "\\ud83d\\ude00"\n')
@example("{a:1}\n")
@example("a: b\t# c\n")
@example("- a\n-\tb\n")
@example("a: |\n  x\n\n\n")
@example("|\n#")
@example("a: >#\n  x\n")
@example("? >#\n  x\n: v\n")
@example("? |\n \n  x\n: v\n")
@example("a: 0b101\nb: 0o17\nc: 012\nd: .inf\n")
@example("é" * 40 + ": x\n" + "k: [1, " + "y" * 2000 + "]\n")
def test_a_generated_document_reads_as_ruamel_reads_it(text: str) -> None:
    _check(text)


@_SETTINGS
@given(_multiline())
@example("k0: |\n  \n    a\n  b\n")
@example("k0: |\n \n  \n")
@example("k0: |\n\n  \n   a\n")
@example("k0: a\n  # c\n  b\n")
@example("k0: 'a\n\n   b'\n")
def test_multi_line_scalars_read_as_ruamel_reads_them(text: str) -> None:
    _check(text)


@_SETTINGS
@given(_real_window())
def test_lines_of_real_specs_read_as_ruamel_reads_them(text: str) -> None:
    _check(text)


@_SETTINGS
@given(_mutated())
def test_a_damaged_document_reads_as_ruamel_reads_it(text: str) -> None:
    _check(text)


@_SETTINGS
@given(st.text(st.sampled_from([*":-?,[]{}#&*!|>'\"%@` \t\n\rab1é😀\\.~", *_ODD]), max_size=40))
def test_any_short_text_reads_as_ruamel_reads_it(text: str) -> None:
    _check(text)


def test_most_generated_documents_are_read_by_the_c_parser() -> None:
    # Not a property: a check that the tests above compare the C reading, rather than
    # ruamel's fallback with itself.
    texts = [
        "a: 1\n",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        "a:\n  - x\n  - 'y'\n  - \"z\\tq\"\n  - |\n    block\n",
        "é😀: ü😀\n",
        "a: b\r\n",
        # A blank first line with spaces, and none more indented after it (OpenAI's).
        "x:\n  k0: |+\n    \n  x: 1\n",
        "k0: |\n  \n \n  a\n",
        # Characters before a block scalar: its header is found by character index.
        "é😀日: |\n  x\nü😀: >-\n  y\n",
    ]
    assert all(_check(text) for text in texts)


# -- real documents ---------------------------------------------------------------------


def _files() -> list[Any]:
    """Every YAML (and small JSON) file of the corpus, specs/ and the test fixtures."""
    found: list[Path] = sorted((ROOT / "tests" / "corpus").glob("*.y*ml*"))
    found += sorted((ROOT / "specs").glob("*.y*ml"))
    for folder in ("bad_specs", "fixtures"):
        found += sorted((ROOT / "tests" / folder).rglob("*.y*ml"))
    found += [
        path
        for path in sorted((ROOT / "tests" / "corpus").glob("*.json"))
        if path.stat().st_size < 300_000
    ]
    cases = []
    for path in found:
        if path.parent.name == "bad_specs" and not _utf8(path):
            continue  # the loader refuses it before any parser sees it
        size = path.stat().st_size * (10 if path.name.endswith(".xz") else 1)
        marks = [pytest.mark.slow] if size > _LARGE else []
        cases.append(pytest.param(path, id=str(path.relative_to(ROOT)), marks=marks))
    return cases


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("path", _files())
def test_each_real_document_reads_as_ruamel_reads_it(path: Path) -> None:
    data = path.read_bytes()
    if path.name.endswith(".xz"):
        data = lzma.decompress(data)
    text = data.decode("utf-8")
    c_read = _check(text)
    # The specs and the corpus documents are YAML libyaml reads: the fast path serves them.
    if path.parent.name in ("corpus", "specs"):
        assert c_read, path


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(path, id=path.name)
        for path in [
            *sorted((ROOT / "tests" / "corpus").glob("*.y*ml*")),
            *sorted((ROOT / "specs").glob("*.y*ml")),
        ]
    ],
)
def test_each_corpus_yaml_document_is_read_by_libyaml(path: Path) -> None:
    # Quick (no ruamel reading): what the test above checks for the large documents in
    # the slow run, that the C parser serves them rather than deferring to ruamel.
    data = path.read_bytes()
    text = (lzma.decompress(data) if path.name.endswith(".xz") else data).decode("utf-8")
    document, positions, _ = c_document(text)
    assert isinstance(document, dict)
    assert len(positions) > 1


def test_without_pyyaml_ruamel_reads_alone(tmp_path: Path) -> None:
    # PyYAML absent (or built without libyaml): the loader reads as it did before it.
    spec = ROOT / "specs" / "prunner.yaml"
    script = (
        "import sys; sys.modules['yaml'] = None\n"
        "from specbind._spec import _events, _read_cache\n"
        "from specbind import load_spec\n"
        "assert _events.c_parser_version() == ''\n"
        "assert _read_cache._reader_id() is not None\n"
        f"spec = load_spec({str(spec)!r})\n"
        "print(repr((spec.data, dict(spec.positions), spec.load_warnings)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    fresh = load_spec(spec)
    assert done.stdout == repr((fresh.data, dict(fresh.positions), fresh.load_warnings)) + "\n"

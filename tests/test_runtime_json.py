"""The bindings' JSON parse: msgspec when installed, and always the json module's answer.

``parse_json`` must give, for every body, what the json module (with non-finite numbers
refused) gives: the same value with the same Python types, or the same error with the
same words. With msgspec installed it parses first; these tests run with it installed
(the ``test`` extra has it), and in a subprocess where it cannot be imported.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generated.prunner
from generated._runtime import FAST_PARSER, _json, parse_json
from generated.prunner.models import Job


def _typed(value: Any) -> Any:
    """``value`` with every type spelled out: 1 is not 1.0 nor True, -0.0 is not 0.0."""
    if isinstance(value, dict):
        return ("object", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("array", [_typed(item) for item in value])
    if type(value) is float:
        return ("float", repr(value), math.copysign(1.0, value))
    return (type(value).__name__, value)


def _outcome(parse: Any, body: bytes | str) -> Any:
    try:
        return ("ok", _typed(parse(body)))
    except (ValueError, RecursionError) as exc:
        return ("raised", type(exc), str(exc))


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 3, max_value=2**64 + 3),
    st.integers(min_value=-(2**63) - 3, max_value=-(2**63) + 3),
    st.integers(min_value=10**30, max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)
#: Pieces that break, stretch or bend JSON: what a hostile or sloppy server sends.
_PIECES = [
    "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400", "-0", "-0.0", "0.1e1",
    "01", "1.", ".5", "+1", "1E5", "18446744073709551616", "-9223372036854775809",
    "123456789012345678901234567890.5", '"\\ud800"', '"\\udc00\\ud800"', '"\\ud83d\\ude00"',
    '"\\u0000"', '"\\x"', '"\x01"', "\ufeff", "\u00e9", "[" * 40, "]" * 40, '{"a":1,"a":2}',
    ",", ":", '"', "\\", " ", "\t", "\n", "\x0c", "tru", "nul", "true", "null", "[]", "{}",
]  # fmt: skip


@st.composite
def _bodies(draw: st.DrawFn) -> bytes:
    text = json.dumps(draw(_VALUES), ensure_ascii=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + draw(st.sampled_from(_PIECES)) + text[at + cut :]
    body = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        # A stray byte: not UTF-8, or a multi-byte character cut short.
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + body[at:]
    return body


@settings(max_examples=1500, deadline=None)
@given(body=_bodies())
def test_the_fast_parse_is_the_json_modules_parse(body: bytes) -> None:
    expected = _outcome(_json._standard, body)
    assert _outcome(parse_json, body) == expected
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return
        assert _outcome(parse_json, text) == _outcome(_json._standard, text)


@pytest.mark.parametrize(
    "body",
    [
        b"18446744073709551616",
        b"-9223372036854775809",
        b"[" + b"9" * 4000 + b"]",
        b'{"x": 123456789012345678901234567890}',
    ],
)
def test_big_integers_keep_every_digit(body: bytes) -> None:
    assert parse_json(body) == json.loads(body)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"NaN", "NaN is not JSON"),
        (b"[1e400]", "the number 1e400 is out of range"),
        (b"1" * 5000, "Exceeds the limit"),
        (b"\xff", "can't decode byte 0xff"),
        (b"{", "Expecting property name"),
    ],
)
def test_what_is_not_json_is_refused_in_the_json_modules_words(body: bytes, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_json(body)


def test_msgspec_is_the_fast_parser_when_installed() -> None:
    # The test extra installs it: these tests compare the two parses, not one with itself.
    assert FAST_PARSER == "msgspec"


_WITHOUT_MSGSPEC = textwrap.dedent(
    """
    import sys
    sys.modules["msgspec"] = None  # as if it were not installed
    import generated.prunner
    from generated._runtime import FAST_PARSER, parse_json
    from generated.prunner.models import Job
    assert FAST_PARSER is None, FAST_PARSER
    assert "msgspec" not in {name.partition(".")[0] for name in sys.modules if sys.modules[name]}
    job = generated.prunner.converter.loads(sys.stdin.buffer.read(), Job)
    assert parse_json(b"18446744073709551616") == 18446744073709551616
    print(job.id, job.tasks[0].name)
    """
)


def test_the_bindings_work_without_msgspec() -> None:
    body = (
        b'{"id":"52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8","pipeline":"release","tasks":[{"name"'
        b':"lint","status":"done","start":null,"end":null,"skipped":false,"exitCode":0,'
        b'"errored":false}],"completed":true,"canceled":false,"errored":false,'
        b'"created":"2026-11-23T07:28:20Z","start":null,"end":null,"user":"ci"}'
    )
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_MSGSPEC],
        input=body,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().split() == ["52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8", "lint"]
    assert generated.prunner.converter.loads(body, Job).tasks[0].name == "lint"

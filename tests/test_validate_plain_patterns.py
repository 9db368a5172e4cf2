"""The first look leaves plain patterns to jsonschema-rs's own engine: each must match
exactly the strings the ECMA-262 engine of the Python layers matches."""

from __future__ import annotations

import jsonschema_rs
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from specbind._validate._fast import DATE_TIME, is_plain
from specbind.runtime._regex import compile_pattern

_PIECES = st.sampled_from(
    [
        "^", "$", "a", "b", "Z", "0", "9", "-", ":", "_", " ", "@", "\\.", "\\-",
        "[a-c]", "[0-9]", "[+-]", "[A-Za-z]", "[.]", "[a\\-z]", "[Z-a]", "[c-a]",
        "(?:", ")", "|", "?", "*", "+", "{2}", "{1,3}", "{0,}", "{2,1}", "{0}",
    ]
)  # fmt: skip
_TEXT = st.text(st.sampled_from("abcZ09-:._ +@[]\n\r\u00e9\u2028\U0001f600\x00"), max_size=12)


def _rust_search(pattern: str) -> jsonschema_rs.Validator | None:
    try:
        return jsonschema_rs.validator_for({"pattern": pattern})
    except Exception:
        return None  # the first look is then not built at all


@settings(max_examples=1500, deadline=None)
@given(pattern=st.lists(_PIECES, max_size=10).map("".join), texts=st.lists(_TEXT, max_size=8))
def test_plain_patterns_match_alike_in_both_engines(pattern: str, texts: list[str]) -> None:
    assume(is_plain(pattern))
    rust = _rust_search(pattern)
    assume(rust is not None)
    ecma = compile_pattern(pattern)
    for text in [*texts, "a", "9", "-", "2024-01-01T00:00:00Z"]:
        assert rust.is_valid(text) == bool(ecma.search(text)), (pattern, text)


def test_what_is_plain() -> None:
    assert is_plain("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    assert is_plain(DATE_TIME)
    for pattern in ["^a.b$", "[^a]", "\\d", "\\w+", "(a)", "a{,3}", "é", "a??", "(?i)a", "[]"]:
        assert not is_plain(pattern), pattern
    assert not is_plain("a)")  # the ECMA-262 engine refuses it

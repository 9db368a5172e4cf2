"""The runtime's pattern engine: ECMA-262 readings, refusals, and agreement with ``re``.

The differential property generates patterns from the syntax both engines share, writes
each once as ECMA-262 and once as the Python pattern that means the same (``\\Z`` for
``$``, explicit ASCII classes for ``\\d`` and ``\\w``, ECMA's white space for ``\\s``,
ECMA's line terminators for ``.``), and compares them on values with newlines,
line separators and non-ASCII text.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from specbind.runtime import _regex
from specbind.runtime._regex import MAX_STATES, PatternError, Regex, compile_pattern

# -- ECMA-262 readings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        # `$` is the end of the value, never before a final newline.
        ("^[a-z]+$", "abc\n", False),
        ("job_.+$", "job_1\n", False),
        ("job_.+$", "job_1", True),
        # `\d` and `\w` are ASCII; `\s` is ECMA's white space and line terminators.
        (r"^\d$", "٣", False),
        (r"^\d$", "7", True),
        (r"^\w$", "é", False),
        (r"^\W$", "é", True),
        (r"^\s$", "\u2028", True),
        (r"^\s$", "\ufeff", True),
        (r"^\s$", "\x1c", False),
        # `.` is anything but a line terminator, astral characters included.
        ("^.$", "\u2028", False),
        ("^.$", "\r", False),
        ("^.$", "\U0001f600", True),
        # Not anchored unless it says so.
        ("b", "abc", True),
        ("^b", "abc", False),
        # Escapes.
        (r"^\x41\u0042\u{43}\cJ\0$", "ABC\n\0", True),
        (r"^\uD83D\uDE00$", "\U0001f600", True),
        (r"^[\=\-]+$", "=-", True),
        (r"^a\.b$", "axb", False),
        (r"^[\b]$", "\b", True),
        # Word boundaries use ECMA's (ASCII) word characters.
        (r"\bjob\b", "a job here", True),
        (r"\bjob\b", "jobs", False),
        (r"\Bob", "job", True),
        (r"é\b", "é", False),
        # Classes, groups, quantifiers (lazy ones match the same values).
        ("^[^a-c]+$", "xyz", True),
        ("^[^a-c]+$", "xaz", False),
        ("^[]$", "", False),
        ("^[^]$", "\n", True),
        ("^(?<id>ab)+?$", "abab", True),
        ("^a{2,3}$", "aaaa", False),
        ("^a{2,}$", "aaaa", True),
        ("^a{2}$", "aa", True),
        ("^x\\{$", "x{", True),
        ("^(?:a|bc)*$", "abcbca", True),
        ("", "", True),
        ("^$", "x", False),
    ],
)
def test_ecma_readings(pattern: str, value: str, matches: bool) -> None:
    assert compile_pattern(pattern).search(value) is matches


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "backreferences are not supported"),
        (r"(?<n>a)\k<n>", "backreferences are not supported"),
        ("(?=a)b", "lookaround is not supported"),
        ("(?!a)b", "lookaround is not supported"),
        ("(?<=a)b", "lookaround is not supported"),
        ("(?<!a)b", "lookaround is not supported"),
        (r"\p{L}", "Unicode property escapes are not supported"),
        ("(?i)a", "no inline flags"),
        ("a**", "nothing to repeat"),
        ("*a", "nothing to repeat"),
        ("^*", "nothing to repeat"),
        ("[b-a]", "range out of order"),
        (r"[\d-z]", "a class escape cannot bound a range"),
        ("a{3,2}", "numbers out of order"),
        ("(a", "missing ')'"),
        ("a)", "unbalanced ')'"),
        ("[a", "missing ']'"),
        ("a\\", "cannot end with"),
        (r"\A", "unknown escape"),
        (r"\Z", "unknown escape"),
        (r"\01", "octal escapes are not supported"),
        (r"\x4", "expected 2 hex digits"),
        (r"\u{110000}", "bad \\u{...} escape"),
        ("(?<a>x)(?<a>y)", "duplicate group name"),
        (f"a{{{MAX_STATES}}}", "too large"),
        ("(?:(?:a{100}){100}){100}", "too large"),
        ("(?:){99999999}", "too large"),
        ("((?:){9999}){9999}", "too large"),
        ("a{" + "9" * 5000 + "}", "too large"),
        ("(" * 5000 + "a" + ")" * 5000, "groups nested more than 100 deep"),
    ],
)
def test_patterns_it_cannot_run_are_refused(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError, match=re.escape(reason)) as caught:
        compile_pattern(pattern)
    assert caught.value.pattern == pattern


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        # What u mode refuses and Annex B would read as literals.
        (r"a\-b", "unknown escape '\\-'"),
        ("x{", "lone '{'"),
        ("a{,2}", "lone '{'"),
        ("x}", "lone '}'"),
        ("]", "lone ']'"),
        ("(?<1a>x)", "bad group name"),
        ("(?<a-b>x)", "bad group name"),
        ("(?<>x)", "bad group name"),
        (r"(?<\u0031>x)", "bad group name"),
        (r"(?<a>x)(?<\u0061>y)", "duplicate group name 'a'"),
    ],
)
def test_what_u_mode_refuses_is_refused(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError, match=re.escape(reason)):
        compile_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        ("^(?<a$>x)$", "x"),
        ("^(?<$>x)$", "x"),
        (r"^(?<\u0061>x)$", "x"),
        (r"^(?<\u{62}c>x)(?<b\u0063d>y)$", "xy"),
        (r"^[\-\=]\/\{\}\]$", "=/{}]"),
        # Escaped punctuation u mode refuses, kept as the literal every reading sees.
        (r"^\=\"$", '="'),
    ],
)
def test_what_u_mode_accepts_is_accepted(pattern: str, value: str) -> None:
    assert compile_pattern(pattern).search(value)


@pytest.mark.parametrize(
    "pattern",
    [
        # Each step would take more than about 5 µs once the DFA cache is full.
        "(?:(?:a|bc){1,20}d){1,20}x",
        "(?:a|bc){1,3000}x",
        "(?:[a-z]{1,3}[0-9]{1,3}){1,1600}$",
        "(?:x|y)(?:[a-z]{1,40}|[0-9]{1,40}){1,100}$",
    ],
)
def test_patterns_too_costly_per_character_are_refused(pattern: str) -> None:
    with pytest.raises(PatternError, match="too costly to match in at most 5 µs per character"):
        compile_pattern(pattern)


def test_hostile_patterns_cost_time_linear_in_the_value() -> None:
    # Python's re needs exponential time for the first and quadratic for the others.
    assert not compile_pattern("^(a+)+$").search("a" * 50_000 + "!")
    assert compile_pattern("^(a|aa)*$").search("a" * 50_000)
    assert not compile_pattern(r"[a-zA-Z0-9_\=\-]+$").search("a" * 50_000 + "!")
    assert not compile_pattern("job_.+$").search("job_" + "a" * 50_000 + "\n")


def test_a_full_dfa_cache_falls_back_to_state_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    # The n-th character from the end is an `a`: the DFA needs 2**13 states.
    monkeypatch.setattr(_regex, "_CACHE_BUDGET", 64)
    small = Regex("a[ab]{12}$")
    python = re.compile("a[ab]{12}\\Z")
    values = ["".join("ab"[(i * 7 + j * j) % 3 % 2] for j in range(200)) for i in range(40)]
    for value in values:
        assert small.search(value) is (python.search(value) is not None)
    assert len(small._states) < 64


# -- Agreement with Python's re on the shared syntax --------------------------------------


@dataclass(frozen=True)
class Pair:
    """One pattern written for both engines."""

    ecma: str
    python: str


_ALPHABET = "ab_9Z-\n\r\u2028 \té٣\U0001f600"
_ECMA_SPACE = "\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_CLASS_ESCAPES = {
    r"\d": "0-9",
    r"\w": "A-Za-z0-9_",
    r"\s": _ECMA_SPACE,
}


def _code(char: str) -> Pair:
    return Pair(f"\\u{{{ord(char):x}}}", f"\\U{ord(char):08x}")


def _literal(char: str) -> Pair:
    if char.isascii() and char.isalnum():
        return Pair(char, char)
    return _code(char)


@st.composite
def _class(draw: st.DrawFn) -> Pair:
    ecma, python = [], []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["char", "range", "escape"]))
        if kind == "escape":
            name = draw(st.sampled_from(sorted(_CLASS_ESCAPES)))
            ecma.append(name)
            python.append(_CLASS_ESCAPES[name])
            continue
        low = draw(st.sampled_from(_ALPHABET))
        high = draw(st.sampled_from(_ALPHABET)) if kind == "range" else low
        low, high = sorted((low, high))
        ecma.append(_code(low).ecma + ("-" + _code(high).ecma if high != low else ""))
        python.append(_code(low).python + ("-" + _code(high).python if high != low else ""))
    negated = draw(st.sampled_from(["", "^"]))
    return Pair(f"[{negated}{''.join(ecma)}]", f"[{negated}{''.join(python)}]")


_ATOMS = st.one_of(
    st.sampled_from(_ALPHABET).map(_literal),
    st.just(Pair(".", "[^\n\r\u2028\u2029]")),
    st.sampled_from(sorted(_CLASS_ESCAPES)).map(lambda e: Pair(e, f"[{_CLASS_ESCAPES[e]}]")),
    st.sampled_from(sorted(_CLASS_ESCAPES)).map(
        lambda e: Pair(e.upper(), f"[^{_CLASS_ESCAPES[e]}]")
    ),
    _class(),
)
# Python's `\B` does not match an empty value (before 3.14): spelled out with lookaround.
_BEFORE, _AFTER = "(?<=[A-Za-z0-9_])", "(?=[A-Za-z0-9_])"
_NOT_BEFORE, _NOT_AFTER = "(?<![A-Za-z0-9_])", "(?![A-Za-z0-9_])"
_ASSERTIONS = st.sampled_from(
    [
        Pair("^", "^"),
        Pair("$", r"\Z"),
        Pair(r"\b", f"(?:{_BEFORE}{_NOT_AFTER}|{_NOT_BEFORE}{_AFTER})"),
        Pair(r"\B", f"(?:{_BEFORE}{_AFTER}|{_NOT_BEFORE}{_NOT_AFTER})"),
    ]
)


@st.composite
def _quantified(draw: st.DrawFn, inner: st.SearchStrategy[Pair]) -> Pair:
    atom = draw(inner)
    least = draw(st.integers(0, 2))
    most = least + draw(st.integers(0, 2))
    quantifier = draw(st.sampled_from(["*", "+", "?", f"{{{least}}}", f"{{{least},}}"]))
    quantifier = draw(st.sampled_from([quantifier, f"{{{least},{most}}}"]))
    lazy = draw(st.sampled_from(["", "?"]))
    group = Pair(f"(?:{atom.ecma})", f"(?:{atom.python})")
    return Pair(group.ecma + quantifier + lazy, group.python + quantifier + lazy)


def _extend(inner: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    sequence = st.lists(inner, min_size=1, max_size=3).map(
        lambda parts: Pair("".join(p.ecma for p in parts), "".join(p.python for p in parts))
    )
    alternation = st.lists(sequence, min_size=2, max_size=3).map(
        lambda parts: Pair("|".join(p.ecma for p in parts), "|".join(p.python for p in parts))
    )
    grouped = alternation.map(lambda p: Pair(f"({p.ecma})", f"({p.python})"))
    return st.one_of(sequence, grouped, _quantified(inner))


_PATTERNS = st.recursive(st.one_of(_ATOMS, _ASSERTIONS), _extend, max_leaves=8)
_VALUES = st.text(alphabet=_ALPHABET, max_size=12)


@settings(max_examples=400, deadline=None)
@given(_PATTERNS, st.lists(_VALUES, min_size=1, max_size=8))
def test_it_agrees_with_python_re_on_the_shared_syntax(pair: Pair, values: list[str]) -> None:
    python = re.compile(pair.python, re.ASCII)
    engine = compile_pattern(pair.ecma)
    for value in values:
        assert engine.search(value) is (python.search(value) is not None), (pair, value)


# -- Long bounded repeats: agreement with re, on values from the pattern's alphabet ---------

# Literals and classes over a few letters, so that values made of runs of those letters
# reach the counts: repeats of one set are counted (when long, or always, below), others
# unrolled into shifts, carry families and rules. One level of quantifiers and unambiguous
# alternatives, so that re's backtracking stays polynomial on these values.
_RUN_ATOMS = st.sampled_from(
    [
        Pair("a", "a"),
        Pair("b", "b"),
        Pair("c", "c"),
        Pair("[ab]", "[ab]"),
        Pair("[^a]", "[^a]"),
        Pair(".", "[^\n\r\u2028\u2029]"),
        Pair(r"\w", "[A-Za-z0-9_]"),
    ]
)


@st.composite
def _run_item(draw: st.DrawFn) -> Pair:
    parts = draw(st.lists(_RUN_ATOMS, min_size=1, max_size=2))
    atom = Pair("".join(p.ecma for p in parts), "".join(p.python for p in parts))
    if draw(st.booleans()):
        # Alternatives that start differently: re backtracks exponentially otherwise.
        atom = Pair(f"a{atom.ecma}|c", f"a{atom.python}|c")
    least = draw(st.integers(0, 40))
    most = least + draw(st.integers(0, 40))
    quantifier = draw(st.sampled_from([f"{{{least},{most}}}", f"{{{least}}}", f"{{{least},}}"]))
    return Pair(f"(?:{atom.ecma}){quantifier}", f"(?:{atom.python}){quantifier}")


@st.composite
def _run_pattern(draw: st.DrawFn) -> Pair:
    items = draw(st.lists(st.one_of(_RUN_ATOMS, _run_item()), min_size=1, max_size=3))
    # Mostly anchored: a count one too many or too few then shows.
    start = draw(st.sampled_from([Pair("", ""), Pair("^", "^"), Pair("^", "^")]))
    end = draw(st.sampled_from([Pair("", ""), Pair("$", r"\Z"), Pair("$", r"\Z")]))
    return Pair(
        start.ecma + "".join(p.ecma for p in items) + end.ecma,
        start.python + "".join(p.python for p in items) + end.python,
    )


def _runs(lengths: list[int]) -> st.SearchStrategy[str]:
    """Values made of runs of the patterns' letters, of lengths near its counts."""
    return st.lists(st.tuples(st.sampled_from("abc\n"), st.sampled_from(lengths)), max_size=6).map(
        lambda runs: "".join(char * count for char, count in runs)
    )


@settings(max_examples=400, deadline=None)
@given(
    pair=_run_pattern(),
    data=st.data(),
    budget=st.sampled_from([0, 64, None]),
    count_from=st.sampled_from([_regex._COUNT_FROM, 2]),
)
def test_long_repeats_agree_with_python_re(
    pair: Pair, data: st.DataObject, budget: int | None, count_from: int
) -> None:
    python = re.compile(pair.python, re.ASCII)
    # Counting from 2 puts these short repeats through the counted positions too.
    default, _regex._COUNT_FROM = _regex._COUNT_FROM, count_from
    try:
        engine = Regex(pair.ecma)
    finally:
        _regex._COUNT_FROM = default
    # With no cache and with a small one, most characters take a computed step.
    if budget is not None:
        engine._budget = budget
    counts = {int(number) for number in re.findall("[0-9]+", pair.ecma)}
    lengths = sorted({0, 1, 2} | {n + d for n in counts for d in (-1, 0, 1) if n + d >= 0})
    for value in data.draw(st.lists(_runs(lengths), min_size=1, max_size=6)):
        assert engine.search(value) is (python.search(value) is not None), (pair, value)


@pytest.mark.parametrize(
    ("ecma", "python"),
    [
        ("^[ab]{257,300}$", r"^[ab]{257,300}\Z"),
        ("^x[ab]{300}y", "^x[ab]{300}y"),
        ("[ab]{0,280}c$", r"[ab]{0,280}c\Z"),
        ("^(?:[ab]{270,}c)+$", r"^(?:[ab]{270,}c)+\Z"),
        ("(?:^|c)[ab]{260,261}(?:c|$)", r"(?:^|c)[ab]{260,261}(?:c|\Z)"),
        (r"\ba{258,262}\b", r"\ba{258,262}\b"),
    ],
)
def test_counted_repeats_agree_with_python_re(ecma: str, python: str) -> None:
    engine, compiled = compile_pattern(ecma), re.compile(python, re.ASCII)
    assert engine._counters  # the repeat is counted, not unrolled
    lengths = [0, 1, 256, 257, 258, 259, 260, 261, 262, 263, 269, 270, 271, 279, 280, 281]
    lengths += [299, 300, 301, 560]
    values = [
        f"{head}{'a' * count}{tail}"
        for count in lengths
        for head in ("", "x", "c", "b" * 5)
        for tail in ("", "y", "c", "ac")
    ]
    # A character outside the set ends every count: two halves never add up.
    values += [f"{'a' * (count // 2)}x{'a' * (count - count // 2)}" for count in lengths]
    values += ["a" * 270 + "c" + "b" * 271 + "c", "a" * 270 + "cc", "ab" * 140 + "c"]
    for value in values:
        assert engine.search(value) is (compiled.search(value) is not None), (ecma, value)


# -- Alternations of literal words: agreement with re -------------------------------------

#: Characters for words and values: pattern syntax, `-` (which u mode refuses escaped
#: outside a class), line terminators and non-ASCII text.
_WORD_ALPHABET = "ab/_-.+*?^$|()[]{}\\\n\u2028é\U0001f600"


def _escaped(word: str, spelled: list[bool]) -> Pair:
    """``word`` as ECMA-262 literal characters (syntax escaped, some as ``\\u{...}``)
    and as re.escape writes it."""
    ecma = []
    for char, as_code in zip(word, spelled, strict=True):
        if as_code:
            ecma.append(_code(char).ecma)
        elif char in "^$\\.*+?()[]{}|/":
            ecma.append("\\" + char)
        else:
            ecma.append(char)
    return Pair("".join(ecma), re.escape(word))


_ANCHORS = [
    (Pair("", ""), Pair("", "")),
    (Pair("^", "^"), Pair("", "")),
    (Pair("", ""), Pair("$", r"\Z")),
    (Pair("^", "^"), Pair("$", r"\Z")),
]
#: Branches that are not literal: the engine runs them apart from the words.
_OTHER_BRANCHES = [
    Pair("a+/", "a+/"),
    Pair("^[ab]{2}$", r"^[ab]{2}\Z"),
    Pair(r"\d", "[0-9]"),
    Pair("(?:é|_)?\\.", "(?:é|_)?\\."),
]


@st.composite
def _literal_alternation(draw: st.DrawFn) -> tuple[Pair, list[str]]:
    words = draw(st.lists(st.text(_WORD_ALPHABET, max_size=6), min_size=1, max_size=12))
    branches = []
    for word in words:
        spelled = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
        escaped = _escaped(word, spelled)
        # Some branches carry their own anchors; the whole group may carry others.
        start, end = draw(st.sampled_from(_ANCHORS))
        branches.append(
            Pair(start.ecma + escaped.ecma + end.ecma, start.python + escaped.python + end.python)
        )
    branches += draw(st.lists(st.sampled_from(_OTHER_BRANCHES), max_size=2))
    branches = draw(st.permutations(branches))
    inner = Pair("|".join(b.ecma for b in branches), "|".join(b.python for b in branches))
    start, end = draw(st.sampled_from(_ANCHORS))
    whole = Pair(
        f"{start.ecma}(?:{inner.ecma}){end.ecma}", f"{start.python}(?:{inner.python}){end.python}"
    )
    return whole, words


@settings(max_examples=500, deadline=None)
@given(data=st.data(), alternation=_literal_alternation())
def test_literal_alternations_agree_with_python_re(
    data: st.DataObject, alternation: tuple[Pair, list[str]]
) -> None:
    pair, words = alternation
    python = re.compile(pair.python)
    engine = compile_pattern(pair.ecma)
    pieces = st.one_of(st.sampled_from(words), st.text(_WORD_ALPHABET, max_size=3))
    values = data.draw(st.lists(st.lists(pieces, max_size=5).map("".join), min_size=1, max_size=8))
    for value in [*words, *values]:
        assert engine.search(value) is (python.search(value) is not None), (pair, value)


def test_large_literal_alternations_are_matched_apart() -> None:
    engine = compile_pattern(_ZONES)
    assert engine._literals is not None
    # Only the branches with a repeat go to the position automaton.
    assert engine._rest is not None
    assert engine._rest._match.bit_length() < 200
    python = re.compile(_ZONES)
    for value in ["Region3/City_3", "x Region3/City_31 y", "Region3/City_4", "Etc/GMTTT1",
                  "Etc/GMT+1", "Etc/GM1", "", "Region0/City_0\n"]:  # fmt: skip
        assert engine.search(value) is (python.search(value) is not None), value
    with pytest.raises(PatternError, match="too costly"):
        compile_pattern(f"(?:ab|cd){{1,879}}x|{_ZONES}")


def test_literal_words_past_the_state_limit_are_refused() -> None:
    words = "|".join(f"word{i:05d}" for i in range(2000))
    with pytest.raises(PatternError, match="too large: its literal branches hold more than"):
        compile_pattern(words)


# -- The worst case per character, in a child process with a timeout and a memory cap ------

#: A vendor's list of names (Prefect's 598 time zones are like it): literal branches,
#: and a few whose unescaped `+` makes them repeats (`Etc/GMT+1` is `Etc/GM`, `T+`, `1`).
_ZONES = (
    "|".join(f"Region{i % 7}/City_{i}" for i in range(500))
    + "|"
    + "|".join(f"Etc/GMT+{n}" for n in range(13))
)
#: Words that keep Aho-Corasick at its deepest node and following a failure link on
#: every character of a run of `a`s.
_DEEP_WORDS = "|".join("a" * length + "b" for length in range(1, 131))

#: Patterns lint accepts, at or near the cost bound, each with a value that keeps their
#: positions busy, and the verdict with and without a tail.
_AT_THE_LIMIT = [
    (_ZONES, "Region1/Cit", "Region1/City_1"),
    (_DEEP_WORDS, "a", "b"),
    (f"(?:{_DEEP_WORDS})$", "a", "b"),
    (f"(?:ab|cd){{1,491}}x|{_ZONES}", "abcd", "x"),
    (r"\w{1,1000}@", "a", "@"),
    ("[a-z]{0,4000}0", "a", "0"),
    ("[a-z]{9998}0", "a", "0"),
    ("(?:ab|cd){1,879}x", "abcd", "x"),
    (r"(?:[a-z]{2}\.){1,2191}x", "ab.", "x"),
    (r"(?:\b\w{1,20}\b\s?){1,42}!", "abc ", "!"),
    ("(?:a{1,3}b{1,3}){1,668}c", "ab", "c"),
    ("(?:[ab]{1,30}-){1,129}x", "ab-", "x"),
    ("(?:ab){4094}c", "ab", "c"),
    ("(?:(?:a|bc){1,20}d){1,14}x", "abcd", "x"),
]
_WORST_CASE = textwrap.dedent(
    """
    import json, sys, time
    from specbind.runtime import _regex
    _regex._CACHE_BUDGET = int(sys.argv[1])
    size = int(sys.argv[2])
    verdicts = []
    for pattern, unit, tail in json.loads(sys.stdin.read()):
        value = unit * (size // len(unit))
        engine = _regex.Regex(pattern)
        verdicts.append([engine.search(value), engine.search(value + tail)])
    print(json.dumps(verdicts))
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("budget", [0, 200_000])
def test_bounded_repeats_cost_a_bounded_time_per_character(budget: int) -> None:
    for pattern, _, _ in _AT_THE_LIMIT:
        compile_pattern(pattern)  # lint accepts it
    # 50,000 characters at 5 µs each is a quarter of a second per value; the engine this
    # replaced took about 1 ms per character here once its cache was full.
    done = subprocess.run(
        [sys.executable, "-c", _WORST_CASE, str(budget), "50000"],
        input=json.dumps(_AT_THE_LIMIT),
        capture_output=True,
        text=True,
        timeout=240,
        preexec_fn=_cap_memory,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [[False, True]] * len(_AT_THE_LIMIT)


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


# -- Lint refuses what the engine cannot bound, at the pattern's line ----------------------

_COSTLY_SPEC = """\
openapi: 3.1.0
info:
  title: patterns over the bound
  version: "1"
paths: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        code:
          type: string
          pattern: '(?:(?:a|bc){1,20}d){1,20}x'
        name:
          type: string
          pattern: 'a\\-b'
        ok:
          type: string
          pattern: '[a-z]{0,4000}0'
"""


def test_lint_refuses_a_pattern_it_cannot_match_within_the_bound(tmp_path: Path) -> None:
    spec = tmp_path / "costly.yaml"
    # A long alternation of names, accepted: its literal branches are matched apart.
    zone = f"        zone:\n          type: string\n          pattern: '{_ZONES}'\n"
    spec.write_text(_COSTLY_SPEC + zone)
    done = subprocess.run(
        [sys.executable, "-m", "specbind", "lint", spec.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    refused = [line for line in done.stdout.splitlines() if ": pattern-unsupported: " in line]
    assert len(refused) == 2, done.stdout
    assert refused[0].startswith(f"{spec.name}:13:11: pattern-unsupported: pattern ")
    assert "too costly to match in at most 5 µs per character" in refused[0]
    assert refused[1].startswith(f"{spec.name}:16:11: pattern-unsupported: pattern 'a\\-b'")
    assert "unknown escape '\\-'" in refused[1]

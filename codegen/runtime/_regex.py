"""JSON Schema ``pattern`` matching in time linear in the value, as ECMA-262 reads it.

Python's ``re`` backtracks: ``job_.+$`` costs time quadratic in a value that does not
match, and ``^(a+)+$`` exponential. It also reads ``$``, ``\\d``, ``\\w``, ``\\s`` and
``.`` differently from ECMA-262, which JSON Schema names. This engine parses the regular
part of ECMA-262 syntax, compiles it to an NFA, and searches with a DFA built lazily from
it: each step costs one dictionary look-up once its state is known, at most one pass over
the NFA otherwise, so a search costs O(len(value) x pattern size) whatever the pattern.
The cached DFA is capped; past the cap, new states are computed and not kept.

Readings (ECMA-262, code point by code point): ``^`` and ``$`` match only at the start
and the end of the value (not before a final newline); ``.`` matches anything but
``\\n``, ``\\r``, U+2028 and U+2029; ``\\d`` is ``[0-9]``, ``\\w`` ``[A-Za-z0-9_]``, and
``\\s`` ECMA-262's white space and line terminators. Laziness (``*?``) does not change
whether a value matches, so it is accepted and ignored. Backreferences, lookaround,
Unicode property escapes and inline flags are refused with :class:`PatternError`, as is a
pattern that compiles to more than :data:`MAX_STATES` states.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["MAX_STATES", "PatternError", "Regex", "compile_pattern"]

#: The most NFA states a pattern may compile to (``x{n,m}`` repeats ``x`` ``m`` times).
MAX_STATES = 10_000
#: The deepest nesting of groups (the parser and the compiler recurse into them).
_MAX_DEPTH = 100
#: DFA cache budget per pattern, in kernel members plus cached transitions.
_CACHE_BUDGET = 200_000
_MAX_CODE_POINT = 0x10FFFF

Ranges = tuple[tuple[int, int], ...]


class PatternError(ValueError):
    """A pattern this engine cannot run: bad syntax, or not a regular language."""

    def __init__(self, pattern: str, reason: str) -> None:
        super().__init__(f"pattern {pattern!r}: {reason}")
        self.pattern = pattern
        self.reason = reason


def _ranges(*pairs: tuple[int, int]) -> Ranges:
    """Sorted, merged, disjoint ranges of code points."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(pairs):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def _negate(ranges: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    start = 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= _MAX_CODE_POINT:
        out.append((start, _MAX_CODE_POINT))
    return tuple(out)


def _chars(text: str) -> Ranges:
    return _ranges(*((ord(c), ord(c)) for c in text))


_DIGIT = _ranges((0x30, 0x39))
_WORD = _ranges((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
# ECMA-262 WhiteSpace (TAB VT FF SP NBSP ZWNBSP and category Zs) and LineTerminator.
_SPACE = _ranges(
    *((ord(c), ord(c)) for c in "\t\n\v\f\r \xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"),
    (0x2000, 0x200A),
)
_LINE_TERMINATORS = _chars("\n\r\u2028\u2029")
_CLASS_ESCAPES = {
    "d": _DIGIT,
    "D": _negate(_DIGIT),
    "w": _WORD,
    "W": _negate(_WORD),
    "s": _SPACE,
    "S": _negate(_SPACE),
}
_CONTROL_ESCAPES = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13}
_SYNTAX = frozenset("^$\\.*+?()[]{}|/")
_HEX = frozenset("0123456789abcdefABCDEF")


# The parsed pattern, as tuples: ("set", ranges), ("cat", nodes), ("alt", nodes),
# ("rep", node, least, most or None), ("assert", "^" | "$" | "b" | "B").
Node = tuple[object, ...]


class _Parser:
    """A recursive-descent parser for ECMA-262 pattern syntax, Annex B leniencies
    included where Python agrees (a ``{`` or ``]`` that starts nothing is literal)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.at = 0
        self.groups: set[str] = set()
        self.depth = 0

    def fail(self, reason: str, at: int | None = None) -> PatternError:
        return PatternError(self.pattern, f"{reason} at offset {self.at if at is None else at}")

    def peek(self, ahead: int = 0) -> str:
        index = self.at + ahead
        return self.pattern[index] if index < len(self.pattern) else ""

    def parse(self) -> Node:
        node = self.disjunction()
        if self.at < len(self.pattern):
            raise self.fail("unbalanced ')'")
        return node

    def disjunction(self) -> Node:
        branches = [self.alternative()]
        while self.peek() == "|":
            self.at += 1
            branches.append(self.alternative())
        return branches[0] if len(branches) == 1 else ("alt", tuple(branches))

    def alternative(self) -> Node:
        terms: list[Node] = []
        while self.peek() not in ("", "|", ")"):
            terms.append(self.term())
        return terms[0] if len(terms) == 1 else ("cat", tuple(terms))

    def term(self) -> Node:
        char = self.peek()
        if char in ("^", "$"):
            self.at += 1
            return self.no_quantifier(("assert", char))
        if char == "\\" and self.peek(1) in ("b", "B"):
            self.at += 2
            return self.no_quantifier(("assert", self.pattern[self.at - 1]))
        return self.quantified(self.atom())

    def no_quantifier(self, node: Node) -> Node:
        if self.quantifier() is not None:
            raise self.fail("nothing to repeat")
        return node

    def quantified(self, node: Node) -> Node:
        bounds = self.quantifier()
        if bounds is None:
            return node
        return self.no_quantifier(("rep", node, *bounds))

    def quantifier(self) -> tuple[int, int | None] | None:
        char = self.peek()
        bounds: tuple[int, int | None]
        if char in ("*", "+", "?"):
            self.at += 1
            bounds = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
        elif char == "{" and (braced := self.braces()) is not None:
            bounds = braced
        else:
            return None
        if self.peek() == "?":
            self.at += 1  # lazy: the same values match
        return bounds

    def braces(self) -> tuple[int, int | None] | None:
        """``{n}``, ``{n,}`` or ``{n,m}`` at the cursor, consumed; None (nothing consumed)
        when the ``{`` starts no quantifier and is a literal."""
        end = self.pattern.find("}", self.at)
        body = self.pattern[self.at + 1 : end] if end > 0 else ""
        least, comma, most = body.partition(",")
        if not (least.isdigit() and least.isascii()) or (most and not most.isascii()):
            return None
        if most and not most.isdigit():
            return None
        if max(len(least), len(most)) > len(str(MAX_STATES)):
            raise self.fail(f"too large: a count above {MAX_STATES}")
        low = int(least)
        high = int(most) if most else (None if comma else low)
        if high is not None and high < low:
            raise self.fail("numbers out of order in {} quantifier")
        self.at = end + 1
        return low, high

    def atom(self) -> Node:
        char = self.peek()
        if char in ("*", "+", "?") or (char == "{" and self.braces() is not None):
            raise self.fail("nothing to repeat")
        if char == "(":
            return self.group()
        if char == "[":
            return ("set", self.char_class())
        if char == "\\":
            return ("set", self.escape(in_class=False))
        self.at += 1
        if char == ".":
            return ("set", _negate(_LINE_TERMINATORS))
        return ("set", _chars(char))

    def group(self) -> Node:
        start = self.at
        self.at += 1
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail(f"groups nested more than {_MAX_DEPTH} deep", start)
        if self.peek() == "?":
            kind = self.pattern[self.at + 1 : self.at + 3]
            if kind.startswith(":"):
                self.at += 2
            elif kind[:1] in ("=", "!") or kind in ("<=", "<!"):
                raise self.fail("lookaround is not supported (not a regular expression)", start)
            elif kind.startswith("<"):
                self.at += 2
                self.group_name()
            else:
                raise self.fail("unknown group '(?' (ECMA-262 has no inline flags)", start)
        inner = self.disjunction()
        if self.peek() != ")":
            raise self.fail("missing ')'")
        self.at += 1
        self.depth -= 1
        return inner

    def group_name(self) -> None:
        end = self.pattern.find(">", self.at)
        name = self.pattern[self.at : end] if end >= 0 else ""
        if not name.isidentifier():
            raise self.fail("bad group name")
        if name in self.groups:
            raise self.fail(f"duplicate group name {name!r}")
        self.groups.add(name)
        self.at = end + 1

    def char_class(self) -> Ranges:
        self.at += 1
        negated = self.peek() == "^"
        self.at += negated
        pairs: list[tuple[int, int]] = []
        while self.peek() != "]":
            if not self.peek():
                raise self.fail("missing ']'")
            low = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.at += 1
                high = self.class_atom()
                if not (_single(low) and _single(high)):
                    raise self.fail("a class escape cannot bound a range")
                if low[0][0] > high[0][0]:
                    raise self.fail("range out of order in character class")
                pairs.append((low[0][0], high[0][0]))
            else:
                pairs.extend(low)
        self.at += 1
        found = _ranges(*pairs)
        return _negate(found) if negated else found

    def class_atom(self) -> Ranges:
        if self.peek() == "\\":
            if self.peek(1) == "b":
                self.at += 2
                return _chars("\b")
            if self.peek(1) == "-":
                self.at += 2
                return _chars("-")
            return self.escape(in_class=True)
        char = self.peek()
        self.at += 1
        return _chars(char)

    def escape(self, *, in_class: bool) -> Ranges:
        """The escape at the cursor (a backslash), consumed: what it matches."""
        start = self.at
        self.at += 1
        char = self.peek()
        self.at += 1
        if not char:
            raise self.fail("a pattern cannot end with '\\'")
        if char in _CLASS_ESCAPES:
            return _CLASS_ESCAPES[char]
        if char in _CONTROL_ESCAPES:
            return _ranges((_CONTROL_ESCAPES[char],) * 2)
        if char == "0" and not self.peek().isdigit():
            return _chars("\0")
        if char == "0":
            raise self.fail("octal escapes are not supported", start)
        if char.isdigit() or (char == "k" and not in_class):
            raise self.fail("backreferences are not supported (not a regular expression)", start)
        if char == "c" and self.peek().isascii() and self.peek().isalpha():
            self.at += 1
            return _ranges((ord(self.pattern[self.at - 1]) % 32,) * 2)
        if char == "x":
            return _ranges((self.hex_digits(2),) * 2)
        if char == "u":
            return _ranges((self.unicode_escape(),) * 2)
        if char in ("p", "P"):
            raise self.fail("Unicode property escapes are not supported", start)
        if char in _SYNTAX or not (char.isalnum() or char == "_"):
            return _chars(char)
        raise self.fail(f"unknown escape '\\{char}'", start)

    def hex_digits(self, count: int) -> int:
        digits = self.pattern[self.at : self.at + count]
        if len(digits) != count or not set(digits) <= _HEX:
            raise self.fail(f"expected {count} hex digits")
        self.at += count
        return int(digits, 16)

    def unicode_escape(self) -> int:
        if self.peek() == "{":
            end = self.pattern.find("}", self.at)
            digits = self.pattern[self.at + 1 : end] if end > 0 else ""
            if not digits or not set(digits) <= _HEX or int(digits, 16) > _MAX_CODE_POINT:
                raise self.fail("bad \\u{...} escape")
            self.at = end + 1
            return int(digits, 16)
        value = self.hex_digits(4)
        # A surrogate pair written as two escapes is one code point.
        if 0xD800 <= value <= 0xDBFF and self.pattern.startswith("\\u", self.at):
            rest = self.pattern[self.at + 2 : self.at + 6]
            if len(rest) == 4 and set(rest) <= _HEX and 0xDC00 <= int(rest, 16) <= 0xDFFF:
                self.at += 6
                return 0x10000 + ((value - 0xD800) << 10) + (int(rest, 16) - 0xDC00)
        return value


def _single(ranges: Ranges) -> bool:
    return len(ranges) == 1 and ranges[0][0] == ranges[0][1]


# NFA state kinds.
_CHAR, _SPLIT, _ASSERT, _MATCH = range(4)


class _Nfa:
    """Thompson NFA, built backwards from the accepting state: each state is a kind,
    an argument (bounds of a character set, an assertion), and up to two successors."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.kinds: list[int] = [_MATCH]
        self.args: list[object] = [None]
        self.out: list[list[int]] = [[]]
        # Repeating what compiles to no state, like `(?:){9999}`, costs work all the same.
        self.work = 0

    def too_large(self) -> PatternError:
        return PatternError(
            self.pattern, f"too large: it compiles to more than {MAX_STATES} states"
        )

    def add(self, kind: int, arg: object, *out: int) -> int:
        if len(self.kinds) >= MAX_STATES:
            raise self.too_large()
        self.kinds.append(kind)
        self.args.append(arg)
        self.out.append(list(out))
        return len(self.kinds) - 1

    def build(self, node: Node, then: int) -> int:
        """The state that matches ``node`` and continues at ``then``."""
        self.work += 1
        if self.work > 4 * MAX_STATES:
            raise self.too_large()
        kind = node[0]
        if kind == "set":
            ranges = node[1]
            assert isinstance(ranges, tuple)
            bounds = tuple(edge for low, high in ranges for edge in (low, high + 1))
            return self.add(_CHAR, bounds, then)
        if kind == "assert":
            return self.add(_ASSERT, node[1], then)
        parts = node[1]
        if kind == "cat":
            assert isinstance(parts, tuple)
            for part in reversed(parts):
                then = self.build(part, then)
            return then
        if kind == "alt":
            assert isinstance(parts, tuple)
            return self.add(_SPLIT, None, *(self.build(part, then) for part in parts))
        least, most = node[2], node[3]
        assert isinstance(parts, tuple)
        assert isinstance(least, int)
        if most is None:
            loop = self.add(_SPLIT, None)
            self.out[loop] = [self.build(parts, loop), then]
            start = loop
        else:
            assert isinstance(most, int)
            start = then
            for _ in range(most - least):
                start = self.add(_SPLIT, None, self.build(parts, start), then)
        for _ in range(least):
            start = self.build(parts, start)
        return start


@dataclass(frozen=True)
class _Context:
    """What assertions see at one position: start, end, and word characters around it."""

    at_start: bool
    at_end: bool
    before_word: bool
    after_word: bool


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


class _State(dict[str, "_State"]):
    """A DFA state: the NFA states reached (before their epsilon closure), the flags
    assertions need, and, as the dictionary itself, the transitions taken from it so far
    (one look-up per character in the hot loop)."""

    __slots__ = ("after_word", "at_start", "closures", "final", "kernel")

    def __init__(self, kernel: frozenset[int], at_start: bool, after_word: bool) -> None:
        super().__init__()
        self.kernel = kernel
        self.at_start = at_start
        self.after_word = after_word
        #: Whether a match ends at the end of the value, once known.
        self.final: bool | None = None
        self.closures: dict[tuple[bool, bool], tuple[tuple[int, ...], bool]] = {}


class Regex:
    """A compiled pattern; :meth:`search` says whether it matches anywhere in a string."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        nfa = _Nfa(pattern)
        self._start = nfa.build(_Parser(pattern).parse(), 0)
        self._kinds = nfa.kinds
        self._args = nfa.args
        self._out = nfa.out
        # Flags only split DFA states when an assertion reads them.
        self._reads_words = any(
            kind == _ASSERT and arg in ("b", "B")
            for kind, arg in zip(nfa.kinds, nfa.args, strict=True)
        )
        self._states: dict[tuple[frozenset[int], bool, bool], _State] = {}
        self._budget = _CACHE_BUDGET
        self._initial = self._state(frozenset((self._start,)), at_start=True, after_word=False)

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"

    def search(self, text: str) -> bool:
        """Whether the pattern matches somewhere in ``text`` (JSON Schema's reading)."""
        state = self._initial
        for char in text:
            following = state.get(char)
            if following is None:
                found = self._advance(state, char)
                if found is None:
                    return True
                following = found
            state = following
        final = state.final
        if final is None:
            final = state.final = self._closure(state, at_end=True, next_word=False)[1]
        return final

    def _state(self, kernel: frozenset[int], *, at_start: bool, after_word: bool) -> _State:
        key = (kernel, at_start, after_word)
        state = self._states.get(key)
        if state is None:
            state = _State(kernel, at_start, after_word)
            if self._budget > len(kernel):
                self._budget -= len(kernel)
                self._states[key] = state
        return state

    def _closure(
        self, state: _State, *, at_end: bool, next_word: bool
    ) -> tuple[tuple[int, ...], bool]:
        """The character states reachable from a state before the next character, and
        whether the match state is among them."""
        key = (at_end, next_word and self._reads_words)
        found = state.closures.get(key)
        if found is not None:
            return found
        context = _Context(state.at_start, at_end, state.after_word, next_word)
        kinds, args, out = self._kinds, self._args, self._out
        seen: set[int] = set()
        chars: list[int] = []
        matched = False
        stack = list(state.kernel)
        while stack:
            index = stack.pop()
            if index in seen:
                continue
            seen.add(index)
            kind = kinds[index]
            if kind == _CHAR:
                chars.append(index)
            elif kind == _MATCH:
                matched = True
            elif kind == _SPLIT or _holds(args[index], context):
                stack.extend(reversed(out[index]))
        found = state.closures[key] = (tuple(chars), matched)
        return found

    def _advance(self, state: _State, char: str) -> _State | None:
        """The state after ``char``; None when a match ends before it."""
        word = _is_word(char)
        chars, matched = self._closure(state, at_end=False, next_word=word)
        if matched:
            return None
        code = ord(char)
        args, out = self._args, self._out
        kernel = {self._start}
        for index in chars:
            bounds = args[index]
            assert isinstance(bounds, tuple)
            if bisect_right(bounds, code) & 1:
                kernel.add(out[index][0])
        following = self._state(
            frozenset(kernel), at_start=False, after_word=word and self._reads_words
        )
        if self._budget > 0:
            self._budget -= 1
            state[char] = following
        return following


def _holds(assertion: object, context: _Context) -> bool:
    if assertion == "^":
        return context.at_start
    if assertion == "$":
        return context.at_end
    boundary = context.before_word != context.after_word
    return boundary if assertion == "b" else not boundary


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Regex:
    """``pattern`` compiled once; raises :class:`PatternError` if it cannot be run."""
    return Regex(pattern)

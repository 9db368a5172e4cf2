"""JSON Schema ``pattern`` matching in time linear in the value, as ECMA-262 reads it.

Python's ``re`` backtracks: ``job_.+$`` costs time quadratic in a value that does not
match, and ``^(a+)+$`` exponential. It also reads ``$``, ``\\d``, ``\\w``, ``\\s`` and
``.`` differently from ECMA-262, which JSON Schema names. This engine parses the regular
part of ECMA-262 syntax (``u`` mode) and compiles it to a position (Glushkov) automaton
held as bit sets in Python integers. A step from one set of positions to the next is a
few big-integer operations whatever the number of positions (see :class:`_Follow`); a
repeat of one character set longer than 256 is counted rather than unrolled. A pattern
without such a count searches through a DFA built lazily from those steps: one dictionary
look-up per character once a state is known. The cached DFA is capped; past the cap,
steps are computed and not kept. A step's cost is bounded when the pattern compiles: a
pattern whose step could cost more than about 5 µs per character (:data:`MAX_STEP_COST`)
is refused, so no value costs more than that per character, whatever the cache holds.

Branches of an alternation that are literal strings (a vendor's list of time zones,
country codes, media types: ``UTC|Europe/Paris|...``, with ``^`` and ``$`` on the group
or on each branch) would make a position per character and a costly step; they are
matched apart instead (:class:`_Literals`): a set look-up for ``^w$``, a walk down a
trie from either end for ``^w`` and ``w$``, and Aho-Corasick for the others, a bounded
number of dictionary look-ups per character however many words (up to
:data:`MAX_STATES` characters of them). The other branches, if any, keep the position
automaton, bounded tighter by what the words cost (:data:`_LITERAL_COST`).

Readings (ECMA-262, code point by code point): ``^`` and ``$`` match only at the start
and the end of the value (not before a final newline); ``.`` matches anything but
``\\n``, ``\\r``, U+2028 and U+2029; ``\\d`` is ``[0-9]``, ``\\w`` ``[A-Za-z0-9_]``, and
``\\s`` ECMA-262's white space and line terminators. Laziness (``*?``) does not change
whether a value matches, so it is accepted and ignored. Backreferences, lookaround,
Unicode property escapes and inline flags are refused with :class:`PatternError`, as is a
pattern that unrolls to more than :data:`MAX_STATES` states. So is what ``u`` mode
refuses: a lone ``{``, ``}`` or ``]``, ``a{,2}``, and ``\\-`` outside a class. Other
escaped punctuation (``\\=``, ``\\"``), which ``u`` mode also refuses, stays a literal
character, as before: real specs write it, and every reading agrees on what it means.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from typing import Any

__all__ = ["MAX_STATES", "MAX_STEP_COST", "PatternError", "Regex", "compile_pattern"]

#: The most states a pattern may unroll to (``x{n,m}`` repeats ``x`` ``m`` times).
MAX_STATES = 10_000
#: The deepest nesting of groups (the parser and the compiler recurse into them).
_MAX_DEPTH = 100
#: DFA cache budget per pattern: a unit per cached transition, per 64 positions of a state.
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
    """A recursive-descent parser for ECMA-262 pattern syntax as ``u`` mode reads it
    (no Annex B leniencies, but for escaped punctuation: see the module's docstring)."""

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
        if char in ("{", "}", "]"):
            # Annex B reads these as literals; `u` mode, which JSON Schema names, does not.
            raise self.fail(f"lone '{char}' (write '\\{char}' for the character)")
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
        """A RegExpIdentifierName and its ``>``, consumed: identifier characters, ``$``,
        and ``\\u`` escapes of them (the name is compared unescaped)."""
        start = self.at
        name = ""
        while self.peek() != ">":
            if self.peek() == "\\" and self.peek(1) == "u":
                self.at += 2
                char = chr(self.unicode_escape())
            elif self.peek():
                char = self.peek()
                self.at += 1
            else:
                raise self.fail("bad group name", start)
            if not _identifier_char(char, first=not name):
                raise self.fail("bad group name", start)
            name += char
        if not name:
            raise self.fail("bad group name", start)
        if name in self.groups:
            raise self.fail(f"duplicate group name {name!r}", start)
        self.groups.add(name)
        self.at += 1

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
        if char in _SYNTAX or (not (char.isalnum() or char == "_") and (in_class or char != "-")):
            # `u` mode allows only syntax characters, `/`, and `-` in a class; `\=`, `\"`
            # and the like stay literals as before: real specs write them (Vectara's
            # `[a-zA-Z0-9_\=\-]`, our hostile fixture's `\"`) and every reading agrees.
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


def _identifier_char(char: str, *, first: bool) -> bool:
    """Whether ``char`` may stand in a group name (ECMA-262 IdentifierStart or Part)."""
    if char == "$" or (not first and char in "\u200c\u200d"):
        return True
    return char.isidentifier() if first else ("a" + char).isidentifier()


def _single(ranges: Ranges) -> bool:
    return len(ranges) == 1 and ranges[0][0] == ranges[0][1]


def _nullable(node: Node) -> bool:
    """Whether ``node`` matches the empty string wherever it is (an assertion holds only
    in some places: it is not)."""
    kind, parts = node[0], node[1]
    if kind in ("set", "assert"):
        return False
    assert isinstance(parts, tuple)
    if kind == "cat":
        return all(_nullable(part) for part in parts)
    if kind == "alt":
        return any(_nullable(part) for part in parts)
    return node[2] == 0 or _nullable(parts)


def _consumes(node: Node) -> bool:
    """Whether ``node`` contains a character set (something that reads a character)."""
    kind, parts = node[0], node[1]
    if kind in ("set", "assert"):
        return kind == "set"
    if kind == "rep":
        assert isinstance(parts, tuple)
        return _consumes(parts)
    assert isinstance(parts, tuple)
    return any(_consumes(part) for part in parts)


def _unrolled(node: Node, cap: int) -> int:
    """How many nodes ``node`` unrolls to (repeats of what reads nothing included: their
    cost is refused before they are collapsed), counted up to just above ``cap``."""
    kind, parts = node[0], node[1]
    if kind in ("set", "assert"):
        return 1
    assert isinstance(parts, tuple)
    if kind == "rep":
        least, most = node[2], node[3]
        assert isinstance(least, int)
        copies = most if isinstance(most, int) else max(1, least)
        return 1 + min(cap + 1, copies * _unrolled(parts, cap))
    total = 1
    for part in parts:
        total += _unrolled(part, cap)
        if total > cap:
            break
    return min(total, cap + 1)


_EMPTY: Node = ("cat", ())
#: A bounded repeat of one character set longer than this is counted, not unrolled
#: (shorter ones, the usual `{1,64}`, keep the DFA, which counted positions do not).
_COUNT_FROM = 256
#: A follow edge set of at most this many edges is split into shifts, not kept as a rule.
_EXPAND_EDGES = 16


def _simplify(node: Node) -> Node:
    """The same language in a form the position automaton handles cheaply: alternatives
    of character sets merged into one set; repeats of what reads nothing collapsed
    (a zero-width condition holds as often as once)."""
    kind, parts = node[0], node[1]
    if kind in ("set", "assert"):
        return node
    if kind == "rep":
        assert isinstance(parts, tuple)
        inner = _simplify(parts)
        if not _consumes(inner):
            return _EMPTY if node[2] == 0 else inner
        return ("rep", inner, node[2], node[3])
    assert isinstance(parts, tuple)
    simplified = tuple(_simplify(part) for part in parts)
    sets = [part[1] for part in simplified if part[0] == "set"]
    if kind == "alt" and len(sets) == len(simplified):
        pairs: list[tuple[int, int]] = []
        for ranges in sets:
            assert isinstance(ranges, tuple)
            pairs.extend(ranges)
        return ("set", _ranges(*pairs))
    return (kind, simplified)


class _Positions:
    """The Glushkov position automaton of a pattern, as bit sets.

    Each position is a bit: a character set to read, an assertion to pass, or a counted
    repeat of one character set. Position 0 is the start and the last is the match. The
    follow relation is kept as pairs ``(sources, targets)``: every source position is
    followed by every target position.
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.sets: dict[int, Ranges] = {}
        self.assertions: dict[int, str] = {}
        #: Counted positions: (position, least, most).
        self.counters: list[tuple[int, int, int]] = []
        self.follows: list[tuple[int, int]] = []
        self.count = 1  # position 0, the start
        # What the pattern unrolls to: `x{n,m}` is m copies of x, counted or not.
        self.size = 0
        self.unrolling = 0

    def too_large(self) -> PatternError:
        return PatternError(
            self.pattern, f"too large: it compiles to more than {MAX_STATES} states"
        )

    def grow(self, states: int) -> None:
        self.size += states
        if self.size > MAX_STATES:
            raise self.too_large()

    def new(self) -> int:
        self.count += 1
        return self.count - 1

    def follow(self, sources: int, targets: int) -> None:
        if sources and targets:
            self.follows.append((sources, targets))

    def build(self, node: Node) -> tuple[int, int, bool]:
        """Positions for ``node``: the first ones, the last ones, and whether it is
        nullable (matches the empty string)."""
        kind, parts = node[0], node[1]
        if kind in ("set", "assert"):
            self.grow(1)
            bit = 1 << self.new()
            if kind == "set":
                assert isinstance(parts, tuple)
                self.sets[bit.bit_length() - 1] = parts
            else:
                assert isinstance(parts, str)
                self.assertions[bit.bit_length() - 1] = parts
            return bit, bit, False
        assert isinstance(parts, tuple)
        if kind == "cat":
            first, last, nullable = 0, 0, True
            for part in parts:
                more = self.build(part)
                first, last, nullable = self.concatenate((first, last, nullable), more)
            return first, last, nullable
        if kind == "alt":
            first, last, nullable = 0, 0, False
            for part in parts:
                more = self.build(part)
                first, last, nullable = first | more[0], last | more[1], nullable or more[2]
            return first, last, nullable
        least, most = node[2], node[3]
        assert isinstance(least, int)
        assert most is None or isinstance(most, int)
        return self.repeat(parts, least, most)

    def concatenate(
        self, left: tuple[int, int, bool], right: tuple[int, int, bool]
    ) -> tuple[int, int, bool]:
        self.follow(left[1], right[0])
        first = left[0] | (right[0] if left[2] else 0)
        last = right[1] | (left[1] if right[2] else 0)
        return first, last, left[2] and right[2]

    def repeat(self, node: Node, least: int, most: int | None) -> tuple[int, int, bool]:
        if most is None:
            # x{n,} is x{n-1} then x+; x+ loops from its last positions to its first.
            head = self.repeat(node, least - 1, least - 1) if least > 1 else (0, 0, True)
            first, last, nullable = self.build(node)
            self.follow(last, first)
            return self.concatenate(head, (first, last, nullable or least == 0))
        if node[0] == "set" and most > _COUNT_FROM and not self.unrolling:
            self.grow(most)
            bit = 1 << self.new()
            position = bit.bit_length() - 1
            assert isinstance(node[1], tuple)
            self.sets[position] = node[1]
            self.counters.append((position, least, most))
            return bit, bit, least == 0
        # A nullable x repeats as its non-empty part: x{n,m} is then x{0,m}.
        if _nullable(node):
            least = 0
        # Counted positions in each copy would each cost a step as much as all the
        # unrolled positions together: inside copies, repeats are unrolled too.
        self.unrolling += most > 1
        copies = [self.build(node)[:2] for _ in range(most)]
        self.unrolling -= most > 1
        # The optional copies nest, x(x(x)?)?, so that each one follows only the one
        # before it, and the mandatory ones come before them.
        tail: tuple[int, int, bool] = (0, 0, True)
        for first, last in reversed(copies[least:]):
            self.follow(last, tail[0])
            tail = (first, last | tail[1], True)
        for first, last in reversed(copies[:least]):
            tail = self.concatenate((first, last, False), tail)
        return tail


def _bits(indices: list[int]) -> int:
    """The bit set of these positions (built once, not by shifting one bit at a time)."""
    if not indices:
        return 0
    array = bytearray(max(indices) // 8 + 1)
    for index in indices:
        array[index >> 3] |= 1 << (index & 7)
    return int.from_bytes(array, "little")


def _members(bitset: int) -> list[int]:
    found = []
    while bitset:
        low = bitset & -bitset
        found.append(low.bit_length() - 1)
        bitset ^= low
    return found


class _Follow:
    """The follow relation as a few big-integer operations on a set of positions.

    Three kinds of edges, each cheap whatever the number of positions:

    - shifts: edges that move a position by a fixed distance (the copies of a repeat, one
      after another) share one mask per distance;
    - families: one group of edges repeated in each copy of a repeat, "any of these
      sources adds these targets", runs in every copy at once: adding all ones to each
      run of sources carries into the bit above it exactly when a source is present;
    - rules: any source present adds all targets.
    """

    def __init__(self, follows: list[tuple[int, int]]) -> None:
        # Edge groups with the same distances become shifts when that is cheaper than
        # one rule per group.
        shaped: dict[frozenset[int], list[tuple[list[int], list[int]]]] = {}
        rules: list[tuple[int, int]] = []
        for sources, targets in follows:
            members, reached = _members(sources), _members(targets)
            if len(members) * len(reached) > _EXPAND_EDGES:
                rules.append((sources, targets))
                continue
            shape = frozenset(t - s for s in members for t in reached)
            shaped.setdefault(shape, []).append((members, reached))
        by_shift: dict[int, list[int]] = {}
        for shape, groups in shaped.items():
            if 3 * len(shape) >= 2 * len(groups):
                rules.extend((_bits(members), _bits(reached)) for members, reached in groups)
                continue
            for members, reached in groups:
                for source in members:
                    for target in reached:
                        by_shift.setdefault(target - source, []).append(source)
        self.shifts = tuple((shift, _bits(sources)) for shift, sources in by_shift.items())
        self.families, rules = _families(rules)
        by_targets: dict[int, int] = {}
        for sources, targets in rules:
            by_targets[targets] = by_targets.get(targets, 0) | sources
        by_sources: dict[int, int] = {}
        for targets, sources in by_targets.items():
            by_sources[sources] = by_sources.get(sources, 0) | targets
        self.rules = tuple(by_sources.items())

    @property
    def operations(self) -> int:
        """Big-integer operations per call: mask, shift, union per shift; mask, add, mask
        and two per target per family; test, union per rule."""
        family = sum(3 + 3 * len(outs) for _, _, _, outs in self.families)
        return 3 * len(self.shifts) + family + 2 * len(self.rules)

    def __call__(self, positions: int) -> int:
        found = 0
        for shift, sources in self.shifts:
            if shift > 0:
                found |= (positions & sources) << shift
            else:
                found |= (positions & sources) >> -shift
        for sources, ones, carries, outs in self.families:
            carried = ((positions & sources) + ones) & carries
            if carried:
                for run, shift in outs:
                    if shift > 0:
                        found |= (carried & run) << shift
                    else:
                        found |= (carried & run) >> -shift
        for sources, targets in self.rules:
            if positions & sources:
                found |= targets
        return found


#: A family: all sources, all ones over each run of sources, the bit above each run, and
#: for each run of one copy and each target, the carries of that run and the distance
#: from them to the target.
_Family = tuple[int, int, int, tuple[tuple[int, int], ...]]


def _runs(bitset: int) -> list[tuple[int, int]]:
    """The maximal runs of consecutive members, as (lowest, one past the highest)."""
    runs = []
    while bitset:
        low = (bitset & -bitset).bit_length() - 1
        width = (~(bitset >> low) & -~(bitset >> low)).bit_length() - 1
        runs.append((low, low + width))
        bitset &= ~(((1 << width) - 1) << low)
    return runs


def _families(rules: list[tuple[int, int]]) -> tuple[tuple[_Family, ...], list[tuple[int, int]]]:
    """The rules that repeat, shifted, in several copies, as families (when cheaper),
    and the rules left."""
    shapes: dict[tuple[int, int], list[int]] = {}
    for sources, targets in rules:
        low = ((sources | targets) & -(sources | targets)).bit_length() - 1
        shapes.setdefault((sources >> low, targets >> low), []).append(low)
    families: list[_Family] = []
    left: list[tuple[int, int]] = []
    for (sources, targets), lows in shapes.items():
        runs = _runs(sources)
        reached = _members(targets)
        for group in _apart(sources, [end for _, end in runs], lows):
            if 3 + 3 * len(runs) * len(reached) >= 2 * len(group):
                left.extend((sources << low, targets << low) for low in group)
                continue
            everything = sum(sources << low for low in group)
            ones = sum(
                ((1 << (end - start)) - 1) << (start + low) for start, end in runs for low in group
            )
            outs: list[tuple[int, int]] = []
            carries = 0
            for _, end in runs:
                run_carries = _bits([low + end for low in group])
                carries |= run_carries
                outs.extend((run_carries, target - end) for target in reached)
            families.append((everything, ones, carries, tuple(outs)))
    return tuple(families), left


def _apart(sources: int, ends: list[int], lows: list[int]) -> list[list[int]]:
    """``lows`` split into groups in which no copy of ``sources`` overlaps another, and
    no carry bit (``ends``, past each run) lands on a source of another copy."""
    groups: list[tuple[int, int, list[int]]] = []
    for low in sorted(lows):
        mine, carries = sources << low, sum(1 << (low + end) for end in ends)
        for index, (taken, carried, members) in enumerate(groups):
            if not (taken & (mine | carries) or carried & mine):
                groups[index] = (taken | mine, carried | carries, [*members, low])
                break
        else:
            groups.append((mine, carries, [low]))
    return [members for _, _, members in groups]


class _State(dict[str, "_State"]):
    """A DFA state: the positions just read (a bit set), the flags assertions need, and,
    as the dictionary itself, the transitions taken from it so far (one look-up per
    character in the hot loop)."""

    __slots__ = ("after_word", "at_start", "final", "positions")

    def __init__(self, positions: int, at_start: bool, after_word: bool) -> None:
        super().__init__()
        self.positions = positions
        self.at_start = at_start
        self.after_word = after_word
        #: Whether a match ends at the end of the value, once known.
        self.final: bool | None = None


class Regex:
    """A compiled pattern; :meth:`search` says whether it matches anywhere in a string."""

    def __init__(self, pattern: str, tree: Node | None = None, limit: int = 0) -> None:
        self.pattern = pattern
        #: The literal branches, matched apart, and the engine of the others (if any).
        self._literals: _Literals | None = None
        self._rest: Regex | None = None
        automaton = _Positions(pattern)
        automaton.grow(1)  # the match
        if tree is None:
            tree = _Parser(pattern).parse()
            if _unrolled(tree, 4 * MAX_STATES) > 4 * MAX_STATES:
                raise automaton.too_large()
            tree = self._split(tree)
            if tree is None:
                return
        first, last, nullable = automaton.build(_simplify(tree))
        self._match = 1 << automaton.new()
        automaton.follow(1, first | (self._match if nullable else 0))
        automaton.follow(last, self._match)
        self._follow = _Follow(automaton.follows)
        self._bounds, self._masks = _class_masks(automaton.sets)
        self._counters = tuple(
            (1 << position, least, most) for position, least, most in automaton.counters
        )
        kinds = automaton.assertions
        self._carets, self._dollars, self._boundaries, self._non_boundaries = (
            _bits([at for at, kind in kinds.items() if kind == wanted]) for wanted in "^$bB"
        )
        self._reads_words = bool(self._boundaries | self._non_boundaries)
        self._asserts = bool(kinds)
        self._check_cost(automaton.count, limit or MAX_STEP_COST)
        self._states: dict[tuple[int, bool, bool], _State] = {}
        self._budget = _CACHE_BUDGET
        self._initial = self._state(1, at_start=True, after_word=False)

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"

    def _split(self, tree: Node) -> Node | None:
        """Keep the branches that are literal words (``UTC|Europe/Paris|...``) for a
        :class:`_Literals`, and give the others, if any, to an engine of their own,
        whose step is bounded tighter by what the words cost (see :meth:`search`).
        Returns the tree left for this engine: None when all branches are literal,
        the tree itself when none are."""
        branches = _branches(tree)
        words: list[_Word] = []
        rest: list[Node] = []
        weight = 0
        for branch in branches:
            found = _words(branch, MAX_STATES) if _literal_shaped(branch) else None
            if found is None:
                rest.append(branch)
                continue
            words.extend(found)
            weight += _weight(found)
            if weight > MAX_STATES:
                raise PatternError(
                    self.pattern,
                    f"too large: its literal branches hold more than {MAX_STATES} characters",
                )
        if len(rest) == len(branches):
            return tree
        self._literals = _Literals(words)
        if rest:
            left = rest[0] if len(rest) == 1 else ("alt", tuple(rest))
            self._rest = Regex(self.pattern, left, MAX_STEP_COST - _LITERAL_COST)
        return None

    def search(self, text: str) -> bool:
        """Whether the pattern matches somewhere in ``text`` (JSON Schema's reading)."""
        if self._literals is not None:
            if self._literals.search(text):
                return True
            return self._rest is not None and self._rest.search(text)
        if self._counters:
            return self._search_counting(text)
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
            reached = self._reach(state.positions, state.at_start, True, state.after_word)
            final = state.final = bool(reached & self._match)
        return final

    def _check_cost(self, positions: int, limit: int) -> None:
        """Refuse a pattern whose step, the work one character costs when the DFA cache
        has no answer, could exceed :data:`MAX_STEP_COST`."""
        # `^` and `$` hold at one step of a search each: only the steps in between,
        # where `\b` and `\B` may hold, are paid per character.
        inner = [self._holding(False, False, boundary) for boundary in (False, True)]
        calls = 1 + _assertion_rounds(self._follow, inner)
        operations = self._follow.operations * calls + 6 * len(self._counters)
        # In units of 15 ns, measured on a busy 2-core machine: the loop around a step
        # takes about 2 µs, leaving 3 µs; an operation takes one unit, and three more
        # per 2,048 positions (the operands' size), as do the step's own six (the mask,
        # the match, the state's hash and comparison).
        cost = operations + 3 * (operations + 6) * positions // 2048
        if cost > limit:
            raise PatternError(
                self.pattern,
                f"too costly to match in at most 5 µs per character: a character could"
                f" take {operations} operations on sets of {positions} positions",
            )

    def _holding(self, at_start: bool, at_end: bool, boundary: bool) -> int:
        return (
            (self._carets if at_start else 0)
            | (self._dollars if at_end else 0)
            | (self._boundaries if boundary else self._non_boundaries)
        )

    def _reach(self, positions: int, at_start: bool, at_end: bool, boundary: bool) -> int:
        """The positions that may read the next character (or the match), from those
        just read, through the assertions that hold here."""
        reached = self._follow(positions)
        if self._asserts:
            holding = self._holding(at_start, at_end, boundary)
            passed = 0
            new = reached & holding
            while new:
                passed |= new
                reached |= self._follow(new)
                new = reached & holding & ~passed
        return reached

    def _state(self, positions: int, *, at_start: bool, after_word: bool) -> _State:
        key = (positions, at_start, after_word)
        state = self._states.get(key)
        if state is None:
            state = _State(positions, at_start, after_word)
            cost = 1 + positions.bit_length() // 64
            if self._budget > cost:
                self._budget -= cost
                self._states[key] = state
        return state

    def _advance(self, state: _State, char: str) -> _State | None:
        """The state after ``char``; None when a match ends before it."""
        word = char.isascii() and (char.isalnum() or char == "_")
        if self._asserts:
            reached = self._reach(state.positions, state.at_start, False, state.after_word != word)
        else:
            reached = self._follow(state.positions)
        if reached & self._match:
            return None
        mask = self._masks[bisect_right(self._bounds, ord(char))]
        following = self._state(
            (reached & mask) | 1, at_start=False, after_word=word and self._reads_words
        )
        if self._budget > 0:
            self._budget -= 1
            state[char] = following
        return following

    def _search_counting(self, text: str) -> bool:
        """:meth:`search` for a pattern with counted repeats, which has no DFA: each
        counted position keeps when its live counts began, oldest first, so a step
        costs the same whatever the counts (the oldest is the largest)."""
        counters, bounds, masks = self._counters, self._bounds, self._masks
        began: list[deque[int]] = [deque() for _ in counters]
        positions, after_word = 1, False
        for index, char in enumerate(text):
            word = char.isascii() and (char.isalnum() or char == "_")
            reached = self._reach(
                self._leaving(positions, began, index), index == 0, False, after_word != word
            )
            if reached & self._match:
                return True
            mask = masks[bisect_right(bounds, ord(char))]
            positions = (reached & mask) | 1
            for (bit, _least, most), starts in zip(counters, began, strict=True):
                if not mask & bit:
                    starts.clear()
                    continue
                while starts and index - starts[0] >= most:
                    starts.popleft()
                if positions & bit:
                    starts.append(index)
                if starts:
                    positions |= bit
            after_word = word
        end = len(text)
        reached = self._reach(self._leaving(positions, began, end), end == 0, True, after_word)
        return bool(reached & self._match)

    def _leaving(self, positions: int, began: list[deque[int]], index: int) -> int:
        """``positions`` without the counted ones whose largest count is below the least."""
        for (bit, least, _most), starts in zip(self._counters, began, strict=True):
            if starts and index - starts[0] < least:
                positions &= ~bit
        return positions


# -- Alternations of literal strings ------------------------------------------------------

#: A literal branch: whether ``^`` anchors it, its text, and whether ``$`` does.
_Word = tuple[bool, str, bool]


def _words(node: Node, cap: int) -> list[_Word] | None:
    """What ``node`` matches, as literal words with their anchors; None when it is not a
    finite set of literal strings (a class, a boundary, an unbounded repeat) or when the
    words would hold more than ``cap`` characters. Words that can never match (``a^b``,
    ``a$b``) are dropped."""
    kind, parts = node[0], node[1]
    if kind == "set":
        assert isinstance(parts, tuple)
        return [(False, chr(parts[0][0]), False)] if _single(parts) else None
    if kind == "assert":
        return [(parts == "^", "", parts == "$")] if parts in ("^", "$") else None
    assert isinstance(parts, tuple)
    if kind == "alt":
        found: dict[_Word, None] = {}
        weight = 0
        for part in parts:
            words = _words(part, cap)
            if words is None:
                return None
            weight += _weight(words)
            if weight > cap:
                return None
            found.update(dict.fromkeys(words))
        return list(found)
    if kind == "cat":
        sequence: list[_Word] = [(False, "", False)]
        for part in parts:
            words = _words(part, cap)
            if words is None:
                return None
            joined = _joined(sequence, words, cap) if sequence else []
            if joined is None:
                return None
            sequence = joined
        return sequence
    least, most = node[2], node[3]
    assert isinstance(least, int)
    if not isinstance(most, int):
        return None
    inner = _words(parts, cap)
    if inner is None:
        return None
    power: list[_Word] = [(False, "", False)]
    repeated: dict[_Word, None] = {}
    for count in range(most + 1):
        if count >= least:
            repeated.update(dict.fromkeys(power))
            if _weight(repeated) > cap:
                return None
        if count < most:
            longer = _joined(power, inner, cap) if power else []
            if longer is None:
                return None
            power = longer
    return list(repeated)


def _literal_shaped(node: Node) -> bool:
    """Whether ``node`` is made of single characters, ``^``, ``$`` and bounded repeats
    only (a quick look before :func:`_words` expands it)."""
    kind, parts = node[0], node[1]
    if kind == "set":
        assert isinstance(parts, tuple)
        return _single(parts)
    if kind == "assert":
        return parts in ("^", "$")
    assert isinstance(parts, tuple)
    if kind == "rep":
        return isinstance(node[3], int) and _literal_shaped(parts)
    return all(_literal_shaped(part) for part in parts)


def _weight(words: Iterable[_Word]) -> int:
    """What words cost: a trie node per character, and one per word."""
    return sum(1 + len(text) for _, text, _ in words)


def _joined(left: list[_Word], right: list[_Word], cap: int) -> list[_Word] | None:
    """Each word of ``left`` followed by each of ``right`` (None past ``cap``)."""
    if len(left) * _weight(right) + len(right) * _weight(left) > 2 * cap:
        return None
    found: dict[_Word, None] = {}
    for head, text, tail in left:
        for head_2, text_2, tail_2 in right:
            if (tail and text_2) or (head_2 and text):
                continue  # `$` before a character, `^` after one: never matches
            word = (head or (head_2 and not text), text + text_2, tail_2 or (tail and not text_2))
            found[word] = None
    if _weight(found) > cap:
        return None
    return list(found)


def _branches(tree: Node) -> list[Node]:
    """The top-level alternatives of ``tree``, with what surrounds the alternation
    (``^(?:a|b)$`` is ``^a$|^b$``): a pattern matches where one of them does."""
    kind, parts = tree[0], tree[1]
    if kind == "alt":
        assert isinstance(parts, tuple)
        return list(parts)
    if kind == "cat":
        assert isinstance(parts, tuple)
        alternations = [index for index, part in enumerate(parts) if part[0] == "alt"]
        if len(alternations) == 1:
            at = alternations[0]
            inner = parts[at][1]
            assert isinstance(inner, tuple)
            return [("cat", (*parts[:at], branch, *parts[at + 1 :])) for branch in inner]
    return [tree]


class _Node(dict[str, "_Node"]):
    """A node of the Aho-Corasick automaton of the unanchored words: the trie's children,
    the node of the longest proper suffix that is also in the trie, and whether a word
    ends here or at one of those suffixes."""

    __slots__ = ("fail", "hit")

    def __init__(self) -> None:
        super().__init__()
        self.fail: _Node = self
        self.hit = False


def _trie(texts: Iterable[str]) -> dict[str, Any]:
    """A trie of dictionaries; the key ``""`` (never a character) marks a word's end."""
    root: dict[str, Any] = {}
    for text in texts:
        node = root
        for char in text:
            node = node.setdefault(char, {})
        node[""] = True
    return root


class _Literals:
    """A set of literal words matched without an automaton of positions: ``^w$`` by a set
    look-up, ``^w`` and ``w$`` by a walk down a trie from either end, the others by
    Aho-Corasick. A search costs a bounded number of dictionary look-ups per character
    of the value (a character moves one node deeper; a failure link, at least one node
    shallower), whatever the number of words."""

    def __init__(self, words: list[_Word]) -> None:
        self.exact = frozenset(text for head, text, tail in words if head and tail)
        self.prefixes = _trie(text for head, text, tail in words if head and not tail)
        self.suffixes = _trie(text[::-1] for head, text, tail in words if tail and not head)
        inner = [text for head, text, tail in words if not (head or tail)]
        self.root = _Node()
        self.infix = bool(inner)
        for text in inner:
            node = self.root
            for char in text:
                node = node.setdefault(char, _Node())
            node.hit = True
        queue = deque([self.root])
        while queue:
            node = queue.popleft()
            for char, child in node.items():
                fallback = node.fail
                while char not in fallback and fallback is not self.root:
                    fallback = fallback.fail
                found = fallback.get(char)
                child.fail = found if found is not None and found is not child else self.root
                child.hit = child.hit or child.fail.hit
                queue.append(child)

    def search(self, text: str) -> bool:
        if self.exact and text in self.exact:
            return True
        if self.prefixes and _walk(self.prefixes, text):
            return True
        if self.suffixes and _walk(self.suffixes, reversed(text)):
            return True
        if not self.infix:
            return False
        root = node = self.root
        if root.hit:
            return True
        for char in text:
            following = node.get(char)
            while following is None and node is not root:
                node = node.fail
                following = node.get(char)
            node = root if following is None else following
            if node.hit:
                return True
        return False


def _walk(trie: dict[str, Any], chars: Iterable[str]) -> bool:
    """Whether a word of ``trie`` starts ``chars``."""
    node = trie
    if "" in node:
        return True
    for char in chars:
        below: dict[str, Any] | None = node.get(char)
        if below is None:
            return False
        if "" in below:
            return True
        node = below
    return False


#: How many follow calls the search for the longest chain of assertions may take.
_ASSERTION_SEARCH = 20_000
#: The most work one step may cost beyond its fixed part, in big-integer operations
#: weighted by their size (units of about 15 ns): what it admits takes at most about
#: 3.7 µs per character on a busy 2-core machine, within the 5 µs promised.
MAX_STEP_COST = 110
#: What a :class:`_Literals` search may cost per character, in the same units: at most
#: two dictionary look-ups and a test per character, amortised, on each of its passes.
_LITERAL_COST = 20


def _assertion_rounds(follow: _Follow, holding_sets: list[int]) -> int:
    """The most rounds :meth:`Regex._reach` may take through assertions, in any context:
    the longest chain of assertions, each following the one before."""
    everything = 0
    for holding in holding_sets:
        everything |= holding
    members = _members(everything)
    rounds, work = 0, 0
    for holding in holding_sets:
        for start in _members(holding):
            frontier = passed = 1 << start
            depth = 1
            while frontier := follow(frontier) & holding & ~passed:
                passed |= frontier
                depth += 1
            rounds, work = max(rounds, depth), work + depth
            if work > _ASSERTION_SEARCH:
                return len(members)  # each round passes at least one more assertion
    return rounds


def _class_masks(sets: dict[int, Ranges]) -> tuple[list[int], list[int]]:
    """For each stretch of code points, the positions whose set holds it: sorted starts
    of the stretches, and the mask of each (the first for what precedes them all)."""
    toggles: dict[int, list[int]] = {}
    for position, ranges in sets.items():
        for low, high in ranges:
            toggles.setdefault(low, []).append(position)
            toggles.setdefault(high + 1, []).append(position)
    bounds = sorted(toggles)
    masks = [0]
    for bound in bounds:
        masks.append(masks[-1] ^ _bits(toggles[bound]))
    return bounds, masks


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Regex:
    """``pattern`` compiled once; raises :class:`PatternError` if it cannot be run."""
    return Regex(pattern)

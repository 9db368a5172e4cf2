"""The pattern engine's worst case per character, against its 5 µs target, and its speed
against Python's ``re`` on short common values.

The worst case: patterns lint accepts (bounded repeats at the cost bound, nested classes,
alternations), each on a value that keeps its positions busy, with the DFA cache spent
from the start (every character takes a computed step) and warm (filled by a first
search: where it fills up, steps are computed and looked up in it too). Times are CPU
time (``time.process_time``), so that other processes on a busy machine weigh little;
the load average is printed with them. ``--before REV`` also runs
the engine of a git revision (``codegen/runtime/_regex.py`` there) on the same patterns,
with shorter values, for a before/after in one run.

Alternations of literal words (a vendor's list of names, Prefect's 598 time zones among
them) are matched apart, by a set, tries and Aho-Corasick: they are measured the same way.

The second line: time per search of the engine against ``re`` on short common values
(``job_.+$``, a UUID), both compiled once.

Numbers go to stdout and to bench/results/regex.json.

    python bench/bench_regex.py [--size N] [--before REV]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import lzma
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from _measure import target
from specbind.runtime import _regex

ROOT = Path(__file__).parent.parent
RESULTS = ROOT / "bench" / "results" / "regex.json"
TARGET_MICROSECONDS = 5.0
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_HEX = "[0-9a-fA-F]"
_BRACED_UUID = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}|{_HEX}{{32}}"
#: (pattern, the unit a value repeats): each value keeps the pattern's positions busy and
#: never matches, so the whole value is read.
WORST = [
    (r"\w{1,1000}@", "a"),
    ("[a-z]{0,4000}0", "a"),
    ("[a-z]{9998}0", "a"),
    ("(?:ab|cd){1,879}x", "abcd"),
    (r"(?:[a-z]{2}\.){1,2191}x", "ab."),
    ("(?:a{1,3}b{1,3}){1,668}c", "ab"),
    ("(?:[ab]{1,30}-){1,129}x", "ab-"),
    ("(?:ab){4094}c", "ab"),
    ("(?:(?:a|bc){1,20}d){1,14}x", "abcd"),
    (r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,38}[a-z]{2,63}$", "a-b."),
    (r"(?:\b\w{1,20}\b\s?){1,42}!", "abc "),
    (f"^(?:(?:urn:uuid:)?(?:{_BRACED_UUID})|\\{{(?:{_BRACED_UUID})\\}})$", "0123456789abcdef"),
    (r"^(?:[\w.+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8})$", "a.b+c@"),
]


def _prefect_zones() -> str:
    """Prefect 3's ``RRuleSchedule.timezone`` pattern (598 names, 9,101 characters)."""
    with lzma.open(ROOT / "tests" / "corpus" / "prefect.json.xz") as source:
        spec = json.load(source)
    timezone = spec["components"]["schemas"]["RRuleSchedule"]["properties"]["timezone"]
    pattern: str = timezone["anyOf"][0]["pattern"]
    return pattern


#: Alternations of literal words, matched apart from the position automaton: a vendor's
#: list (with `Etc/GMT+1`-like branches whose `+` is a repeat), words that keep
#: Aho-Corasick on a failure link every character, and literal words beside a branch at
#: the (tighter) cost bound.
_ZONES = (
    "|".join(f"Region{i % 7}/City_{i}" for i in range(500))
    + "|"
    + "|".join(f"Etc/GMT+{n}" for n in range(13))
)
_DEEP_WORDS = "|".join("a" * length + "b" for length in range(1, 131))
WORST += [
    (_prefect_zones(), "Europe/Pari"),
    (_ZONES, "Region1/Cit"),
    (_DEEP_WORDS, "a"),
    (f"(?:{_DEEP_WORDS})$", "a"),
    (f"^(?:{_DEEP_WORDS})$", "a"),
    (f"(?:ab|cd){{1,491}}x|{_ZONES}", "abcd"),
]
#: (ECMA-262 pattern, the same for re, values): short common values.
COMMON = [
    ("job_.+$", r"job_[^\n\r\u2028\u2029]+\Z", ["job_7f3a2c", "job_", "jobs_1"]),
    (f"^{_UUID}$", f"^{_UUID}\\Z", ["0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b"]),
]


def worst_case(module: ModuleType, size: int, *, spent: bool) -> dict[str, float | None]:
    """CPU µs per character of one search of each pattern, its cache spent (every step
    computed, as once the cache is full) or warm; None where the engine refuses it."""
    found: dict[str, float | None] = {}
    for pattern, unit in WORST:
        value = unit * (size // len(unit))
        try:
            engine = module.Regex(pattern)
        except module.PatternError:
            found[label(pattern)] = None
            continue
        if spent:
            engine._budget = 0
            rest = getattr(engine, "_rest", None)  # the branches beside literal words
            if rest is not None:
                rest._budget = 0
        else:
            engine.search(value)
        started = time.process_time()
        matched = engine.search(value)
        found[label(pattern)] = round((time.process_time() - started) / len(value) * 1e6, 3)
        assert not matched, pattern
    return found


def label(pattern: str) -> str:
    """The pattern, or its start and length when it is long (a list of names)."""
    return pattern if len(pattern) <= 120 else f"{pattern[:40]}... ({len(pattern):,} characters)"


def ratio_to_re(module: ModuleType, searches: int) -> dict[str, float]:
    """Time per search of an engine over re's, each pattern on its values."""
    found = {}
    for ecma, python, values in COMMON:
        engine, compiled = module.Regex(ecma), re.compile(python)
        for value in values:
            assert engine.search(value) is (compiled.search(value) is not None), (ecma, value)
        times = []
        for search in (engine.search, compiled.search):
            started = time.process_time()
            for _ in range(searches):
                for value in values:
                    search(value)
            times.append(time.process_time() - started)
        found[ecma] = times[0] / times[1]
    return found


def engine_at(revision: str) -> ModuleType:
    """The pattern engine as it was at a git revision, loaded as a module of its own."""
    source = subprocess.run(  # noqa: S603 - git on our own repository
        ["git", "show", f"{revision}:codegen/runtime/_regex.py"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "regex_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("regex_before", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["regex_before"] = module
    spec.loader.exec_module(module)
    return module


def _shown(value: float | None, width: int, digits: int) -> str:
    return f"{'refused':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000, help="characters per value")
    parser.add_argument("--before", metavar="REV", help="also run the engine at this revision")
    parser.add_argument("--before-size", type=int, default=1_500, help="its value size")
    parser.add_argument("--searches", type=int, default=20_000, help="searches per ratio")
    options = parser.parse_args()
    load = os.getloadavg()
    spent = worst_case(_regex, options.size, spent=True)
    warm = worst_case(_regex, options.size, spent=False)
    before = before_ratios = None
    if options.before:
        older = engine_at(options.before)
        before = worst_case(older, options.before_size, spent=True)
        before_ratios = ratio_to_re(older, options.searches)
    ratios = ratio_to_re(_regex, options.searches)
    print(
        f"Pattern engine, CPU µs per character on {options.size:,}-character values that "
        f"never match;\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"(this machine has {os.cpu_count()} cores).\n"
    )
    header = f"{'pattern':<58}{'spent':>9}{'warm':>9}"
    print(header + (f"{'before':>10}" if before else ""))
    for pattern, _ in WORST:
        key = label(pattern)
        shown = key if len(key) <= 56 else pattern[:30] + "..." + key[-23:]
        line = f"{shown:<58}{_shown(spent[key], 9, 2)}{_shown(warm[key], 9, 2)}"
        print(line + (_shown(before[key], 10, 1) if before else ""))
    worst = max(value for found in (spent, warm) for value in found.values() if value is not None)
    verdict = "met" if worst <= TARGET_MICROSECONDS else "MISSED"
    print(f"\nworst case: {worst:.2f} µs per character (cache spent or full)")
    if before:
        slowest = max(value for value in before.values() if value is not None)
        print(f"before ({options.before}): {slowest:.1f} µs per character")
    print(f"target: at most {TARGET_MICROSECONDS:g} µs per character: {verdict}")
    shown = ", ".join(f"{pattern} {ratio:.2f}x" for pattern, ratio in ratios.items())
    print(f"time per search against re on short common values: {shown}")
    if before_ratios:
        shown = ", ".join(f"{pattern} {ratio:.2f}x" for pattern, ratio in before_ratios.items())
        print(f"before ({options.before}): {shown}")
    results = {
        "benchmark": "regex",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": list(load),
        "size": options.size,
        "target_microseconds_per_character": TARGET_MICROSECONDS,
        "worst_microseconds_per_character": round(worst, 3),
        "target_met": worst <= TARGET_MICROSECONDS,
        "spent": spent,
        "warm": warm,
        "before": before,
        "before_revision": options.before,
        "ratio_to_re": {pattern: round(value, 3) for pattern, value in ratios.items()},
        "before_ratio_to_re": before_ratios
        and {pattern: round(value, 3) for pattern, value in before_ratios.items()},
        "targets": [
            target(
                "pattern engine worst case, µs per character",
                "none (absolute, cache spent or full)",
                worst,
                f"<= {TARGET_MICROSECONDS:g} µs per character",
                worst <= TARGET_MICROSECONDS,
            ),
            target(
                "pattern engine, slowest search on short values",
                "Python's re, same patterns and values",
                max(ratios.values()),
                "reported",
                None,
            ),
        ],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()

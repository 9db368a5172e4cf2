"""``python -m tests.fuzz``: fuzz validate, lint and the clients' decoding for a set time.

    python -m tests.fuzz [--seconds N] [--target NAME ...]   (nox -s fuzz -- N)
    python -m tests.fuzz --replay FIXTURE                    (check one saved input)

The time is shared among the targets, round robin, in rounds of hypothesis runs. An
input that breaks its target's invariant (see ``targets``) is shrunk by hypothesis and
saved as ``tests/fixtures/fuzz/<target>/<hash><suffix>``, where ``test_fuzz_replay``
replays it on every test run; fix the bug, commit the fixture. Exit status: 0 when
nothing broke, 1 when an input was saved, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, Phase, given, settings
from specbind import load_spec
from specbind._validate import _validator

from .targets import FIXTURES, TARGETS, Crash, Target

#: Seconds to fuzz when neither ``--seconds`` nor SPECBIND_FUZZ_SECONDS says.
DEFAULT_SECONDS = 300
#: Seconds one input may take: every check is linear in an input this small.
PER_INPUT_SECONDS = 20
#: Address space for the whole run: a runaway input fails with MemoryError instead.
MEMORY_CAP = 4 * 1024 * 1024 * 1024
#: Inputs per hypothesis run; each run starts from a fresh random seed.
_ROUND = 25


def _no_answer(_signal: int, _frame: FrameType | None) -> None:
    raise Crash(f"no answer in {PER_INPUT_SECONDS} s")


def fuzz(target: Target, until: float, scratch: Path, counts: Counter[str]) -> list[Path]:
    """Fuzz ``target`` until the monotonic clock reaches ``until``; return saved fixtures.

    ``counts`` counts the inputs checked, by target.
    """
    saved: list[Path] = []
    last: list[bytes] = []
    path = scratch / f"input{target.suffix}"

    @settings(
        database=None,
        deadline=None,
        max_examples=_ROUND,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(target.inputs)
    def one(data: bytes) -> None:
        last[:] = [data]
        counts[target.name] += 1
        path.write_bytes(data)
        signal.setitimer(signal.ITIMER_REAL, PER_INPUT_SECONDS)
        try:
            target.check_in_process(path)
        except Crash:
            raise
        except Exception as exc:
            raise Crash(f"{type(exc).__name__}: {exc}") from exc
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    while time.monotonic() < until:
        try:
            one()
        except Exception as exc:
            # Hypothesis ran the shrunk input last: that is the one to keep.
            fixture = save(target, last[0])
            if fixture not in saved:
                print(f"fuzz: {target.name}: {str(exc)[:300]}\n      saved {fixture}", flush=True)
                saved.append(fixture)
    return saved


def save(target: Target, data: bytes) -> Path:
    """Write an input as a regression fixture of ``target``, named by its hash."""
    folder = FIXTURES / target.name
    folder.mkdir(parents=True, exist_ok=True)
    fixture = folder / f"{hashlib.sha256(data).hexdigest()[:16]}{target.suffix}"
    fixture.write_bytes(data)
    return fixture


def _seconds(text: str | None) -> float:
    try:
        seconds = float(text) if text else DEFAULT_SECONDS
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("the time must be positive")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument(
        "--seconds",
        type=_seconds,
        default=_seconds(os.environ.get("SPECBIND_FUZZ_SECONDS")),
        help=f"how long to fuzz (default: $SPECBIND_FUZZ_SECONDS, else {DEFAULT_SECONDS})",
    )
    parser.add_argument("--target", action="append", choices=sorted(TARGETS), default=[])
    parser.add_argument("--replay", type=Path, metavar="FIXTURE", help="check one saved input")
    args = parser.parse_args(argv)
    if args.replay is not None:
        try:
            TARGETS[args.replay.parent.name].check_in_process(args.replay)
        except Crash as exc:
            print(f"fuzz: {args.replay}: {exc}", file=sys.stderr)
            return 1
        return 0
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    # The validate targets read the same spec for every input: parse it once (the lint
    # target fuzzes the loader itself).
    vars(_validator)["load_spec"] = functools.cache(load_spec)
    signal.signal(signal.SIGALRM, _no_answer)
    targets = [TARGETS[name] for name in args.target or sorted(TARGETS)]
    end = time.monotonic() + args.seconds
    share = max(args.seconds / len(targets) / 4, 5.0)
    saved: list[Path] = []
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="specbind-fuzz-") as scratch:
        while time.monotonic() < end:
            for target in targets:
                until = min(end, time.monotonic() + share)
                saved += fuzz(target, until, Path(scratch), counts)
    checked = ", ".join(f"{name} {number}" for name, number in sorted(counts.items()))
    print(f"fuzz: {args.seconds:.0f} s, inputs checked: {checked}; {len(saved)} saved")
    return 1 if saved else 0


if __name__ == "__main__":
    sys.exit(main())

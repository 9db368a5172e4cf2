"""Run a command in a subprocess and measure it: wall time, CPU time, peak RSS, exit status."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["Measured", "command_line", "measure", "target", "timed"]

ROOT = Path(__file__).parent.parent

_MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    started = time.perf_counter()
    status = subprocess.run(sys.argv[2:], check=False).returncode
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(sys.argv[1], "w") as out:
        json.dump({
            "seconds": seconds,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "maxrss_kib": usage.ru_maxrss,
            "status": status,
        }, out)
    """
)


class Measured(NamedTuple):
    """One run: wall seconds, CPU seconds (user and system, every process), peak RSS, status."""

    seconds: float
    cpu_seconds: float
    maxrss_kib: int
    status: int


def measure(command: list[str], output: Path, env: Mapping[str, str] | None = None) -> Measured:
    """Run a command from the project root, its output to ``output``, and measure it.

    A small Python process starts it and reads its ``ru_maxrss`` (the largest of the
    processes it waited for): a child forked from this process would count this
    process's memory as its own until it execs.
    """
    stats = output.with_suffix(".stats.json")
    with output.open("wb") as out:
        subprocess.run(  # noqa: S603 -- our own commands
            [sys.executable, "-c", _MEASURE, str(stats), *command],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            check=True,
        )
    found = json.loads(stats.read_text())
    return Measured(found["seconds"], found["cpu_seconds"], found["maxrss_kib"], found["status"])


def timed(command: list[str], output: Path) -> tuple[float, int, int]:
    """Run a command; its wall time, peak RSS in KiB and exit status."""
    found = measure(command, output)
    return found.seconds, found.maxrss_kib, found.status


def target(what: str, baseline: str, ratio: float, wanted: str, met: bool | None) -> dict[str, Any]:
    """One entry of a result's ``targets`` list, as bench/report.py reads it.

    ``met`` is None for a figure reported without a target.
    """
    return {
        "what": what,
        "baseline": baseline,
        "ratio": round(ratio, 3),
        "target": wanted,
        "met": met,
    }


def command_line(
    doc: str | None, arguments: Callable[[argparse.ArgumentParser], None] | None = None
) -> argparse.Namespace:
    """A benchmark's arguments: ``--help`` prints its docstring and measures nothing."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    if arguments is not None:
        arguments(parser)
    return parser.parse_args()

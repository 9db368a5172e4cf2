"""Run the specbind command (or another module) in a subprocess, time and memory bounded."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["MEMORY_CAP", "run_bounded"]

#: Address space for the child: the command with every import loaded needs about a
#: quarter of this, and every case these tests bound once took several gigabytes.
MEMORY_CAP = 1536 * 1024 * 1024


def _cap(memory: int) -> Callable[[], None]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return limit


def run_bounded(
    *args: str | Path,
    cwd: Path,
    timeout: float = 60,
    memory: int = MEMORY_CAP,
    stdin: bytes | None = None,
    module: str = "specbind",
) -> subprocess.CompletedProcess[str]:
    """``python -m MODULE ARGS`` under ``timeout`` seconds and ``memory`` bytes.

    Raises ``subprocess.TimeoutExpired`` when it runs away; a child that hits the memory
    cap dies with a MemoryError traceback, which the callers' checks catch.
    """
    done = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        preexec_fn=_cap(memory),
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "backslashreplace"),
        done.stderr.decode("utf-8", "backslashreplace"),
    )

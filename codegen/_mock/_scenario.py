"""Scenario files: the jobs a mock plays, in YAML read by the spec loader's safe reader.

```yaml
jobs:
  - operation: getJobDetail
    params: {id: 11111111-1111-4111-8111-000000000001}
    waiter: job
    outcome: success        # success | failure | never
    after: 3                # answered polls before the outcome, or a duration: 2.5s
    faults:                 # optional, by poll number (from 1)
      - {poll: 1, delay: 0.2}
      - {poll: 2, status: 503, retry_after: 1}
      - {poll: 3, drop: true}
```
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError

from .._spec._events import Refused, plain_document
from ._api import MockError
from ._jobs import OUTCOMES, Fault
from ._server import MockServer

__all__ = ["load_scenario"]

_JOB_KEYS = frozenset({"operation", "params", "waiter", "outcome", "after", "faults"})
_FAULT_KEYS = frozenset({"poll", "delay", "status", "retry_after", "drop"})
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*s")


def load_scenario(server: MockServer, path: str | os.PathLike[str]) -> None:
    """Add the jobs of the scenario file at ``path`` to ``server``. Raises
    :class:`MockError` with ``file:line:col: message`` for a scenario that cannot run."""
    shown = str(path)
    try:
        data, positions, _ = plain_document(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise MockError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    except Refused as exc:
        raise MockError(f"{shown}:{exc.line}:{exc.column}: {exc.message}") from None
    except (YAMLError, UnicodeDecodeError) as exc:
        raise MockError(f"{shown}: not a YAML scenario: {' '.join(str(exc).split())}") from None

    def fail(pointer: str, message: str) -> MockError:
        while pointer and pointer not in positions:
            pointer = pointer.rpartition("/")[0]
        line, column = positions.get(pointer, (1, 1))
        return MockError(f"{shown}:{line}:{column}: {message}")

    jobs = data.get("jobs") if isinstance(data, dict) else None
    if not isinstance(jobs, list):
        raise fail("", "a scenario is a mapping with a list of jobs (jobs: [...])")
    for index, job in enumerate(jobs):
        at = f"/jobs/{index}"
        if not isinstance(job, dict):
            raise fail(at, "a job is a mapping (operation, params, waiter, outcome, after)")
        unknown = sorted(set(job) - _JOB_KEYS)
        if unknown:
            raise fail(f"{at}/{unknown[0]}", f"unknown key {unknown[0]!r} (known: "
                       f"{', '.join(sorted(_JOB_KEYS))})")  # fmt: skip
        for key in ("operation", "waiter"):
            if not isinstance(job.get(key), str):
                raise fail(f"{at}/{key}" if key in job else at, f"{key} must be given, as text")
        params = job.get("params", {})
        if not isinstance(params, dict) or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in params.values()
        ):
            raise fail(f"{at}/params", "params maps parameter names to values")
        outcome = job.get("outcome", "success")
        if outcome not in OUTCOMES:
            raise fail(f"{at}/outcome", f"outcome must be one of {', '.join(OUTCOMES)}")
        try:
            server.add_job(
                job["operation"],
                params,
                waiter=job["waiter"],
                outcome=outcome,
                after=_after(job.get("after", 0)),
                faults=[_fault(fault) for fault in job.get("faults") or []],
            )
        except (MockError, ValueError, TypeError) as exc:
            raise fail(at, str(exc)) from None


def _after(value: Any) -> int | float:
    """``3`` polls, or ``2.5s`` seconds."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    found = _DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is None:
        raise ValueError(f"after {value!r}: a number of polls (3) or a duration (2.5s)")
    return float(found.group(1))


def _fault(value: Any) -> Fault:
    if not isinstance(value, dict) or not set(value) <= _FAULT_KEYS or "poll" not in value:
        raise ValueError(
            f"a fault is a mapping with poll and any of delay, status, retry_after, drop: {value!r}"
        )
    return Fault(
        poll=int(value["poll"]),
        delay=float(value.get("delay", 0)),
        status=None if value.get("status") is None else int(value["status"]),
        retry_after=None if value.get("retry_after") is None else int(value["retry_after"]),
        drop=value.get("drop") is True,
    )

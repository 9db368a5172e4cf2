"""Realistic Prunner job bodies for the benchmarks, shaped like tests/fixtures/prunner.

Each job has 20 tasks in dependency order (a few with ``dependsOn``), mixed statuses that
agree with the job's flags, ``null`` start/end where the real server sends them, a
canonical lower-case UUID, RFC 3339 ``Z`` dates and a ``variables`` map. Serialised
compactly, as the server does, a job is 2 to 3 KB.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["TASKS", "job", "job_bytes"]

TASKS = 20
_NAMES = (
    "checkout", "fetch_deps", "lint", "typecheck", "unit", "build", "assets", "migrate",
    "seed", "itest", "package", "sign", "upload", "notify", "deploy_eu", "deploy_us",
    "smoke", "cleanup", "report", "on_error",
)  # fmt: skip
_EPOCH = datetime(2026, 11, 23, 7, 0, 0, tzinfo=timezone.utc)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def job(seed: int) -> dict[str, Any]:
    """One job, the same for the same seed: done, failed, running, canceled or queued."""
    rng = random.Random(seed)  # noqa: S311 -- test data, not secrets
    created = _EPOCH + timedelta(seconds=rng.randrange(86_400 * 30))
    clock = created + timedelta(seconds=1)
    outcome = rng.choice(("done", "failed", "running", "canceled", "queued"))
    stop_at = {"done": TASKS, "queued": 0}.get(outcome, rng.randrange(3, 14))
    tasks: list[dict[str, Any]] = []
    for index, name in enumerate(_NAMES):
        task: dict[str, Any] = {"name": name}
        if index % 3 == 1 and name != "on_error":
            task["dependsOn"] = [_NAMES[index - 1]] + (
                [_NAMES[index - 4]] if index % 6 == 4 else []
            )
        start: str | None = None
        end: str | None = None
        exit_code, errored, skipped = -1, False, False
        if index < stop_at and name != "on_error":
            status = "skipped" if index % 7 == 6 else "done"
            skipped = status == "skipped"
            start = _stamp(clock)
            clock += timedelta(seconds=rng.randrange(0, 40))
            end = _stamp(clock)
        elif index == stop_at and outcome == "failed":
            status, exit_code, errored = "error", rng.choice((1, 2, 3, 137)), True
            start = _stamp(clock)
        elif index == stop_at and outcome in ("running", "canceled"):
            status, start = outcome, _stamp(clock)
        elif name == "on_error" and outcome == "failed":
            status, start, end = "done", _stamp(clock), _stamp(clock)
        else:
            status, exit_code = "waiting", 0
        task.update(
            status=status,
            start=start,
            end=end,
            skipped=skipped,
            exitCode=exit_code,
            errored=errored,
        )
        if errored:
            task["error"] = f"exit status {exit_code}"
        tasks.append(task)
    finished = outcome not in ("running", "queued")
    body: dict[str, Any] = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "pipeline": rng.choice(("release", "nightly", "deploy")),
        "tasks": tasks,
        "completed": finished,
        "canceled": outcome == "canceled",
        "errored": outcome == "failed",
        "created": _stamp(created),
        "start": None if outcome == "queued" else _stamp(created + timedelta(seconds=1)),
        "end": _stamp(clock) if finished else None,
    }
    if outcome == "failed":
        body["lastError"] = next(t["error"] for t in tasks if "error" in t)
    elif outcome == "canceled":
        body["lastError"] = "context canceled"
    body["variables"] = {
        "branch": rng.choice(("main", "release/2026.11", "fix/login")),
        "commit": f"{rng.getrandbits(48):012x}",
        "attempt": rng.randrange(1, 4),
        "dry_run": rng.random() < 0.2,
    }
    body["user"] = rng.choice(("j.doe", "ci-bot", ""))
    return body


def job_bytes(seed: int) -> bytes:
    """One job as the server sends it: compact JSON, no trailing newline."""
    return json.dumps(job(seed), separators=(",", ":"), ensure_ascii=False).encode()

"""Structuring Prunner jobs into the generated models: payloads per second, same run.

Each contestant turns the same raw JSON bodies (20-task jobs of 2.6 to 3.3 KB, see
``_prunner_jobs``) into Python values:

- ``orjson.loads``, ``json.loads`` and the bindings' own parse (``parse_json``: msgspec,
  installed by the bindings' ``fast`` extra) alone: the floor, parsing only;
- specbind's lenient ``converter.loads`` and ``strict_converter.loads``: parse included,
  with the bindings' own parse, as the generated client reads an answer;
- the lenient converter with the json module's parse (the bindings without their
  ``fast`` extra), and on bodies parsed beforehand, to show structuring alone;
- pydantic v2's ``model_validate_json`` on an equivalent hand-written model, the peer;
- msgspec decoding into typed Structs of the same shape, a reference: it does in C what
  the others do in Python, and its Structs drop unknown keys (which both specbind and
  the pydantic model keep).

Contestants run in interleaved rounds and each figure is the median over the rounds, so
a burst of load from elsewhere on the machine hits them all alike. Ratios are to
``orjson.loads`` (how many times slower), and in ``targets`` to pydantic (time against
its time). Results go to bench/results/models.json.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import orjson
import pydantic
from _measure import command_line
from _prunner_jobs import TASKS, job_bytes
from pydantic import BaseModel, ConfigDict, Field

import generated.prunner
from generated._runtime import FAST_PARSER, _json, parse_json
from generated.prunner.models import Job, TaskStatus

RESULTS = Path(__file__).parent / "results" / "models.json"
PAYLOADS = 200
ROUNDS = 30
ROUND_SECONDS = 0.08
#: The issue's target: the lenient path within this factor of ``orjson.loads``.
TARGET = 10.0
PYDANTIC = "pydantic v2 model_validate_json"
LENIENT = "specbind lenient, parse included (converter.loads)"
STRICT = "specbind strict, parse included (strict_converter.loads)"
MSGSPEC = "msgspec typed Structs (reference; drops unknown keys)"


class PydanticTask(BaseModel):
    """A Prunner task, as a pydantic user would write it: JSON types only (strict)."""

    model_config = ConfigDict(strict=True, frozen=True, extra="allow")

    name: str
    depends_on: list[str] | None = Field(default=None, alias="dependsOn")
    status: TaskStatus
    start: datetime | None
    end: datetime | None
    skipped: bool
    exit_code: int = Field(alias="exitCode")
    errored: bool
    error: str | None = None


class PydanticJob(BaseModel):
    """A Prunner job: the same fields, types and extra-key handling as the generated Job."""

    model_config = ConfigDict(strict=True, frozen=True, extra="allow")

    id: UUID
    pipeline: str
    tasks: list[PydanticTask] | None
    completed: bool
    canceled: bool
    errored: bool
    created: datetime
    start: datetime | None
    end: datetime | None
    user: str
    last_error: str | None = Field(default=None, alias="lastError")
    variables: dict[str, Any] | None = None


class MsgspecTask(msgspec.Struct, frozen=True, rename="camel"):
    """A Prunner task as a msgspec Struct: the same fields and types, no extra keys."""

    name: str
    status: TaskStatus
    start: datetime | None
    end: datetime | None
    skipped: bool
    exit_code: int
    errored: bool
    depends_on: list[str] | msgspec.UnsetType = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class MsgspecJob(msgspec.Struct, frozen=True, rename="camel"):
    """A Prunner job as a msgspec Struct."""

    id: UUID
    pipeline: str
    tasks: list[MsgspecTask] | None
    completed: bool
    canceled: bool
    errored: bool
    created: datetime
    start: datetime | None
    end: datetime | None
    user: str
    last_error: str | msgspec.UnsetType = msgspec.UNSET
    variables: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


def _contestants(parsed: list[tuple[bytes, Any]]) -> dict[str, Callable[[bytes], object]]:
    lenient = generated.prunner.converter
    strict = generated.prunner.strict_converter
    standard = _json._standard  # the bindings' parse without msgspec
    by_raw = {id(raw): value for raw, value in parsed}

    return {
        "orjson.loads": orjson.loads,
        "json.loads": json.loads,
        f"parse_json ({FAST_PARSER or 'json module'})": parse_json,
        LENIENT: lambda raw: lenient.loads(raw, Job),
        STRICT: lambda raw: strict.loads(raw, Job),
        "specbind lenient, json module's parse (no fast extra)": lambda raw: lenient.structure(
            standard(raw), Job
        ),
        "specbind lenient, structure only": lambda raw: lenient.structure(by_raw[id(raw)], Job),
        PYDANTIC: PydanticJob.model_validate_json,
        MSGSPEC: msgspec.json.Decoder(MsgspecJob).decode,
    }


def _targets(medians: dict[str, float]) -> list[dict[str, Any]]:
    """The issue's targets, each as a time against a baseline's time (see STREAMS2.md)."""

    def time_against(what: str, baseline: str) -> float:
        return round(medians[baseline] / medians[what], 2)

    targets = []
    for what in (LENIENT, STRICT):
        ratio = time_against(what, PYDANTIC)
        targets.append(
            {
                "what": what,
                "baseline": PYDANTIC,
                "ratio": ratio,
                "target": "<= 1.0 (time against the baseline)",
                "met": ratio <= 1.0,
            }
        )
    targets.append(
        {
            "what": LENIENT,
            "baseline": MSGSPEC,
            "ratio": time_against(LENIENT, MSGSPEC),
            "target": "reported: a reference (msgspec validates in C and keeps no unknown keys)",
            "met": None,
        }
    )
    lenient_to_floor = time_against(LENIENT, "orjson.loads")
    targets.append(
        {
            "what": LENIENT,
            "baseline": "orjson.loads",
            "ratio": lenient_to_floor,
            "target": f"<= {TARGET:g} (time against the baseline)",
            "met": lenient_to_floor <= TARGET,
        }
    )
    return targets


def _rate(run: Callable[[bytes], object], bodies: list[bytes], repeat: int) -> float:
    gc.collect()
    started = time.perf_counter()
    for _ in range(repeat):
        for raw in bodies:
            run(raw)
    return repeat * len(bodies) / (time.perf_counter() - started)


def main() -> None:
    bodies = [job_bytes(seed) for seed in range(PAYLOADS)]
    parsed = [(raw, json.loads(raw)) for raw in bodies]
    contestants = _contestants(parsed)
    for run in contestants.values():
        # Same answer from everyone before timing anyone: every body is a valid job.
        for raw in bodies:
            run(raw)
    repeats = {
        name: max(1, round(ROUND_SECONDS * _rate(run, bodies, 1) / len(bodies)))
        for name, run in contestants.items()
    }
    rates: dict[str, list[float]] = {name: [] for name in contestants}
    for _ in range(ROUNDS):
        for name, run in contestants.items():
            rates[name].append(_rate(run, bodies, repeats[name]))
    medians = {name: statistics.median(found) for name, found in rates.items()}
    floor = medians["orjson.loads"]
    ratio = floor / medians[LENIENT]
    targets = _targets(medians)
    sizes = [len(raw) for raw in bodies]
    print(
        f"{PAYLOADS} Prunner jobs of {TASKS} tasks, {min(sizes):,}-{max(sizes):,} bytes "
        f"(mean {statistics.mean(sizes):,.0f}); median of {ROUNDS} interleaved rounds; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    width = max(map(len, medians))
    print(f"{'contestant':<{width}}  {'payloads/s':>11}  {'x orjson.loads':>14}")
    for name, rate in medians.items():
        print(f"{name:<{width}}  {rate:>11,.0f}  {floor / rate:>14.2f}")
    for target in targets:
        verdict = {True: "met", False: "MISSED"}.get(target["met"], "reported")
        print(
            f"{target['what']} against {target['baseline']}: {target['ratio']:.2f}x the time "
            f"(target {target['target']}): {verdict}"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    report = {
        "benchmark": "models",
        "python": platform.python_version(),
        "pydantic": pydantic.VERSION,
        "msgspec": msgspec.__version__,
        "fast_parser": FAST_PARSER,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_at_end": round(os.getloadavg()[0], 2),
        "payloads": PAYLOADS,
        "tasks_per_job": TASKS,
        "bytes": {"min": min(sizes), "max": max(sizes), "mean": round(statistics.mean(sizes))},
        "rounds": ROUNDS,
        "results": {
            name: {
                "payloads_per_s": round(medians[name]),
                "times_slower_than_orjson_loads": round(floor / medians[name], 2),
                "per_round": [round(r) for r in rates[name]],
            }
            for name in medians
        },
        "target": {"lenient_within_x_of_orjson_loads": TARGET, "ratio": round(ratio, 2)},
        "target_met": ratio <= TARGET,
        "targets": targets,
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    command_line(__doc__)
    sys.exit(main())

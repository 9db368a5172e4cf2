"""`specbind validate` at scale: one process, a process pool, and Dask with 1 and 2 workers.

The capture is bench_validate's 20,000 Prunner jobs (every 200th broken) written ten
times over: 200,000 lines. Each way of running is timed end to end in a subprocess, as a
user runs it (start-up, spec loading and the report included); every run must print what
``--jobs 1`` prints. The Dask runs use a ``distributed.LocalCluster`` of worker processes
on 127.0.0.1 started here beforehand (``--scheduler``): starting a cluster is paid once
per cluster, not per run. The peak RSS of each worker is read from the workers after its
run. openapi-core's ``validate_response`` is measured in the same run, as in
bench_validate, and every rate is given as a ratio against it. Results go to
bench/results/validate_dask.json.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from _measure import command_line, measure, target, timed
from bench_validate import (
    _OPENAPI_CORE_SCRIPT,
    LINES,
    OPENAPI_CORE_SUBSET,
    UNMARSHAL_SUBSET,
    main,
    validate_command,
    write_lines,
)
from distributed import Client
from specbind._spec._load import load_spec
from specbind._validate._dask import local_cluster
from specbind._validate._run import auto_jobs

HERE = Path(__file__).parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "validate_dask.json"
TIMES = 10
#: Ranges of 8 MiB: about 60 of them, so two workers share the file evenly.
RANGE_BYTES = 8 * 1024 * 1024
#: What the README extrapolates to: a day of traffic on a cluster of such machines.
DAY = 50_000_000
MACHINES = 16
CORES = 2


def _peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def on_dask(workers: int, lines: Path, work: Path, expected: str) -> dict[str, Any]:
    """One run on a fresh local cluster of ``workers`` worker processes."""
    with local_cluster(workers) as cluster, Client(cluster) as client:
        output = work / f"dask{workers}.txt"
        command = validate_command(
            lines, "--engine", "dask", "--scheduler", cluster.scheduler_address
        )
        cpu_before = sum(client.run(_cpu_seconds).values())
        found = measure(command, output, env={"SPECBIND_DASK_RANGE_BYTES": str(RANGE_BYTES)})
        assert found.status == 1, output.read_text()[-2000:]
        assert output.read_text() == expected, f"--engine dask ({workers}) differs from --jobs 1"
        rss = sorted(client.run(_peak_rss_kib).values())
        worker_cpu = sum(client.run(_cpu_seconds).values()) - cpu_before
    return {
        "seconds": found.seconds,
        "client_rss_kib": found.maxrss_kib,
        "worker_rss_kib": rss,
        "worker_cpu_s": round(worker_cpu, 1),
        "client_cpu_s": round(found.cpu_seconds, 1),
    }


def run(python: Path, work: Path) -> dict[str, Any]:
    small = work / "jobs20k.jsonl"
    invalid, _ = write_lines(small)
    lines = work / "jobs.jsonl"
    capture = small.read_bytes()
    with lines.open("wb") as out:
        for _ in range(TIMES):
            out.write(capture)
    total = LINES * TIMES
    spec_json = work / "prunner.json"
    spec_json.write_text(json.dumps(load_spec(ROOT / "specs" / "prunner.yaml").data))
    script = work / "openapi_core_rate.py"
    script.write_text(_OPENAPI_CORE_SCRIPT)
    core_command = [
        str(python), str(script), str(spec_json), str(small),
        str(OPENAPI_CORE_SUBSET), str(UNMARSHAL_SUBSET),
    ]  # fmt: skip
    core = json.loads(
        subprocess.run(core_command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    )["validate_per_s"]
    runs: dict[str, dict[str, Any]] = {}
    single = work / "jobs1.txt"
    seconds, rss, status = timed(validate_command(lines, "--jobs", "1"), single)
    assert status == 1
    expected = single.read_text()
    runs["jobs 1"] = {"seconds": seconds, "worker_rss_kib": [rss]}
    auto = work / "auto.txt"
    seconds, rss, status = timed(validate_command(lines), auto)
    assert auto.read_text() == expected
    runs[f"jobs auto ({auto_jobs([str(lines)])})"] = {"seconds": seconds, "max_rss_kib": rss}
    for workers in (1, 2):
        runs[f"dask, {workers} worker{'s' * (workers > 1)}"] = on_dask(
            workers, lines, work, expected
        )
    for found in runs.values():
        found["payloads_per_s"] = round(total / found["seconds"])
        found["x_openapi_core"] = round(total / found["seconds"] / core, 1)
    one, two = runs["dask, 1 worker"], runs["dask, 2 workers"]
    scaling = one["seconds"] / two["seconds"]
    # What a busy core does: payloads per CPU-second of the workers, and of the client
    # (the command, which receives every result in order and writes the report).
    per_worker_core = total / two["worker_cpu_s"]
    client_ceiling = total / two["client_cpu_s"]
    cluster = min(per_worker_core * CORES * MACHINES, client_ceiling)
    return {
        "benchmark": "validate_dask",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_at_end": round(os.getloadavg()[0], 2),
        "lines": total,
        "invalid": invalid * TIMES,
        "range_bytes": RANGE_BYTES,
        "openapi_core_validate_per_s": round(core, 1),
        "runs": runs,
        "dask_2_workers_x_1_worker": round(scaling, 2),
        "payloads_per_worker_cpu_s": round(per_worker_core),
        "payloads_per_client_cpu_s": round(client_ceiling),
        "day": {
            "payloads": DAY,
            "machines": MACHINES,
            "cores_each": CORES,
            "payloads_per_s": round(cluster),
            "bound_by": "client" if cluster == client_ceiling else "workers",
            "hours": round(DAY / cluster / 3600, 2),
        },
        "targets": [
            target(
                "validate --engine dask, 2 workers, end to end",
                "the same, 1 worker",
                scaling,
                "reported",
                None,
            ),
            target(
                "validate --engine dask, 2 workers, end to end",
                "openapi-core validate_response per payload",
                two["payloads_per_s"] / core,
                "reported",
                None,
            ),
        ],
    }


def show(found: dict[str, Any]) -> None:
    print(
        f"{found['lines']:,} Prunner jobs, {found['invalid']:,} invalid; load average "
        f"{found['load_average_at_end']:.2f} on {os.cpu_count()} cores"
    )
    core = found["openapi_core_validate_per_s"]
    print(f"{'':<22} {'payloads/s':>10} {'x openapi-core':>15} {'peak RSS per process':>22}")
    for name, run in found["runs"].items():
        rss = run.get("worker_rss_kib") or [run["max_rss_kib"]]
        shown = ", ".join(f"{kib / 1024:.0f}" for kib in rss) + " MiB"
        print(f"{name:<22} {run['payloads_per_s']:>10,} {run['x_openapi_core']:>14}x {shown:>22}")
    print(f"{'openapi-core':<22} {core:>10,.0f} {1:>14}x")
    print(f"Dask, 2 workers / 1 worker: {found['dask_2_workers_x_1_worker']:.2f}x")
    print(
        f"per CPU-second: {found['payloads_per_worker_cpu_s']:,} payloads in a worker, "
        f"{found['payloads_per_client_cpu_s']:,} in the client"
    )
    day = found["day"]
    print(
        f"{day['payloads']:,} payloads on {day['machines']} such machines "
        f"({day['cores_each']} workers each): {day['payloads_per_s']:,}/s, bound by the "
        f"{day['bound_by']}: about {day['hours']:.2f} h"
    )


if __name__ == "__main__":
    command_line(__doc__)
    sys.exit(main(run, show, RESULTS))

"""`specbind validate` on a large JSON Lines capture: payloads per second and peak memory.

A JSON Lines file of 20,000 Prunner job bodies (see ``_prunner_jobs``; every 200th one
made invalid) is written to a temporary directory, then, in interleaved rounds:

- ``specbind validate --spec prunner --operation getJobDetail`` checks it end to end, in
  a subprocess timed by wall clock (start-up, spec loading and report included), its
  peak RSS read by the small process that starts it (the largest of its processes).
  It runs as a user runs it, with the default ``--jobs auto`` (one process per CPU for
  an input this large), and again with ``--jobs 1``;
- a subprocess merely reads the file and parses each line with ``orjson.loads``: the floor;
- openapi-core 0.23.1, what a user would otherwise pick, validates a subset of the same
  bodies as the response to ``GET /job/detail?id=...``. It pins openapi-spec-validator
  below 0.9, so it cannot share specbind's environment: it is installed into its own
  virtual environment under bench/results/ (once; later runs reuse it) and runs there.
  Its rate is per payload, start-up and a first warm-up call excluded.

Every command runs with its byte code cached, as from an installation (an untimed
first run writes it, whatever PYTHONDONTWRITEBYTECODE says); that run also keeps the
read of the spec in specbind's cache (``$SPECBIND_CACHE_DIR``, else the user's cache
directory), as any earlier run of the same spec would. Each figure is the median
over the rounds. Then the same file, ten times over (200,000 lines), is checked in as
many rounds again, with ``--jobs auto`` and with ``--jobs 1``. Its peak RSS is compared
with the small file's: the input is streamed, so it should not grow. The 180,000 lines
it adds give specbind's rate per payload without start-up, like openapi-core's. And it
is where ``--jobs auto`` is measured against ``--jobs 1``: about a quarter of a second
of every run is serial whichever the mode (the interpreter, imports, the spec, and the
first failing payload's checks), which on 20,000 lines bounds the ratio near 1.6 even
for a perfect split; the small file's ratio is reported beside it. Results go to
bench/results/validate.json, with the issue's targets: ``--jobs 1`` end to end at
least ``TARGET`` times openapi-core's rate, ``--jobs auto`` at least ``JOBS_TARGET`` times
``--jobs 1`` (meant for idle cores: whatever else runs shares them, so the load average
is reported beside it), and ``--jobs 1`` against the orjson floor, reported.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _measure import command_line, measure, target, timed
from _prunner_jobs import job
from specbind._spec._load import load_spec
from specbind._validate._run import auto_jobs

HERE = Path(__file__).parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "validate.json"
OPENAPI_CORE = "openapi-core==0.23.1"
VENV = HERE / "results" / "openapi-core-0.23.1"
LINES = 20_000
INVALID_EVERY = 200
ROUNDS = 3
#: Payloads openapi-core validates per round, and unmarshals once: it is slow.
OPENAPI_CORE_SUBSET = 300
UNMARSHAL_SUBSET = 40
#: The issue's targets: ``specbind validate --jobs 1``, end to end, at least this many
#: times openapi-core's rate per payload; ``--jobs auto`` at least this many times
#: ``--jobs 1`` (on two idle cores: the load average is reported with it).
TARGET = 40.0
JOBS_TARGET = 1.7

_BREAKAGES = (
    ("exitCode of the second task is a string", lambda body: body["tasks"][1].update(exitCode="3")),
    ("user missing", lambda body: body.pop("user")),
    ("created is not a date-time", lambda body: body.update(created="yesterday")),
    ("status not in the enum", lambda body: body["tasks"][0].update(status="paused")),
)

_OPENAPI_CORE_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    from openapi_core import OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    spec_path, lines_path, count, unmarshal_count = sys.argv[1:5]
    api = OpenAPI.from_dict(json.load(open(spec_path)))
    bodies = []
    with open(lines_path, "rb") as lines:
        for line in lines:
            bodies.append(line.rstrip(b"\\n"))
            if len(bodies) == int(count):
                break

    def request(body):
        return MockRequest(
            "http://localhost:9009", "get", "/job/detail", args={"id": json.loads(body)["id"]}
        )

    requests = [request(body) for body in bodies]
    # Warm up: openapi-core builds its validators on first use.
    api.validate_response(requests[0], MockResponse(bodies[0]))
    api.unmarshal_response(requests[0], MockResponse(bodies[0]))
    invalid = 0
    started = time.perf_counter()
    for req, body in zip(requests, bodies):
        try:
            api.validate_response(req, MockResponse(body))
        except Exception:
            invalid += 1
    validate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for req, body in list(zip(requests, bodies))[: int(unmarshal_count)]:
        api.unmarshal_response(req, MockResponse(body))
    unmarshal_seconds = time.perf_counter() - started
    print(json.dumps({
        "validate_per_s": len(bodies) / validate_seconds,
        "invalid": invalid,
        "checked": len(bodies),
        "unmarshal_per_s": int(unmarshal_count) / unmarshal_seconds,
    }))
    """
)


def write_lines(path: Path) -> tuple[int, list[int]]:
    """Write the capture: ``LINES`` jobs, every ``INVALID_EVERY``-th one broken.

    Returns how many are invalid, and the size of each line.
    """
    invalid = 0
    sizes = []
    with path.open("wb") as out:
        for seed in range(LINES):
            body = job(seed)
            if seed % INVALID_EVERY == INVALID_EVERY - 1:
                _BREAKAGES[invalid % len(_BREAKAGES)][1](body)
                invalid += 1
            line = json.dumps(body, separators=(",", ":")).encode()
            sizes.append(len(line))
            out.write(line + b"\n")
    return invalid, sizes


def validate_command(lines: Path, *options: str) -> list[str]:
    return [
        sys.executable, "-m", "specbind", "validate", "--spec", "prunner",
        "--operation", "getJobDetail", *options, str(lines),
    ]  # fmt: skip


def summary_line(output: Path) -> str:
    return next(line for line in output.read_text().splitlines() if line.startswith("checked "))


def cache_byte_code(lines: Path, first: Path) -> None:
    """Have each command start as from an installation, with its byte code cached.

    Where the environment says not to write it (PYTHONDONTWRITEBYTECODE), every start
    would compile specbind's sources again. One untimed run, on the first line, writes it.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with lines.open("rb") as capture:
        first.write_bytes(capture.readline())
    subprocess.run(validate_command(first), capture_output=True, check=False)  # noqa: S603


def openapi_core_python() -> Path:
    """openapi-core's own virtual environment, made on first use."""
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"installing {OPENAPI_CORE} into {VENV} (once)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)  # noqa: S603
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", OPENAPI_CORE], check=True)  # noqa: S603
    return python


def check_ten_times(lines: Path, work: Path, report: Path) -> tuple[list[float], list[float], int]:
    """The capture ten times over, checked in interleaved rounds with ``--jobs auto`` and
    ``--jobs 1``: the wall seconds of each round of each, and the largest peak RSS."""
    big = work / "jobs_x10.jsonl"
    capture = lines.read_bytes()
    with big.open("wb") as out:
        for _ in range(10):
            out.write(capture)
    big_auto: list[float] = []
    big_single: list[float] = []
    rss_big = 0
    for _ in range(ROUNDS):
        auto = measure(validate_command(big), report)
        assert auto.status == 1, report.read_text()[-2000:]
        big_auto.append(auto.seconds)
        alone = measure(validate_command(big, "--jobs", "1"), work / "single.txt")
        assert alone.status == 1, (work / "single.txt").read_text()[-2000:]
        assert (work / "single.txt").read_text() == report.read_text()
        big_single.append(alone.seconds)
        rss_big = max(rss_big, auto.maxrss_kib, alone.maxrss_kib)
    return big_auto, big_single, rss_big


def run(python: Path, work: Path) -> dict[str, Any]:
    """Every measurement, in a scratch directory; the figures as bench/results keeps them."""
    lines = work / "jobs.jsonl"
    invalid, sizes = write_lines(lines)
    spec_json = work / "prunner.json"
    spec_json.write_text(json.dumps(load_spec(ROOT / "specs" / "prunner.yaml").data))
    script = work / "openapi_core_rate.py"
    script.write_text(_OPENAPI_CORE_SCRIPT)
    report = work / "report.txt"
    floor = [
        sys.executable, "-c",
        "import orjson, sys\nfor line in open(sys.argv[1], 'rb'): orjson.loads(line)",
        str(lines),
    ]  # fmt: skip
    core_command = [
        str(python), str(script), str(spec_json), str(lines),
        str(OPENAPI_CORE_SUBSET), str(UNMARSHAL_SUBSET),
    ]  # fmt: skip
    cache_byte_code(lines, work / "first.jsonl")
    specbind: list[float] = []
    single: list[float] = []
    parse: list[float] = []
    core: list[dict[str, Any]] = []
    rss_small = 0
    # CPU seconds of every process of a run: what it costs, whatever else shares the cores.
    cpu: dict[str, list[float]] = {"auto": [], "jobs_1": []}
    for _ in range(ROUNDS):
        auto = measure(validate_command(lines), report)
        assert auto.status == 1, report.read_text()[-2000:]
        rss_small = auto.maxrss_kib
        specbind.append(LINES / auto.seconds)
        cpu["auto"].append(auto.cpu_seconds)
        alone = measure(validate_command(lines, "--jobs", "1"), work / "single.txt")
        assert alone.status == 1, (work / "single.txt").read_text()[-2000:]
        cpu["jobs_1"].append(alone.cpu_seconds)
        assert (work / "single.txt").read_text() == report.read_text()
        single.append(LINES / alone.seconds)
        seconds, _, status = timed(floor, work / "floor.txt")
        assert status == 0, (work / "floor.txt").read_text()
        parse.append(LINES / seconds)
        done = subprocess.run(core_command, capture_output=True, text=True, check=True)  # noqa: S603
        core.append(json.loads(done.stdout))
    summary = summary_line(report)
    expected = f"checked {LINES}: {LINES - invalid} valid, {invalid} invalid"
    assert summary.startswith(expected), (summary, expected)
    big_auto, big_single, rss_big = check_ten_times(lines, work, report)
    big_seconds = statistics.median(big_auto)
    # --jobs auto against --jobs 1 where --jobs auto is meant for: a capture whose
    # checking dwarfs start-up. About 0.25 s of each run is serial in either mode (the
    # interpreter, imports, the spec, the first look and the first failing payload's
    # layers): on the small capture, even a perfect split between two processes
    # could not reach the target.
    jobs_ratio = statistics.median(big_single) / big_seconds
    rate = statistics.median(specbind)
    single_rate = statistics.median(single)
    core_rate = statistics.median(c["validate_per_s"] for c in core)
    # Like openapi-core's figure, without start-up: the 180,000 lines the big run adds.
    per_payload = LINES * 9 / (big_seconds - LINES / rate)
    load = round(os.getloadavg()[0], 2)
    floor = statistics.median(parse)
    return {
        "benchmark": "validate",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_at_end": load,
        "lines": LINES,
        "bytes_per_line": {"min": min(sizes), "max": max(sizes)},
        "invalid": invalid,
        "rounds": ROUNDS,
        "processes": auto_jobs([str(lines)]),
        "payloads_per_s": {
            "specbind_validate_end_to_end": round(rate),
            "specbind_validate_jobs_1_end_to_end": round(single_rate),
            "specbind_validate_per_payload": round(per_payload),
            "orjson_parse_floor": round(floor),
            "openapi_core_validate_response": round(core_rate, 1),
            "openapi_core_unmarshal_response": round(
                statistics.median(c["unmarshal_per_s"] for c in core), 1
            ),
        },
        "cpu_us_per_payload": {
            "specbind_validate_end_to_end": round(statistics.median(cpu["auto"]) / LINES * 1e6),
            "specbind_validate_jobs_1_end_to_end": round(
                statistics.median(cpu["jobs_1"]) / LINES * 1e6
            ),
        },
        "per_round": {
            "specbind_validate_end_to_end": [round(r) for r in specbind],
            "specbind_validate_jobs_1_end_to_end": [round(r) for r in single],
            "orjson_parse_floor": [round(r) for r in parse],
            "openapi_core": core,
        },
        "specbind_x_openapi_core_validate": round(rate / core_rate, 1),
        "specbind_jobs_1_x_openapi_core_validate": round(single_rate / core_rate, 1),
        "specbind_per_payload_x_openapi_core_validate": round(per_payload / core_rate, 1),
        "orjson_floor_x_specbind": round(floor / rate, 1),
        "orjson_floor_x_specbind_jobs_1": round(floor / single_rate, 1),
        "jobs_auto_x_jobs_1": round(rate / single_rate, 2),
        "jobs_auto_x_jobs_1_big": round(jobs_ratio, 2),
        "targets": [
            target(
                "specbind validate --jobs 1, end to end",
                "openapi-core validate_response per payload",
                single_rate / core_rate,
                f">= {TARGET:g} (rate against the baseline)",
                single_rate / core_rate >= TARGET,
            ),
            target(
                f"specbind validate --jobs auto ({auto_jobs([str(lines)])} processes), end to "
                f"end on {LINES * 10:,} lines",
                f"specbind validate --jobs 1 (load average {load:.2f} at the end)",
                jobs_ratio,
                f">= {JOBS_TARGET:g} (rate against the baseline, on idle cores)",
                jobs_ratio >= JOBS_TARGET,
            ),
            target(
                f"specbind validate --jobs auto, end to end on {LINES:,} lines",
                "specbind validate --jobs 1",
                rate / single_rate,
                "reported (start-up weighs more)",
                None,
            ),
            target(
                "specbind validate --jobs 1, end to end",
                "orjson.loads per line, in a subprocess (the floor)",
                single_rate / floor,
                "reported (rate against the floor)",
                None,
            ),
        ],
        "summary": summary,
        "peak_rss_kib": {str(LINES): rss_small, str(LINES * 10): rss_big},
        "big_run": {
            "payloads_per_s": round(LINES * 10 / big_seconds),
            "jobs_1_payloads_per_s": round(LINES * 10 / statistics.median(big_single)),
            "seconds": {"auto": big_auto, "jobs_1": big_single},
            "summary": summary_line(report),
        },
    }


def show(found: dict[str, Any]) -> None:
    rates = found["payloads_per_s"]
    rate = rates["specbind_validate_end_to_end"]
    size = found["bytes_per_line"]
    print(
        f"{LINES:,} Prunner jobs of {size['min']:,}-{size['max']:,} bytes, {found['invalid']} "
        f"invalid; median of {ROUNDS} interleaved rounds; load average "
        f"{found['load_average_at_end']:.2f} on {os.cpu_count()} cores"
    )
    processes = found["processes"]
    rows = [
        ("orjson.loads per line (floor, subprocess)", rates["orjson_parse_floor"]),
        (f"specbind validate, end to end (--jobs auto: {processes})", rate),
        ("specbind validate --jobs 1, end to end", rates["specbind_validate_jobs_1_end_to_end"]),
        (
            "specbind validate, per payload (start-up excluded, --jobs auto)",
            rates["specbind_validate_per_payload"],
        ),
        (
            f"openapi-core validate_response ({OPENAPI_CORE_SUBSET} bodies)",
            rates["openapi_core_validate_response"],
        ),
        (
            f"openapi-core unmarshal_response ({UNMARSHAL_SUBSET} bodies)",
            rates["openapi_core_unmarshal_response"],
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'':<{width}}  {'payloads/s':>11}  {'specbind is':>12}")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>11,.0f}  {rate / value:>11.2f}x")
    single, auto = found["targets"][:2]
    alone = found["specbind_jobs_1_x_openapi_core_validate"]
    verdict = "met" if single["met"] else "MISSED"
    print(f"target: --jobs 1 at least {TARGET:g}x openapi-core: {alone:.1f}x, {verdict}")
    verdict = "met" if auto["met"] else "MISSED"
    print(
        f"target: --jobs auto at least {JOBS_TARGET:g}x --jobs 1 on {LINES * 10:,} lines: "
        f"{auto['ratio']:.2f}x, {verdict} (load average {found['load_average_at_end']:.2f}: "
        "the cores were shared with whatever else ran)"
    )
    print(
        f"--jobs auto against --jobs 1 on {LINES:,} lines: {found['jobs_auto_x_jobs_1']:.2f}x "
        "(about 0.25 s of start-up is serial)"
    )
    print(f"with --jobs auto: {found['specbind_x_openapi_core_validate']:.1f}x openapi-core")
    alike = found["specbind_per_payload_x_openapi_core_validate"]
    print(f"per payload on both sides (start-up excluded): {alike:.1f}x")
    print(
        f"the orjson floor is {found['orjson_floor_x_specbind_jobs_1']:.1f}x faster than "
        f"specbind --jobs 1, {found['orjson_floor_x_specbind']:.1f}x than --jobs auto"
    )
    cpu = found["cpu_us_per_payload"]
    print(
        f"CPU per payload, every process, start-up included: "
        f"{cpu['specbind_validate_jobs_1_end_to_end']} us with --jobs 1, "
        f"{cpu['specbind_validate_end_to_end']} us with --jobs auto"
    )
    rss = found["peak_rss_kib"]
    print(
        f"peak RSS of the largest of its {processes} processes: "
        f"{rss[str(LINES)] / 1024:.1f} MiB for {LINES:,} lines, "
        f"{rss[str(LINES * 10)] / 1024:.1f} MiB for {LINES * 10:,} lines "
        f"({found['big_run']['payloads_per_s']:,}/s)"
    )
    core = found["per_round"]["openapi_core"][0]
    print(f"openapi-core found {core['invalid']} invalid in its {core['checked']} bodies")


def main(
    measure: Callable[[Path, Path], dict[str, Any]] = run,
    report: Callable[[dict[str, Any]], None] = show,
    results: Path = RESULTS,
) -> None:
    """Measure in a scratch directory, print, and keep the figures in ``results``."""
    python = openapi_core_python()
    with tempfile.TemporaryDirectory(prefix="specbind-bench-") as temp:
        found = measure(python, Path(temp))
    report(found)
    results.parent.mkdir(exist_ok=True)
    results.write_text(json.dumps(found, indent=2) + "\n")
    print(f"wrote {results}")


if __name__ == "__main__":
    command_line(__doc__)
    sys.exit(main())

"""Calls per second of the generated Prunner client, against raw urllib3 and requests.

A keep-alive HTTP/1.1 server runs in its own process on 127.0.0.1 (so that it does not
share the client's GIL) and answers every ``GET /job/detail`` with the same realistic
job: 20 tasks, about 3 KB. In one run, four contenders make the same number of calls,
taking turns call by call, in rounds. Each ratio is the median over the rounds of the
contender's time against the baseline's time in the same round, so that a load that
comes and goes on the machine weighs on both sides of each ratio alike. The contenders:

- ``urllib3 + json``: ``PoolManager.request`` then ``json.loads``, the baseline;
- ``specbind Transport + json``: the generated client's transport, then ``json.loads``:
  no models, so that the transport's own cost shows;
- ``generated client``: ``generated.prunner.Client.get_job_detail``, models included;
- ``requests + .json()``: ``requests.Session.get(...).json()``, the usual peer.

The target: the generated client within 1.3x the time per call of urllib3 + json.
Numbers go to stdout as a table and to bench/results/client.json; ``--profile`` also
prints where the generated client spends its time (cProfile).

    python bench/bench_client.py [--calls N] [--rounds R] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib.metadata
import json
import multiprocessing
import platform
import pstats
import socket
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import requests
import urllib3

import generated.prunner
from generated._runtime import Transport

ROOT = Path(__file__).parent.parent
RESULTS = ROOT / "bench" / "results" / "client.json"
FIXTURES = ROOT / "tests" / "fixtures" / "prunner"
TARGET_RATIO = 1.3
CREDENTIAL = "bench-credential"
TASKS = 20


def job_body() -> bytes:
    """A failed job of 20 tasks, made of the tasks of a real Prunner answer.

    The real detail_failing_with_on_error.json has a done task, an errored one, a
    waiting one and on_error; this job has 17 done tasks (every third depending on
    the one before), then those last three, and the variables of another real answer.
    Compact JSON and a final newline, as Prunner sends it: about 3 KB.
    """
    job = json.loads((FIXTURES / "detail_failing_with_on_error.json").read_bytes())
    variables = json.loads((FIXTURES / "detail_simple_done.json").read_bytes())["variables"]
    done, boom, waiting, on_error = job["tasks"]
    started = datetime(2026, 11, 23, 7, 28, 20, tzinfo=timezone.utc)

    def at(seconds: int) -> str:
        return (started + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")

    tasks = []
    for number in range(TASKS - 3):
        name = f"step{number:02d}"
        depends = {"dependsOn": [f"step{number - 1:02d}"]} if number % 3 == 2 else {}
        # As Prunner orders the keys: dependsOn right after the name.
        task = {"name": name, **depends, **done}
        task.update(name=name, start=at(number * 7), end=at(number * 7 + 6))
        tasks.append(task)
    last = tasks[-1]["name"]
    boom = {**boom, "dependsOn": [last], "start": at(TASKS * 7)}
    tasks += [boom, waiting, {**on_error, "start": at(TASKS * 7 + 1), "end": at(TASKS * 7 + 2)}]
    job.update(tasks=tasks, start=at(0), end=at(TASKS * 7 + 2), variables=variables)
    return json.dumps(job, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


BODY = job_body()
JOB_ID = json.loads(BODY)["id"]
PATH = f"/job/detail?id={JOB_ID}"
# The server stops by itself after this long, should this process die without stopping it.
SERVER_LIFETIME = 600.0
BASELINE = "urllib3 + json"
TRANSPORT = "specbind Transport + json"
GENERATED = "generated client"
PEER = "requests + .json()"


# --- the server (in its own process) ----------------------------------------------------


class _Responder(asyncio.Protocol):
    """HTTP/1.1 keep-alive: one canned answer per request head, 404 for other paths."""

    def __init__(self, found: bytes, missing: bytes) -> None:
        self._found = found
        self._missing = missing
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        assert self._transport is not None
        self._buffer += data
        while (end := self._buffer.find(b"\r\n\r\n")) >= 0:
            head, self._buffer = self._buffer[:end], self._buffer[end + 4 :]
            # Every request here is a GET without a body.
            wanted = head.startswith(b"GET /job/detail?id=")
            self._transport.write(self._found if wanted else self._missing)


def _answer(status: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def serve(ready: Connection) -> None:
    """Serve on 127.0.0.1, port chosen by the OS and sent through ``ready``."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        found = _answer("200 OK", BODY)
        missing = _answer("404 Not Found", b'{"error":"Job not found"}\n')
        server = await loop.create_server(
            lambda: _Responder(found, missing), "127.0.0.1", 0, backlog=64
        )
        ready.send(server.sockets[0].getsockname()[1])
        ready.close()
        async with server:
            await asyncio.sleep(SERVER_LIFETIME)

    asyncio.run(main())


# --- the contenders ---------------------------------------------------------------------

Call = Callable[[], Any]


def contenders(base_url: str) -> tuple[dict[str, Call], Callable[[], None]]:
    """Each contender's one call, all to the same URL, and a function that closes them."""
    url = base_url + PATH
    auth = {"Authorization": f"Bearer {CREDENTIAL}"}
    pool = urllib3.PoolManager(maxsize=1)
    transport = Transport(
        base_url=base_url,
        credentials=auth,
        user_agent=generated.prunner.client.USER_AGENT,
        logger_name="generated.prunner",
    )
    client = generated.prunner.Client(base_url=base_url, token=CREDENTIAL)
    session = requests.Session()
    session.headers.update(auth)

    def raw() -> Any:
        response = pool.request("GET", url, headers=auth)
        return json.loads(response.data)

    def runtime() -> Any:
        answer = transport.request("GET", "/job/detail", query={"id": JOB_ID}, idempotent=True)
        return json.loads(answer.body)

    def generated_client() -> Any:
        return client.get_job_detail(id=JOB_ID)

    def peer() -> Any:
        return session.get(url).json()

    def close() -> None:
        pool.clear()
        transport.close()
        client.close()
        session.close()

    calls = {BASELINE: raw, TRANSPORT: runtime, GENERATED: generated_client, PEER: peer}
    return calls, close


def check(calls: dict[str, Call]) -> None:
    """Every contender got the whole job: a benchmark of wrong answers measures nothing."""
    for name, call in calls.items():
        result = call()
        if name == GENERATED:
            tasks, job_id = len(result.tasks or []), str(result.id)
        else:
            tasks, job_id = len(result["tasks"]), result["id"]
        if (tasks, job_id) != (TASKS, JOB_ID):
            raise SystemExit(f"{name} got a wrong answer: {tasks} tasks, id {job_id}")


def timed(call: Call, calls: int) -> float:
    """Seconds for ``calls`` calls."""
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return time.perf_counter() - started


def measure(contestants: dict[str, Call], calls: int, rounds: int) -> dict[str, list[float]]:
    """Calls per second of each contender in each round.

    Within a round the contenders take turns call by call, each call timed on its own:
    the round trip on loopback swings by a factor of two from one tenth of a second to
    the next on a small virtual machine, and taking turns puts every contender's calls
    in the same stretches of time. The order of the turns rotates every round.
    """
    for call in contestants.values():
        timed(call, 200)  # warm up: connections, caches, cattrs hooks
    names = list(contestants)
    per_round: dict[str, list[float]] = {name: [] for name in names}
    clock = time.perf_counter
    for number in range(rounds):
        shift = number % len(names)
        turns = [(name, contestants[name]) for name in names[shift:] + names[:shift]]
        spent = dict.fromkeys(names, 0.0)
        for _ in range(calls):
            for name, call in turns:
                started = clock()
                call()
                spent[name] += clock() - started
        for name in names:
            per_round[name].append(calls / spent[name])
    return per_round


def profile(call: Call, calls: int) -> None:
    """Print where ``calls`` calls of the generated client spend their time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print(f"\ncProfile of {calls} generated-client calls, by own time:")
    stats.sort_stats("tottime").print_stats(18)
    print("by cumulative time:")
    stats.sort_stats("cumulative").print_stats(25)


# --- report -----------------------------------------------------------------------------


def report(per_round: dict[str, list[float]], options: argparse.Namespace) -> dict[str, Any]:
    """Print the table and return the numbers, for bench/results/client.json.

    ``per_round`` holds each contender's calls per second, round by round.
    """
    calls, rounds = options.calls, options.rounds
    medians = {name: statistics.median(values) for name, values in per_round.items()}
    # The ratio is time per call against the baseline's in the same round: above 1 is
    # slower.
    paired = {
        name: [base / value for base, value in zip(per_round[BASELINE], values, strict=True)]
        for name, values in per_round.items()
    }
    ratios = {name: statistics.median(values) for name, values in paired.items()}
    ratio = ratios[GENERATED]
    met = ratio <= TARGET_RATIO
    print(
        f"Prunner GET /job/detail: a {len(BODY):,}-byte job with {TASKS} tasks, from a "
        f"keep-alive server in another process on 127.0.0.1;\n{rounds} interleaved rounds "
        f"of {calls:,} calls per contender; rates are medians of the rounds, ratios are\n"
        "medians of the per-round ratios to urllib3+json.\n"
    )
    print(f"{'contender':<28}{'calls/s':>10}{'µs/call':>10}{'time vs urllib3+json':>23}")
    for name, value in medians.items():
        print(f"{name:<28}{value:>10,.0f}{1e6 / value:>10.1f}{ratios[name]:>22.2f}x")
    seen = paired[GENERATED]
    quartiles = statistics.quantiles(seen, n=4) if rounds > 1 else [ratio] * 3
    print(
        f"\n{GENERATED}, per-round ratios: {min(seen):.2f}x to {max(seen):.2f}x, "
        f"middle half {quartiles[0]:.2f}x to {quartiles[2]:.2f}x"
    )
    base_micros = 1e6 / medians[BASELINE]
    transport = (ratios[TRANSPORT] - 1) * base_micros
    models = (ratios[GENERATED] - ratios[TRANSPORT]) * base_micros
    print(
        f"{GENERATED} over urllib3+json: {transport:+.0f} µs/call in the transport, "
        f"{models:+.0f} µs/call building models"
    )
    verdict = "met" if met else "MISSED"
    target = f"generated client within {TARGET_RATIO}x of urllib3+json"
    print(f"target: {target}: {verdict} ({ratio:.2f}x)")
    return {
        "benchmark": "client",
        "operation": "prunner getJobDetail",
        "body_bytes": len(BODY),
        "tasks": TASKS,
        "calls_per_round": calls,
        "rounds": rounds,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "urllib3": importlib.metadata.version("urllib3"),
        "requests": importlib.metadata.version("requests"),
        "baseline": BASELINE,
        "target_ratio": TARGET_RATIO,
        "ratio": round(ratio, 3),
        "target_met": met,
        "targets": [
            {
                "what": "generated client (Prunner getJobDetail, models included)",
                "baseline": BASELINE,
                "ratio": round(ratio, 2),
                "target": f"<= {TARGET_RATIO} (time against the baseline)",
                "met": met,
            }
        ],
        "results": {
            name: {
                "calls_per_second": round(medians[name], 1),
                "microseconds_per_call": round(1e6 / medians[name], 2),
                "ratio_to_baseline": round(ratios[name], 3),
                "rounds_calls_per_second": [round(value, 1) for value in per_round[name]],
                "rounds_ratio_to_baseline": [round(value, 3) for value in paired[name]],
            }
            for name in medians
        },
    }


def _port(receive: Connection, server: multiprocessing.process.BaseProcess) -> int:
    """The port the server process listens on, once it says so (within 30 s)."""
    deadline = time.monotonic() + 30
    while not receive.poll(0.1):
        if not server.is_alive() or time.monotonic() > deadline:
            raise SystemExit("the benchmark server did not start")
    port: int = receive.recv()
    return port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per contender per round")
    parser.add_argument("--rounds", type=int, default=31, help="interleaved rounds")
    parser.add_argument("--profile", action="store_true", help="also profile the generated client")
    options = parser.parse_args()
    if options.calls < 1 or options.rounds < 1:
        parser.error("--calls and --rounds must be at least 1")

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    server = context.Process(target=serve, args=(send,), daemon=True)
    server.start()
    try:
        port = _port(receive, server)
        calls, close = contenders(f"http://127.0.0.1:{port}")
        try:
            check(calls)
            results = report(measure(calls, options.calls, options.rounds), options)
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps(results, indent=2) + "\n")
            print(f"written to {RESULTS}")
            if options.profile:
                profile(calls[GENERATED], options.calls)
        finally:
            close()
    finally:
        server.terminate()
        server.join(10)


if __name__ == "__main__":
    main()

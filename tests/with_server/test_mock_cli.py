"""`specbind mock` as a user runs it: a subprocess that prints its address, serves a
scenario to a generated client, and stops cleanly on SIGINT and SIGTERM."""

from __future__ import annotations

import re
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from _support import ROOT

from generated import prunner
from generated._runtime import PollPolicy, WaiterFailed, WaiterTimeout

FAST = PollPolicy(delay=0.01, growth=1.0, max_delay=0.01, jitter=0)
ADDRESS = re.compile(r"specbind mock: serving (\w+) on (http://127\.0\.0\.1:\d+)\n")
SCENARIO = """\
jobs:
  - operation: getJobDetail
    params: {id: 11111111-1111-4111-8111-000000000001}
    waiter: job
    outcome: success
    after: 2
    faults:
      - {poll: 1, status: 503, retry_after: 0}
  - operation: getJobDetail
    params: {id: 11111111-1111-4111-8111-000000000002}
    waiter: job
    outcome: failure
    after: 0.2s
  - operation: getJobDetail
    params: {id: 11111111-1111-4111-8111-000000000003}
    waiter: job
    outcome: never
"""


def mock_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "specbind", "mock", *arguments]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    scenario = tmp_path / "jobs.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    with subprocess.Popen(
        mock_command("--spec", "prunner", "--scenario", str(scenario)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            found = ADDRESS.fullmatch(line)
            assert found is not None, (line, process.stderr.read() if process.stderr else "")
            assert found.group(1) == "prunner"
            yield process, found.group(2)
        finally:
            if process.poll() is None:
                process.kill()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_it_serves_a_scenario_and_stops_cleanly(
    served: tuple[subprocess.Popen[str], str], stop: signal.Signals
) -> None:
    process, url = served
    with prunner.Client(base_url=url, token="t", retries=0) as client:
        job = client.wait_for_job(id="11111111-1111-4111-8111-000000000001", timeout=5, poll=FAST)
        assert job.completed
        with pytest.raises(WaiterFailed):
            client.wait_for_job(id="11111111-1111-4111-8111-000000000002", timeout=5, poll=FAST)
        with pytest.raises(WaiterTimeout):
            client.wait_for_job(id="11111111-1111-4111-8111-000000000003", timeout=0.3, poll=FAST)
    process.send_signal(stop)
    assert process.wait(10) == 0
    assert process.stderr is not None
    assert process.stderr.read() == ""


def test_it_starts_within_a_second_of_cpu() -> None:
    """CPU time, not wall time, which on shared, loaded test machines says little."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with subprocess.Popen(
        mock_command("--spec", "vectara"), stdout=subprocess.PIPE, text=True, cwd=ROOT
    ) as process:
        assert process.stdout is not None
        assert ADDRESS.fullmatch(process.stdout.readline())
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # About 0.5 s here (specbind's names and openapi-spec-validator are imported only when
    # used; before, 1.0 s); this guards against regressions.
    assert used < 1.0


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (
            "jobs:\n  - operation: getJobDetail\n    waiter: nope\n",
            r"jobs\.yaml:2:5: getJobDetail declares no waiter 'nope' \(declared: job\)",
        ),
        (
            "jobs:\n  - operation: getJobDetail\n    waiter: job\n    colour: red\n",
            r"jobs\.yaml:4:5: unknown key 'colour'",
        ),
        ("jobs: !!python/object:os.system []\n", r"jobs\.yaml:1:7: .*tag"),
    ],
)
def test_a_bad_scenario_is_one_line_and_exit_2(tmp_path: Path, scenario: str, message: str) -> None:
    path = tmp_path / "jobs.yaml"
    path.write_text(scenario, encoding="utf-8")
    done = subprocess.run(
        mock_command("--spec", "prunner", "--scenario", str(path)),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert re.fullmatch(rf"specbind mock: \S*{message}.*\n", done.stderr), done.stderr


def test_an_unknown_spec_is_exit_2() -> None:
    done = subprocess.run(
        mock_command("--spec", "nope"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(
        "specbind mock: --spec nope: no spec of that name in specs, nor shipped with specbind"
    )
    assert done.stderr.count("\n") == 1

"""`specbind wait` as a shell script runs it: a subprocess against a server on 127.0.0.1.

The credential goes through the environment only; each test checks it reached the
server and never shows in what the command prints.
"""

from __future__ import annotations

import json
import os
import pty
import re
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from _server import TestServer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok_w41t-5ecr3t-9f8e7d"
JOB_ID = "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def wait(server: TestServer, *args: str, stderr: Any = subprocess.PIPE, **env: str) -> Any:
    command = [sys.executable, "-m", "specbind", "wait", "--base-url", server.url, *args]
    done = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limit_memory,
    )
    assert TOKEN not in command
    assert TOKEN not in done.stdout
    assert TOKEN not in (done.stderr or "")
    return done


def vectara(state: str) -> Any:
    return lambda exchange: exchange.json(200, {"id": "job_7", "state": state})


VECTARA = ("--spec", "vectara", "--waiter", "job", "--param", "job_id=job_7")


def test_success_exits_0_and_sends_the_token_from_the_environment(server: TestServer) -> None:
    server.serve(vectara("completed"))
    done = wait(server, *VECTARA, "--token-env", "VECTARA_TOKEN", VECTARA_TOKEN=TOKEN)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("vectara job: success after ")
    (request,) = server.requests
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.target == "/v2/jobs/job_7"


def test_json_format_prints_the_final_model(server: TestServer) -> None:
    server.serve(vectara("completed"))
    done = wait(server, *VECTARA, "--format", "json", "--api-key-env", "KEY", KEY=TOKEN)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"id": "job_7", "state": "completed"}
    assert server.requests[0].headers["x-api-key"] == TOKEN


@pytest.mark.parametrize("state", ["failed", "aborted"])
def test_a_failure_state_exits_1(server: TestServer, state: str) -> None:
    server.serve(vectara(state))
    done = wait(server, *VECTARA, "--format", "json", "--token-env", "T", T=TOKEN)
    assert done.returncode == 1
    assert json.loads(done.stdout)["state"] == state
    assert "failure" in done.stderr


def test_the_timeout_exits_3(server: TestServer) -> None:
    server.serve(vectara("started"))
    # The spec's first delay is 2 s: a wait of 0.5 s makes one last poll just before its
    # deadline instead, then gives up.
    done = wait(server, *VECTARA, "--timeout", "0.5", "--token-env", "T", T=TOKEN)
    assert done.returncode == 3
    assert re.fullmatch(
        r"vectara job: waiter 'job' timed out: no final state in 2 polls over 0\.\d s of "
        r"its 0\.5 s; last seen: state='started'\n",
        done.stdout,
    ), done.stdout
    assert len(server.requests) == 2


def test_an_error_answer_exits_4(server: TestServer) -> None:
    server.serve(lambda exchange: exchange.json(404, {"messages": ["no such job"]}))
    done = wait(server, *VECTARA, "--token-env", "T", T=TOKEN)
    assert done.returncode == 4
    assert "404" in done.stderr
    assert done.stderr.count("\n") == 1


def test_a_refused_connection_exits_4_once_the_retries_are_spent() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "specbind", "wait", "--base-url", f"http://127.0.0.1:{port}"]
    started = time.monotonic()
    done = subprocess.run(
        [*command, *VECTARA, "--timeout", "60", "--token-env", "T"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "T": TOKEN},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 4, done.stderr
    assert "refused" in done.stderr.lower()
    assert done.stderr.count("\n") == 1
    assert time.monotonic() - started < 30  # not the 60 s timeout


def test_prunner_parameters_by_wire_name(server: TestServer) -> None:
    body = json.loads((ROOT / "tests" / "fixtures").joinpath("waiter_prunner_job.json").read_text())
    server.serve(lambda exchange: exchange.json(200, body))
    args = ("--spec", "prunner", "--waiter", "job", "--param", f"id={JOB_ID}")
    done = wait(server, *args, "--token-env", "T", T=TOKEN)
    assert done.returncode == 0, done.stderr
    assert server.requests[0].target == f"/job/detail?id={JOB_ID}"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("--spec", "vectara", "--waiter", "nope", "--param", "job_id=job_7"), {},
         "declares no waiter 'nope' (waiters: job)"),
        (("--spec", "nothere", "--waiter", "job"), {}, "--spec nothere: no spec of that name"),
        ((*VECTARA, "--token-env", "UNSET_VAR"), {}, "UNSET_VAR is not set"),
        ((*VECTARA, "--param", "colour=red"), {}, "--param 'colour=red': expected KEY=VALUE"),
        (("--spec", "vectara", "--waiter", "job"), {}, "missing --param for job_id"),
        ((*VECTARA, "--param", "Request-Timeout=soon"), {}, "is not an integer"),
        ((*VECTARA, "--timeout", "-1"), {}, "must be a positive number of seconds"),
        # prunner's client takes one since its jwt cookie scheme is honoured.
        (("--spec", "veryfront", "--waiter", "job", "--api-key-env", "T"), {"T": TOKEN},
         "the veryfront client takes no api key"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(
    server: TestServer, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    done = wait(server, *args, **env)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert server.requests == []


def test_a_terminal_gets_a_progress_line(server: TestServer) -> None:
    server.serve(vectara("queued"), vectara("completed"))
    leader, follower = pty.openpty()
    try:
        done = wait(server, *VECTARA, "--token-env", "T", stderr=follower, T=TOKEN)
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal's other side is closed
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert done.returncode == 0
    assert b"\rjob: poll 1" in shown.replace(b"\x1b[K", b"")
    assert b"state=queued" in shown

"""`specbind record` between a generated client and a real local upstream (the mock):
bytes pass unchanged, the HAR gets the live check's verdicts, no credential reaches the
HAR, and the proxy outlives an upstream that drops a connection or is slow."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import urllib3
from _server import TestServer
from _support import ROOT
from specbind import Validator
from specbind.mock import Fault, MockServer, RecordingProxy

from generated import prunner, vectara
from generated._runtime import PollPolicy

JOB = "11111111-1111-4111-8111-000000000001"
SECRETS = ("sekrit-token-1", "sekrit-key-2", "sekrit-cookie-3", "sekrit-query-4")


@pytest.fixture
def upstream() -> Iterator[MockServer]:
    with MockServer(ROOT / "specs" / "prunner.yaml") as mock:
        yield mock


@pytest.fixture
def proxy(upstream: MockServer, tmp_path: Path) -> Iterator[RecordingProxy]:
    with RecordingProxy(upstream.spec, upstream.url, tmp_path / "out.har") as recording:
        yield recording


def har_entries(path: Path) -> list[dict[str, object]]:
    entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
    assert isinstance(entries, list)
    return entries


def test_bytes_pass_unchanged_and_the_har_gets_the_live_verdicts(
    upstream: MockServer, proxy: RecordingProxy, tmp_path: Path
) -> None:
    with urllib3.PoolManager(retries=False) as pool:
        answers = [
            pool.request("GET", proxy.url + f"/job/detail?id={JOB}", headers=headers)
            for headers in (
                {"Authorization": "Bearer t"},
                {"Authorization": "Bearer t", "Prefer": "code=404"},
                {},
                {"Authorization": "Bearer t", "Prefer": "code=503"},  # undeclared: invalid
            )
        ]
    sent = [entry["response"] for entry in upstream.exchanges]
    assert [a.status for a in answers] == [r["status"] for r in sent] == [200, 404, 401, 503]
    assert [a.data for a in answers] == [r["content"]["text"].encode() for r in sent]
    assert answers[2].headers["Content-Type"] == "text/plain; charset=utf-8"
    entries = har_entries(tmp_path / "out.har")
    assert len(entries) == 4
    validator = Validator(ROOT / "specs" / "prunner.yaml", servers=[upstream.url])
    later = [validator.check_har_entry(entry, label="x").findings for entry in entries]
    live = [tuple(replace(f, input="x") for f in result.findings) for result in proxy.results]
    assert later == live
    assert [[f.rule for f in findings] for findings in later] == [[], [], [], ["undeclared-status"]]


def test_an_invalid_answer_is_found_live_and_in_the_har(server: TestServer, tmp_path: Path) -> None:
    body = json.dumps({"id": "not-a-uuid", "pipeline": 7}).encode()
    server.serve(lambda exchange: exchange.reply(200, body))
    spec = MockServer(ROOT / "specs" / "prunner.yaml").spec
    with RecordingProxy(spec, f"http://127.0.0.1:{server.port}", tmp_path / "out.har") as proxy:
        answer = urllib3.request("GET", proxy.url + f"/job/detail?id={JOB}")
    assert answer.data == body
    assert [result.outcome for result in proxy.results] == ["invalid"]
    validator = Validator(
        ROOT / "specs" / "prunner.yaml", servers=[f"http://127.0.0.1:{server.port}"]
    )
    (entry,) = har_entries(tmp_path / "out.har")
    assert validator.check_har_entry(entry).outcome == "invalid"


def test_the_generated_client_works_through_it(upstream: MockServer, proxy: RecordingProxy) -> None:
    upstream.add_job("getJobDetail", {"id": JOB}, waiter="job", after=2)
    with prunner.Client(base_url=proxy.url, token="t") as client:
        job = client.wait_for_job(id=JOB, timeout=10, poll=PollPolicy(delay=0.01))
    assert job.completed
    assert [r.outcome for r in proxy.results] == ["valid"] * 3


def test_no_credential_reaches_the_har(tmp_path: Path) -> None:
    token, key, cookie, query = SECRETS
    with (
        MockServer(ROOT / "specs" / "vectara.yaml") as upstream,
        RecordingProxy(upstream.spec, upstream.url, tmp_path / "out.har") as proxy,
    ):
        with vectara.Client(base_url=proxy.url, api_key=key, token=token) as client:
            client.get_job(job_id="job_1")
        headers = {"Cookie": f"session={cookie}", "x-api-key": key}
        urllib3.request("GET", proxy.url + f"/v2/jobs/job_1?access_token={query}", headers=headers)
    text = (tmp_path / "out.har").read_text(encoding="utf-8")
    assert len(har_entries(tmp_path / "out.har")) == 2
    for secret in SECRETS:
        assert secret not in text
    assert "[redacted]" in text


def test_a_secret_body_field_is_scrubbed(tmp_path: Path) -> None:
    from specbind._mock._scrub import Scrubber

    spec = MockServer(ROOT / "specs" / "prunner.yaml").spec
    body = json.dumps({"user": "j", "password": "p1", "nested": [{"apiKey": "k2"}]})
    assert json.loads(Scrubber(spec).body(body)) == {
        "user": "j",
        "password": "[redacted]",
        "nested": [{"apiKey": "[redacted]"}],
    }


def test_it_outlives_a_dropped_connection_and_a_slow_upstream(
    upstream: MockServer, proxy: RecordingProxy
) -> None:
    faults = [Fault(poll=1, drop=True), Fault(poll=2, delay=0.3)]
    upstream.add_job("getJobDetail", {"id": JOB}, waiter="job", faults=faults)
    with urllib3.PoolManager(retries=False) as pool:
        dropped = pool.request(
            "GET", proxy.url + f"/job/detail?id={JOB}", headers={"Authorization": "Bearer t"}
        )
        slow = pool.request(
            "GET", proxy.url + f"/job/detail?id={JOB}", headers={"Authorization": "Bearer t"}
        )
    assert dropped.status == 502
    assert dropped.data.startswith(b"specbind record: the upstream gave no answer")
    assert slow.status == 200
    assert json.loads(slow.data)["id"] == JOB


def test_the_command_prints_findings_and_the_summary(upstream: MockServer, tmp_path: Path) -> None:
    har = tmp_path / "out.har"
    command = [sys.executable, "-m", "specbind", "record", "--spec", "prunner",
               "--upstream", upstream.url, "--har", str(har)]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(r"specbind record: forwarding (\S+) to (\S+), writing (\S+)\n", line)
        assert found is not None, line
        url = found.group(1)
        urllib3.request("GET", url + f"/job/detail?id={JOB}", headers={"Authorization": "Bearer t"})
        urllib3.request("GET", url + f"/job/detail?id={JOB}", headers={"Prefer": "code=503"})
        process.send_signal(signal.SIGTERM)
        rest = process.stdout.read()
        assert process.wait(10) == 0
    assert "getJobDetail 503 (root): undeclared-status" in rest
    assert "checked 2: 2 valid, 0 invalid; 1 warning" in rest
    assert "undeclared statuses: 503: seen 1x" in rest
    assert len(har_entries(har)) == 2

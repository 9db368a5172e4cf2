"""One generated client shared by many threads, against a real server on 127.0.0.1."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from _server import Exchange, TestServer
from _support import FIXTURES
from urllib3.util import Timeout

import generated.prunner

TOKEN = "tok_5ecr3t-thr3ads"
CALLS = 500
THREADS = 8
JOB = json.loads((FIXTURES / "prunner" / "detail_deps_done.json").read_bytes())


def job_for_requested_id(exchange: Exchange) -> None:
    """Answer the job whose id the request asked for, canonical and lower-case."""
    [requested] = parse_qs(urlsplit(exchange.request.target).query)["id"]
    job_id = str(uuid.UUID(requested))
    exchange.json(200, {**JOB, "id": job_id, "pipeline": f"pipeline-{job_id}"})


@pytest.fixture
def client(server: TestServer) -> Iterator[generated.prunner.Client]:
    with generated.prunner.Client(
        base_url=server.url, token=TOKEN, timeout=Timeout(connect=2.0, read=5.0), retries=0
    ) as client:
        yield client


def test_one_client_serves_eight_threads(
    server: TestServer, client: generated.prunner.Client
) -> None:
    server.serve(job_for_requested_id)
    ids = [uuid.uuid4() for _ in range(CALLS)]
    # Every form the server accepts, so that the threads do not all send the same text.
    forms = [str, lambda value: str(value).upper(), lambda value: f"{{{value}}}", lambda v: v]

    def call(number: int) -> generated.prunner.models.Job:
        job_id = ids[number]
        return client.get_job_detail(forms[number % len(forms)](job_id))

    with ThreadPoolExecutor(max_workers=THREADS) as threads:
        jobs = list(threads.map(call, range(CALLS)))

    assert [job.id for job in jobs] == ids
    assert [job.pipeline for job in jobs] == [f"pipeline-{job_id}" for job_id in ids]
    assert all(len(job.tasks or []) == len(JOB["tasks"]) for job in jobs)
    seen = server.requests
    assert len(seen) == CALLS
    assert all(request.headers["authorization"] == f"Bearer {TOKEN}" for request in seen)
    # The pool keeps a connection per thread at most, and reuses them.
    assert len({request.connection for request in seen}) <= THREADS

"""Whole-call deadlines against real servers on 127.0.0.1 that drip, stall or ask to wait.

No timed assertion: each test checks that the call ended before the server had sent
everything it meant to send (or asked for), which a per-read timeout never achieves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import urllib3
from _server import Exchange, Script, TestServer, ok
from specbind.runtime._errors import DeadlineExceeded, RequestTimeout, TransportError
from specbind.runtime._http import DEFAULT_DEADLINE, Transport
from urllib3.util import Timeout

BODY = b'{"padding": "' + b"x" * 60 + b'"}'  # 75 bytes: 7.5 s at 10 bytes a second


@pytest.fixture
def make_transport(server: TestServer) -> Iterator[Callable[..., Transport]]:
    made: list[Transport] = []

    def make(**overrides: Any) -> Transport:
        options: dict[str, Any] = {
            "base_url": server.url,
            "credentials": {},
            "user_agent": "specbind-tests/1.0",
            "logger_name": "specbind.tests.deadlines",
            "timeout": Timeout(connect=2.0, read=2.0),
        }
        options.update(overrides)
        made.append(Transport(**options))
        return made[-1]

    yield make
    for transport in made:
        transport.close()


def dripping(finished: threading.Event, **options: Any) -> Script:
    def script(exchange: Exchange) -> None:
        if exchange.drip(BODY, every=0.1, **options):
            finished.set()

    return script


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "head-and-body"])
def test_a_dripping_server_is_cut_off_at_the_deadline(
    server: TestServer, make_transport: Callable[..., Transport], framing: str, headers_too: bool
) -> None:
    finished = threading.Event()
    server.serve(dripping(finished, framing=framing, headers_too=headers_too))
    transport = make_transport(deadline=0.5)
    with pytest.raises(DeadlineExceeded) as caught:
        transport.request("GET", "/slow", idempotent=True)
    assert not finished.is_set(), "the call lasted as long as the server dripped"
    assert isinstance(caught.value, RequestTimeout)
    assert caught.value.deadline == 0.5
    assert "deadline of 0.5 s" in str(caught.value)
    assert len(server.requests) == 1  # a deadline is never retried


def test_a_pool_given_by_the_caller_is_cut_off_during_the_body(
    server: TestServer, make_transport: Callable[..., Transport]
) -> None:
    finished = threading.Event()
    server.serve(dripping(finished, framing="length"))
    with urllib3.PoolManager() as pool:
        transport = make_transport(deadline=0.5, pool=pool)
        with pytest.raises(DeadlineExceeded):
            transport.request("GET", "/slow", idempotent=True)
    assert not finished.is_set()


def test_the_per_call_deadline_overrides_the_clients(
    server: TestServer, make_transport: Callable[..., Transport]
) -> None:
    finished = threading.Event()
    server.serve(dripping(finished, framing="length"))
    transport = make_transport(deadline=60)
    with pytest.raises(DeadlineExceeded):
        transport.request("GET", "/slow", idempotent=True, deadline=0.3)
    assert not finished.is_set()


def test_a_silent_server_is_cut_off_before_the_read_timeout(
    server: TestServer, make_transport: Callable[..., Transport]
) -> None:
    answered = threading.Event()

    def silent(exchange: Exchange) -> None:
        exchange.wait(5)
        answered.set()
        ok(exchange)

    server.serve(silent)
    transport = make_transport(timeout=30, deadline=0.3)
    with pytest.raises(DeadlineExceeded):
        transport.request("GET", "/silent", idempotent=True)
    assert not answered.is_set()


def test_retry_after_past_the_deadline_returns_the_answer_at_once(
    server: TestServer, make_transport: Callable[..., Transport]
) -> None:
    server.serve(
        lambda exchange: exchange.json(503, {"error": "busy"}, headers=[("Retry-After", "30")]),
        ok,
    )
    transport = make_transport(deadline=2)
    raw = transport.request("GET", "/busy", idempotent=True)
    assert raw.status == 503
    assert raw.headers["Retry-After"] == "30"
    assert len(server.requests) == 1


def test_retry_after_within_the_deadline_is_honoured(
    server: TestServer, make_transport: Callable[..., Transport]
) -> None:
    server.serve(
        lambda exchange: exchange.json(429, {}, headers=[("Retry-After", "1")]),
        ok,
    )
    raw = make_transport(deadline=5).request("GET", "/busy", idempotent=True)
    assert raw.status == 200
    assert len(server.requests) == 2


def test_connection_errors_are_not_retried_past_the_deadline(
    server: TestServer, make_transport: Callable[..., Transport]
) -> None:
    server.serve(Exchange.drop)
    # Backoff sleeps 0 s, then 1 s: the second retry would start past the deadline.
    retry = urllib3.Retry(total=5, backoff_factor=0.5, backoff_jitter=0.0)
    transport = make_transport(deadline=0.8, retries=retry)
    with pytest.raises(TransportError) as caught:
        transport.request("GET", "/drop", idempotent=True)
    assert "no time left to retry before the deadline" in str(caught.value)
    assert len(server.requests) == 2


@pytest.mark.parametrize("deadline", [0, -1, float("nan")])
def test_a_deadline_must_be_positive(
    make_transport: Callable[..., Transport], deadline: float
) -> None:
    with pytest.raises(ValueError, match="deadline must be a positive number"):
        make_transport(deadline=deadline)


def test_the_default_deadline_and_no_deadline(
    server: TestServer, make_transport: Callable[..., Transport]
) -> None:
    assert DEFAULT_DEADLINE == 300.0
    assert make_transport(deadline=None).request("GET", "/", idempotent=True).status == 200
    assert make_transport().request("GET", "/", idempotent=True, deadline=1e9).status == 200


def test_generated_clients_take_a_deadline_per_call(server: TestServer) -> None:
    from generated import prunner

    finished = threading.Event()
    server.serve(dripping(finished, framing="length"))
    client = prunner.Client(base_url=server.url, token="t", timeout=5)
    with client, pytest.raises(prunner.DeadlineExceeded):
        client.get_job_detail(id="52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8", deadline=0.4)
    assert not finished.is_set()
    assert issubclass(prunner.errors.DeadlineExceeded, prunner.SpecbindError)

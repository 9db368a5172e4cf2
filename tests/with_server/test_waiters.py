"""The generated waiters against real servers on 127.0.0.1 that script a job's states.

Time is injected: the waiters sleep on a fake clock, so nothing sleeps for real and the
deadline is checked against the clock the waiter was given.
"""

from __future__ import annotations

import copy
import functools
import logging
import pickle
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _server import Exchange, Script, TestServer
from hypothesis import given, settings
from hypothesis import strategies as st
from specbind._spec._load import load_spec

from generated import prunner, vectara, veryfront
from generated._runtime import (
    LAST_POLL_RESERVE,
    ApiError,
    PollPolicy,
    SpecbindError,
    TransportError,
    WaiterFailed,
    WaiterSpec,
    WaiterTimeout,
    WaitUpdate,
    last,
    poll_until,
)
from generated.vectara import models as vectara_models

SPECS = Path(__file__).resolve().parents[2] / "specs"
JOB_ID = "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8"
BATCH_ID = "1c3e5a7b-9d1f-4b2a-8c3d-4e5f6a7b8c9d"


class FakeTime:
    """A monotonic clock that only moves when slept on (or told to)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


@functools.cache
def spec_data(spec: str) -> dict[str, Any]:
    return load_spec(SPECS / f"{spec}.yaml").data


def example(spec: str, path: str, name: str) -> dict[str, Any]:
    data = spec_data(spec)
    content = data["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return copy.deepcopy(content["examples"][name]["value"])


def prunner_body(state: str) -> dict[str, Any]:
    body = example("prunner", "/job/detail", "doc_page_example")
    flags = {
        "running": (False, False, False),
        "succeeded": (True, False, False),
        "errored": (True, False, True),
        "canceled": (True, True, False),
        "canceled-before-completing": (False, True, False),
        "fail-fast": (True, True, True),
    }[state]
    body["completed"], body["canceled"], body["errored"] = flags
    return body


def vectara_body(state: str) -> dict[str, Any]:
    return {"id": "job_42", "state": state, "type": "rebuild_vector_index"}


def veryfront_body(state: str) -> dict[str, Any]:
    path = "/projects/{project_reference}/jobs/{job_id}"
    body = example("veryfront", path, "doc_page_example")
    body["status"] = state
    return body


def batch_body(state: str) -> dict[str, Any]:
    path = "/projects/{project_reference}/job-batches/{batch_id}"
    data = spec_data("veryfront")
    examples = data["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    body = copy.deepcopy(next(iter(examples["examples"].values()))["value"])
    counts = {"submitted": 0, "working": 0, "completed": 3, "failed": 1, "canceled": 0}
    if state == "pending":
        counts.update(submitted=1, working=2)
    elif state == "working":
        counts.update(working=1)
    body["status_counts"] = counts
    return body


@dataclass(frozen=True)
class Case:
    """One generated waiter and the states its server can be scripted through."""

    name: str
    client: Callable[..., Any]
    method: str
    arguments: dict[str, str]
    body: Callable[[str], dict[str, Any]]
    pending: tuple[str, ...]
    success: str
    failures: tuple[str, ...]
    unlisted: str | None  # a value of an open enum the spec does not list, if any


CASES = [
    Case(
        "prunner.job", prunner.Client, "job", {"id": JOB_ID}, prunner_body,
        ("running",), "succeeded",
        ("errored", "canceled", "canceled-before-completing", "fail-fast"), None,
    ),
    Case(
        "vectara.job", vectara.Client, "job", {"job_id": "job_42"}, vectara_body,
        ("queued", "started", "failed_will_retry", "unknown"), "completed",
        ("failed", "aborted"), "paused",
    ),
    Case(
        "veryfront.job", veryfront.Client, "job",
        {"project_reference": "acme", "job_id": JOB_ID}, veryfront_body,
        ("submitted", "working"), "completed", ("failed", "canceled"), "archiving",
    ),
    Case(
        "veryfront.job_batch", veryfront.Client, "job_batch",
        {"project_reference": "acme", "batch_id": BATCH_ID}, batch_body,
        ("pending", "working"), "done", (), None,
    ),
]  # fmt: skip


def answer(body: dict[str, Any]) -> Script:
    return lambda exchange: exchange.json(200, body)


def status(code: int, retry_after: str | None = None) -> Script:
    headers = [("Retry-After", retry_after)] if retry_after else []
    return lambda exchange: exchange.json(code, {"error": "scripted"}, headers=headers)


@pytest.fixture(params=CASES, ids=[case.name for case in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(case: Case, server: TestServer) -> Iterator[Any]:
    with case.client(base_url=server.url, token="tok_w41t3r", timeout=5.0) as made:
        yield made


def wait(case: Case, client: Any, fake: FakeTime, **options: Any) -> Any:
    options.setdefault("timeout", 600)
    method = getattr(client, f"wait_for_{case.method}")
    return method(**case.arguments, clock=fake.clock, sleep=fake.sleep, **options)


def test_success_after_pending_states(
    case: Case, client: Any, server: TestServer, fake: FakeTime
) -> None:
    states = [*case.pending, case.success]
    server.serve(*(answer(case.body(state)) for state in states))
    updates: list[WaitUpdate[Any]] = []
    final = wait(case, client, fake, on_update=updates.append)
    assert len(server.requests) == len(states)
    assert [update.attempt for update in updates] == list(range(1, len(states) + 1))
    assert final == updates[-1].model
    assert len(fake.sleeps) == len(states) - 1
    iterated = list(
        getattr(client, f"iter_{case.method}")(
            **case.arguments, timeout=60, clock=fake.clock, sleep=fake.sleep
        )
    )
    assert iterated == [final]  # the server now answers the final state only


def test_every_failure_state_raises_waiter_failed(
    case: Case, client: Any, server: TestServer, fake: FakeTime
) -> None:
    for failure in case.failures:
        server.serve(answer(case.body(case.pending[0])), answer(case.body(failure)))
        with pytest.raises(WaiterFailed) as caught:
            wait(case, client, fake)
        assert isinstance(caught.value, SpecbindError)
        assert caught.value.acceptor.state == "failure"
        assert caught.value.model is not None
        assert caught.value.attempts == 2


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if case.unlisted],
    ids=[case.name for case in CASES if case.unlisted],
    indirect=True,
)
def test_an_unlisted_state_is_not_terminal_and_is_said_once(
    case: Case,
    client: Any,
    server: TestServer,
    fake: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert case.unlisted is not None
    unlisted = answer(case.body(case.unlisted))
    server.serve(unlisted, unlisted, unlisted, answer(case.body(case.success)))
    notes: list[str | None] = []
    with caplog.at_level(logging.WARNING):
        wait(case, client, fake, on_update=lambda update: notes.append(update.note))
    assert len(server.requests) == 4
    assert notes[0] is not None
    assert repr(case.unlisted) in notes[0]
    assert notes[1:] == [None, None, None]
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert case.unlisted in warnings[0].getMessage()


def test_the_deadline_is_kept_on_the_injected_clock(
    case: Case, client: Any, server: TestServer, fake: FakeTime
) -> None:
    server.serve(answer(case.body(case.pending[0])))
    policy = PollPolicy(delay=1, growth=2, max_delay=4, jitter=0)
    with pytest.raises(WaiterTimeout) as caught:
        wait(case, client, fake, timeout=20, poll=policy)
    # Sleeps 1, 2, 4, 4, 4, 4 (19 s); the next 4 s would end past 20 s, so one last poll
    # is made LAST_POLL_RESERVE before the deadline (a poll takes no time on this clock),
    # and after it the wait gives up at once.
    assert fake.sleeps == [1, 2, 4, 4, 4, 4, pytest.approx(1 - LAST_POLL_RESERVE)]
    assert caught.value.attempts == len(server.requests) == 8
    assert caught.value.elapsed <= 20
    assert caught.value.model is not None
    assert caught.value.observed  # the values the acceptors looked at, as last seen
    assert re.findall(r"[\d.]+ s\b", str(caught.value)) == ["20.0 s", "20 s"]  # said once


def test_a_job_done_between_the_last_full_delay_and_the_deadline_is_seen(
    case: Case, client: Any, server: TestServer, fake: FakeTime
) -> None:
    # Polls at 0, 1 and 3 s; the next full delay (4 s) would pass the 5 s deadline, so the
    # last poll comes just before it, and finds the job done.
    server.serve(*[answer(case.body(case.pending[0]))] * 3, answer(case.body(case.success)))
    policy = PollPolicy(delay=1, growth=2, max_delay=4, jitter=0)
    wait(case, client, fake, timeout=5, poll=policy)
    assert fake.sleeps == [1, 2, pytest.approx(2 - LAST_POLL_RESERVE)]
    assert len(server.requests) == 4


def test_no_last_poll_when_the_slowest_poll_would_not_fit(server: TestServer) -> None:
    clock = FakeTime()
    polls: list[float] = []

    def fetch(left: float) -> vectara_models.Job:
        polls.append(clock.now)
        clock.now += 1.5  # every poll takes 1.5 s
        return vectara.converter.structure(vectara_body("started"), vectara_models.Job)

    with pytest.raises(WaiterTimeout) as caught:
        list(
            poll_until(
                fetch,
                VECTARA_WAITER,
                timeout=6,
                policy=PollPolicy(delay=2, growth=1, max_delay=2, jitter=0),
                logger=logging.getLogger("specbind.tests.waiters"),
                clock=clock.clock,
                sleep=clock.sleep,
            )
        )
    # Polls at 0 and 3.5 s end at 1.5 and 5 s; 1 s is left, less than a poll takes.
    assert polls == [1000.0, 1003.5]
    assert clock.sleeps == [2]
    assert caught.value.observed == {"state": "started"}
    assert "last seen: state='started'" in str(caught.value)


@pytest.mark.slow
def test_the_last_poll_rule_in_real_time(server: TestServer) -> None:
    """A job that finishes after the last full delay but before the deadline is seen."""
    done_at = time.monotonic() + 0.7

    def job(exchange: Exchange) -> None:
        state = "completed" if time.monotonic() >= done_at else "started"
        exchange.json(200, vectara_body(state))

    server.serve(job)
    policy = PollPolicy(delay=0.4, growth=2, max_delay=5, jitter=0)
    started = time.monotonic()
    with vectara.Client(base_url=server.url, api_key="k", timeout=5) as client:
        final = client.wait_for_job(job_id="job_1", timeout=1.0, poll=policy)
    assert str(final.state) == "completed"
    # Polls at about 0 and 0.4 s; the next full delay would end at 1.2 s, past the deadline.
    assert len(server.requests) == 3
    assert time.monotonic() - started <= 1.0 + 0.5  # finished by the deadline (and the reply)


def test_503_and_429_with_retry_after_are_polled_through(
    case: Case, client: Any, server: TestServer, fake: FakeTime
) -> None:
    server.serve(
        status(503, "7"),
        answer(case.body(case.pending[0])),
        status(429, "3"),
        status(502),
        answer(case.body(case.success)),
    )
    updates: list[WaitUpdate[Any]] = []
    policy = PollPolicy(delay=1, growth=1, max_delay=1, jitter=0)
    wait(case, client, fake, poll=policy, on_update=updates.append)
    assert fake.sleeps == [7, 1, 3, 1]
    assert len(server.requests) == 5  # the transport itself retried nothing
    assert [update.model is None for update in updates] == [True, False, True, True, False]


def test_retry_after_past_the_deadline_ends_the_wait_at_once(
    case: Case, client: Any, server: TestServer, fake: FakeTime
) -> None:
    server.serve(status(503, "120"))
    with pytest.raises(WaiterTimeout) as caught:
        wait(case, client, fake, timeout=60)
    assert fake.sleeps == []
    assert caught.value.attempts == 1


def test_a_connection_dropped_mid_wait_is_polled_through(
    case: Case, client: Any, server: TestServer, fake: FakeTime
) -> None:
    server.serve(answer(case.body(case.pending[0])), Exchange.drop, answer(case.body(case.success)))
    wait(case, client, fake)
    assert len(server.requests) == 3


def test_a_404_ends_the_wait_at_once(
    case: Case, client: Any, server: TestServer, fake: FakeTime
) -> None:
    server.serve(answer(case.body(case.pending[0])), status(404))
    with pytest.raises(ApiError) as caught:
        wait(case, client, fake)
    assert caught.value.status == 404
    assert len(server.requests) == 2


def test_requests_get_the_time_left_as_their_deadline(server: TestServer, fake: FakeTime) -> None:
    """A server that never answers in time is cut off at the wait's deadline."""

    def silent(exchange: Exchange) -> None:
        exchange.wait(10)

    server.serve(silent)
    client = vectara.Client(base_url=server.url, api_key="k", timeout=30)
    with client, pytest.raises(WaiterTimeout) as caught:
        client.wait_for_job(job_id="job_1", timeout=0.5)
    assert caught.value.attempts == 1
    assert caught.value.model is None


# --- the polling loop alone: a property over random state sequences ---------------------

VECTARA_WAITER = WaiterSpec.from_spec(
    "job",
    spec_data("vectara")["paths"]["/v2/jobs/{job_id}"]["get"]["x-specbind-waiters"]["job"],
)
TERMINAL = {"completed": "success", "failed": "failure", "aborted": "failure"}
STATES = ["queued", "started", "failed_will_retry", "unknown", "paused", *TERMINAL]


def most_requests(policy: PollPolicy, timeout: float) -> int:
    """The most polls the policy allows in ``timeout``: each sleep is at least its floor,
    and one last poll may come before the deadline when the next full sleep would not."""
    count, slept = 1, 0.0
    while True:
        floor = policy.sleep(count - 1, 1.0 - 1e-12)  # the largest jitter shortens most
        if slept + floor >= timeout:
            return count + 1
        slept += floor
        count += 1


@settings(max_examples=200, deadline=None)
@given(
    states=st.lists(st.sampled_from(STATES), min_size=1, max_size=40),
    latencies=st.lists(st.floats(0, 5), min_size=40, max_size=40),
    timeout=st.floats(0.5, 300),
    policy=st.builds(
        PollPolicy,
        delay=st.floats(0.1, 10),
        growth=st.floats(1, 3),
        max_delay=st.just(30.0),
        jitter=st.floats(0, 0.9),
    ),
    seed=st.integers(0, 2**32),
)
def test_the_first_terminal_state_wins_within_the_policys_requests(
    states: list[str],
    latencies: list[float],
    timeout: float,
    policy: PollPolicy,
    seed: int,
) -> None:
    fake = FakeTime()
    sent: list[float] = []
    draws = random.Random(seed)

    def fetch(left: float) -> vectara_models.Job:
        assert left > 0
        sent.append(left)
        index = len(sent) - 1
        fake.now += min(latencies[index % len(latencies)], left)
        data = vectara_body(states[min(index, len(states) - 1)])
        return vectara.converter.structure(data, vectara_models.Job)

    outcome: str
    try:
        models = list(
            poll_until(
                fetch,
                VECTARA_WAITER,
                timeout=timeout,
                policy=policy,
                logger=logging.getLogger("specbind.tests.waiters"),
                clock=fake.clock,
                sleep=fake.sleep,
                draw=draws.random,
            )
        )
        outcome = "success"
        final = str(models[-1].state)
    except WaiterFailed as failed:
        outcome, final = "failure", str(failed.model.state)  # type: ignore[attr-defined]
    except WaiterTimeout:
        outcome, final = "timeout", ""
    seen = [states[min(i, len(states) - 1)] for i in range(len(sent))]
    first_terminal = next((s for s in seen if s in TERMINAL), None)
    if first_terminal is None:
        assert outcome == "timeout"
    else:
        assert seen.index(first_terminal) == len(sent) - 1  # it stopped there
        assert (outcome, final) == (TERMINAL[first_terminal], first_terminal)
    assert len(sent) <= most_requests(policy, timeout)
    assert fake.now - 1000.0 <= timeout + 1e-6  # never past the deadline


def unreachable() -> TransportError:
    return TransportError(
        method="GET", url="http://x", reason="refused", attempts=4, unreachable=True
    )


def test_an_unreachable_server_ends_the_wait_before_any_answer() -> None:
    fake = FakeTime()

    def fetch(left: float) -> vectara_models.Job:
        raise unreachable()

    with pytest.raises(TransportError) as caught:
        list(
            poll_until(
                fetch,
                VECTARA_WAITER,
                timeout=60,
                logger=logging.getLogger("specbind.tests.waiters"),
                clock=fake.clock,
                sleep=fake.sleep,
            )
        )
    assert caught.value.unreachable
    assert fake.sleeps == []


def test_an_unreachable_server_after_an_answer_is_polled_through() -> None:
    fake = FakeTime()
    answers: list[Callable[[], vectara_models.Job]] = [
        lambda: vectara.converter.structure(vectara_body("started"), vectara_models.Job),
        lambda: (_ for _ in ()).throw(unreachable()),  # a restart: refused for a while
        lambda: vectara.converter.structure(vectara_body("completed"), vectara_models.Job),
    ]
    models = list(
        poll_until(
            lambda left: answers.pop(0)(),
            VECTARA_WAITER,
            timeout=600,
            logger=logging.getLogger("specbind.tests.waiters"),
            clock=fake.clock,
            sleep=fake.sleep,
        )
    )
    assert [str(model.state) for model in models] == ["started", "completed"]


def test_waiter_errors_survive_pickling() -> None:
    acceptor = VECTARA_WAITER.acceptors[1]
    failed = pickle.loads(
        pickle.dumps(WaiterFailed(waiter="job", model=None, acceptor=acceptor, attempts=2))
    )
    assert failed.acceptor == acceptor
    assert (
        str(failed) == "waiter 'job' failed after 2 polls: failure acceptor "
        "(path='state' any_of=['failed', 'aborted']) matched"
    )
    timeout = WaiterTimeout(
        waiter="job", model=None, attempts=3, elapsed=1.5, timeout=2, observed={"state": "x"}
    )
    restored = pickle.loads(pickle.dumps(timeout))
    assert (restored.attempts, restored.observed) == (3, {"state": "x"})
    assert str(restored) == (
        "waiter 'job' timed out: no final state in 3 polls over 1.5 s of its 2 s; "
        "last seen: state='x'"
    )


def test_waiter_failed_shows_the_values_it_saw(server: TestServer, fake: FakeTime) -> None:
    server.serve(answer(vectara_body("started")), answer(vectara_body("aborted")))
    made = vectara.Client(base_url=server.url, api_key="k", timeout=5)
    with made, pytest.raises(WaiterFailed) as caught:
        made.wait_for_job(job_id="job_1", timeout=60, clock=fake.clock, sleep=fake.sleep)
    assert caught.value.observed == {"state": "aborted"}
    assert str(caught.value).endswith("matched; last seen: state='aborted'")


PRUNNER_ITEMS = WaiterSpec.from_spec(
    "tasks",
    {
        "acceptors": [
            {"state": "failure", "path": "tasks", "any_items": {"path": "status",
                                                                "equals": "error"}},
            {"state": "success", "path": "tasks", "all_items": {"any_of": ["done", "skipped"],
                                                                "path": "status"}},
            {"state": "retry", "status": 404},
        ]
    },
)  # fmt: skip


def prunner_job(*statuses: str) -> Any:
    body = prunner_body("running")
    task = body["tasks"][0]
    body["tasks"] = [{**task, "name": f"t{i}", "status": s} for i, s in enumerate(statuses)]
    return prunner.converter.structure(body, prunner.models.Job)


@pytest.mark.parametrize(
    ("statuses", "outcome"),
    [
        (("done", "skipped"), "success"),
        (("done", "running"), "timeout"),
        (("done", "error", "running"), "failure"),
        ((), "success"),  # all of no items: nothing is left to wait for
    ],
)
def test_item_tests_look_at_every_item(statuses: tuple[str, ...], outcome: str) -> None:
    fake = FakeTime()
    job = prunner_job(*statuses)
    run = poll_until(
        lambda left: job,
        PRUNNER_ITEMS,
        timeout=3,
        logger=logging.getLogger("specbind.tests.waiters"),
        clock=fake.clock,
        sleep=fake.sleep,
    )
    try:
        list(run)
        got = "success"
    except WaiterFailed as failed:
        got = "failure" if failed.acceptor is PRUNNER_ITEMS.acceptors[0] else "wrong acceptor"
    except WaiterTimeout:
        got = "timeout"
    assert got == outcome


def test_a_status_acceptor_saying_retry_polls_through_that_status(
    server: TestServer, fake: FakeTime
) -> None:
    missing = status(404)
    done = prunner_body("succeeded")
    done["tasks"] = [{**done["tasks"][0], "status": "done"}]
    server.serve(missing, missing, answer(done))
    with prunner.Client(base_url=server.url, token="t", timeout=5) as client:
        final = last(
            poll_until(
                lambda left: client.get_job_detail(id=JOB_ID, retries=0, deadline=left),
                PRUNNER_ITEMS,
                timeout=60,
                logger=logging.getLogger("specbind.tests.waiters"),
                clock=fake.clock,
                sleep=fake.sleep,
            )
        )
    assert len(server.requests) == 3
    assert [str(task.status) for task in final.tasks or []] == ["done"]

"""The generated clients of all three specs against `specbind mock`, through the pytest
plugin's fixture: every operation, every documented error status (asked for with
`Prefer`, and earned with bad input), every waiter to success, failure and timeout, and
the jobs' faults. Everything each mock sent is checked by the Validator afterwards.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import urllib3
from _support import ROOT
from specbind import Validator
from specbind.mock import Fault, MockError, MockServer

from generated import prunner, vectara, veryfront
from generated._runtime import ApiError, PollPolicy, WaiterFailed, WaiterTimeout

JOB = "11111111-1111-4111-8111-000000000001"
OTHER = "22222222-2222-4222-8222-000000000002"
PROJECT = "dreamy-haven"
VECTARA_JOB = "job_4Gx8kRr2VpQ"
FAST = PollPolicy(delay=0.01, growth=1.0, max_delay=0.01, jitter=0)
CLIENTS: dict[str, Any] = {"veryfront": veryfront, "prunner": prunner, "vectara": vectara}
#: Statuses a `default` answer stands for, asked for when an operation has one.
DEFAULT_STATUSES = ("400", "401", "404", "429", "500", "503")

Start = Callable[..., MockServer]


@functools.cache
def validator(spec: str) -> Validator:
    """One validator per spec, whatever port its mocks took."""
    return Validator(ROOT / "specs" / f"{spec}.yaml", servers=["http://127.0.0.1:{port}"])


def response_errors(mock: MockServer) -> list[str]:
    """What the Validator finds wrong in the answers the mock sent (requests aside: some
    tests send bad ones on purpose)."""
    validator_ = validator(mock.spec.name)
    found = []
    for index, entry in enumerate(mock.exchanges):
        result = validator_.check_har_entry(entry, label=f"exchange {index}")
        found += [
            f"{f.input} {f.operation} {f.status}: {f.pointer} {f.message}"
            for f in result.findings
            if f.severity == "error" and f.rule != "request-param"
        ]
    return found


@pytest.fixture
def start(specbind_mock: Callable[..., MockServer]) -> Iterator[Start]:
    """Start a mock of a spec by name; afterwards, everything it sent must validate."""
    started: list[MockServer] = []

    def start_mock(spec: str, **options: Any) -> MockServer:
        mock = specbind_mock(ROOT / "specs" / f"{spec}.yaml", **options)
        started.append(mock)
        return mock

    yield start_mock
    for mock in started:
        assert mock.exchanges, "the test sent nothing to the mock"
        assert response_errors(mock) == []


def client(mock: MockServer, **options: Any) -> Any:
    options.setdefault("token", "t")
    return CLIENTS[mock.spec.name].Client(base_url=mock.url, deadline=10.0, **options)


#: Each operation called through its client, with valid arguments.
CALLS: dict[tuple[str, str], Callable[[Any, str], Any]] = {
    ("veryfront", "getJob"): lambda c, job: c.get_job(project_reference=PROJECT, job_id=job),
    ("veryfront", "getJobBatch"): lambda c, job: c.get_job_batch(
        project_reference=PROJECT, batch_id=job
    ),
    ("veryfront", "cancelJob"): lambda c, job: c.cancel_job(project_reference=PROJECT, job_id=job),
    ("prunner", "getJobDetail"): lambda c, job: c.get_job_detail(id=job),
    ("vectara", "getJob"): lambda c, job: c.get_job(job_id=job),
}
#: The job parameters of each polled operation, by their names in the spec.
PARAMS: dict[tuple[str, str], Callable[[str], dict[str, str]]] = {
    ("veryfront", "getJob"): lambda job: {"project_reference": PROJECT, "job_id": job},
    ("veryfront", "getJobBatch"): lambda job: {"project_reference": PROJECT, "batch_id": job},
    ("prunner", "getJobDetail"): lambda job: {"id": job},
    ("vectara", "getJob"): lambda job: {"job_id": job},
}
#: Each waiter: (spec, operation, waiter, how to wait with the client).
WAITERS: list[tuple[str, str, str, Callable[..., Any]]] = [
    ("veryfront", "getJob", "job", lambda c, job, **kw: c.wait_for_job(
        project_reference=PROJECT, job_id=job, **kw)),
    ("veryfront", "getJobBatch", "job_batch", lambda c, job, **kw: c.wait_for_job_batch(
        project_reference=PROJECT, batch_id=job, **kw)),
    ("prunner", "getJobDetail", "job", lambda c, job, **kw: c.wait_for_job(id=job, **kw)),
    ("vectara", "getJob", "job", lambda c, job, **kw: c.wait_for_job(job_id=job, **kw)),
]  # fmt: skip


def job_id(spec: str) -> str:
    return VECTARA_JOB if spec == "vectara" else JOB


def unknown_id(spec: str) -> str:
    return "job_unknown" if spec == "vectara" else OTHER


def test_every_operation_is_answered(start: Start) -> None:
    seen = set()
    for spec in CLIENTS:
        mock = start(spec)
        with client(mock) as api:
            for (name, operation), call in CALLS.items():
                if name == spec:
                    assert call(api, job_id(spec)) is not None
                    seen.add((name, operation))
        assert {op for name, op in seen if name == spec} == set(mock.api.operations)


def documented_statuses(mock: MockServer, operation: str) -> list[str]:
    found = mock.api.operations[operation]
    written = [status for status in found.responses if status.isdigit()]
    return written + [s for s in DEFAULT_STATUSES if "default" in found.responses]


@pytest.mark.parametrize("spec", list(CLIENTS))
def test_every_documented_status_through_prefer(start: Start, spec: str) -> None:
    mock = start(spec)
    for (name, operation), call in CALLS.items():
        if name != spec:
            continue
        for status in documented_statuses(mock, operation):
            with client(mock, headers={"Prefer": f"code={status}"}, retries=0) as api:
                if status.startswith("2"):
                    assert call(api, job_id(spec)) is not None
                    continue
                with pytest.raises(ApiError) as raised:
                    call(api, job_id(spec))
                assert raised.value.status == int(status), (operation, status)


def test_prefer_picks_a_named_example(start: Start) -> None:
    mock = start("prunner")
    with client(mock, headers={"Prefer": "example=slow_queued"}) as api:
        job = api.get_job_detail(id=JOB)
    assert (job.pipeline, job.completed) == ("slow", False)


def test_prefer_dynamic_generates_a_body_and_a_bad_code_is_ignored(start: Start) -> None:
    mock = start("vectara")
    headers = {"x-api-key": "k"}
    example = json.loads(raw(mock, "/v2/jobs/job_1", headers).data)
    generated = json.loads(raw(mock, "/v2/jobs/job_1", {**headers, "Prefer": "dynamic=true"}).data)
    assert example["id"] == "job_4Gx8kRr2VpQ"  # the first example
    assert generated != example
    assert raw(mock, "/v2/jobs/job_1", {**headers, "Prefer": "code=abc"}).status == 200


def raw(mock: MockServer, path: str, headers: dict[str, str] | None = None) -> Any:
    return urllib3.request("GET", mock.url + path, headers=headers, retries=False, timeout=5)


@pytest.mark.parametrize(
    ("spec", "path", "headers", "body"),
    [
        ("prunner", "/job/detail?id=not-a-uuid", {"Authorization": "Bearer t"},
         {"error": "Invalid job id"}),
        ("prunner", "/job/detail", {"Authorization": "Bearer t"}, {"error": "Invalid job id"}),
        ("vectara", "/v2/jobs/nope", {"x-api-key": "k"}, None),
        ("vectara", "/v2/jobs/job_1?x=1", {"x-api-key": "k", "Request-Timeout": "0"}, None),
        ("veryfront", f"/projects/{PROJECT}/jobs/not-a-uuid", {"Authorization": "Bearer t"}, None),
        ("veryfront", f"/projects/bad%20ref/jobs/{JOB}", {"Authorization": "Bearer t"}, None),
    ],
)  # fmt: skip
def test_bad_input_gets_the_documented_400(
    start: Start, spec: str, path: str, headers: dict[str, str], body: Any
) -> None:
    mock = start(spec)
    answer = raw(mock, path, headers)
    assert answer.status == 400
    if body is not None:
        assert json.loads(answer.data) == body


@pytest.mark.parametrize("spec", list(CLIENTS))
def test_a_missing_credential_gets_401(start: Start, spec: str) -> None:
    mock = start(spec)
    with client(mock, token=None) as api, pytest.raises(ApiError) as raised:
        CALLS[next(key for key in CALLS if key[0] == spec)](api, job_id(spec))
    assert raised.value.status == 401
    if spec == "prunner":
        assert raised.value.body == b"no token found\n"


def test_the_prunner_jwt_cookie_is_a_credential(start: Start) -> None:
    mock = start("prunner")
    assert raw(mock, f"/job/detail?id={JOB}", {"Cookie": "jwt=t"}).status == 200


@pytest.mark.parametrize(("spec", "operation"), list(PARAMS))
def test_an_id_of_no_job_gets_404(start: Start, spec: str, operation: str) -> None:
    mock = start(spec)
    waiter = next(w for s, o, w, _ in WAITERS if (s, o) == (spec, operation))
    mock.add_job(operation, PARAMS[spec, operation](job_id(spec)), waiter=waiter)
    with client(mock) as api:
        assert CALLS[spec, operation](api, job_id(spec)) is not None
        with pytest.raises(ApiError) as raised:
            CALLS[spec, operation](api, unknown_id(spec))
    assert raised.value.status == 404


def test_an_undocumented_method_gets_405_with_allow(start: Start) -> None:
    mock = start("prunner")
    answer = urllib3.request("POST", mock.url + f"/job/detail?id={JOB}", retries=False)
    assert (answer.status, answer.headers["Allow"]) == (405, "GET")


@pytest.mark.parametrize(("spec", "operation", "waiter", "wait"), WAITERS)
@pytest.mark.parametrize("outcome", ["success", "failure", "never"])
def test_every_waiter_sees_the_outcome(
    start: Start, spec: str, operation: str, waiter: str, wait: Callable[..., Any], outcome: str
) -> None:
    mock = start(spec)
    params = PARAMS[spec, operation](job_id(spec))
    if outcome == "failure" and waiter == "job_batch":
        with pytest.raises(MockError, match="no failure acceptor"):
            mock.add_job(operation, params, waiter=waiter, outcome=outcome)
        client(mock).get_job_batch(project_reference=PROJECT, batch_id=JOB)  # something sent
        return
    job = mock.add_job(operation, params, waiter=waiter, outcome=outcome, after=2)
    with client(mock) as api:
        if outcome == "success":
            assert wait(api, job_id(spec), timeout=5, poll=FAST) is not None
        elif outcome == "failure":
            with pytest.raises(WaiterFailed) as failed:
                wait(api, job_id(spec), timeout=5, poll=FAST)
            assert failed.value.acceptor.state == "failure"
        else:
            with pytest.raises(WaiterTimeout):
                wait(api, job_id(spec), timeout=0.3, poll=FAST)
    assert job.answered >= 3 if outcome != "never" else job.answered >= 2


def test_a_cancel_moves_the_job_to_its_canceled_state(start: Start) -> None:
    mock = start("veryfront")
    job = mock.add_job("getJob", PARAMS["veryfront", "getJob"](JOB), waiter="job", outcome="never")
    with client(mock) as api:
        assert api.get_job(project_reference=PROJECT, job_id=JOB).status.value != "canceled"
        assert api.cancel_job(project_reference=PROJECT, job_id=JOB).status.value == "canceled"
        with pytest.raises(WaiterFailed) as failed:
            api.wait_for_job(project_reference=PROJECT, job_id=JOB, timeout=5, poll=FAST)
        with pytest.raises(ApiError) as unknown:
            api.cancel_job(project_reference=PROJECT, job_id=OTHER)
    assert failed.value.observed == {"status": "canceled"}
    assert job.canceled
    assert unknown.value.status == 404


def test_prunner_cancel_state_is_its_canceled_acceptor(start: Start) -> None:
    mock = start("prunner")
    job = mock.add_job("getJobDetail", {"id": JOB}, waiter="job", outcome="never")
    assert job.cancel()["canceled"] is True
    with client(mock) as api, pytest.raises(WaiterFailed) as failed:
        api.wait_for_job(id=JOB, timeout=5, poll=FAST)
    assert "canceled" in str(failed.value.acceptor)


def test_faults_are_polled_through(start: Start) -> None:
    mock = start("prunner")
    faults = [
        Fault(poll=1, status=503, retry_after=0),
        Fault(poll=2, drop=True),
        Fault(poll=3, status=429, retry_after=0),
        Fault(poll=4, delay=0.05),
    ]
    job = mock.add_job(
        "getJobDetail", {"id": JOB}, waiter="job", outcome="success", after=1, faults=faults
    )
    with client(mock, retries=0) as api:
        assert api.wait_for_job(id=JOB, timeout=10, poll=FAST).completed
    assert (job.polls, job.answered) == (5, 2)
    statuses = [entry["response"]["status"] for entry in mock.exchanges]
    assert statuses == [503, 429, 200, 200]  # the dropped poll has no answer to record
    assert mock.exchanges[0]["response"]["headers"][0] == {"name": "Retry-After", "value": "0"}


def test_after_a_duration(start: Start) -> None:
    mock = start("vectara")
    mock.add_job("getJob", {"job_id": VECTARA_JOB}, waiter="job", after=0.3)
    began = time.monotonic()
    with client(mock) as api:
        job = api.wait_for_job(job_id=VECTARA_JOB, timeout=5, poll=FAST)
    assert job.state is not None
    assert job.state.value == "completed"
    assert 0.3 <= time.monotonic() - began < 4


def test_a_job_accepts_any_form_of_its_uuid(start: Start) -> None:
    mock = start("prunner")
    mock.add_job("getJobDetail", {"id": JOB}, waiter="job")
    with client(mock) as api:
        braced = api.get_job_detail(id="{" + JOB.upper() + "}")
    assert braced.id == uuid.UUID(JOB)


def test_add_job_refuses_what_cannot_run(start: Start) -> None:
    mock = start("prunner")
    with pytest.raises(MockError, match="no operation 'nope'"):
        mock.add_job("nope", {}, waiter="job")
    with pytest.raises(MockError, match="declares no waiter 'other'"):
        mock.add_job("getJobDetail", {"id": JOB}, waiter="other")
    with pytest.raises(MockError, match="outcome 'maybe'"):
        mock.add_job("getJobDetail", {"id": JOB}, waiter="job", outcome="maybe")
    raw(mock, f"/job/detail?id={JOB}", {"Authorization": "Bearer t"})

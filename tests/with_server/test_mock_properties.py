"""Properties of `specbind mock`: whatever the seed, everything it sends passes the
Validator; whatever the scenario, the waiter sees exactly the outcome it names."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

import pytest
import urllib3
from _support import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specbind import LoadedSpec, Validator, load_spec
from specbind.mock import Fault, MockServer

from generated import prunner, vectara, veryfront
from generated._runtime import PollPolicy, WaiterFailed, WaiterTimeout, WaitUpdate

JOB = "11111111-1111-4111-8111-000000000001"
FAST = PollPolicy(delay=0.01, growth=1.0, max_delay=0.01, jitter=0)
#: A valid request of every operation: method, path and query, headers.
REQUESTS = {
    "veryfront": [
        ("GET", f"/projects/dreamy-haven/jobs/{JOB}", {"Authorization": "Bearer t"}),
        ("GET", f"/projects/dreamy-haven/job-batches/{JOB}", {"Authorization": "Bearer t"}),
        ("POST", f"/projects/dreamy-haven/jobs/{JOB}/cancel", {"Authorization": "Bearer t"}),
    ],
    "prunner": [("GET", f"/job/detail?id={JOB}", {"Authorization": "Bearer t"})],
    "vectara": [("GET", "/v2/jobs/job_4Gx8kRr2VpQ", {"x-api-key": "k"})],
}
STATUSES = ("", "200", "400", "401", "403", "404", "405", "429", "500", "503")


@functools.cache
def spec(name: str) -> LoadedSpec:
    return load_spec(ROOT / "specs" / f"{name}.yaml")


@functools.cache
def validator(name: str) -> Validator:
    return Validator(ROOT / "specs" / f"{name}.yaml", servers=["http://127.0.0.1:{port}"])


@pytest.mark.parametrize("name", list(REQUESTS))
@settings(max_examples=12, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_whatever_the_seed_everything_sent_validates(name: str, seed: int) -> None:
    with MockServer(spec(name), seed=seed) as mock, urllib3.PoolManager(retries=False) as pool:
        for method, target, headers in REQUESTS[name]:
            operation = mock.api.index.match(method, mock.url + target)
            assert not isinstance(operation, tuple)
            declared = operation.operation.response_for
            for status in STATUSES:
                if status and declared(status) is None:
                    continue
                prefer = {"Prefer": f"code={status}"} if status else {}
                pool.request(method, mock.url + target, headers={**headers, **prefer})
    assert len(mock.exchanges) > len(REQUESTS[name])
    for index, entry in enumerate(mock.exchanges):
        result = validator(name).check_har_entry(entry, label=f"seed {seed} exchange {index}")
        assert result.outcome == "valid", [f.message for f in result.findings]


FAULTS = st.sampled_from(
    [
        {"status": 503, "retry_after": 0},
        {"status": 429, "retry_after": 0},
        {"drop": True},
        {"delay": 0.01},
    ]
)


@st.composite
def scenarios(draw: Callable[..., object]) -> tuple[str, int, list[Fault]]:
    outcome = draw(st.sampled_from(["success", "failure", "never"]))
    after = draw(st.integers(min_value=0, max_value=3))
    polls = draw(st.lists(st.integers(min_value=1, max_value=5), unique=True, max_size=3))
    faults = [Fault(poll=poll, **draw(FAULTS)) for poll in polls]  # type: ignore[arg-type]
    return str(outcome), int(str(after)), faults


WAITS = {
    "prunner": (prunner, "getJobDetail", lambda job: {"id": job}, "id"),
    "vectara": (vectara, "getJob", lambda job: {"job_id": "job_" + job}, "job_id"),
}


@pytest.mark.parametrize("name", list(WAITS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), job=st.uuids(version=4))
def test_the_waiter_sees_exactly_the_scenarios_outcome(
    specbind_mock_session: Callable[..., MockServer],
    name: str,
    scenario: tuple[str, int, list[Fault]],
    job: uuid.UUID,
) -> None:
    outcome, after, faults = scenario
    bindings, operation, params, argument = WAITS[name]
    mock = specbind_mock_session(ROOT / "specs" / f"{name}.yaml")
    played = mock.add_job(
        operation, params(str(job)), waiter="job", outcome=outcome, after=after, faults=faults
    )
    value = params(str(job))[argument]
    with bindings.Client(base_url=mock.url, token="t", retries=0) as client:
        wait = functools.partial(client.wait_for_job, poll=FAST, **{argument: value})
        if outcome == "success":
            assert wait(timeout=10) is not None
        elif outcome == "failure":
            with pytest.raises(WaiterFailed):
                wait(timeout=10)
        else:
            with pytest.raises(WaiterTimeout):
                wait(timeout=0.2)
    if outcome != "never":
        assert played.answered == after + 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    outcome=st.sampled_from(["success", "failure", "never"]),
    after=st.integers(min_value=0, max_value=3),
    cancel_after=st.none() | st.integers(min_value=1, max_value=4),
    job=st.uuids(version=4),
)
def test_a_cancel_ends_the_wait_unless_the_outcome_came_first(
    specbind_mock_session: Callable[..., MockServer],
    outcome: str,
    after: int,
    cancel_after: int | None,
    job: uuid.UUID,
) -> None:
    mock = specbind_mock_session(ROOT / "specs" / "veryfront.yaml")
    params = {"project_reference": "dreamy-haven", "job_id": str(job)}
    mock.add_job("getJob", params, waiter="job", outcome=outcome, after=after)
    final_before_cancel = outcome != "never" and cancel_after is not None and cancel_after > after
    with veryfront.Client(base_url=mock.url, token="t") as client:

        def cancel_on(update: WaitUpdate[object]) -> None:
            if update.attempt == cancel_after:
                client.cancel_job(**params)

        wait = functools.partial(client.wait_for_job, poll=FAST, on_update=cancel_on, **params)
        if outcome == "success" and (cancel_after is None or final_before_cancel):
            assert wait(timeout=10).status.value == "completed"
        elif outcome == "never" and cancel_after is None:
            with pytest.raises(WaiterTimeout):
                wait(timeout=0.2)
        else:
            with pytest.raises(WaiterFailed) as failed:
                wait(timeout=10)
            canceled = cancel_after is not None and not final_before_cancel
            expected = "canceled" if canceled else "failed"
            assert failed.value.observed == {"status": expected}

"""The generated clients against real HTTP servers on 127.0.0.1: no mock of urllib3 anywhere.

Each test scripts ``server`` (see ``_server.py``), calls a generated client method and
checks both sides: what the method returned or raised, and what the server read.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import re
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple
from urllib.parse import quote, unquote

import pytest
from _json_compare import as_instants
from _server import Exchange, TestServer, repeat
from _support import FIXTURES, ROOT, SPEC_NAMES, iter_response_examples
from hypothesis import example as hypothesis_example
from hypothesis import given, settings
from hypothesis import strategies as st
from specbind import load_spec
from urllib3.util import Retry, Timeout

import generated.prunner
import generated.vectara
import generated.veryfront
from generated._runtime import (
    ApiError,
    ApiResponse,
    RedirectRefused,
    RequestTimeout,
    ResponseDecodeError,
    ResponseTooLarge,
    SpecbindError,
    TransportError,
)

MiB = 1024 * 1024
TOKEN = "tok_5ecr3t-c1ient-7a9e40"
BINDINGS: dict[str, ModuleType] = {
    "veryfront": generated.veryfront,
    "prunner": generated.prunner,
    "vectara": generated.vectara,
}
CREDENTIALS: dict[str, dict[str, str]] = {
    "veryfront": {"token": TOKEN},
    "prunner": {"token": TOKEN},
    "vectara": {"api_key": TOKEN},
}
VERSION = importlib.metadata.version("specbind")
JSON = "application/json"
# Tests that do not test timeouts still bound their wait.
TEST_TIMEOUT = Timeout(connect=2.0, read=5.0)
# A policy that retries like the default one, with sleeps of milliseconds.
FAST_RETRY = Retry(
    total=2, backoff_factor=0.01, status_forcelist=[429, 503], respect_retry_after_header=True
)

PROJECT = "proj_1"
VERYFRONT_JOB = "9b2f4c1e-6a3d-4e8b-9c7f-1d2e3f4a5b6c"
VERYFRONT_BATCH = "4d6f8a0c-2e4a-4f6b-8d9e-0f1a2b3c4d5e"
PRUNNER_ID = "ab1b073d-ec98-44d9-b0df-80ed8c20ebcc"
VECTARA_JOB = "job_4Gx8kRr2VpQ"

MakeClient = Callable[..., Any]
Script = Callable[[Exchange], None]


class Operation(NamedTuple):
    """One operation called with fixed arguments, and the request the server must read."""

    http_method: str
    target: str
    name: str  # the client method
    arguments: dict[str, Any]

    def call(self, client: Any, *, with_response: bool = True, **options: Any) -> Any:
        method = getattr(client, self.name + ("_with_response" if with_response else ""))
        return method(**self.arguments, **options)


OPERATIONS: dict[tuple[str, str], Operation] = {
    ("veryfront", "getJob"): Operation(
        "GET",
        f"/projects/{PROJECT}/jobs/{VERYFRONT_JOB}",
        "get_job",
        {"project_reference": PROJECT, "job_id": VERYFRONT_JOB},
    ),
    ("veryfront", "getJobBatch"): Operation(
        "GET",
        f"/projects/{PROJECT}/job-batches/{VERYFRONT_BATCH}",
        "get_job_batch",
        {"project_reference": PROJECT, "batch_id": VERYFRONT_BATCH},
    ),
    ("veryfront", "cancelJob"): Operation(
        "POST",
        f"/projects/{PROJECT}/jobs/{VERYFRONT_JOB}/cancel",
        "cancel_job",
        {"project_reference": PROJECT, "job_id": VERYFRONT_JOB},
    ),
    ("prunner", "getJobDetail"): Operation(
        "GET", f"/job/detail?id={PRUNNER_ID}", "get_job_detail", {"id": PRUNNER_ID}
    ),
    ("vectara", "getJob"): Operation(
        "GET", f"/v2/jobs/{VECTARA_JOB}", "get_job", {"job_id": VECTARA_JOB}
    ),
}
# The operation each test that runs on every API calls.
MAIN_ID = {"veryfront": "getJob", "prunner": "getJobDetail", "vectara": "getJob"}
MAIN = {api: OPERATIONS[api, operation] for api, operation in MAIN_ID.items()}
SPECS = {name: load_spec(ROOT / "specs" / f"{name}.yaml") for name in SPEC_NAMES}
EXAMPLES: dict[tuple[str, str, str, str], Any] = {
    (name, operation, status, example): value
    for name in SPEC_NAMES
    for operation, status, example, value in iter_response_examples(SPECS[name])
}
PRUNNER_FILES = sorted((FIXTURES / "prunner").glob("detail_*.json"))
PRUNNER_JOB = (FIXTURES / "prunner" / "detail_simple_done.json").read_bytes()
MAIN_BODY = {
    "veryfront": json.dumps(EXAMPLES["veryfront", "getJob", "200", "doc_page_example"]).encode(),
    "prunner": PRUNNER_JOB,
    "vectara": json.dumps(EXAMPLES["vectara", "getJob", "200", "doc_page_example"]).encode(),
}
ALL_APIS = pytest.mark.parametrize("api", SPEC_NAMES)


def reply(
    status: int,
    body: bytes = b"",
    *,
    content_type: str | None = JSON,
    headers: tuple[tuple[str, str], ...] = (),
) -> Script:
    return lambda exchange: exchange.reply(status, body, content_type=content_type, headers=headers)


def main_body(api: str) -> Script:
    return reply(200, MAIN_BODY[api])


def slow(seconds: float, body: bytes) -> Script:
    def script(exchange: Exchange) -> None:
        exchange.wait(seconds)
        exchange.reply(200, body)

    return script


def raised(call: Callable[[], object], kind: type[BaseException] = SpecbindError) -> Any:
    """The ``kind`` exception ``call`` raises (failing the test when it raises none)."""
    with pytest.raises(kind) as info:
        call()
    return info.value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def parsed(api: str, model_key: tuple[str, str], body: bytes) -> Any:
    """What the client should return for ``body``: the binding's own converter on it."""
    binding = BINDINGS[api]
    return binding.converter.structure(json.loads(body), binding.RESPONSE_MODELS[model_key])


@pytest.fixture
def make_client(server: TestServer) -> Iterator[MakeClient]:
    """Build clients of an API aimed at ``server`` (closed after the test); keywords override."""
    made: list[Any] = []

    def make(api: str, **overrides: Any) -> Any:
        options: dict[str, Any] = {
            "base_url": server.url,
            "timeout": TEST_TIMEOUT,
            **CREDENTIALS[api],
        }
        options.update(overrides)
        client = BINDINGS[api].Client(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


# --- successful answers -----------------------------------------------------------------


@pytest.mark.parametrize("path", PRUNNER_FILES, ids=lambda path: path.name)
def test_every_real_prunner_response_is_parsed(
    server: TestServer, make_client: MakeClient, path: Path
) -> None:
    body = path.read_bytes()
    data = json.loads(body)
    server.serve(reply(200, body))
    job = make_client("prunner").get_job_detail(id=data["id"])
    assert isinstance(job, generated.prunner.models.Job)
    assert job.id == uuid.UUID(data["id"])
    assert as_instants(generated.prunner.converter.unstructure(job)) == as_instants(data)
    [seen] = server.requests
    assert seen.request_line == f"GET /job/detail?id={data['id']} HTTP/1.1"


@pytest.mark.parametrize(
    ("api", "operation", "example"),
    [
        pytest.param(api, operation, example, id=f"{api}-{operation}-{example}")
        for (api, operation, status, example) in EXAMPLES
        if status == "200"
    ],
)
def test_every_success_example_is_parsed(
    server: TestServer, make_client: MakeClient, api: str, operation: str, example: str
) -> None:
    value = EXAMPLES[api, operation, "200", example]
    body = json.dumps(value).encode()
    server.serve(reply(200, body))
    binding = BINDINGS[api]
    call = OPERATIONS[api, operation]
    job = call.call(make_client(api), with_response=False)
    assert isinstance(job, binding.RESPONSE_MODELS[operation, "200"])
    assert as_instants(binding.converter.unstructure(job)) == as_instants(value)
    [seen] = server.requests
    assert seen.request_line == f"{call.http_method} {call.target} HTTP/1.1"
    assert seen.body == b""


def test_the_operation_table_covers_every_operation() -> None:
    assert {(api, operation) for api, operation, _, _ in EXAMPLES} == set(OPERATIONS)


@ALL_APIS
def test_with_response_returns_status_headers_body_and_parsed(
    server: TestServer, make_client: MakeClient, api: str
) -> None:
    body = MAIN_BODY[api]
    server.serve(reply(200, body, headers=(("X-Request-Id", "r-1"), ("X-Extra", "a"))))
    client = make_client(api)
    answer = MAIN[api].call(client)
    assert isinstance(answer, ApiResponse)
    assert answer.status == 200
    assert answer.headers["content-type"] == JSON
    assert answer.headers["X-EXTRA"] == "a"
    assert answer.body == body
    assert answer.parsed == parsed(api, (MAIN_ID[api], "200"), body)
    assert MAIN[api].call(client, with_response=False) == answer.parsed


# --- error answers ----------------------------------------------------------------------


class ErrorCase(NamedTuple):
    api: str
    operation: str
    documented: str  # the documented response it exercises: a status or "default"
    status: int  # what the server answers
    content_type: str | None
    body: bytes
    error_class: str  # the class raised, by its name in the binding's ``errors``
    fits_model: bool  # the body fits the documented error model, so error_model is set


# The subclasses each spec documents; any other status raises ApiError itself.
ERROR_CLASSES = {
    "veryfront": {},
    "prunner": {
        400: "BadRequestError",
        401: "UnauthorizedError",
        404: "NotFoundError",
        405: "MethodNotAllowedError",
        500: "InternalServerError",
    },
    "vectara": {403: "ForbiddenError", 404: "NotFoundError"},
}
# The status each "default" example is served with.
DEFAULT_STATUS = {"unauthorized": 401, "rate_limited": 429, "empty_object": 500}
TEXT = "text/plain; charset=utf-8"


def error_case(
    api: str,
    operation: str,
    documented: str,
    status: int,
    content_type: str | None,
    body: bytes,
    *,
    fits_model: bool,
) -> ErrorCase:
    error_class = ERROR_CLASSES[api].get(status, "ApiError")
    return ErrorCase(
        api, operation, documented, status, content_type, body, error_class, fits_model
    )


def _error_cases() -> dict[str, ErrorCase]:
    cases = {}
    for (api, operation, documented, example), value in EXAMPLES.items():
        if documented != "200":
            status = DEFAULT_STATUS[example] if documented == "default" else int(documented)
            body = json.dumps(value).encode()
            cases[f"{api}-{operation}-{documented}-{example}"] = error_case(
                api, operation, documented, status, JSON, body, fits_model=True
            )
    prunner = ("prunner", "getJobDetail")
    for path in sorted((FIXTURES / "prunner").glob("error_*.json")):
        status = int(path.name.split("_")[1])
        cases[f"prunner-file-{path.stem}"] = error_case(
            *prunner, str(status), status, JSON, path.read_bytes(), fits_model=True
        )
    vectara = ("vectara", "getJob")
    more = {
        "prunner-401-no-token": (*prunner, "401", 401, TEXT, b"no token found\n", False),
        "prunner-401-unauthorized": (*prunner, "401", 401, TEXT, b"token is unauthorized\n", False),
        "prunner-405-empty": (*prunner, "405", 405, None, b"", False),
        "prunner-500-html": (*prunner, "500", 500, "text/html", b"<h1>oops</h1>", False),
        "prunner-404-other-shape": (*prunner, "404", 404, JSON, b'{"message": "gone"}', False),
        "vectara-400-json": (*vectara, "default", 400, JSON, b'{"messages": ["Bad id."]}', True),
        "vectara-502-html": (*vectara, "default", 502, "text/html", b"<html>502</html>", False),
        "vectara-404-not-an-object": (*vectara, "404", 404, JSON, b'["Job not found."]', False),
    }
    for name, (*arguments, fits_model) in more.items():
        cases[name] = error_case(*arguments, fits_model=fits_model)
    for operation in ("getJob", "getJobBatch", "cancelJob"):
        for status, content_type, body in [
            (400, JSON, b'{"error": "Bad request"}'),
            (401, JSON, b'{"error": "Unauthorized"}'),
            (404, JSON, b'{"message": "Job not found"}'),
            (409, TEXT, b"job already finished"),
            (500, None, b""),
        ]:
            cases[f"veryfront-{operation}-{status}"] = error_case(
                "veryfront", operation, "default", status, content_type, body, fits_model=False
            )
    return cases


ERROR_CASES = _error_cases()


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_every_error_answer_raises_its_api_error(
    server: TestServer, make_client: MakeClient, case: ErrorCase
) -> None:
    headers = (("X-Request-Id", "r-err"), ("Retry-After", "0"))
    server.serve(reply(case.status, case.body, content_type=case.content_type, headers=headers))
    binding = BINDINGS[case.api]
    operation = OPERATIONS[case.api, case.operation]
    error = raised(lambda: operation.call(make_client(case.api, retries=0)), ApiError)
    assert type(error) is getattr(binding.errors, case.error_class)
    assert isinstance(error, binding.ApiError)
    assert error.status == case.status
    assert error.body == case.body
    assert error.headers.get("Content-Type") == case.content_type
    assert error.headers["x-request-id"] == "r-err" == error.request_id
    assert (error.method, error.url) == (operation.http_method, server.url + operation.target)
    expected_model = (
        parsed(case.api, (case.operation, case.documented), case.body) if case.fits_model else None
    )
    assert error.error_model == expected_model
    if case.fits_model:
        assert error.error_model is not None
    assert str(error).startswith(f"{operation.http_method} {server.url}{operation.target} -> ")
    assert len(server.requests) == 1


def test_error_cases_cover_every_documented_error() -> None:
    documented = {
        (api, operation["operationId"], str(status))
        for api, spec in SPECS.items()
        for item in spec.data["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for status in operation["responses"]
        if not str(status).startswith("2")
    }
    covered = {(case.api, case.operation, case.documented) for case in ERROR_CASES.values()}
    assert documented <= covered
    assert documented >= {("prunner", "getJobDetail", "401"), ("vectara", "getJob", "default")}


def test_prunner_401_keeps_its_text_body(server: TestServer, make_client: MakeClient) -> None:
    server.serve(reply(401, b"no token found\n", content_type="text/plain"))
    error = raised(lambda: make_client("prunner", token=None).get_job_detail(PRUNNER_ID))
    assert isinstance(error, generated.prunner.errors.UnauthorizedError)
    assert (error.status, error.body, error.error_model) == (401, b"no token found\n", None)
    assert str(error).endswith("-> 401 Unauthorized: no token found")
    [seen] = server.requests
    assert "authorization" not in seen.headers


# --- 2xx bodies that are not the documented JSON ----------------------------------------


@ALL_APIS
@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        ("text/html", b"<html><body>maintenance</body></html>", "'text/html' is not JSON"),
        ("text/plain", b"ok", "'text/plain' is not JSON"),
        (JSON, b"", "the body is empty"),
        (JSON, b'{"id": ', "not valid JSON"),
        (JSON, b'{"id": NaN}', "NaN is not JSON"),
    ],
    ids=["html", "text", "empty", "truncated", "nan"],
)
def test_a_2xx_that_is_not_json_is_a_decode_error(
    server: TestServer,
    make_client: MakeClient,
    api: str,
    content_type: str,
    body: bytes,
    reason: str,
) -> None:
    server.serve(reply(200, body, content_type=content_type))
    error = raised(lambda: MAIN[api].call(make_client(api)), ResponseDecodeError)
    assert reason in error.reason
    assert (error.status, error.body) == (200, body)
    assert error.headers["content-type"] == content_type
    assert error.url == server.url + MAIN[api].target


def _without(data: dict[str, Any], key: str) -> bytes:
    return json.dumps({name: value for name, value in data.items() if name != key}).encode()


def _with(data: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**data, **changes}).encode()


_PRUNNER_JOB = json.loads(PRUNNER_JOB)
_VERYFRONT_JOB = json.loads(MAIN_BODY["veryfront"])
_VECTARA_JOB = json.loads(MAIN_BODY["vectara"])
#: A 2xx body that breaks the model, and where its reason says the break is.
MODEL_BREAKS = {
    "prunner-missing-id": ("prunner", _without(_PRUNNER_JOB, "id"), "/id"),
    "prunner-missing-tasks": ("prunner", _without(_PRUNNER_JOB, "tasks"), "/tasks"),
    "prunner-tasks-not-a-list": ("prunner", _with(_PRUNNER_JOB, tasks="none"), "/tasks"),
    "prunner-id-not-a-uuid": ("prunner", _with(_PRUNNER_JOB, id="job-1"), "/id"),
    "prunner-start-not-a-date": ("prunner", _with(_PRUNNER_JOB, start="yesterday"), "/start"),
    "prunner-array": ("prunner", b"[]", "(root)"),
    "veryfront-missing-status": ("veryfront", _without(_VERYFRONT_JOB, "status"), "/status"),
    "veryfront-config-null": ("veryfront", _with(_VERYFRONT_JOB, config=None), "/config"),
    "vectara-missing-id": ("vectara", _without(_VECTARA_JOB, "id"), "/id"),
    "vectara-corpus-keys-string": (
        "vectara",
        _with(_VECTARA_JOB, corpus_keys="my-corpus"),
        "/corpus_keys",
    ),
    "vectara-null": ("vectara", b"null", "(root)"),
}


@pytest.mark.parametrize(("api", "body", "pointer"), MODEL_BREAKS.values(), ids=MODEL_BREAKS.keys())
def test_a_2xx_that_breaks_the_model_is_a_decode_error(
    server: TestServer, make_client: MakeClient, api: str, body: bytes, pointer: str
) -> None:
    server.serve(reply(200, body))
    error = raised(lambda: MAIN[api].call(make_client(api)), ResponseDecodeError)
    assert (error.status, error.body) == (200, body)
    assert error.reason.startswith("the body is not a valid ")
    # The one fault, at its JSON pointer: nothing else in the body is wrong.
    assert ";" not in error.reason, error.reason
    assert f" {pointer}: " in error.reason, error.reason
    assert [where or "(root)" for where, _ in error.faults] == [pointer]
    assert len(str(error)) < 500


# --- timeouts, retries, redirects -------------------------------------------------------


@ALL_APIS
def test_slow_server_times_out_with_the_client_timeout(
    server: TestServer, make_client: MakeClient, api: str
) -> None:
    server.serve(slow(5, MAIN_BODY[api]))
    client = make_client(api, timeout=0.3)
    started = time.monotonic()
    error = raised(lambda: MAIN[api].call(client), RequestTimeout)
    assert isinstance(error, TransportError)
    assert time.monotonic() - started < 1.5
    assert error.attempts == 1  # a read timeout is never retried
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "per_call", [0.3, Timeout(connect=1.0, read=0.3)], ids=["float", "Timeout"]
)
def test_slow_server_times_out_with_the_call_timeout(
    server: TestServer, make_client: MakeClient, per_call: float | Timeout
) -> None:
    body = MAIN_BODY["prunner"]
    server.serve(slow(5, body))
    client = make_client("prunner", timeout=10)
    started = time.monotonic()
    raised(lambda: client.get_job_detail(PRUNNER_ID, timeout=per_call), RequestTimeout)
    assert time.monotonic() - started < 1.5
    server.serve(slow(0.4, body))
    assert client.get_job_detail(PRUNNER_ID, timeout=2).id == uuid.UUID(PRUNNER_ID)


def test_get_503_is_retried_after_retry_after(server: TestServer, make_client: MakeClient) -> None:
    busy = reply(503, b'{"error": "busy"}', headers=(("Retry-After", "1"),))
    server.serve(busy, main_body("prunner"))
    job = make_client("prunner").get_job_detail(PRUNNER_ID)  # the default retry policy
    assert job.id == uuid.UUID(PRUNNER_ID)
    first, second = server.requests
    assert second.at - first.at >= 0.9
    assert second.request_line == first.request_line


@ALL_APIS
def test_get_is_retried_with_a_fast_policy(
    server: TestServer, make_client: MakeClient, api: str
) -> None:
    server.serve(reply(503), reply(429), main_body(api))
    answer = MAIN[api].call(make_client(api, retries=FAST_RETRY))
    assert answer.status == 200
    assert len(server.requests) == 3
    server.serve(reply(503))
    error = raised(lambda: MAIN[api].call(make_client(api, retries=FAST_RETRY)), ApiError)
    assert error.status == 503  # the last answer, once retries run out
    assert len(server.requests) == 6


@pytest.mark.parametrize(
    "client_retries", [None, 3, FAST_RETRY], ids=["default", "int", "Retry-without-POST"]
)
def test_cancel_503_is_not_retried(
    server: TestServer, make_client: MakeClient, client_retries: int | Retry | None
) -> None:
    server.serve(reply(503, headers=(("Retry-After", "0"),)), main_body("veryfront"))
    client = make_client("veryfront", retries=client_retries)
    error = raised(lambda: client.cancel_job(PROJECT, VERYFRONT_JOB), ApiError)
    assert error.status == 503
    [seen] = server.requests
    assert seen.method == "POST"


@pytest.mark.parametrize(
    ("client_retries", "call_retries"),
    [
        (None, 1),
        (None, Retry(total=1, status_forcelist=[503], allowed_methods=None)),
        (Retry(total=1, status_forcelist=[503], allowed_methods=None), None),
    ],
    ids=["call-int", "call-Retry", "client-Retry-with-POST"],
)
def test_cancel_is_retried_when_asked(
    server: TestServer,
    make_client: MakeClient,
    client_retries: Retry | None,
    call_retries: int | Retry | None,
) -> None:
    server.serve(reply(503), main_body("veryfront"))
    client = make_client("veryfront", retries=client_retries)
    job = client.cancel_job(PROJECT, VERYFRONT_JOB, retries=call_retries)
    assert isinstance(job, generated.veryfront.models.Job)
    assert [seen.method for seen in server.requests] == ["POST", "POST"]


def test_a_call_can_refuse_retries(server: TestServer, make_client: MakeClient) -> None:
    server.serve(reply(503), main_body("prunner"))
    error = raised(lambda: make_client("prunner").get_job_detail(PRUNNER_ID, retries=0), ApiError)
    assert error.status == 503
    assert len(server.requests) == 1


@ALL_APIS
@pytest.mark.parametrize("redirect", [301, 302, 303, 307, 308])
def test_redirect_to_another_host_is_refused(
    server: TestServer, other_server: TestServer, make_client: MakeClient, api: str, redirect: int
) -> None:
    location = f"{other_server.url}/collect?from={api}"
    server.serve(reply(redirect, headers=(("Location", location),)))
    other_server.serve(main_body(api))
    error = raised(lambda: MAIN[api].call(make_client(api)), RedirectRefused)
    assert error.status == redirect
    assert error.location == f"http://127.0.0.1:{other_server.port}"
    assert other_server.requests == []
    assert len(server.requests) == 1


@ALL_APIS
def test_malformed_redirect_location_is_a_redirect_refused(
    server: TestServer, make_client: MakeClient, api: str
) -> None:
    location = f"http://[::1:{server.port}/x"
    server.serve(reply(302, headers=(("Location", location),)), main_body(api))
    error = raised(lambda: MAIN[api].call(make_client(api)), RedirectRefused)
    assert "not a well-formed http or https URL" in str(error)
    assert len(server.requests) == 1


def test_cancel_is_never_redirected(server: TestServer, make_client: MakeClient) -> None:
    location = f"{server.url}/projects/{PROJECT}/jobs/{VERYFRONT_JOB}/cancel-again"
    server.serve(reply(307, headers=(("Location", location),)))
    error = raised(
        lambda: make_client("veryfront").cancel_job(PROJECT, VERYFRONT_JOB), RedirectRefused
    )
    assert "POST requests are not redirected" in str(error)
    assert len(server.requests) == 1


def test_same_origin_redirect_is_followed(server: TestServer, make_client: MakeClient) -> None:
    moved = reply(301, headers=(("Location", f"/v2/jobs/{VECTARA_JOB}?moved=1"),))
    server.serve(moved, main_body("vectara"))
    job = make_client("vectara").get_job(VECTARA_JOB)
    assert job.id == VECTARA_JOB
    _moved, second = server.requests
    assert second.target == f"/v2/jobs/{VECTARA_JOB}?moved=1"
    assert second.headers["x-api-key"] == TOKEN


@ALL_APIS
def test_connection_refused_is_a_transport_error(make_client: MakeClient, api: str) -> None:
    client = make_client(api, base_url=f"http://127.0.0.1:{free_port()}", retries=FAST_RETRY)
    error = raised(lambda: MAIN[api].call(client), TransportError)
    assert type(error) is TransportError  # not a RequestTimeout
    assert error.attempts == 3
    assert "NewConnectionError" in error.reason


def test_100_mib_body_is_refused(server: TestServer, make_client: MakeClient) -> None:
    chunk = b" " * MiB
    server.serve(lambda exchange: exchange.stream(200, repeat(chunk, 100), chunked=True))
    client = make_client("prunner")
    error = raised(lambda: client.get_job_detail(PRUNNER_ID), ResponseTooLarge)
    assert error.limit == generated.prunner.client.DEFAULT_MAX_BODY_BYTES
    server.serve(main_body("prunner"))
    assert client.get_job_detail(PRUNNER_ID).id == uuid.UUID(PRUNNER_ID)  # the pool recovers


def test_max_body_bytes_is_a_client_option(server: TestServer, make_client: MakeClient) -> None:
    body = MAIN_BODY["prunner"]
    server.serve(reply(200, body))
    with pytest.raises(ResponseTooLarge):
        make_client("prunner", max_body_bytes=len(body) - 1).get_job_detail(PRUNNER_ID)
    assert make_client("prunner", max_body_bytes=len(body)).get_job_detail(PRUNNER_ID)


# --- parameters: refused before sending, or sent exactly --------------------------------

BAD_PROJECT_REFERENCES = [
    "", ".", "..", "../x", "a/b", "%2e%2e", "?q", "#f", "a b", "proj\n", "proj_1\n", "ünï",
    "proj\u00a0", "x" * 129,
]  # fmt: skip


@pytest.mark.parametrize("value", BAD_PROJECT_REFERENCES, ids=repr)
@pytest.mark.parametrize("operation", ["get_job", "get_job_batch", "cancel_job"])
def test_bad_project_references_are_refused_before_sending(
    server: TestServer, make_client: MakeClient, operation: str, value: str
) -> None:
    method = getattr(make_client("veryfront"), operation)
    with pytest.raises(ValueError, match="project_reference"):
        method(value, VERYFRONT_JOB)
    assert server.requests == []


@pytest.mark.parametrize(
    "value", ["proj_1", "My-Project-2", "x" * 128, "e6e35c19-df34-484e-aa2c-ce643e8f829b"]
)
def test_good_project_references_are_sent_as_they_are(
    server: TestServer, make_client: MakeClient, value: str
) -> None:
    server.serve(main_body("veryfront"))
    make_client("veryfront").get_job(value, VERYFRONT_JOB)
    [seen] = server.requests
    assert seen.request_line == f"GET /projects/{value}/jobs/{VERYFRONT_JOB} HTTP/1.1"


# Per API, calls the client refuses before sending: a value the spec forbids, a value
# that cannot be sent safely, a value of the wrong type.
REFUSED_CALLS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "veryfront": [
        ("get_job", {"project_reference": "..", "job_id": VERYFRONT_JOB}),
        ("get_job_batch", {"project_reference": "x" * 129, "batch_id": VERYFRONT_JOB}),
        ("cancel_job", {"project_reference": PROJECT, "job_id": "not-a-uuid"}),
        ("get_job", {"project_reference": PROJECT, "job_id": 42}),
    ],
    "prunner": [
        ("get_job_detail", {"id": "not-a-uuid"}),
        ("get_job_detail", {"id": f"{PRUNNER_ID}\n"}),
        ("get_job_detail", {"id": 12345678}),
    ],
    "vectara": [
        ("get_job", {"job_id": "job_"}),
        ("get_job", {"job_id": "job_1\r\nX-Injected: 1"}),
        ("get_job", {"job_id": VECTARA_JOB, "request_timeout": 0}),
        ("get_job", {"job_id": True}),
    ],
}


@pytest.mark.parametrize(
    ("api", "method", "arguments"),
    [
        pytest.param(api, method, arguments, id=f"{api}-{method}-{number}")
        for api, calls in REFUSED_CALLS.items()
        for number, (method, arguments) in enumerate(calls)
    ],
)
def test_refused_parameters_are_specbind_errors(
    server: TestServer, make_client: MakeClient, api: str, method: str, arguments: dict[str, Any]
) -> None:
    binding = BINDINGS[api]
    try:
        getattr(make_client(api), method)(**arguments)
    except SpecbindError as caught:
        error: Exception = caught
    else:
        pytest.fail("the call was not refused")
    assert isinstance(error, binding.InvalidParameterError)
    assert isinstance(error, (ValueError, TypeError))
    assert binding.InvalidParameterError is binding.errors.InvalidParameterError
    assert "InvalidParameterError" in binding.__all__
    assert server.requests == []


@pytest.mark.parametrize(
    "options",
    [{"base_url": "http://[::1:9009/"}, {"base_url": "ftp://h/"}, {"token": "t\n"}],
    ids=repr,
)
def test_refused_client_options_are_specbind_errors(options: dict[str, str]) -> None:
    error = raised(lambda: generated.prunner.Client(**options))
    assert isinstance(error, generated.prunner.InvalidParameterError)
    assert isinstance(error, ValueError)


VERYFRONT_UUID = uuid.UUID(VERYFRONT_JOB)


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        (VERYFRONT_UUID, VERYFRONT_JOB),
        (VERYFRONT_JOB, VERYFRONT_JOB),
        (VERYFRONT_JOB.upper(), VERYFRONT_JOB.upper()),
    ],
    ids=["UUID", "str", "upper-case-str"],
)
def test_veryfront_ids_as_uuid_or_str(
    server: TestServer, make_client: MakeClient, value: str | uuid.UUID, sent: str
) -> None:
    batch = json.dumps(EXAMPLES["veryfront", "getJobBatch", "200", "doc_page_example"]).encode()
    server.serve(main_body("veryfront"), main_body("veryfront"), reply(200, batch))
    client = make_client("veryfront")
    assert client.get_job(PROJECT, value).id == VERYFRONT_UUID
    client.cancel_job(PROJECT, value)
    client.get_job_batch(PROJECT, value)
    assert [seen.request_line for seen in server.requests] == [
        f"GET /projects/{PROJECT}/jobs/{sent} HTTP/1.1",
        f"POST /projects/{PROJECT}/jobs/{sent}/cancel HTTP/1.1",
        f"GET /projects/{PROJECT}/job-batches/{sent} HTTP/1.1",
    ]


BAD_UUIDS = [
    "", "..", "not-a-uuid", VERYFRONT_JOB[:-1], VERYFRONT_JOB + "0", VERYFRONT_JOB + "\n",
    f"{{{VERYFRONT_JOB}}}", f"urn:uuid:{VERYFRONT_JOB}", VERYFRONT_JOB.replace("-", ""),
    f" {VERYFRONT_JOB}", VERYFRONT_JOB.replace("-", "_"), f"../{VERYFRONT_JOB}",
]  # fmt: skip


@pytest.mark.parametrize("value", BAD_UUIDS, ids=repr)
def test_veryfront_ids_that_are_not_uuids_are_refused(
    server: TestServer, make_client: MakeClient, value: str
) -> None:
    client = make_client("veryfront")
    with pytest.raises(ValueError, match="job_id"):
        client.get_job(PROJECT, value)
    with pytest.raises(ValueError, match="job_id"):
        client.cancel_job(PROJECT, value)
    with pytest.raises(ValueError, match="batch_id"):
        client.get_job_batch(PROJECT, value)
    assert server.requests == []


PRUNNER_UUID = uuid.UUID(PRUNNER_ID)
PRUNNER_HEX = PRUNNER_UUID.hex


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        (PRUNNER_UUID, PRUNNER_ID),
        (PRUNNER_ID, PRUNNER_ID),
        (PRUNNER_ID.upper(), PRUNNER_ID.upper()),
        (f"{{{PRUNNER_ID}}}", f"%7B{PRUNNER_ID}%7D"),
        (PRUNNER_ID.replace("-", ""), PRUNNER_ID.replace("-", "")),
        (f"{{{PRUNNER_ID.upper()}}}", f"%7B{PRUNNER_ID.upper()}%7D"),
        (f"{{{PRUNNER_HEX}}}", f"%7B{PRUNNER_HEX}%7D"),
        (f"urn:uuid:{PRUNNER_ID}", f"urn%3Auuid%3A{PRUNNER_ID}"),
        (f"urn:uuid:{PRUNNER_HEX}", f"urn%3Auuid%3A{PRUNNER_HEX}"),
        (f"urn:uuid:{PRUNNER_ID.upper()}", f"urn%3Auuid%3A{PRUNNER_ID.upper()}"),
    ],
    ids=[
        "UUID", "str", "upper-case", "braced", "no-hyphens", "braced-upper-case",
        "braced-no-hyphens", "urn", "urn-no-hyphens", "urn-upper-case-hex",
    ],
)  # fmt: skip
def test_prunner_id_forms_the_server_accepts(
    server: TestServer, make_client: MakeClient, value: str | uuid.UUID, sent: str
) -> None:
    server.serve(main_body("prunner"))
    job = make_client("prunner").get_job_detail(value)
    assert job.id == PRUNNER_UUID
    [seen] = server.requests
    assert seen.request_line == f"GET /job/detail?id={sent} HTTP/1.1"
    assert unquote(sent) == str(value)


BAD_PRUNNER_IDS = [
    "", "not-a-uuid", PRUNNER_ID[:-1], PRUNNER_ID + "0", PRUNNER_ID + "\n", f"{PRUNNER_ID}&x=1",
    f"{{{PRUNNER_ID}", f" {PRUNNER_ID}", PRUNNER_ID.replace("-", "_"), "g" * 32,
    f"{PRUNNER_ID}#f", 12345678, "urn:uuid:", f"URN:UUID:{PRUNNER_ID}", f"urn:UUID:{PRUNNER_ID}",
    f"urn:uuid:{{{PRUNNER_ID}}}", f"{{urn:uuid:{PRUNNER_ID}}}", f"urn:uuid:{PRUNNER_ID[:-1]}",
    f"urn:uuid:urn:uuid:{PRUNNER_ID}", f" urn:uuid:{PRUNNER_ID}", f"urn:uuid:{PRUNNER_ID}\n",
    f"urn:uuid: {PRUNNER_HEX}", f"urn:{PRUNNER_ID}", f"uuid:{PRUNNER_ID}", f"urn:uuid{PRUNNER_ID}",
    f"urn:uuid:{PRUNNER_HEX[:8]}-{PRUNNER_HEX[8:]}",
]  # fmt: skip


@pytest.mark.parametrize("value", BAD_PRUNNER_IDS, ids=repr)
def test_invalid_prunner_ids_are_refused_before_sending(
    server: TestServer, make_client: MakeClient, value: object
) -> None:
    with pytest.raises(generated.prunner.InvalidParameterError, match="id"):
        make_client("prunner").get_job_detail(value)
    assert server.requests == []


_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


def _gofrs_plain(text: bytes) -> bool:
    if len(text) == 32:
        return all(byte in _HEX_DIGITS for byte in text)
    hyphens = (8, 13, 18, 23)
    return len(text) == 36 and all(
        byte == ord("-") if index in hyphens else byte in _HEX_DIGITS
        for index, byte in enumerate(text)
    )


def gofrs_accepts(value: str) -> bool:
    """Whether Prunner's id parser, gofrs/uuid v4.4.0 ``FromString``, takes ``value``.

    A port of its ``UnmarshalText``, which picks the form by the length in bytes: 32 and
    36 plain, 34 and 38 braced, 41 and 45 ``urn:uuid:`` then plain.
    """
    text = value.encode("utf-8", errors="surrogatepass")
    if len(text) in (34, 38):
        return text[:1] == b"{" and text[-1:] == b"}" and _gofrs_plain(text[1:-1])
    if len(text) in (41, 45):
        return text[:9] == b"urn:uuid:" and _gofrs_plain(text[9:])
    return _gofrs_plain(text)


def _serving(script: Script) -> Iterator[TestServer]:
    """A server for a whole module (its fixtures' body), answering every request with ``script``."""
    with TestServer() as server:
        server.serve(script)
        yield server
    assert server.errors == []


def _client_of(api: str, server: TestServer) -> Iterator[Any]:
    """A client of ``api`` aimed at ``server``, without retries, for a module's fixture."""
    with BINDINGS[api].Client(
        base_url=server.url, timeout=TEST_TIMEOUT, retries=0, **CREDENTIALS[api]
    ) as client:
        yield client


@pytest.fixture(scope="module")
def prunner_server() -> Iterator[TestServer]:
    """One server for the whole module, answering every Prunner request with a job."""
    yield from _serving(main_body("prunner"))


@pytest.fixture(scope="module")
def prunner_client(prunner_server: TestServer) -> Iterator[Any]:
    yield from _client_of("prunner", prunner_server)


def _uuid_form(value: uuid.UUID, hyphens: bool, upper: bool, wrap: tuple[str, str]) -> str:
    text = str(value) if hyphens else value.hex
    text = text.upper() if upper else text
    return wrap[0] + text + wrap[1]


# Ids around the forms the server accepts: each form, wrapped rightly and wrongly.
NEAR_IDS = st.builds(
    _uuid_form,
    st.uuids(),
    st.booleans(),
    st.booleans(),
    st.sampled_from(
        [
            ("", ""), ("{", "}"), ("urn:uuid:", ""), ("URN:UUID:", ""), ("urn:uuid:{", "}"),
            ("{urn:uuid:", "}"), ("urn:uuid:", "}"), ("{", ""), (" ", ""), ("", "\n"),
            ("", "0"), ("", "&x=1"),
        ]
    ),
)  # fmt: skip


@settings(deadline=None)  # each example is a real request: a busy machine must not fail it
@given(st.one_of(NEAR_IDS, st.text(max_size=50)))
@hypothesis_example(f"urn:uuid:{PRUNNER_ID}")
@hypothesis_example(f"urn:uuid:{PRUNNER_HEX.upper()}")
@hypothesis_example(f"{{{PRUNNER_HEX}}}")
def test_prunner_ids_are_sent_exactly_when_the_server_accepts_them(
    prunner_server: TestServer, prunner_client: Any, value: str
) -> None:
    before = len(prunner_server.requests)
    try:
        prunner_client.get_job_detail(value)
    except generated.prunner.InvalidParameterError:
        assert not gofrs_accepts(value)
        assert len(prunner_server.requests) == before
        return
    assert gofrs_accepts(value)
    [seen] = prunner_server.requests[before:]
    path, _, query = seen.target.partition("?")
    name, _, sent = query.partition("=")
    assert (path, name) == ("/job/detail", "id")
    assert sent == quote(value, safe="")
    assert unquote(sent, errors="strict") == value


VECTARA_PATHS = {
    "job_4Gx8kRr2VpQ": "job_4Gx8kRr2VpQ",
    "job_../x": "job_..%2Fx",
    "job_a/b": "job_a%2Fb",
    "job_%2e%2e": "job_%252e%252e",
    "job_?q": "job_%3Fq",
    "job_#f": "job_%23f",
    "job_ünï ç": "job_%C3%BCn%C3%AF%20%C3%A7",
    "job_..": "job_..",
    "x/../job_1": "x%2F..%2Fjob_1",
    "job_1\r\nX-Injected: 1": None,
    "job_\n": None,
    "job_1\n": None,
    "../x": None,
    "a/b": None,
    "%2e%2e": None,
    "?q": None,
    "#f": None,
    "..": None,
    "": None,
    "job_": None,
}


@pytest.mark.parametrize(("value", "sent"), VECTARA_PATHS.items(), ids=repr)
def test_vectara_job_ids_are_refused_or_sent_as_one_segment(
    server: TestServer, make_client: MakeClient, value: str, sent: str | None
) -> None:
    server.serve(lambda exchange: exchange.json(200, {"id": value}))
    client = make_client("vectara")
    if sent is None:
        with pytest.raises(ValueError, match="job_id"):
            client.get_job(value)
        assert server.requests == []
        return
    assert client.get_job(value).id == value
    [seen] = server.requests
    assert seen.request_line == f"GET /v2/jobs/{sent} HTTP/1.1"


@pytest.fixture(scope="module")
def echo_server() -> Iterator[TestServer]:
    """One server for the whole module, answering a Vectara job with the id it was asked for."""

    def echo(exchange: Exchange) -> None:
        segment = exchange.request.target.rpartition("/")[2]
        exchange.json(200, {"id": unquote(segment, errors="strict")})

    yield from _serving(echo)


@pytest.fixture(scope="module")
def echo_client(echo_server: TestServer) -> Iterator[Any]:
    yield from _client_of("vectara", echo_server)


def _valid_vectara_job_id(value: str) -> bool:
    # JSON Schema patterns are ECMA-262: unanchored, `$` is the end of the value only
    # (Python's `$` would also match before a final newline, `\Z` does not), and `.` is
    # anything but a line terminator (Python's also matches \r, U+2028 and U+2029).
    return re.search("job_[^\n\r\u2028\u2029]+\\Z", value) is not None


@settings(deadline=None)  # each example is a real request: a busy machine must not fail it
@given(
    st.one_of(
        st.text(),
        st.text().map(lambda text: "job_" + text),
        st.tuples(st.text(), st.text()).map(lambda pair: pair[0] + "job_" + pair[1]),
    )
)
def test_any_vectara_job_id_is_refused_or_sent_as_one_segment(
    echo_server: TestServer, echo_client: Any, value: str
) -> None:
    before = len(echo_server.requests)
    try:
        job = echo_client.get_job(value)
    except ValueError:
        assert not _valid_vectara_job_id(value)
        assert len(echo_server.requests) == before
        return
    assert _valid_vectara_job_id(value)
    [seen] = echo_server.requests[before:]
    assert seen.request_line.startswith("GET /v2/jobs/")
    assert seen.request_line.endswith(" HTTP/1.1")
    root, jobs, segment = seen.target.split("/")[1:]
    assert (root, jobs) == ("v2", "jobs")
    assert unquote(segment, errors="strict") == value
    assert job.id == value


@pytest.mark.parametrize(
    ("options", "headers"),
    [
        ({"request_timeout": 5}, {"request-timeout": "5"}),
        ({"request_timeout_millis": 2500}, {"request-timeout-millis": "2500"}),
        (
            {"request_timeout": 1, "request_timeout_millis": 1},
            {"request-timeout": "1", "request-timeout-millis": "1"},
        ),
        ({}, {}),
    ],
    ids=["seconds", "millis", "both-at-minimum", "none"],
)
def test_vectara_request_timeouts_are_sent_as_headers(
    server: TestServer, make_client: MakeClient, options: dict[str, int], headers: dict[str, str]
) -> None:
    server.serve(main_body("vectara"))
    make_client("vectara").get_job(VECTARA_JOB, **options)
    [seen] = server.requests
    sent = {name: value for name, value in seen.headers.items() if name.startswith("request-")}
    assert sent == headers


@pytest.mark.parametrize("name", ["request_timeout", "request_timeout_millis"])
@pytest.mark.parametrize("value", [0, -1, -(2**40)])
def test_vectara_request_timeouts_below_one_are_refused(
    server: TestServer, make_client: MakeClient, name: str, value: int
) -> None:
    with pytest.raises(ValueError, match=name):
        make_client("vectara").get_job(VECTARA_JOB, **{name: value})
    assert server.requests == []


# --- credentials, headers, secrets ------------------------------------------------------


@pytest.mark.parametrize(
    ("api", "credentials", "sent", "absent"),
    [
        ("veryfront", {"token": TOKEN}, {"authorization": f"Bearer {TOKEN}"}, "x-api-key"),
        ("prunner", {"token": TOKEN}, {"authorization": f"Bearer {TOKEN}"}, "x-api-key"),
        ("vectara", {"api_key": TOKEN}, {"x-api-key": TOKEN}, "authorization"),
        ("vectara", {"token": TOKEN}, {"authorization": f"Bearer {TOKEN}"}, "x-api-key"),
    ],
    ids=["veryfront-token", "prunner-token", "vectara-api-key", "vectara-token"],
)
def test_credentials_and_user_agent_are_sent(
    server: TestServer,
    make_client: MakeClient,
    api: str,
    credentials: dict[str, str],
    sent: dict[str, str],
    absent: str,
) -> None:
    server.serve(main_body(api))
    client = BINDINGS[api].Client(base_url=server.url, timeout=TEST_TIMEOUT, **credentials)
    with client:
        MAIN[api].call(client)
    [seen] = server.requests
    assert {name: seen.headers[name] for name in sent} == sent
    assert absent not in seen.headers
    assert "cookie" not in seen.headers
    user_agent = f"specbind-{api}/{VERSION}"
    assert seen.headers["user-agent"] == user_agent == BINDINGS[api].client.USER_AGENT


@ALL_APIS
def test_without_credentials_nothing_is_sent(
    server: TestServer, make_client: MakeClient, api: str
) -> None:
    server.serve(main_body(api))
    MAIN[api].call(make_client(api, **dict.fromkeys(CREDENTIALS[api])))
    [seen] = server.requests
    assert "authorization" not in seen.headers
    assert "x-api-key" not in seen.headers


@ALL_APIS
def test_extra_headers_go_with_every_call_and_cannot_replace_credentials(
    server: TestServer, make_client: MakeClient, api: str
) -> None:
    server.serve(main_body(api))
    extra = {"X-Trace": "t-1", "Authorization": "Bearer other", "x-api-key": "other"}
    client = make_client(api, headers=extra)
    MAIN[api].call(client)
    [seen] = server.requests
    assert seen.headers["x-trace"] == "t-1"
    name = "x-api-key" if api == "vectara" else "authorization"
    assert TOKEN in seen.headers[name]


@pytest.mark.parametrize("bad", ["s3cr\r\nX-Injected: 1", "s3cr\n", "s3cr\x00", "s3cr€"], ids=repr)
@pytest.mark.parametrize("name", ["token", "api_key"])
def test_unsafe_credentials_are_refused_without_quoting_them(name: str, bad: str) -> None:
    binding = generated.vectara if name == "api_key" else generated.prunner
    error = raised(lambda: binding.Client(**{name: bad}), ValueError)
    assert name in str(error)
    assert "s3cr" not in str(error)


def _echoing(status: int, content_type: str = TEXT) -> Script:
    """An answer that repeats the credential back, in headers and body."""
    headers = (
        ("X-Echo", f"Bearer {TOKEN}"),
        ("WWW-Authenticate", f'Bearer error="invalid_token", token="{TOKEN}"'),
        ("X-Request-Id", f"r-{TOKEN}"),
    )
    if content_type == JSON:
        body = json.dumps({"messages": [f"key {TOKEN} denied"], "error": TOKEN}).encode()
    else:
        body = f"invalid token: Bearer {TOKEN}".encode()
    return reply(status, body, content_type=content_type, headers=headers)


@ALL_APIS
def test_the_credential_never_shows(
    server: TestServer,
    other_server: TestServer,
    make_client: MakeClient,
    caplog: pytest.LogCaptureFixture,
    api: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(api, retries=FAST_RETRY)
    assert TOKEN not in repr(client)
    assert TOKEN not in str(vars(client))
    call = MAIN[api]
    errors: list[BaseException] = []

    def failing(*scripts: Script, **options: Any) -> None:
        server.serve(*scripts)
        errors.append(raised(lambda: call.call(client, **options)))

    failing(_echoing(401))
    failing(_echoing(403, JSON))
    failing(_echoing(404, JSON))
    failing(_echoing(500, JSON))
    failing(reply(503), _echoing(503))
    failing(reply(302, headers=(("Location", f"{other_server.url}/{TOKEN}?t={TOKEN}"),)))
    failing(slow(5, MAIN_BODY[api]), timeout=0.2)
    failing(reply(200, f"<p>{TOKEN}</p>".encode(), content_type="text/html"))
    failing(reply(200, json.dumps({"id": None, "state": TOKEN, "status": TOKEN}).encode()))
    failing(reply(200, json.dumps({TOKEN: TOKEN}).encode()))
    # Wrong types that error messages quote, in a field of each API.
    echoed = dict.fromkeys(("id", "completed", "corpus_keys", "config"), TOKEN)
    failing(reply(200, json.dumps(echoed).encode()))
    failing(reply(200, b" " * (33 * MiB)))
    refused = make_client(api, base_url=f"http://127.0.0.1:{free_port()}", retries=0)
    errors.append(raised(lambda: call.call(refused)))
    assert other_server.requests == []

    kinds = {type(error).__name__ for error in errors}
    assert {"RedirectRefused", "RequestTimeout", "ResponseDecodeError"} <= kinds
    assert {"ResponseTooLarge", "TransportError"} <= kinds
    for error in errors:
        assert isinstance(error, SpecbindError)
        shown = [str(error), repr(error), *(str(arg) for arg in error.args)]
        # body and error_model are the server's answer as it came, echo included.
        kept = ("body", "error_model")
        shown += [str(value) for name, value in vars(error).items() if name not in kept]
        # What a traceback prints, every chained error included.
        shown.append("".join(traceback.format_exception(error)))
        assert not [text for text in shown if TOKEN in text], error
        if isinstance(error, ApiError):
            assert TOKEN in error.body.decode()  # the raw body is kept as it came
    records = [record for record in caplog.records if record.name == f"generated.{api}"]
    assert len(records) >= len(errors)
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(vars(record))


@ALL_APIS
def test_one_debug_record_per_attempt(
    server: TestServer, make_client: MakeClient, caplog: pytest.LogCaptureFixture, api: str
) -> None:
    caplog.set_level(logging.DEBUG, logger=f"generated.{api}")
    server.serve(reply(503), main_body(api))
    MAIN[api].call(make_client(api, retries=FAST_RETRY))
    records = [record for record in caplog.records if record.name == f"generated.{api}"]
    assert [record.levelno for record in records] == [logging.DEBUG] * 2
    assert [getattr(record, "http_status", None) for record in records] == [503, 200]
    assert all(MAIN[api].target in record.getMessage() for record in records)


# --- connections ------------------------------------------------------------------------


@ALL_APIS
def test_the_client_is_a_context_manager_that_reuses_its_connection(
    server: TestServer, api: str
) -> None:
    server.serve(main_body(api))
    client = BINDINGS[api].Client(base_url=server.url, timeout=TEST_TIMEOUT, **CREDENTIALS[api])
    with client as entered:
        assert entered is client
        for _ in range(5):
            MAIN[api].call(client)
    assert len(server.requests) == 5
    assert len({seen.connection for seen in server.requests}) == 1
    # close() let the pooled connection go: the next call needs a new one.
    MAIN[api].call(client)
    client.close()
    assert len({seen.connection for seen in server.requests}) == 2


def test_repr_names_only_the_base_url(server: TestServer, make_client: MakeClient) -> None:
    client = make_client("vectara", token=TOKEN, api_key=TOKEN)
    assert repr(client) == f"Client(base_url={server.url!r})"

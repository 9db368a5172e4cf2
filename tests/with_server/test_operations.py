"""Every kind of operation through a generated client, checked on the wire.

The client is generated from ``tests/fixtures/ops/jobs.yaml`` (a job API of our own
making) into a scratch project, as the package ``opsjobs``; each test scripts a real
server on 127.0.0.1 and checks what it read (request target, headers, cookies, body,
byte for byte) and what the call returned.
"""

from __future__ import annotations

import ast
import base64
import email.parser
import email.policy
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
from _server import Exchange, Seen, TestServer, repeat
from _support import FIXTURES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from specbind._generate._names import CLIENT_NAMES

import generated.prunner

SPEC = FIXTURES / "ops" / "jobs.yaml"
TOKEN = "tok_0ps-5ecr3t-9b1e"
KEY = "k3y/with+odd&chars="
JOB = {"id": "j1", "name": "build", "state": "queued"}


def generate(
    project: Path, package: str = "opsjobs", spec: dict[str, Any] | None = None
) -> subprocess.CompletedProcess[str]:
    """``specbind generate`` of the jobs spec (or ``spec``) into ``project/package``."""
    (project / "specs").mkdir(parents=True, exist_ok=True)
    if spec is None:
        shutil.copy(SPEC, project / "specs" / "jobs.yaml")
    else:
        (project / "specs" / "api.yaml").write_text(json.dumps(spec), "utf-8")
    return subprocess.run(
        [
            sys.executable, "-m", "specbind", "generate", "--project", str(project),
            "--output", str(project / package), "--package", package,
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("opsjobs")
    done = generate(project)
    assert done.returncode == 0, done.stderr
    return project


@pytest.fixture(scope="module")
def jobs(project: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(project))
    try:
        yield importlib.import_module("opsjobs.jobs")
    finally:
        sys.path.remove(str(project))


def client(jobs: ModuleType, server: TestServer, **credentials: Any) -> Any:
    return jobs.Client(base_url=f"{server.url}/v2", timeout=5.0, retries=0, **credentials)


def only(server: TestServer) -> Seen:
    (seen,) = server.requests
    return seen


def test_generated_client_type_checks(project: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
            "--cache-dir", str(tmp_path / "cache"), "-p", "opsjobs",
        ],
        cwd=project, env={**os.environ, "PYTHONPATH": str(project)},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


# --- (a) answers without content, and JSON bodies ------------------------------------


def test_create_job_sends_json_and_the_bearer_token(jobs: ModuleType, server: TestServer) -> None:
    def created(exchange: Exchange) -> None:
        exchange.json(201, JOB, headers=[("Location", "/v2/jobs/j1")])

    server.serve(created)
    with client(jobs, server, token=TOKEN, username="u", password="p") as api:
        answer = api.create_job_with_response(jobs.models.JobRequest(name="build", priority=2))
    seen = only(server)
    assert (seen.method, seen.target) == ("POST", "/v2/jobs")
    assert json.loads(seen.body) == {"name": "build", "priority": 2}
    assert seen.headers["content-type"] == "application/json"
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"
    assert answer.status == 201
    assert answer.parsed == jobs.models.Job(
        id="j1", name="build", state=jobs.models.JobState("queued")
    )
    assert answer.headers["Location"] == "/v2/jobs/j1"
    assert answer.location == "/v2/jobs/j1"


def test_documented_headers_are_typed_on_with_response(
    jobs: ModuleType, server: TestServer
) -> None:
    server.serve(
        lambda exchange: exchange.json(
            200, {"jobs": []}, headers=[("X-Rate-Limit-Remaining", "41"), ("Retry-After", "soon")]
        )
    )
    with client(jobs, server) as api:
        answer = api.list_jobs_with_response()
    assert isinstance(answer, jobs.client.ListJobsResponse)
    assert answer.x_rate_limit_remaining == 41
    assert answer.retry_after is None
    assert answer.headers["Retry-After"] == "soon"


@pytest.mark.parametrize("status", [202, 204])
def test_answers_without_content_return_none(
    jobs: ModuleType, server: TestServer, status: int
) -> None:
    server.serve(lambda exchange: exchange.reply(status, content_type=None))
    with client(jobs, server, token=TOKEN, api_key=KEY, username="u", password="p") as api:
        method = api.cancel_job if status == 202 else api.delete_job
        assert method("j1") is None


def test_delete_sends_basic_only_and_cancel_the_query_key_only(
    jobs: ModuleType, server: TestServer
) -> None:
    server.serve(lambda exchange: exchange.reply(204, content_type=None))
    with client(jobs, server, token=TOKEN, api_key=KEY, username="ü ser", password="p:w") as api:
        api.delete_job("j1")
        api.cancel_job("j/1")
    deleted, canceled = server.requests
    assert (deleted.method, deleted.target) == ("DELETE", "/v2/jobs/j1")
    assert deleted.headers["authorization"] == "Basic " + base64.b64encode(
        "ü ser:p:w".encode()
    ).decode("ascii")
    assert (canceled.method, urlsplit(canceled.target).path) == ("POST", "/v2/jobs/j%2F1/cancel")
    assert dict(parse_qsl(urlsplit(canceled.target).query)) == {"key": KEY}
    assert "authorization" not in canceled.headers


def test_empty_security_sends_no_credential(jobs: ModuleType, server: TestServer) -> None:
    server.serve(lambda exchange: exchange.json(200, {"jobs": []}))
    with client(jobs, server, token=TOKEN, api_key=KEY, username="u", password="p") as api:
        assert api.list_jobs() == jobs.models.JobList(jobs=[])
        api.get_version()
    for seen in server.requests:
        assert "authorization" not in seen.headers
        assert "key=" not in seen.target


def test_a_later_alternative_is_used_when_the_first_has_no_credential(
    jobs: ModuleType, server: TestServer
) -> None:
    server.serve(lambda exchange: exchange.json(200, JOB))
    with client(jobs, server, username="u", password="p") as api:
        api.get_job("j1")
    assert only(server).headers["authorization"].startswith("Basic ")


def test_a_token_callable_is_asked_for_each_call_and_never_shown(
    jobs: ModuleType, server: TestServer
) -> None:
    tokens = iter(["fresh-one", "fresh-two"])
    server.serve(
        lambda exchange: exchange.json(200, JOB),
        lambda exchange: exchange.json(401, {"message": "bad token fresh-two"}),
    )
    with client(jobs, server, token=lambda: next(tokens)) as api:
        api.get_job("j1")
        with pytest.raises(jobs.errors.ApiError) as raised:
            api.get_job("j1")
        assert "fresh" not in repr(api)
    first, second = server.requests
    assert first.headers["authorization"] == "Bearer fresh-one"
    assert second.headers["authorization"] == "Bearer fresh-two"
    assert "fresh-two" not in str(raised.value)


def test_a_query_key_never_shows_in_errors(jobs: ModuleType, server: TestServer) -> None:
    server.serve(lambda exchange: exchange.json(403, {"message": f"key {KEY} refused"}))
    with client(jobs, server, api_key=KEY) as api:
        with pytest.raises(jobs.errors.ApiError) as raised:
            api.cancel_job("j1")
        assert KEY not in repr(api)
    text = str(raised.value)
    assert KEY not in text, text
    assert "key=REDACTED" in text, text
    assert "k3y" not in raised.value.url


def test_a_redirect_elsewhere_is_refused_before_any_credential_goes(
    jobs: ModuleType, server: TestServer, other_server: TestServer
) -> None:
    server.serve(
        lambda exchange: exchange.reply(302, headers=[("Location", other_server.url + "/x")])
    )
    with (
        client(jobs, server, api_key=KEY, token=TOKEN) as api,
        pytest.raises(jobs.errors.SpecbindError),
    ):
        api.read_log("j1")
    assert other_server.requests == []


# --- (b) JSON bodies: vendor types, unions ---------------------------------------------


def test_merge_patch_and_vendor_json_answers(jobs: ModuleType, server: TestServer) -> None:
    server.serve(
        lambda exchange: exchange.reply(
            200, json.dumps(JOB).encode(), content_type="application/vnd.workshop.job+json"
        ),
        lambda exchange: exchange.reply(202, content_type=None),
    )
    with client(jobs, server, token=TOKEN) as api:
        assert api.update_job("j1", jobs.models.JobPatch(name="n€w")).id == "j1"
        assert api.update_job("j1", jobs.models.JobPatch()) is None
    first, second = server.requests
    assert first.headers["content-type"] == "application/merge-patch+json"
    assert first.body == '{"name": "n€w"}'.encode()
    assert second.body == b"{}"


def test_several_success_schemas_give_a_typed_union(jobs: ModuleType, server: TestServer) -> None:
    server.serve(
        lambda exchange: exchange.json(200, ["a", "b"]),
        lambda exchange: exchange.json(203, 7),
    )
    with client(jobs, server, token=TOKEN) as api:
        assert api.get_tags("j1") == ["a", "b"]
        assert api.get_tags("j1") == 7


# --- (d) text and binary -----------------------------------------------------------------


def test_text_answers_decode_with_their_charset(jobs: ModuleType, server: TestServer) -> None:
    server.serve(
        lambda exchange: exchange.reply(
            200, "café".encode("latin-1"), content_type="text/plain; charset=ISO-8859-1"
        ),
        lambda exchange: exchange.reply(200, "café".encode(), content_type="text/plain"),
        lambda exchange: exchange.reply(200, b"x", content_type="text/plain; charset=nope"),
    )
    with client(jobs, server, token=TOKEN) as api:
        assert api.read_log("j1") == "café"
        assert api.read_log("j1") == "café"
        with pytest.raises(jobs.errors.ResponseDecodeError, match="charset 'nope'"):
            api.read_log("j1")


def test_default_answer_is_the_success_type(jobs: ModuleType, server: TestServer) -> None:
    server.serve(lambda exchange: exchange.reply(200, b"2.1.0", content_type="text/plain"))
    with client(jobs, server) as api:
        assert api.get_version() == "2.1.0"


def test_binary_answers_are_bytes(jobs: ModuleType, server: TestServer) -> None:
    body = bytes(range(256)) * 3
    server.serve(
        lambda exchange: exchange.reply(200, body, content_type="application/octet-stream")
    )
    with client(jobs, server, token=TOKEN) as api:
        assert api.download_artifact("j1", "out.bin") == body
    assert only(server).target == "/v2/jobs/j1/artifacts/out.bin"


def test_the_stream_variant_reads_past_max_body_bytes_in_bounded_chunks(
    jobs: ModuleType, server: TestServer
) -> None:
    chunk = b"\xab" * 100_000
    server.serve(lambda exchange: exchange.stream(200, repeat(chunk, 50), chunked=True))
    sizes = []
    api = jobs.Client(base_url=f"{server.url}/v2", token=TOKEN, max_body_bytes=1024)
    with api, api.download_artifact_stream("j1", "big.bin") as stream:
        assert stream.status == 200
        for piece in stream:
            assert set(piece) == {0xAB}
            sizes.append(len(piece))
    assert sum(sizes) == 50 * len(chunk)
    assert max(sizes) <= stream.chunk_size


def test_the_stream_variant_raises_the_documented_error(
    jobs: ModuleType, server: TestServer
) -> None:
    server.serve(lambda exchange: exchange.json(404, {"message": "no such artifact"}))
    with (
        client(jobs, server, token=TOKEN) as api,
        pytest.raises(jobs.errors.ApiError, match="no such artifact"),
    ):
        api.download_artifact_stream("j1", "gone.bin")


def test_text_and_binary_bodies(jobs: ModuleType, server: TestServer) -> None:
    server.serve(lambda exchange: exchange.reply(204, content_type=None))
    with client(jobs, server, token=TOKEN) as api:
        api.add_note("j1", "naïve\r\nnote")
        api.put_script("j1", b"\x00\x01#!")
        api.put_script("j1", io.BytesIO(b"from a file"))
    note, raw, from_file = server.requests
    assert note.headers["content-type"] == "text/plain; charset=utf-8"
    assert note.body == "naïve\r\nnote".encode()
    assert raw.headers["content-type"] == "application/octet-stream"
    assert (raw.method, raw.body) == ("PUT", b"\x00\x01#!")
    assert from_file.body == b"from a file"


# --- (e) forms and multipart -------------------------------------------------------------


def test_form_bodies_byte_for_byte(jobs: ModuleType, server: TestServer) -> None:
    server.serve(lambda exchange: exchange.reply(204, content_type=None))
    with client(jobs, server, token=TOKEN) as api:
        api.submit_settings("j1", body={"mode": "fast lane&x=1", "level": 3, "flags": [True, 2]})
        api.submit_settings("j1")
    sent, empty = server.requests
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.body == b"mode=fast%20lane%26x%3D1&level=3&flags=true&flags=2"
    assert "content-type" not in empty.headers
    assert empty.body == b""


def multipart_parts(seen: Seen) -> list[Any]:
    head = f"Content-Type: {seen.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + seen.body)
    assert message.is_multipart()
    return list(message.iter_parts())


def test_multipart_bodies(jobs: ModuleType, server: TestServer) -> None:
    server.serve(lambda exchange: exchange.json(200, JOB))
    content = b"line one\r\n--not-a-boundary\r\n\x00"
    with client(jobs, server, token=TOKEN) as api:
        api.upload_input(
            "j1",
            {
                "file": jobs.File(content, filename="in put.csv", content_type="text/csv"),
                "note": "a note",
                "raw": b"\xff",
            },
        )
    seen = only(server)
    assert seen.headers["content-type"].startswith("multipart/form-data; boundary=")
    boundary = seen.headers["content-type"].partition("boundary=")[2]
    assert seen.body.startswith(f"--{boundary}\r\n".encode())
    assert seen.body.endswith(f"\r\n--{boundary}--\r\n".encode())
    file, note, raw = multipart_parts(seen)
    assert (file.get_param("name", header="content-disposition"), file.get_filename()) == (
        "file",
        "in put.csv",
    )
    assert file.get_content_type() == "text/csv"
    assert file.get_payload(decode=True) == content
    assert note.get_param("name", header="content-disposition") == "note"
    assert note.get_payload(decode=True) == b"a note"
    assert raw.get_content_type() == "application/octet-stream"
    assert raw.get_payload(decode=True) == b"\xff"


# --- (f) parameter styles on the wire ----------------------------------------------------


def test_query_header_and_cookie_styles_on_the_wire(jobs: ModuleType, server: TestServer) -> None:
    server.serve(lambda exchange: exchange.json(200, {"jobs": []}))
    with client(jobs, server) as api:
        api.list_jobs(
            tags=["a,b", "c"],
            state=["queued", "running"],
            words=["x", "y"],
            ids=[1, 2],
            filter={"owner": "me&you", "kind": "[x]"},
            page_size=10,
            next="/jobs?after=5",
            x_request_id="r-1",
            x_trace=["t1", "t2"],
            session="s 1;x",
            prefs=["p1", "p,2"],
        )
    seen = only(server)
    assert urlsplit(seen.target).query == (
        "page%5Bsize%5D=10&tags=a%2Cb,c&state=queued&state=running&words=x%20y&ids=1%7C2"
        "&filter%5Bowner%5D=me%26you&filter%5Bkind%5D=%5Bx%5D&next=/jobs?after%3D5"
    )
    assert seen.headers["x-request-id"] == "r-1"
    assert seen.headers["x-trace"] == "t1,t2"
    assert seen.headers["cookie"] == "session=s%201%3Bx; prefs=p1,p%2C2"
    cookies = SimpleCookie(seen.headers["cookie"])
    assert unquote(cookies["session"].value) == "s 1;x"


def test_path_styles_on_the_wire(jobs: ModuleType, server: TestServer) -> None:
    server.serve(lambda exchange: exchange.reply(204, content_type=None))
    with client(jobs, server, token=TOKEN) as api:
        api.get_styled(["a", "b/c"], ["d.e", "f"], {"x": "1", "y": "2;3"})
    assert only(server).target == "/v2/styles/a,b%2Fc/.d%2Ee,f/;x=1;y=2%3B3"


def test_delimiters_a_parser_cannot_tell_apart_are_refused(
    jobs: ModuleType, server: TestServer
) -> None:
    with client(jobs, server) as api:
        with pytest.raises(jobs.errors.InvalidParameterError, match=r"'words'.*delimiter"):
            api.list_jobs(words=["two words"])
        with pytest.raises(jobs.errors.InvalidParameterError, match=r"'X-Trace'.*delimiter"):
            api.list_jobs(x_trace=["a,b"])
        with pytest.raises(jobs.errors.InvalidParameterError, match="'simple'"):
            api.get_styled([".."], ["a"], {})
    assert server.requests == []


# --- (g) the waiter, and typed documented headers -----------------------------------------


def test_the_waiter_polls_with_the_operation_security(jobs: ModuleType, server: TestServer) -> None:
    server.serve(
        lambda exchange: exchange.json(200, {**JOB, "state": "running"}),
        lambda exchange: exchange.json(200, {**JOB, "state": "succeeded"}),
    )
    with client(jobs, server, token=TOKEN) as api:
        final = api.wait_for_job_done("j1", timeout=10)
    assert final.state == "succeeded"
    assert [seen.headers["authorization"] for seen in server.requests] == [f"Bearer {TOKEN}"] * 2


# --- hostile values through every style and body kind --------------------------------------

HOSTILE = st.text(
    st.characters(codec="utf-8")
    | st.sampled_from(["\r", "\n", '"', "'", "&", "=", "#", "%", ";", ",", "\x00",
                       " ", "+", "[", "]", "|", ".", "/", "ü", "€", "\ud800", "-"]),
    max_size=10,
)  # fmt: skip


def refusal(call: Callable[[], object]) -> BaseException | None:
    """The error ``call`` raised, or ``None``."""
    try:
        call()
    except Exception as error:
        return error
    return None


def refused_cleanly(error: BaseException, jobs: ModuleType) -> bool:
    """A refusal before sending: an ``InvalidParameterError`` on one line."""
    message = str(error)
    return isinstance(error, jobs.errors.InvalidParameterError) and "\n" not in message


def raw_query_pairs(target: str) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, _, value in (pair.partition("=") for pair in urlsplit(target).query.split("&"))
    ]


@settings(max_examples=100, deadline=None)
@given(values=st.lists(HOSTILE, min_size=3, max_size=3), key=HOSTILE.filter(bool))
def test_hostile_parameters_arrive_exactly_or_are_refused(
    jobs: ModuleType, values: list[str], key: str
) -> None:
    first, second, third = values
    with TestServer() as server:
        server.serve(lambda exchange: exchange.json(200, {"jobs": []}))
        with client(jobs, server) as api:
            error = refusal(
                lambda: api.list_jobs(
                    tags=[first, second],
                    state=[first, third],
                    words=[second],
                    filter={key: third},
                    next=first,
                    session=second,
                    prefs=[third, first],
                    x_request_id=third,
                )
            )
        if error is not None:
            assert refused_cleanly(error, jobs), repr(error)
            assert server.requests == []
            return
        seen = only(server)
    pairs = raw_query_pairs(seen.target)
    by_name: dict[str, list[str]] = {}
    for name, value in pairs:
        by_name.setdefault(unquote(name), []).append(value)
    assert [unquote(v) for v in by_name["tags"][0].split(",")] == [first, second]
    assert [unquote(v) for v in by_name["state"]] == [first, third]
    assert [unquote(v) for v in by_name["words"][0].split("%20")] == [second]
    assert by_name[f"filter[{key}]"] == [quote(third, safe="")]
    assert dict(parse_qsl(urlsplit(seen.target).query, keep_blank_values=True))["next"] == first
    cookies = SimpleCookie(seen.headers["cookie"])
    assert unquote(cookies["session"].value) == second
    assert [unquote(v) for v in cookies["prefs"].value.split(",")] == [third, first]
    # A header value is read without its surrounding spaces, as HTTP defines it.
    assert seen.headers["x-request-id"] == third.strip(" \t")


@settings(max_examples=100, deadline=None)
@given(segment=HOSTILE, field=HOSTILE.filter(bool), value=HOSTILE)
def test_hostile_paths_and_form_and_json_bodies(
    jobs: ModuleType, segment: str, field: str, value: str
) -> None:
    outcomes: list[str] = []
    with TestServer() as server:
        server.serve(lambda exchange: exchange.json(201, JOB))
        with client(jobs, server, token=TOKEN) as api:
            for name, call in (
                (
                    "styles",
                    lambda: api.get_styled([segment, value], [value, segment], {field: value}),
                ),
                ("path", lambda: api.add_note(segment, value)),
                ("form", lambda: api.submit_settings("j", body={field: value})),
                ("json", lambda: api.create_job(jobs.models.JobRequest(name=value))),
            ):
                error = refusal(call)
                if error is None:
                    outcomes.append(name)
                else:
                    assert refused_cleanly(error, jobs), repr(error)
        seen = server.requests
    for name, request in zip(outcomes, seen, strict=True):
        if name == "styles":
            simple, label, matrix = urlsplit(request.target).path.split("/")[3:]
            assert [unquote(part) for part in simple.split(",")] == [segment, value]
            assert label.startswith(".")
            assert [unquote(part) for part in label[1:].split(",")] == [value, segment]
            assert matrix.startswith(";")
            assert [tuple(map(unquote, pair.split("="))) for pair in matrix[1:].split(";")] == [
                (field, value)
            ]
        elif name == "path":
            path = urlsplit(request.target).path
            assert unquote(path.split("/")[3]) == segment
            assert request.body.decode("utf-8") == value
        elif name == "form":
            assert parse_qsl(request.body.decode("ascii"), keep_blank_values=True) == [
                (field, value)
            ]
        else:
            assert json.loads(request.body)["name"] == value


@settings(max_examples=100, deadline=None)
@given(
    name=HOSTILE.filter(bool),
    filename=HOSTILE.filter(bool),
    text=HOSTILE,
    content=st.binary(max_size=40),
)
def test_hostile_multipart_names_and_file_names(
    jobs: ModuleType, name: str, filename: str, text: str, content: bytes
) -> None:
    with TestServer() as server:
        server.serve(lambda exchange: exchange.json(200, JOB))
        with client(jobs, server, token=TOKEN) as api:
            error = refusal(
                lambda: api.upload_input(
                    "j", {name: jobs.File(content, filename=filename), "note": text}
                )
            )
        if error is not None:
            assert refused_cleanly(error, jobs), repr(error)
            assert server.requests == []
            return
        seen = only(server)
    file, note = multipart_parts(seen)
    # The header object's params decode RFC 2231; the older get_filename() mangles "\\".
    disposition = file["content-disposition"].params
    assert (disposition["name"], disposition["filename"]) == (name, filename)
    assert file.get_payload(decode=True) == content
    assert note.get_payload(decode=True).decode("utf-8") == text


def test_a_cookie_key_is_sent_as_its_scheme_says_and_never_shown(server: TestServer) -> None:
    server.serve(lambda exchange: exchange.json(401, {"error": "jwt j.w.t expired"}))
    api = generated.prunner.Client(base_url=server.url, api_key="j.w.t", retries=0)
    with api, pytest.raises(generated.prunner.ApiError) as raised:
        api.get_job_detail(id="52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8")
    assert only(server).headers["cookie"] == "jwt=j.w.t"
    assert "authorization" not in only(server).headers
    assert "j.w.t" not in str(raised.value)
    assert "j.w.t" not in repr(api)


def test_other_schemes_several_keys_and_mutual_tls(tmp_path: Path, server: TestServer) -> None:
    schema = {"$ref": "#/components/schemas/T"}
    ok = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "schemes", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "operationId": "getA",
                    "responses": {"200": ok},
                    "security": [{"tls": [], "neg": []}, {"k-1": [], "k_1": []}],
                }
            }
        },
        "components": {
            "schemas": {"T": {"type": "object", "properties": {"a": {"type": "string"}}}},
            "securitySchemes": {
                "tls": {"type": "mutualTLS"},
                "neg": {"type": "http", "scheme": "Negotiate"},
                "k-1": {"type": "apiKey", "in": "header", "name": "X-K"},
                "k_1": {"type": "apiKey", "in": "cookie", "name": "k"},
            },
        },
    }
    done = generate(tmp_path, "opssec", spec)
    assert done.returncode == 0, done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        api_module = importlib.import_module("opssec.api")
    finally:
        sys.path.remove(str(tmp_path))
    server.serve(lambda exchange: exchange.json(200, {"a": "b"}))
    with api_module.Client(base_url=server.url, neg="n3g", k_1="h", k_1_="c") as api:
        api.get_a()
    assert only(server).headers["authorization"] == "Negotiate n3g"
    assert "x-k" not in only(server).headers
    with api_module.Client(base_url=server.url, k_1="h", k_1_="c") as api:
        api.get_a()
    second = server.requests[1]
    assert (second.headers["x-k"], second.headers["cookie"]) == ("h", "k=c")
    assert "authorization" not in second.headers


def test_the_reserved_names_cover_what_the_new_code_uses(project: Path) -> None:
    # A spec argument named like anything a method refers to would shadow it.
    tree = ast.parse((project / "opsjobs" / "jobs" / "client.py").read_text("utf-8"))
    # The response classes are CamelCase: no argument (snake_case) can take their names.
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and not function.name.startswith("_"):
            arguments = {a.arg for a in [*function.args.args, *function.args.kwonlyargs]}
            used = {
                node.id
                for node in ast.walk(function)
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
            }
            unreserved = {n for n in used - arguments - classes if not n.startswith("_")}
            unreserved -= CLIENT_NAMES
            assert not unreserved, function.name

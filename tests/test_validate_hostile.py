"""`specbind validate` against hostile inputs, in a subprocess with a timeout and a memory cap.

Every test here runs the command as a user does, with ``RLIMIT_AS`` set on the child:
the caps sit well above what one parse of the input needs and well below what the
old behaviour (two parses, every result held, blank lines read whole) needed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import string
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from _support import FIXTURES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specbind import Validator
from specbind._cli._validate import _report as run_report
from specbind._validate._report import RunInfo

PRUNNER = FIXTURES / "prunner"
GOOD = (PRUNNER / "detail_simple_done.json").read_bytes()
JOB_URL = "http://localhost:9009/job/detail"
JOB_ID = json.loads(GOOD)["id"]
# The nesting limit documented in `specbind validate --help` and the README.
MAX_DEPTH = 512


def validate(
    *args: str | Path, stdin: bytes = b"", cap_mb: int = 400, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m codegen validate`` with its address space capped at ``cap_mb``."""
    cap = cap_mb << 20

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    done = subprocess.run(
        [sys.executable, "-m", "specbind", "validate", *map(str, args)],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        preexec_fn=limit,
        check=False,
    )
    stdout = done.stdout.decode("utf-8", "replace")
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-2000:]
    return subprocess.CompletedProcess(done.args, done.returncode, stdout, stderr)


def har(*entries: Any) -> bytes:
    return json.dumps({"log": {"version": "1.2", "entries": list(entries)}}).encode()


def entry(url: str = f"{JOB_URL}?id={JOB_ID}", *, method: str = "GET", status: Any = 200) -> Any:
    return {
        "request": {"method": method, "url": url, "headers": []},
        "response": {
            "status": status,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": GOOD.decode()},
        },
    }


# -- Memory: one parse per document, reports streamed, blank lines free --------------------


def test_a_large_document_is_parsed_once(tmp_path: Path) -> None:
    # 6 MiB of `[]` costs about 130 MB parsed; two parses alive at once need twice that.
    document = tmp_path / "lists.json"
    document.write_text("[\n" + ",\n".join(["[]"] * (6 * 2**20 // 4)) + "\n]\n")
    for jobs in ("1", "2"):
        done = validate("--spec", "prunner", "--jobs", jobs, document, cap_mb=250)
        assert done.returncode == 1, done.stderr
        assert f"{document}: error: getJobDetail 200 (root): schema: wrong type" in done.stdout


@pytest.mark.parametrize(("report", "count"), [("json", 20_000), ("junit", 10_000)])
def test_json_and_junit_reports_do_not_hold_every_result(
    tmp_path: Path, report: str, count: int
) -> None:
    # Long labels make each held result cost kilobytes (JUnit holds each label three
    # times): held, they need 60 MB more than the cap leaves.
    where = tmp_path
    for _ in range(14):
        where /= "d" * 200
    where.mkdir(parents=True)
    trace = where / "t.har"
    trace.write_bytes(har(*([{}] * count)))
    done = validate("--spec", "prunner", "--jobs", "1", "--format", report, trace, cap_mb=125)
    assert done.returncode == 1, done.stderr
    if report == "json":
        assert json.loads(done.stdout)["summary"]["invalid"] == count
    else:
        assert done.stdout.count("<testcase ") == count


def test_blank_lines_cost_no_memory() -> None:
    # 60 MB of newlines on stdin: read whole, they took three times that.
    done = validate("--spec", "prunner", "-", stdin=b"\n" * 60_000_000, cap_mb=150)
    assert done.returncode == 1
    assert "<stdin>: error: getJobDetail 200 (root): not-json: empty: no JSON value" in done.stdout
    lines = GOOD.strip() + b"\n" + b" \n" * 5_000_000 + GOOD.strip() + b"\n"
    done = validate("--spec", "prunner", "--format", "json", "-", stdin=lines, cap_mb=150)
    assert done.returncode == 0, done.stdout
    inputs = [result["input"] for result in json.loads(done.stdout)["results"]]
    assert inputs == ["<stdin>:1", "<stdin>:5000002"]


# -- Edges ------------------------------------------------------------------------------


def test_a_fifo_is_unreadable_and_the_inputs_after_it_are_checked(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    good = PRUNNER / "detail_simple_done.json"
    done = validate("--spec", "prunner", "--format", "json", fifo, good, timeout=30)
    assert done.returncode == 2
    results = json.loads(done.stdout)["results"]
    assert [r["outcome"] for r in results] == ["unreadable", "valid"]
    assert results[0]["unreadable"] == "not a regular file"
    assert f"cannot read {fifo}: not a regular file" in done.stderr


def _nested(depth: int) -> bytes:
    return b'{"id": ' + b"[" * depth + b"]" * depth + b"}"


def test_one_nesting_limit_under_every_jobs(tmp_path: Path) -> None:
    lines = tmp_path / "deep.jsonl"
    depths = (MAX_DEPTH - 1, MAX_DEPTH, 975, 990, 100_000)
    lines.write_bytes(b"".join(_nested(depth) + b"\n" for depth in depths))
    reports = []
    for jobs in ("1", "2"):
        done = validate("--spec", "prunner", "--format", "json", "--jobs", jobs, lines)
        assert done.returncode == 1
        reports.append(done.stdout)
        rules = [[f["rule"] for f in r["findings"]] for r in json.loads(done.stdout)["results"]]
        # The id is an array, not a string: a finding of the schema (and the model).
        assert "schema" in rules[0]
        assert rules[1:] == [["too-deep"]] * 4
    assert reports[0] == reports[1]
    done = validate("--spec", "prunner", lines)
    assert f"nested deeper than {MAX_DEPTH} levels" in done.stdout
    assert "not valid JSON" not in done.stdout


def test_har_text_cannot_forge_a_report_line(tmp_path: Path) -> None:
    forged = "x\nforged.har: error: getJobDetail 200 (root): schema"
    trace = tmp_path / "t.har"
    trace.write_bytes(
        har(
            entry(method="GET\n\u2028forged"),
            entry(url=JOB_URL + "\r\n" + forged),
            entry(url="http://localhost:9009/" + forged),
            entry(url=JOB_URL, method="PO\x1b[2JST"),
        )
    )
    for report in ("text", "junit"):
        done = validate("--spec", "prunner", "--format", report, trace)
        assert "\nforged" not in done.stdout
        assert "\x1b" not in done.stdout
        assert "\u2028" not in done.stdout


def test_har_status_outside_http_is_invalid(tmp_path: Path) -> None:
    trace = tmp_path / "t.har"
    statuses: list[Any] = [-1, 10**30, 99, 600, 1000, "200", 200.0, True]
    trace.write_bytes(har(*(entry(status=status) for status in statuses), entry()))
    done = validate("--spec", "prunner", "--format", "json", trace)
    assert done.returncode == 1
    results = json.loads(done.stdout)["results"]
    assert [r["outcome"] for r in results] == ["invalid"] * len(statuses) + ["valid"]
    for result in results[:-1]:
        assert result["operation"] == ""
        assert [f["pointer"] for f in result["findings"]] == ["/response/status"]
    assert "response.status -1 is not 0 or 100 to 599" in done.stdout


@pytest.mark.parametrize(
    ("schemas", "rule"),
    [
        ("Job: {$ref: '#/components/schemas/Nope'}", "ref"),
        ("Job: {$ref: '#/components/schemas/Job'}", "ref-cycle"),
        (
            "Job: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/Job'}",
            "ref-cycle",
        ),
        (
            "Job: {type: object, required: [parent], "
            "properties: {parent: {$ref: '#/components/schemas/Job'}}}",
            "ref-cycle",
        ),
        ("Job: {anyOf: [{$ref: '#/components/schemas/Job'}, {type: string}]}", "ref-cycle"),
    ],
    ids=["unresolved", "itself", "pair", "required-parent", "same-value"],
)
def test_a_spec_with_broken_refs_is_refused(tmp_path: Path, schemas: str, rule: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"""\
openapi: 3.1.0
info: {{title: t, version: "1"}}
paths:
  /x:
    get:
      operationId: getX
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Job'}}
components:
  schemas:
    {schemas}
"""
    )
    body = tmp_path / "body.json"
    body.write_text('"anything at all"')
    done = validate("--spec", spec, body)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"specbind validate: error: {spec}:")
    assert f": {rule}: " in done.stderr
    assert done.stderr.count("\n") == 1


# -- Secrets ----------------------------------------------------------------------------

SECRET_NAMES = (
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "api_key",
    "apiKey",
    "x-api-key",
    "X-Api-Key",
    "client_secret",
    "secret",
    "password",
    "passwd",
    "pass",
    "pw",
    "pwd",
    "bearer",
    "Authorization",
    "auth",
    "jwt",
    "session",
    "sessionId",
    "signature",
    "sig",
    "credentials",
    "cookie",
    "private_key",
    "accessKey",
    "csrf_token",
    "otp",
    "key",
    "code",
)
_SECRETS = st.text(string.ascii_letters + string.digits, min_size=6, max_size=12).map(
    lambda tail: f"SECRET{tail}"
)
_WRAPPERS = st.lists(st.sampled_from(["list", "data", "items", "id", "tasks", "x"]), max_size=12)


def _plant(secret: str, name: str, wrappers: list[str]) -> Any:
    value: Any = {name: secret}
    for wrapper in reversed(wrappers):
        value = [value] if wrapper == "list" else {wrapper: value}
    return value


def _broken(value: Any, secret: str) -> str:
    text = json.dumps(value)
    return text[: text.index(secret) + len(secret)] + '",'


# The command's own report loop, on a checker built once: loading the spec dominates a run.
_SPEC = str(ROOT / "specs" / "prunner.yaml")
_VALIDATOR = Validator(_SPEC, operation="getJobDetail")
_INFO = RunInfo("prunner", _SPEC, "0" * 64, strict=False, notes=())


def _report(report: str, *inputs: Path) -> str:
    args = argparse.Namespace(
        format=report, jobs=1, engine="processes", scheduler=None, inputs=[str(i) for i in inputs]
    )
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        run_report(_VALIDATOR, args, _INFO)
    return out.getvalue() + err.getvalue()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    secret=_SECRETS,
    name=st.sampled_from(SECRET_NAMES),
    wrappers=_WRAPPERS,
    status=st.sampled_from([200, 302, 404, 500]),
)
def test_a_planted_secret_never_reaches_a_report(
    tmp_path: Path, secret: str, name: str, wrappers: list[str], status: int
) -> None:
    planted = _plant(secret, name, wrappers)
    body = json.dumps(planted)
    broken = _broken(planted, secret)
    lines = tmp_path / "bodies.jsonl"
    lines.write_text(
        "\n".join([body, broken, json.dumps({"id": planted}), json.dumps([planted])]) + "\n"
    )
    redirect = entry(status=302)
    redirect["response"]["headers"].append(
        {
            "name": "Location",
            "value": f"http://u:{secret}@localhost:9009/x?{name}={secret}#{secret}",
        }
    )
    entries = [
        entry(f"{JOB_URL}?id=1&{name}={secret}", status=status),
        entry(f"{JOB_URL}?id=1#{name}={secret}", status=status),
        entry(f"{JOB_URL}#{secret}"),
        entry(f"http://user:{secret}@localhost:9009/job/detail?id=1"),
        entry(f"http://user:{secret}@elsewhere.example/x?{name}={secret}"),
        entry(f"http://[::1:{secret}@localhost/x?{name}={secret}"),
        entry(f"{JOB_URL}?id=1&next=http://x/?{name}={secret}"),
        entry(f"{JOB_URL}?id=1&next=" + quote(f"http://u:{secret}@x/?{name}={secret}", safe="")),
        redirect,
    ]
    for text in (body, broken):
        sent = entry()
        sent["response"]["content"]["text"] = text
        entries.append(sent)
    trace = tmp_path / "t.har"
    trace.write_bytes(har(*entries))
    for report in ("text", "json", "junit"):
        shown = _report(report, lines, trace)
        assert secret not in shown, report


def test_the_reported_leaks_are_closed(tmp_path: Path) -> None:
    secret = "SECRET123"
    lines = tmp_path / "leaks.jsonl"
    lines.write_text(
        f'{{"id":"x","access_token":"{secret}",\n'
        f'[{{"api_key":"{secret}"}}]\n'
        f'{{"id": "1", "pw": "{secret}", "extra": {{"pass": "{secret}"}}}}\n'
    )
    trace = tmp_path / "t.har"
    redirect = entry(status=302)
    redirect["response"]["headers"].append(
        {"name": "Location", "value": f"{JOB_URL}#access_token={secret}"}
    )
    trace.write_bytes(
        har(
            entry(f"{JOB_URL}?id=1#access_token={secret}"),
            entry(f"{JOB_URL}?id=1&pass={secret}&pw={secret}&bearer={secret}"),
            redirect,
        )
    )
    for report in ("text", "json", "junit"):
        done = validate("--spec", "prunner", "--format", report, lines, trace)
        assert done.returncode == 1
        assert secret not in done.stdout + done.stderr
        assert "[redacted]" in done.stdout

"""`specbind validate`, driven through the command line in a subprocess.

The model layer's own behaviour (exception groups to pointers, layer disagreement) is
tested in-process with a hand-made attrs model, as is the property that random payloads
never crash the checker.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import attrs
import cattrs
import pytest
from _support import FIXTURES, ROOT, iter_response_examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specbind import LoadedSpec, load_spec
from specbind._validate._check import Checker, Options
from specbind._validate._inputs import Body, Broken, open_input
from specbind._validate._models import ModelLayer
from specbind._validate._report import finding_line
from specbind._validate._run import AUTO_MIN_BYTES, auto_jobs
from specbind.runtime import error_locations

HERE = FIXTURES / "validate"
PRUNNER = FIXTURES / "prunner"
SECRETS = (
    "vf__SECRET-API-KEY",
    "SECRET-JWT-PAYLOAD",
    "zqt_SECRET-VECTARA-KEY",
    "SECRET-SESSION-COOKIE",
    "SECRET-QUERY-TOKEN",
)


def validate(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "specbind", "validate", *map(str, args)],
        cwd=ROOT,
        input=stdin.decode("latin-1") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def validate_json(*args: str | Path) -> tuple[int, dict[str, Any]]:
    done = validate("--format", "json", *args)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for result in report["results"] for f in result["findings"]]


def prunner_job() -> dict[str, Any]:
    return json.loads((PRUNNER / "detail_failing_with_on_error.json").read_text())


# -- Valid traffic -----------------------------------------------------------------------


def test_every_ground_truth_prunner_file_is_valid() -> None:
    # Every file is a real server's answer: job details (200) and error_<status>_*.json.
    details = sorted(PRUNNER.glob("detail_*.json"))
    errors = sorted(PRUNNER.glob("error_*.json"))
    assert sorted(PRUNNER.iterdir()) == sorted(details + errors)
    done = validate("--spec", "prunner", *details)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"checked {len(details)}: {len(details)} valid, 0 invalid" in done.stdout
    for path in errors:
        status = path.name.split("_")[1]
        done = validate("--spec", "prunner", "--status", status, path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "checked 1: 1 valid, 0 invalid" in done.stdout


def test_every_spec_example_is_valid(tmp_path: Path, specs: dict[str, LoadedSpec]) -> None:
    grouped: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for name, spec in specs.items():
        for operation, status, _, value in iter_response_examples(spec):
            grouped[(name, operation, status)].append(value)
    assert len(grouped) >= 8
    for (name, operation, status), values in grouped.items():
        lines = tmp_path / f"{name}-{operation}-{status}.jsonl"
        lines.write_text("".join(json.dumps(v) + "\n" for v in values))
        code, report = validate_json(
            "--spec", name, "--operation", operation, "--status", status, lines
        )
        assert code == 0, findings(report)
        assert report["summary"]["valid"] == len(values)


# -- Invalid payloads: the right pointer, exit 1 -----------------------------------------


def _vectara_job() -> dict[str, Any]:
    return {"id": "job_1", "state": "completed", "created_at": "not a date"}


def _veryfront(specs: dict[str, LoadedSpec], operation: str) -> dict[str, Any]:
    return next(
        value
        for op, status, _, value in iter_response_examples(specs["veryfront"])
        if op == operation and status == "200"
    )


def test_invalid_payloads_report_the_pointer_for_every_operation(
    tmp_path: Path, specs: dict[str, LoadedSpec]
) -> None:
    job = prunner_job()
    job["tasks"][1]["exitCode"] = "3"
    job["created"] = "yesterday"
    get_job = dict(_veryfront(specs, "getJob"), timeout_seconds="900")
    batch = dict(_veryfront(specs, "getJobBatch"), job_count=-1)
    cancel = {k: v for k, v in _veryfront(specs, "cancelJob").items() if k != "id"}
    cases = [
        ("prunner", "getJobDetail", job, {"/tasks/1/exitCode", "/created"}),
        ("vectara", "getJob", _vectara_job(), {"/created_at"}),
        ("veryfront", "getJob", get_job, {"/timeout_seconds"}),
        ("veryfront", "getJobBatch", batch, {"/job_count"}),
        ("veryfront", "cancelJob", cancel, {"/id"}),
    ]
    for spec, operation, payload, pointers in cases:
        body = tmp_path / f"{spec}-{operation}.json"
        body.write_text(json.dumps(payload, indent=2))
        code, report = validate_json("--spec", spec, "--operation", operation, body)
        assert code == 1, (spec, operation)
        errors = [f for f in findings(report) if f["severity"] == "error"]
        # All findings per payload, not only the first.
        assert {f["pointer"] for f in errors if f["rule"] == "schema"} == pointers
        for finding in errors:
            assert finding["input"] == str(body)
            assert (finding["operation"], finding["status"]) == (operation, "200")
            assert finding["expected"]
            assert finding["found"]


def test_found_values_are_cut_to_80_characters(tmp_path: Path) -> None:
    job = prunner_job()
    job["user"] = ["x" * 500]
    body = tmp_path / "long.json"
    body.write_text(json.dumps(job))
    _, report = validate_json("--spec", "prunner", body)
    (finding,) = [f for f in findings(report) if f["rule"] == "schema"]
    assert finding["pointer"] == "/user"
    assert len(finding["found"]) == 80
    assert finding["found"].endswith("…")


# -- HAR ---------------------------------------------------------------------------------


def test_har_with_all_five_operations() -> None:
    har = HERE / "five_operations.har"
    outputs = []
    expected = {
        # spec: (valid, skipped by reason, exit code)
        "veryfront": (3, {"other host": 5, "undocumented path": 1}, 0),
        "prunner": (2, {"other host": 7}, 0),
        "vectara": (1, {"other host": 7, "redirect": 1}, 0),
    }
    for spec, (valid, skipped, exit_code) in expected.items():
        code, report = validate_json("--spec", spec, har)
        assert code == exit_code, findings(report)
        assert report["summary"]["valid"] == valid
        assert report["summary"]["invalid"] == 0
        assert report["summary"]["skipped"] == skipped
        outputs.append(json.dumps(report))
        outputs.append(validate("--spec", spec, har).stdout)
        outputs.append(validate("--spec", spec, "--format", "junit", har).stdout)
    # The 502 from Prunner is undeclared: a warning, an error with --strict.
    code, report = validate_json("--spec", "prunner", har)
    (undeclared,) = findings(report)
    assert (undeclared["rule"], undeclared["severity"]) == ("undeclared-status", "warning")
    assert undeclared["input"].startswith(f"{har}#entry 6 GET http://localhost:9009/job/detail")
    assert report["drift"]["getJobDetail"]["undeclared statuses"][0]["value"] == "502"
    code, report = validate_json("--spec", "prunner", "--strict", har)
    assert code == 1
    # The base64 body (entry 1) was decoded and checked.
    _, report = validate_json("--spec", "veryfront", har)
    assert report["results"][1]["outcome"] == "valid"
    assert report["results"][1]["operation"] == "getJobBatch"
    text = "\n".join(outputs)
    for secret in SECRETS:
        assert secret not in text
    assert "access_token=[redacted]" in text


def test_har_request_parameters_and_content_type() -> None:
    har = HERE / "bad_requests.har"
    code, report = validate_json("--spec", "prunner", har)
    assert code == 1
    by_entry = {r["input"].split(" ", 2)[1]: r["findings"] for r in report["results"]}
    assert [(f["pointer"], f["rule"]) for f in by_entry["0"]] == [("/query/id", "request-param")]
    assert by_entry["0"][0]["found"] == '"not-a-uuid"'
    assert [(f["pointer"], f["found"]) for f in by_entry["1"]] == [("/query/id", "(missing)")]
    code, report = validate_json("--spec", "vectara", har)
    assert code == 1
    by_entry = {r["input"].split(" ", 2)[1]: r["findings"] for r in report["results"]}
    assert [(f["pointer"], f["expected"]) for f in by_entry["2"]] == [
        ("/header/Request-Timeout", ">= 1")
    ]
    assert [(f["rule"], f["found"]) for f in by_entry["3"]] == [("content-type", "text/html")]
    assert [f["rule"] for f in by_entry["4"]] == ["not-har"]


def test_open_enum_and_unknown_field_are_warnings_unless_strict(tmp_path: Path) -> None:
    body = tmp_path / "drift.json"
    body.write_text(json.dumps({"id": "job_1", "type": "reindex_everything", "surprise": 1}))
    code, report = validate_json("--spec", "vectara", body)
    assert code == 0
    assert {(f["pointer"], f["rule"], f["severity"]) for f in findings(report)} == {
        ("/type", "open-enum", "warning"),
        ("/surprise", "unknown-field", "warning"),
    }
    drift = report["drift"]["getJob"]
    assert drift["enum values"][0]["value"] == '"reindex_everything"'
    # An unknown field's entry has no value to give: the key is left out, not "".
    assert drift["unknown fields"] == [
        {"pointer": "/surprise", "count": 1, "example": f"{body} /surprise"}
    ]
    code, report = validate_json("--spec", "vectara", "--strict", body)
    assert code == 1
    assert {f["severity"] for f in findings(report)} == {"error"}


@pytest.mark.parametrize(
    ("annotation", "severity"),
    [
        ({}, "warning"),
        ({"x-specbind-enum": "open"}, "warning"),
        ({"x-specbind-enum": "closed"}, "error"),
    ],
    ids=["unannotated", "open", "closed"],
)
def test_an_enum_is_open_unless_it_says_closed(
    tmp_path: Path, annotation: dict[str, str], severity: str
) -> None:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "enums", "version": "1"},
        "paths": {
            "/jobs": {
                "get": {
                    "operationId": "getJob",
                    "responses": {
                        "200": {
                            "description": "The job.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "state": {"enum": ["queued", "done"], **annotation}
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            }
        },
    }
    (tmp_path / "enums.json").write_text(json.dumps(spec))
    body = tmp_path / "job.json"
    body.write_text(json.dumps({"state": "paused"}))
    code, report = validate_json("--spec", tmp_path / "enums.json", "--operation", "getJob", body)
    assert [(f["pointer"], f["severity"]) for f in findings(report)] == [("/state", severity)]
    assert code == (1 if severity == "error" else 0)


RECURSIVE = FIXTURES / "recursive"


def test_a_recursive_schema_is_followed_to_any_depth() -> None:
    """A job's child jobs' child jobs: checked at every level, the fault at its pointer."""
    spec = RECURSIVE / "recursive.yaml"
    code, report = validate_json(
        "--spec", spec, "--operation", "getJob", RECURSIVE / "job-tree.json"
    )
    assert (code, findings(report)) == (0, [])
    code, report = validate_json(
        "--spec", spec, "--operation", "getJob", RECURSIVE / "job-tree-bad.json"
    )
    assert [(f["pointer"], f["keyword"]) for f in findings(report)] == [
        ("/children/0/children/0/id", "type")
    ]
    assert code == 1


def test_null_where_not_nullable_is_drift(tmp_path: Path) -> None:
    job = prunner_job()
    job["pipeline"] = None
    body = tmp_path / "null.json"
    body.write_text(json.dumps(job))
    code, report = validate_json("--spec", "prunner", body)
    assert code == 1
    assert report["drift"]["getJobDetail"]["unexpected null"][0]["pointer"] == "/pipeline"


# -- JSON Lines and bad inputs -----------------------------------------------------------


def test_json_lines_with_bad_lines_in_the_middle() -> None:
    lines = HERE / "prunner_jobs.jsonl"
    code, report = validate_json("--spec", "prunner", lines)
    assert code == 1
    outcomes = {r["input"]: r["outcome"] for r in report["results"]}
    assert outcomes == {
        f"{lines}:1": "valid",
        f"{lines}:2": "valid",
        f"{lines}:4": "invalid",
        f"{lines}:5": "valid",
        f"{lines}:6": "invalid",
        f"{lines}:7": "valid",
    }
    by_input = {r["input"]: r["findings"] for r in report["results"]}
    assert [f["rule"] for f in by_input[f"{lines}:4"]] == ["not-json"]
    schema = [f["pointer"] for f in by_input[f"{lines}:6"] if f["rule"] == "schema"]
    assert schema == ["/tasks/1/exitCode"]
    done = validate("--spec", "prunner", lines)
    assert f"{lines}:6: error: getJobDetail 200 /tasks/1/exitCode: schema:" in done.stdout


def _deep(depth: int) -> bytes:
    return b'{"id":' + b"[" * depth + b"]" * depth + b"}"


BAD_INPUTS: dict[str, tuple[bytes, str]] = {
    "truncated.json": (b'{"id": "ab1b073d-ec98', "not-json"),
    "html.json": (b"<html><body>502 Bad Gateway</body></html>", "not-json"),
    "junk.bin": (bytes(range(256)) * 4, "not-json"),
    "deep.json": (_deep(100_000), "too-deep"),
    "digits.json": (b'{"id": ' + b"7" * 10_000 + b"}", "not-json"),
    "nan.json": (b'{"id": NaN}', "not-json"),
    "empty.json": (b"", "not-json"),
    "not_a.har": (b'{"log": {"version": "1.2"}}', "not-har"),
    "broken.har": (b'{"log": {"entries": [', "not-har"),
}


def test_each_bad_input_is_a_finding_and_the_rest_is_still_checked(tmp_path: Path) -> None:
    paths = []
    for name, (content, _) in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(content)
        paths.append(tmp_path / name)
    good = PRUNNER / "detail_simple_done.json"
    code, report = validate_json("--spec", "prunner", *paths, good)
    assert code == 1
    rules = {r["input"]: [f["rule"] for f in r["findings"]] for r in report["results"]}
    for name, (_, rule) in BAD_INPUTS.items():
        assert rules[str(tmp_path / name)] == [rule], name
    assert report["results"][-1]["outcome"] == "valid"


@pytest.mark.slow
def test_a_one_gigabyte_line_is_reported_not_loaded(tmp_path: Path) -> None:
    lines = tmp_path / "huge.jsonl"
    good = (PRUNNER / "detail_simple_done.json").read_bytes().strip()
    chunk = b"x" * (1 << 20)
    with lines.open("wb") as out:
        out.write(good + b"\n" + b'{"id": "')
        for _ in range(1024):
            out.write(chunk)
        out.write(b'"}\n' + good + b"\n")
    code, report = validate_json("--spec", "prunner", lines)
    assert code == 1
    assert [r["outcome"] for r in report["results"]] == ["valid", "invalid", "valid"]
    (finding,) = report["results"][1]["findings"]
    assert finding["rule"] == "line-too-long"
    assert report["results"][1]["input"] == f"{lines}:2"


def test_standard_input() -> None:
    done = validate(
        "--spec", "prunner", "-", stdin=(PRUNNER / "detail_deps_done.json").read_bytes()
    )
    assert done.returncode == 0, done.stdout
    done = validate("--spec", "prunner", "-", stdin=b"{")
    assert done.returncode == 1
    assert "<stdin>: error: getJobDetail 200 (root): not-json:" in done.stdout


# -- Arguments and unreadable inputs: exit 2 ---------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--spec", "nosuch"], "--spec nosuch: no spec of that name in specs, nor shipped"),
        (["--spec", "prunner", "--operation", "getJob"], "--operation getJob: not in the spec"),
        (["--spec", "prunner", "--status", "2000"], "--status 2000: not a status"),
        (["--spec", "prunner", "--status", "201"], "getJobDetail declares no such response"),
        (["--spec", "prunner", "--status", "401"], "no JSON body schema"),
        (["--spec", "missing/spec.yaml"], "missing/spec.yaml: load: no such file"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], says: str) -> None:
    done = validate(*args, PRUNNER / "detail_simple_done.json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert says in done.stderr


def test_unreadable_inputs_exit_2_after_checking_the_others(tmp_path: Path) -> None:
    code, report = validate_json(
        "--spec", "prunner", tmp_path / "missing.json", tmp_path, PRUNNER / "detail_deps_done.json"
    )
    assert code == 2
    assert [r["outcome"] for r in report["results"]] == ["unreadable", "unreadable", "valid"]
    assert report["results"][0]["unreadable"] == "no such file"
    assert report["results"][1]["unreadable"] == "is a directory"
    done = validate("--spec", "prunner", tmp_path / "missing.json")
    assert f"cannot read {tmp_path / 'missing.json'}: no such file" in done.stderr


def test_a_json_body_needs_an_operation_when_the_spec_has_several() -> None:
    # A missing argument: a usage error before anything is checked, not an unreadable input.
    body = PRUNNER / "detail_deps_done.json"
    done = validate("--spec", "veryfront", HERE / "five_operations.har", body)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"specbind validate: error: {body} holds a JSON body: name the operation with --operation: "
        "the spec has cancelJob, getJob, getJobBatch\n"
    )


def test_one_fault_is_one_finding_and_drift_is_only_what_the_spec_lacks(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    done = validate("--spec", "prunner", empty)
    assert done.returncode == 1
    required = prunner_job().keys() & {"id", "pipeline", "tasks", "user", "created"}
    lines = done.stdout.splitlines()
    for name in required:
        (line,) = [line for line in lines if f" /{name}: " in line]
        assert line.endswith("seen by the schema and model layers)")
    # Missing required fields are the payload's fault: findings, not drift.
    assert "missing required" not in done.stdout
    assert "drift" not in done.stdout


# -- Output formats and --jobs -----------------------------------------------------------


def test_json_report_shape() -> None:
    code, report = validate_json("--spec", "prunner", HERE / "prunner_jobs.jsonl")
    assert code == 1
    assert report["spec"]["name"] == "prunner"
    assert len(report["spec"]["sha256"]) == 64
    assert report["summary"] == {
        "checked": 6,
        "valid": 4,
        "invalid": 2,
        "warnings": 0,
        "unreadable": 0,
        "skipped": {},
    }
    assert any(note.startswith("model layer") for note in report["notes"]) or not report["notes"]
    finding = report["results"][4]["findings"][0]
    assert set(finding) == {
        "input",
        "operation",
        "status",
        "pointer",
        "severity",
        "rule",
        "expected",
        "found",
        "message",
        "keyword",
        "layers",
    }
    assert finding["keyword"] == "type"
    assert finding["layers"] == ["schema", "model"]


def test_junit_report() -> None:
    done = validate("--spec", "prunner", "--format", "junit", HERE / "prunner_jobs.jsonl")
    assert done.returncode == 1
    suite = ET.fromstring(done.stdout).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("6", "2")
    failures = [case for case in suite.iter("testcase") if case.find("failure") is not None]
    assert [case.get("name") for case in failures] == [
        f"{HERE / 'prunner_jobs.jsonl'}:4",
        f"{HERE / 'prunner_jobs.jsonl'}:6",
    ]


def test_text_report_has_no_colour_off_a_terminal() -> None:
    done = validate("--spec", "prunner", HERE / "prunner_jobs.jsonl")
    assert "\x1b[" not in done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("note: ") or "checked 6:" in done.stdout


def test_jobs_2_gives_the_same_output_as_jobs_1(tmp_path: Path) -> None:
    lines = tmp_path / "many.jsonl"
    bodies = [p.read_text().strip() for p in sorted(PRUNNER.glob("detail_*.json"))]
    broken = ['{"id": 1}', "{", '{"id": "x", "user": null}']
    lines.write_text("\n".join((bodies + broken) * 80) + "\n")
    inputs = [lines, HERE / "prunner_jobs.jsonl", HERE / "five_operations.har"]
    for form in ("text", "json"):
        one = validate("--spec", "prunner", "--format", form, "--jobs", "1", *inputs)
        two = validate("--spec", "prunner", "--format", form, "--jobs", "2", *inputs)
        assert one.returncode == two.returncode == 1
        assert one.stdout == two.stdout
        assert one.stderr == two.stderr == ""


def test_jobs_auto_gives_the_same_output_as_jobs_1_on_a_large_input(tmp_path: Path) -> None:
    lines = tmp_path / "large.jsonl"
    bodies = [p.read_text().strip() for p in sorted(PRUNNER.glob("detail_*.json"))]
    chunk = "\n".join([*bodies, '{"id": 1}', "{"]) + "\n"
    repeats = AUTO_MIN_BYTES // len(chunk) + 1
    lines.write_text(chunk * repeats)
    assert auto_jobs([str(lines)], cpus=2) == 2
    one = validate("--spec", "prunner", "--jobs", "1", lines)
    auto = validate("--spec", "prunner", "--jobs", "auto", lines)
    default = validate("--spec", "prunner", lines)
    assert one.returncode == auto.returncode == default.returncode == 1
    assert one.stdout == auto.stdout == default.stdout
    checked = (len(bodies) + 2) * repeats
    assert f"checked {checked}: {len(bodies) * repeats} valid, {2 * repeats} invalid" in one.stdout
    # The workers read the file in ranges and send runs of clean lines back as such:
    # the reports that list every result list each of them all the same.
    for form in ("json", "junit"):
        one = validate("--spec", "prunner", "--format", form, "--jobs", "1", lines)
        auto = validate("--spec", "prunner", "--format", form, "--jobs", "auto", lines)
        assert one.returncode == auto.returncode == 1
        assert one.stdout == auto.stdout
        assert one.stdout.count(f"{lines}:") >= checked


#: Ways worker processes fail to start on real machines, each put in place before
#: ``specbind validate`` runs: fork refused (a process limit), and no POSIX semaphores
#: (no /dev/shm, as on AWS Lambda).
_NO_WORKERS = {
    "fork-refused": (
        "import os\n"
        "def refuse():\n"
        "    raise BlockingIOError(11, 'Resource temporarily unavailable')\n"
        "os.fork = refuse\n"
    ),
    "no-semaphores": (
        "import multiprocessing.synchronize\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError(38, 'Function not implemented')\n"
        "multiprocessing.synchronize.SemLock.__init__ = refuse\n"
    ),
}


@pytest.mark.parametrize("failure", _NO_WORKERS)
def test_jobs_auto_checks_in_one_process_when_workers_cannot_start(
    tmp_path: Path, failure: str
) -> None:
    lines = tmp_path / "large.jsonl"
    bodies = [p.read_text().strip() for p in sorted(PRUNNER.glob("detail_*.json"))]
    chunk = "\n".join([*bodies, '{"id": 1}']) + "\n"
    lines.write_text(chunk * (AUTO_MIN_BYTES // len(chunk) + 1))
    run = f"{_NO_WORKERS[failure]}import runpy\nrunpy.run_module('specbind', run_name='__main__')"

    def broken(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", run, "validate", "--spec", "prunner", *map(str, args)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    one = validate("--spec", "prunner", "--jobs", "1", lines)
    auto = broken("--jobs", "auto", lines)
    # Every line is checked, the first batch included, and the report says why.
    assert (auto.returncode, auto.stdout) == (one.returncode, one.stdout)
    note = r"specbind validate: note: cannot start \d+ worker processes \(.+\); checking in this"
    assert re.search(note, auto.stderr), auto.stderr
    assert "Traceback" not in auto.stderr
    explicit = broken("--jobs", "2", lines)
    assert (explicit.returncode, explicit.stdout) == (2, "")
    assert "cannot start 2 worker processes" in explicit.stderr
    assert explicit.stderr.rstrip().endswith("run with --jobs 1")


def _sized(path: Path, size: int) -> str:
    with path.open("wb") as file:
        file.truncate(size)  # sparse: no disk is written
    return str(path)


def test_jobs_auto_uses_one_process_per_cpu_for_large_inputs_only(tmp_path: Path) -> None:
    small = _sized(tmp_path / "small.jsonl", 3)
    almost = _sized(tmp_path / "almost.jsonl", AUTO_MIN_BYTES - 1)
    half = _sized(tmp_path / "half.jsonl", AUTO_MIN_BYTES // 2)
    large = _sized(tmp_path / "large.har", AUTO_MIN_BYTES)
    assert auto_jobs([small], cpus=4) == 1
    assert auto_jobs([almost], cpus=4) == 1
    assert auto_jobs([almost, small], cpus=4) == 4
    assert auto_jobs([half, half], cpus=4) == 4
    assert auto_jobs([large], cpus=3) == 3
    assert auto_jobs([large], cpus=64) == 8
    assert auto_jobs([large], cpus=1) == 1
    # Streams and unreadable inputs have no size to count.
    assert auto_jobs(["-", str(tmp_path / "missing"), str(tmp_path)], cpus=4) == 1


@pytest.mark.parametrize("jobs", ["0", "-1", "many", "1.5"])
def test_a_bad_jobs_value_exits_2(jobs: str) -> None:
    done = validate("--spec", "prunner", "--jobs", jobs, PRUNNER / "detail_simple_done.json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"argument --jobs: {jobs}" in done.stderr or f"argument --jobs: '{jobs}'" in done.stderr


# -- The model layer, in-process, with a hand-made model ---------------------------------


@attrs.frozen
class _Task:
    name: str = attrs.field(metadata={"wire": "name"})
    exit_code: int = attrs.field(metadata={"wire": "exitCode"})


@attrs.frozen
class _Job:
    id: str = attrs.field(metadata={"wire": "id"})
    tasks: list[_Task] | None = attrs.field(metadata={"wire": "tasks"})


def _strict_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=True)

    def exact(kind: type) -> Any:
        def structure(value: Any, _: Any) -> Any:
            if type(value) is not kind:
                raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
            return value

        return structure

    for kind in (int, str):
        converter.register_structure_hook(kind, exact(kind))
    for cls in (_Task, _Job):
        overrides = {
            f.name: cattrs.gen.override(rename=f.metadata["wire"]) for f in attrs.fields(cls)
        }
        converter.register_structure_hook(
            cls, cattrs.gen.make_dict_structure_fn(cls, converter, **overrides)
        )
    return converter


def _checker(models: dict[tuple[str, str], type]) -> Checker:
    spec = load_spec(ROOT / "specs" / "prunner.yaml")
    options = Options(str(spec.path), "getJobDetail", "200", strict=False)
    layer = ModelLayer("hand-made", models, _strict_converter(), error_locations)
    return Checker(spec, options, layer)


def test_model_errors_become_findings_with_wire_pointers() -> None:
    checker = _checker({("getJobDetail", "200"): _Job})
    job = prunner_job()
    job["tasks"][1]["exitCode"] = "3"
    result = checker.check(Body("job.json", json.dumps(job).encode()))
    # One fault, one finding: the schema layer's, saying the model layer saw it too.
    (finding,) = [f for f in result.findings if f.pointer == "/tasks/1/exitCode"]
    assert (finding.rule, finding.layers) == ("schema", ("schema", "model"))
    assert "seen by the schema and model layers" in finding_line(finding)


def test_layers_agree_on_every_ground_truth_file() -> None:
    checker = _checker({("getJobDetail", "200"): _Job})
    for path in sorted(PRUNNER.glob("detail_*.json")):
        result = checker.check(Body(path.name, path.read_bytes()))
        assert result.outcome == "valid", result.findings


def test_layer_disagreement_is_reported() -> None:
    @attrs.frozen
    class Loose:
        id: int = attrs.field(metadata={"wire": "id"})

    checker = _checker({("getJobDetail", "200"): Loose})
    result = checker.check(Body("job.json", json.dumps(prunner_job()).encode()))
    (finding,) = result.findings
    assert (finding.rule, finding.pointer) == ("layer-disagreement", "/id")
    # The schema rejects a missing `user`; Loose does not know it, so it accepts.
    job = prunner_job() | {"id": 1}
    del job["user"]
    result = checker.check(Body("job.json", json.dumps(job).encode()))
    disagreements = [f for f in result.findings if f.rule != "schema"]
    assert [f.rule for f in disagreements] == ["layer-disagreement"]
    assert disagreements[0].pointer in ("/id", "/user")
    # Both layers reject /id: one finding that says so, and no disagreement.
    result = checker.check(Body("job.json", b'{"id": "x"}'))
    assert {f.rule for f in result.findings} == {"schema"}
    assert next(f.layers for f in result.findings if f.pointer == "/id") == ("schema", "model")


def test_the_real_generated_models_agree_with_the_schema(specs: dict[str, LoadedSpec]) -> None:
    """Once generated/ is current, every example must pass both layers."""
    code, report = validate_json("--spec", "prunner", *sorted(PRUNNER.glob("detail_*.json")))
    if any("model layer skipped" in note for note in report["notes"]):
        pytest.skip(report["notes"][0])
    assert code == 0
    assert not [f for f in findings(report) if f["rule"] in ("model", "layer-disagreement")]


# -- Properties --------------------------------------------------------------------------

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=_JSON
    | st.fixed_dictionaries({"tasks": st.lists(_JSON, max_size=3)}, optional={"id": _JSON})
)
def test_random_json_never_crashes_the_checker(value: Any) -> None:
    result = _PLAIN.check(Body("random.json", json.dumps(value).encode()))
    assert result.outcome in ("valid", "invalid")
    for finding in result.findings:
        assert len(finding.found) <= 80


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200))
def test_random_bytes_never_crash_the_checker(raw: bytes) -> None:
    result = _PLAIN.check(Body("random.bin", raw))
    assert result.outcome in ("valid", "invalid")


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(st.sampled_from(["{}", "", "   ", "{", "[1]", "garbage"]), max_size=30))
def test_json_lines_numbering(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_text("\n".join(lines))
    with open_input(str(path)) as opened:
        labels = [u.label for u in opened.units() if isinstance(u, (Body, Broken))]
    if opened.kind == "jsonl":
        assert labels == [f"{path}:{n}" for n, line in enumerate(lines, 1) if line.strip()]


_PLAIN = Checker(
    load_spec(ROOT / "specs" / "prunner.yaml"),
    Options("specs/prunner.yaml", "getJobDetail", "200", strict=False),
    None,
)


def test_a_broken_spec_schema_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    body = tmp_path / "x.json"
    body.write_text('{"a": "x"}')
    code, report = validate_json("--spec", HERE / "broken_schema.yaml", body)
    assert code == 1
    assert [f["rule"] for f in findings(report)] == ["spec-error"]


@pytest.mark.parametrize("package", ["acme_jobs", "nosuch"])
def test_the_model_layer_is_the_configured_package(tmp_path: Path, package: str) -> None:
    # The bindings import their runtime relatively, so a copy under another name works.
    shutil.copytree(
        ROOT / "generated", tmp_path / "acme_jobs", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.specbind]\npackage = "{package}"\n', encoding="utf-8"
    )
    done = subprocess.run(
        [
            sys.executable, "-m", "specbind", "validate", "--spec", "prunner", "--format",
            "json", FIXTURES / "prunner" / "detail_simple_done.json",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    notes = json.loads(done.stdout)["notes"]
    skipped = [note for note in notes if "model layer skipped" in note]
    if package == "acme_jobs":
        assert skipped == []
    else:
        assert skipped == [
            "model layer skipped: nosuch.prunner is stale or missing (not generated)"
        ]

"""The Python API (`specbind.Validator`) and the pytest helper (`specbind.testing`)."""

from __future__ import annotations

import json
import multiprocessing
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import urllib3
from _support import FIXTURES, ROOT
from specbind import Drift, Finding, Result, Validator, ValidatorError
from specbind.testing import assert_valid_response

pytest_plugins = ["pytester"]

HERE = FIXTURES / "validate"
PRUNNER = FIXTURES / "prunner"
JOB = PRUNNER / "detail_failing_with_on_error.json"

# Every input the command's tests check, with the options they check it with.
_FIXTURES = [
    ("prunner", (), [HERE / "prunner_jobs.jsonl", *sorted(PRUNNER.glob("*.json"))]),
    ("prunner", ("--strict",), [HERE / "prunner_jobs.jsonl", HERE / "five_operations.har"]),
    ("veryfront", (), [HERE / "five_operations.har", HERE / "bad_requests.har"]),
    ("vectara", (), [HERE / "five_operations.har", HERE / "bad_requests.har"]),
    ("prunner", (), [HERE / "prunner_jobs.jsonl", HERE / "missing.json", HERE]),
]


def _command(spec: str, options: tuple[str, ...], inputs: list[Path]) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "specbind",
            "validate",
            "--format",
            "json",
            "--spec",
            spec,
            *options,
            *map(str, inputs),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@pytest.mark.parametrize(("spec", "options", "inputs"), _FIXTURES, ids=range(len(_FIXTURES)))
def test_every_fixture_gives_the_command_s_findings(
    spec: str, options: tuple[str, ...], inputs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _command(spec, options, inputs)
    monkeypatch.chdir(ROOT)  # where the command ran: the same spec, the same labels
    validator = Validator(spec, strict="--strict" in options)
    results = list(validator.check_inputs(map(str, inputs)))
    assert [result.to_json() for result in results] == report["results"]
    drift = Drift(results)
    assert drift.as_dict() == report["drift"]
    # The drift of two halves adds up to the drift of the whole.
    half = len(results) // 2
    assert Drift(results[:half]) + Drift(results[half:]) == drift
    assert json.loads(json.dumps([r.to_json() for r in results])) == report["results"]


def test_a_body_as_bytes_text_or_parsed_gives_the_same_result() -> None:
    validator = Validator("prunner")
    job = json.loads(JOB.read_text())
    job["tasks"][1]["exitCode"] = "3"
    raw = json.dumps(job)
    results = {
        validator.check_body(raw.encode(), operation="getJobDetail", status=200),
        validator.check_body(raw),
        validator.check_body(job, status="200"),
    }
    (result,) = results  # plain frozen data: equal when they say the same
    assert result.outcome == "invalid"
    (finding,) = result.findings
    assert finding == Finding(
        input="<body>",
        operation="getJobDetail",
        status="200",
        pointer="/tasks/1/exitCode",
        severity="error",
        rule="schema",
        expected=finding.expected,
        found='"3"',
        message=finding.message,
        keyword="type",
        layers=("schema", "model"),
    )
    assert validator.check_body(JOB.read_bytes()) == Result(
        "<body>", "getJobDetail", "200", findings=()
    )


def test_a_har_entry() -> None:
    har = json.loads((HERE / "five_operations.har").read_text())
    validator = Validator("veryfront")
    result = validator.check_har_entry(har["log"]["entries"][0])
    assert (result.operation, result.outcome) == ("getJob", "valid")


@pytest.mark.parametrize(
    ("spec", "keywords", "says"),
    [
        ("nosuch", {}, "--spec nosuch: no spec of that name in specs, nor shipped"),
        ("veryfront", {"operation": "nope"}, "--operation nope: not in the spec"),
        ("prunner", {"status": "201"}, "--status 201: getJobDetail declares no such response"),
        ("prunner", {"status": "2000"}, "--status 2000: not a status"),
    ],
)
def test_bad_options_raise_one_line(
    spec: str, keywords: dict[str, str], says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(ValidatorError, match="^" + says.replace("(", r"\(")):
        Validator(spec, **keywords)


def test_a_body_needs_an_operation_when_the_spec_has_several() -> None:
    with pytest.raises(ValidatorError, match="the spec has cancelJob, getJob, getJobBatch"):
        Validator("veryfront").check_body(b"{}")


def _check_in_child(validator: Validator, body: bytes) -> tuple[Result, int]:
    from specbind._validate import _validator

    before = len(_validator._LOADED)
    return validator.check_body(body), before


def test_a_validator_pickles_small_and_loads_its_spec_in_a_fresh_process() -> None:
    validator = Validator("prunner", strict=True)
    body = b'{"id": 7}'
    assert len(pickle.dumps(validator)) < 1024
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result, loaded_before = pool.apply(_check_in_child, (validator, body))
    assert loaded_before == 0  # nothing was loaded until the first check
    assert result == validator.check_body(body)
    assert result.outcome == "invalid"


def test_the_pytest_helper_fails_with_the_findings_and_passes_a_valid_response(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        import urllib3
        from specbind import Validator
        from specbind.testing import assert_valid_response

        VALIDATOR = Validator({str(ROOT / "specs" / "prunner.yaml")!r})
        JOB = {JOB.read_bytes()!r}

        def test_valid():
            response = urllib3.HTTPResponse(body=JOB, status=200, preload_content=True)
            assert_valid_response(VALIDATOR, response, operation="getJobDetail")

        def test_invalid():
            assert_valid_response(VALIDATOR, body=b'{{"id": 7}}', status=200)
        """
    )
    outcome = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=1, failed=1)
    text = outcome.stdout.str()
    assert "the response breaks the spec (10 findings):" in text
    assert "response: error: getJobDetail 200 /id: schema: wrong type (expected string" in text


def test_the_pytest_helper_reads_requests_and_generated_responses() -> None:
    validator = Validator("prunner")

    class Requests:
        status_code = 200
        content = JOB.read_bytes()

    class Generated:
        status = 200
        body = b'{"id": 7}'

    assert assert_valid_response(validator, Requests()).outcome == "valid"
    with pytest.raises(AssertionError, match="/id: schema"):
        assert_valid_response(validator, Generated())
    response = urllib3.HTTPResponse(body=b"{}", status=200, preload_content=True)
    with pytest.raises(AssertionError, match="10 findings"):
        assert_valid_response(validator, response)

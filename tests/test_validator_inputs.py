"""The Python Validator takes what Python users pass: integer and range statuses,
per-call choices in check_inputs, values already parsed that JSON cannot hold, and a
loud warning when the model layer cannot be checked."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from _support import FIXTURES, ROOT
from specbind import ModelLayerWarning, Result, Validator, ValidatorError
from specbind.testing import assert_valid_response

JOB = FIXTURES / "prunner" / "detail_simple_done.json"
VERYFRONT_JOB = json.loads(
    (FIXTURES / "validate" / "five_operations.har").read_text(encoding="utf-8")
)["log"]["entries"][0]["response"]["content"]["text"]


@pytest.mark.parametrize("status", [200, "200"])
def test_a_status_is_an_integer_or_a_string(status: int | str) -> None:
    validator = Validator("prunner", status=status)
    result = validator.check_body(JOB.read_bytes())
    assert (result.outcome, result.status) == ("valid", "200")
    assert validator.check_body(JOB.read_bytes(), status=status) == result


@pytest.mark.parametrize(
    ("status", "key"), [("5XX", "5XX"), ("5xx", "5XX"), ("default", "default"), (503, "503")]
)
def test_a_status_range_in_either_case(status: str | int, key: str) -> None:
    # Vectara's errors are its `default` response, which every status falls back to.
    validator = Validator("vectara", status=status)
    assert validator.options.status == key
    body = b'{"messages": ["quota exceeded"]}'
    assert validator.check_body(body).status == validator.options.status


@pytest.mark.parametrize("status", [2000, "20x", True, "ok"])
def test_a_bad_status_is_a_validator_error(status: Any) -> None:
    with pytest.raises(ValidatorError, match=f"^--status {status}: not a status"):
        Validator("prunner", status=status)


def test_check_inputs_takes_the_operation_and_status_per_call(tmp_path: Path) -> None:
    body = tmp_path / "job.json"
    body.write_text(VERYFRONT_JOB, encoding="utf-8")
    validator = Validator("veryfront")  # three operations: bodies need one named
    with pytest.raises(ValidatorError, match="name the operation"):
        list(validator.check_inputs([body]))
    (result,) = validator.check_inputs([body], operation="getJob", status=200)
    assert (result.operation, result.status, result.outcome) == ("getJob", "200", "valid")
    (wrong,) = validator.check_inputs([body], operation="getJobBatch")
    assert wrong.outcome == "invalid"
    with pytest.raises(ValidatorError, match="--operation nope: not in the spec"):
        list(validator.check_inputs([body], operation="nope"))
    # The validator itself is unchanged by a call's choices.
    assert validator.operation == ""


@pytest.mark.parametrize(
    ("body", "pointer", "found"),
    [
        ({1: 2}, "", "1"),
        ({b"k": 1}, "", "b'k'"),
        ({"tasks": [{"name": "a"}, {None: 1}]}, "/tasks/1", "None"),
        ({"a/b": {2.5: 1}}, "/a~1b", "2.5"),
        ({"variables": {1, 2}}, "/variables", "a set"),
        ([object()], "/0", "a object"),
    ],
)
def test_a_parsed_body_that_json_cannot_hold_is_a_finding(
    body: Any, pointer: str, found: str
) -> None:
    result = Validator("prunner").check_body(body)
    assert result.outcome == "invalid"
    (finding,) = result.findings
    assert (finding.pointer, finding.rule, finding.found) == (pointer, "not-json", found)
    assert finding.message


def test_a_validator_without_its_model_layer_warns(tmp_path: Path) -> None:
    # Another version of the spec: the installed bindings are not made from it.
    spec = tmp_path / "prunner.yaml"
    text = (ROOT / "specs" / "prunner.yaml").read_text(encoding="utf-8")
    spec.write_text(text + "\n# edited\n", encoding="utf-8")
    with pytest.warns(ModelLayerWarning, match="model layer skipped: generated.prunner is stale"):
        validator = Validator(spec)
    assert validator.notes[0].startswith("model layer skipped")
    assert validator.check_body(JOB.read_bytes()).outcome == "valid"


def test_a_validator_with_its_model_layer_is_silent() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Validator("prunner").notes == ()


def test_assert_valid_response_names_the_method_to_use_for_a_model() -> None:
    from generated.prunner import converter, models

    job = converter.structure(json.loads(JOB.read_bytes()), models.Job)
    with pytest.raises(TypeError, match="pass what the client's \\*_with_response method"):
        assert_valid_response(Validator("prunner"), job)
    assert isinstance(
        assert_valid_response(Validator("prunner"), body=JOB.read_bytes(), status=200), Result
    )

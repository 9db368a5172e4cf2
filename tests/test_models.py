"""The generated models and converters on real and documented payloads, and their rules."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from _json_compare import as_instants
from _support import FIXTURES, ROOT, SPEC_NAMES, iter_response_examples
from cattrs.errors import BaseValidationError
from specbind import load_spec

import generated.prunner
import generated.vectara
import generated.veryfront
from generated._runtime import UNSET, error_locations, is_known

BINDINGS = {
    "veryfront": generated.veryfront,
    "prunner": generated.prunner,
    "vectara": generated.vectara,
}
PRUNNER_FILES = sorted((FIXTURES / "prunner").glob("*.json"))
EXAMPLES = [
    pytest.param(name, op, status, value, id=f"{name}-{op}-{status}-{example}")
    for name in SPEC_NAMES
    for op, status, example, value in iter_response_examples(
        load_spec(ROOT / "specs" / f"{name}.yaml")
    )
]


def _round_trip(converter: Any, data: Any, cls: type) -> Any:
    return converter.unstructure(converter.structure(copy.deepcopy(data), cls))


@pytest.mark.parametrize("path", PRUNNER_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("mode", ["converter", "strict_converter"])
def test_real_prunner_responses_round_trip(path: Path, mode: str) -> None:
    data = json.loads(path.read_bytes())
    cls = (
        generated.prunner.models.Error
        if path.name.startswith("error_")
        else generated.prunner.models.Job
    )
    converter = getattr(generated.prunner, mode)
    assert as_instants(_round_trip(converter, data, cls)) == as_instants(data)


@pytest.mark.parametrize(("name", "operation", "status", "value"), EXAMPLES)
@pytest.mark.parametrize("mode", ["converter", "strict_converter"])
def test_spec_examples_round_trip(
    name: str, operation: str, status: str, value: Any, mode: str
) -> None:
    binding = BINDINGS[name]
    cls = binding.RESPONSE_MODELS[(operation, status)]
    converter = getattr(binding, mode)
    assert as_instants(_round_trip(converter, value, cls)) == as_instants(value)


def test_every_json_response_has_a_model_and_an_example() -> None:
    for name in SPEC_NAMES:
        examples = {
            (op, status) for _, op, status, _ in (e.values for e in EXAMPLES if e.values[0] == name)
        }
        assert set(BINDINGS[name].RESPONSE_MODELS) == examples, name


def _prunner_job(**changes: Any) -> dict[str, Any]:
    data = json.loads((FIXTURES / "prunner" / "detail_failing_with_on_error.json").read_bytes())
    data.update(changes)
    return data


def test_absent_and_null_stay_distinct() -> None:
    job = generated.prunner.converter.structure(_prunner_job(), generated.prunner.models.Job)
    assert job.variables is UNSET
    assert job.tasks is not None
    assert job.tasks[2].start is None
    out = generated.prunner.converter.unstructure(job)
    assert "variables" not in out
    assert out["tasks"][2]["start"] is None


def test_wire_names_and_snake_case_attributes() -> None:
    job = generated.prunner.converter.structure(_prunner_job(), generated.prunner.models.Job)
    assert job.tasks is not None
    assert job.tasks[1].exit_code == 3
    assert job.tasks[1].depends_on == ["ok_first"]
    assert job.last_error == "exit status 3"
    assert isinstance(job.id, UUID)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-11-23T07:28:20Z", "2026-11-23T07:28:20+00:00"),
        ("2026-11-23T07:28:20.5Z", "2026-11-23T07:28:20.500000+00:00"),
        ("2026-11-23T07:28:20.123456789+02:00", "2026-11-23T07:28:20.123456+02:00"),
        ("2026-11-23t07:28:20z", "2026-11-23T07:28:20+00:00"),
        ("2026-11-23T07:28:20-05:30", "2026-11-23T07:28:20-05:30"),
    ],
)
def test_date_times_parse_on_every_python(text: str, iso: str) -> None:
    job = generated.prunner.strict_converter.structure(
        _prunner_job(created=text), generated.prunner.models.Job
    )
    assert job.created.isoformat() == iso


@pytest.mark.parametrize(
    "text", ["2026-11-23", "2026-11-23T07:28:20", "2026-11-23 07:28:20Z", "now"]
)
def test_date_times_without_an_offset_are_rejected(text: str) -> None:
    for converter in (generated.prunner.converter, generated.prunner.strict_converter):
        with pytest.raises((BaseValidationError, ValueError)):
            converter.structure(_prunner_job(created=text), generated.prunner.models.Job)


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        (("completed",), "false"),
        (("completed",), 0),
        (("pipeline",), None),
        (("pipeline",), 5),
        (("tasks", 0, "exitCode"), True),
        (("tasks", 0, "exitCode"), "7"),
        (("tasks", 0, "exitCode"), 1.5),
        (("tasks",), "abc"),
        (("user",), ["j.doe"]),
    ],
)
def test_no_coercion_between_json_types(pointer: tuple[Any, ...], value: Any) -> None:
    # cattrs' defaults would turn "false" into True, True into 1 and None into "None".
    data = _prunner_job()
    target: Any = data
    for key in pointer[:-1]:
        target = target[key]
    target[pointer[-1]] = value
    for converter in (generated.prunner.converter, generated.prunner.strict_converter):
        with pytest.raises((BaseValidationError, TypeError, ValueError)):
            converter.structure(data, generated.prunner.models.Job)


def test_strict_errors_carry_json_pointers() -> None:
    data = _prunner_job()
    data["tasks"][3]["exitCode"] = 40000
    del data["tasks"][1]["name"]
    data["tasks"][0]["status"] = "paused"
    with pytest.raises(BaseValidationError) as caught:
        generated.prunner.strict_converter.structure(data, generated.prunner.models.Job)
    pointers = {pointer for pointer, _ in error_locations(caught.value)}
    assert pointers == {"/tasks/3/exitCode", "/tasks/1/name", "/tasks/0/status"}


def test_lenient_converter_skips_constraints_but_not_types() -> None:
    data = _prunner_job()
    data["tasks"][3]["exitCode"] = 40000
    job = generated.prunner.converter.structure(data, generated.prunner.models.Job)
    assert job.tasks is not None
    assert job.tasks[3].exit_code == 40000


def test_big_numbers_are_kept_exactly() -> None:
    data = json.loads((FIXTURES / "prunner" / "detail_simple_done.json").read_bytes())
    data["variables"]["huge"] = 2**80 + 1
    job = generated.prunner.strict_converter.structure(data, generated.prunner.models.Job)
    assert job.variables is not UNSET
    assert job.variables["huge"] == 2**80 + 1
    assert job.variables["big"] == 12345678901234567000


def test_unknown_fields_are_kept_and_written_back() -> None:
    data = _prunner_job(queuePosition=3)
    data["tasks"][0]["retries"] = {"left": 1}
    job = generated.prunner.converter.structure(data, generated.prunner.models.Job)
    assert job.additional_properties == {"queuePosition": 3}
    out = generated.prunner.converter.unstructure(job)
    assert out["queuePosition"] == 3
    assert out["tasks"][0]["retries"] == {"left": 1}


def _vectara_job(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "job_42",
        "state": "queued",
        "created_at": "2026-11-23T07:28:20.123Z",
    }
    data.update(changes)
    return data


def test_open_enums_keep_unknown_values() -> None:
    models = generated.vectara.models
    for converter in (generated.vectara.converter, generated.vectara.strict_converter):
        job = converter.structure(_vectara_job(state="paused", type="reindex"), models.Job)
        assert job.state == "paused"
        assert isinstance(job.state, models.JobState)
        assert not is_known(job.state)
        assert is_known(models.JobState.QUEUED)
        out = converter.unstructure(job)
        assert (out["state"], out["type"]) == ("paused", "reindex")


def test_closed_enums_reject_unknown_values() -> None:
    data = _prunner_job()
    data["tasks"][0]["status"] = "paused"
    for converter in (generated.prunner.converter, generated.prunner.strict_converter):
        with pytest.raises((BaseValidationError, ValueError)):
            converter.structure(data, generated.prunner.models.Job)


def test_strict_mode_enforces_patterns_and_lengths() -> None:
    models = generated.vectara.models
    bad = _vectara_job(id="task_1", corpus_keys=["ok", "no spaces!", "x" * 51])
    with pytest.raises(BaseValidationError) as caught:
        generated.vectara.strict_converter.structure(bad, models.Job)
    pointers = sorted(pointer for pointer, _ in error_locations(caught.value))
    assert pointers[0] == "/corpus_keys" or pointers[0].startswith("/")
    assert "/id" in pointers
    lenient = generated.vectara.converter.structure(bad, models.Job)
    assert lenient.id == "task_1"


def test_uuid_forms_strict_and_lenient() -> None:
    braced = "{" + _prunner_job()["id"] + "}"
    with pytest.raises(BaseValidationError):
        generated.prunner.strict_converter.structure(
            _prunner_job(id=braced), generated.prunner.models.Job
        )
    job = generated.prunner.converter.structure(
        _prunner_job(id=braced.upper()), generated.prunner.models.Job
    )
    assert str(job.id) == _prunner_job()["id"]


def _veryfront_job() -> dict[str, Any]:
    spec = load_spec(ROOT / "specs" / "veryfront.yaml")
    for op, status, _, value in iter_response_examples(spec):
        if op == "getJob" and status == "200" and isinstance(value.get("result"), dict):
            return copy.deepcopy(value)
    raise AssertionError("no veryfront getJob example with a result")


def test_tagged_union_decodes_by_kind_and_keeps_unknown_kinds() -> None:
    models = generated.veryfront.models
    job = generated.veryfront.converter.structure(_veryfront_job(), models.Job)
    assert isinstance(job.result, models.KnowledgeIngestResult)
    other = _veryfront_job()
    other["result"] = {"kind": "artifacts", "artifacts": [{"path": "a.txt"}]}
    job = generated.veryfront.strict_converter.structure(other, models.Job)
    assert isinstance(job.result, models.OtherJobResult)
    assert job.result.kind == "artifacts"
    assert generated.veryfront.converter.unstructure(job)["result"] == other["result"]


def test_models_are_frozen_and_validate_when_built_by_hand() -> None:
    models = generated.prunner.models
    with pytest.raises(ValueError, match="exitCode"):
        models.Task(
            name="a",
            status=models.TaskStatus.DONE,
            start=None,
            end=None,
            skipped=False,
            exit_code=70000,
            errored=False,
        )

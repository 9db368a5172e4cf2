"""``specbind diff``, run as users run it: a subprocess, its report and its exit status.

The rule suite builds each OLD/NEW pair from one small base spec and one mutation, and
skips the Python API effect (--no-api) to stay fast; the API effect is checked on the
hand-written Vectara pair and on one pair with several changes at once.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _support import FIXTURES, ROOT
from specbind import load_spec
from specbind._diff._change import RULES

VECTARA = FIXTURES / "diff" / "vectara_2026_07"
JOB = "/components/schemas/Job"
GET_JOB = "/paths/~1jobs~1{job_id}/get"
LIST_JOBS = "/paths/~1jobs/get"

#: A small spec every lint rule accepts: two operations, an open and a closed enum,
#: constrained parameters, a security scheme, a server and examples.
BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Jobs", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "security": [{"ApiKey": []}],
    "paths": {
        "/jobs/{job_id}": {
            "get": {
                "operationId": "getJob",
                "parameters": [
                    {
                        "name": "job_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^job_", "maxLength": 40},
                    },
                    {
                        "name": "verbose",
                        "in": "query",
                        "required": False,
                        "description": "How much to say, at most 2.",
                        "schema": {"type": "integer", "minimum": 0, "maximum": 2},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The job.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Job"},
                                "examples": {
                                    "done": {
                                        "value": {"id": "job_1", "state": "done", "kind": "ingest"}
                                    }
                                },
                            }
                        },
                    },
                    "404": {
                        "description": "No such job.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                },
            }
        },
        "/jobs": {
            "get": {
                "operationId": "listJobs",
                "responses": {
                    "200": {
                        "description": "Some jobs.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/JobList"}}
                        },
                    }
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}},
        "schemas": {
            "Job": {
                "type": "object",
                "required": ["id", "state"],
                "properties": {
                    "id": {"type": "string"},
                    "state": {"$ref": "#/components/schemas/JobState"},
                    "kind": {"$ref": "#/components/schemas/JobKind"},
                    "created_at": {
                        "type": "string",
                        "format": "date-time",
                        "description": "When the job was created.",
                    },
                    "exit_code": {"type": "integer", "description": "At most 255."},
                    "note": {"type": "string"},
                    "finished_at": {"type": ["string", "null"], "format": "date-time"},
                },
            },
            "JobState": {
                "type": "string",
                "enum": ["queued", "running", "done"],
                "x-specbind-enum": "open",
            },
            "JobKind": {
                "type": "string",
                "enum": ["ingest", "export"],
                "x-specbind-enum": "closed",
            },
            "JobList": {
                "type": "object",
                "properties": {
                    "jobs": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}
                },
            },
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
        },
    },
}

Spec = dict[str, Any]
Expected = list[tuple[str, str, str | None, str | None]]


def schemas(spec: Spec) -> dict[str, Any]:
    return spec["components"]["schemas"]  # type: ignore[no-any-return]


def job(spec: Spec) -> dict[str, Any]:
    return schemas(spec)["Job"]  # type: ignore[no-any-return]


def get_job(spec: Spec) -> dict[str, Any]:
    return spec["paths"]["/jobs/{job_id}"]["get"]  # type: ignore[no-any-return]


def verbose(spec: Spec) -> dict[str, Any]:
    return get_job(spec)["parameters"][1]  # type: ignore[no-any-return]


def specbind(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "specbind", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def write(path: Path, spec: Spec) -> Path:
    # JSON is YAML, and one key per line gives every node a line of its own.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    return path


def mutated(change: Callable[[Spec], object]) -> Spec:
    spec = copy.deepcopy(BASE)
    change(spec)
    return spec


@pytest.fixture(scope="module")
def base_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("base") / "old.yaml", BASE)


def _rename_note(spec: Spec) -> None:
    job(spec)["properties"]["comment"] = job(spec)["properties"].pop("note")


def _add_operation(spec: Spec) -> None:
    spec["paths"]["/jobs/{job_id}/cancel"] = {
        "post": {
            "operationId": "cancelJob",
            "parameters": [copy.deepcopy(get_job(spec)["parameters"][0])],
            "responses": copy.deepcopy(get_job(spec)["responses"]),
        }
    }


def _add_example(spec: Spec) -> None:
    examples = get_job(spec)["responses"]["200"]["content"]["application/json"]["examples"]
    examples["queued"] = {"value": {"id": "job_2", "state": "queued"}}


def _several(spec: Spec) -> None:
    # Gone: note (a string); came: attempts (an integer): a removal and an addition,
    # not a rename. Also a closed-enum value and a new operation.
    del job(spec)["properties"]["note"]
    job(spec)["properties"]["attempts"] = {"type": "integer"}
    schemas(spec)["JobKind"]["enum"].append("backup")
    _add_operation(spec)


def _ambiguous(spec: Spec) -> None:
    # Two strings went and one came: which was renamed cannot be told.
    del job(spec)["properties"]["note"]
    del job(spec)["properties"]["id"]
    job(spec)["required"] = ["state"]
    job(spec)["properties"]["label"] = {"type": "string"}


P = f"{JOB}/properties"
RULE_CASES: list[Any] = [
    pytest.param(
        lambda s: s["paths"].pop("/jobs"),
        [("breaking", "operation-removed", LIST_JOBS, None)],
        [],
        1,
        id="operation-removed",
    ),
    pytest.param(
        _add_operation,
        [("info", "operation-added", None, "/paths/~1jobs~1{job_id}~1cancel/post")],
        [],
        0,
        id="operation-added",
    ),
    pytest.param(
        lambda s: s["paths"].__setitem__("/v2/jobs", s["paths"].pop("/jobs")),
        [("breaking", "operation-moved", LIST_JOBS, "/paths/~1v2~1jobs/get")],
        [],
        1,
        id="operation-moved",
    ),
    pytest.param(
        lambda s: get_job(s).__setitem__("operationId", "fetchJob"),
        [
            (
                "breaking",
                "operation-renamed",
                f"{GET_JOB}/operationId",
                f"{GET_JOB}/operationId",
            )
        ],
        [],
        1,
        id="operation-renamed",
    ),
    pytest.param(
        lambda s: job(s)["properties"].pop("note"),
        [("breaking", "property-removed", f"{P}/note", None)],
        [],
        1,
        id="property-removed",
    ),
    pytest.param(
        _rename_note,
        [("breaking", "property-renamed", f"{P}/note", f"{P}/comment")],
        [],
        1,
        id="property-renamed",
    ),
    pytest.param(
        lambda s: job(s)["properties"]["exit_code"].__setitem__("type", "string"),
        [("breaking", "property-type-changed", f"{P}/exit_code", f"{P}/exit_code")],
        [],
        1,
        id="property-type-changed",
    ),
    pytest.param(
        lambda s: job(s)["properties"]["created_at"].__setitem__("format", "date"),
        [("breaking", "property-type-changed", f"{P}/created_at", f"{P}/created_at")],
        [],
        1,
        id="property-format-changed",
    ),
    pytest.param(
        lambda s: job(s)["properties"]["note"].__setitem__("type", ["string", "null"]),
        [("breaking", "property-nullable", f"{P}/note", f"{P}/note")],
        [],
        1,
        id="property-nullable-type-list",
    ),
    pytest.param(
        lambda s: job(s)["properties"].__setitem__(
            "state",
            {"anyOf": [{"$ref": "#/components/schemas/JobState"}, {"type": "null"}]},
        ),
        [("breaking", "property-nullable", f"{P}/state", f"{P}/state")],
        [],
        1,
        id="property-nullable-anyof",
    ),
    pytest.param(
        lambda s: job(s)["properties"]["finished_at"].__setitem__("type", "string"),
        [("warning", "property-not-nullable", f"{P}/finished_at", f"{P}/finished_at")],
        [],
        0,
        id="property-not-nullable",
    ),
    pytest.param(
        lambda s: job(s).__setitem__("required", ["id"]),
        [("breaking", "property-not-required", f"{P}/state", f"{P}/state")],
        [],
        1,
        id="property-not-required",
    ),
    pytest.param(
        lambda s: job(s)["required"].append("created_at"),
        [("warning", "property-required", f"{P}/created_at", f"{P}/created_at")],
        ["--fail-on", "warning"],
        1,
        id="property-required",
    ),
    pytest.param(
        lambda s: job(s)["properties"].__setitem__("comment", {"type": "string"}),
        [("info", "property-added", None, f"{P}/comment")],
        ["--fail-on", "warning"],
        0,
        id="property-added",
    ),
    pytest.param(
        lambda s: (
            job(s)["properties"].__setitem__("comment", {"type": "string"}),
            job(s)["required"].append("comment"),
        ),
        [("warning", "required-property-added", None, f"{P}/comment")],
        [],
        0,
        id="required-property-added",
    ),
    pytest.param(
        lambda s: schemas(s)["JobKind"]["enum"].append("backup"),
        [("breaking", "closed-enum-value-added", None, "/components/schemas/JobKind/enum/2")],
        [],
        1,
        id="closed-enum-value-added",
    ),
    pytest.param(
        lambda s: schemas(s)["JobState"]["enum"].insert(2, "failed"),
        [("warning", "open-enum-value-added", None, "/components/schemas/JobState/enum/2")],
        [],
        0,
        id="open-enum-value-added",
    ),
    pytest.param(
        lambda s: schemas(s)["JobKind"]["enum"].remove("export"),
        [("breaking", "enum-value-removed", "/components/schemas/JobKind/enum/1", None)],
        [],
        1,
        id="enum-value-removed",
    ),
    pytest.param(
        lambda s: schemas(s)["JobState"].pop("x-specbind-enum"),
        [],
        [],
        0,
        id="open-enum-annotation-dropped",
    ),
    pytest.param(
        lambda s: (
            schemas(s)["JobState"].pop("x-specbind-enum"),
            schemas(s)["JobState"]["enum"].append("paused"),
        ),
        [("warning", "open-enum-value-added", None, "/components/schemas/JobState/enum/3")],
        [],
        0,
        id="unannotated-enum-value-added",
    ),
    pytest.param(
        lambda s: schemas(s)["JobKind"].pop("x-specbind-enum"),
        [("info", "enum-opened", "/components/schemas/JobKind/x-specbind-enum", None)],
        [],
        0,
        id="closed-annotation-dropped",
    ),
    pytest.param(
        lambda s: schemas(s)["JobState"].__setitem__("x-specbind-enum", "closed"),
        [
            (
                "breaking",
                "enum-closed",
                "/components/schemas/JobState/x-specbind-enum",
                "/components/schemas/JobState/x-specbind-enum",
            )
        ],
        [],
        1,
        id="enum-closed",
    ),
    pytest.param(
        lambda s: get_job(s)["parameters"].append(
            {"name": "tenant", "in": "query", "required": True, "schema": {"type": "string"}}
        ),
        [("breaking", "required-parameter-added", None, f"{GET_JOB}/parameters/2")],
        [],
        1,
        id="required-parameter-added",
    ),
    pytest.param(
        lambda s: verbose(s).__setitem__("required", True),
        [
            (
                "breaking",
                "required-parameter-added",
                f"{GET_JOB}/parameters/1",
                f"{GET_JOB}/parameters/1",
            )
        ],
        [],
        1,
        id="parameter-made-required",
    ),
    pytest.param(
        lambda s: get_job(s)["parameters"].append(
            {"name": "fields", "in": "query", "schema": {"type": "string"}}
        ),
        [("info", "parameter-added", None, f"{GET_JOB}/parameters/2")],
        [],
        0,
        id="parameter-added",
    ),
    pytest.param(
        lambda s: get_job(s)["parameters"].pop(1),
        [("breaking", "parameter-removed", f"{GET_JOB}/parameters/1", None)],
        [],
        1,
        id="parameter-removed",
    ),
    pytest.param(
        lambda s: get_job(s)["parameters"][0]["schema"].__setitem__("pattern", "^job_[a-z]+$"),
        [
            (
                "breaking",
                "parameter-tightened",
                f"{GET_JOB}/parameters/0/schema/pattern",
                f"{GET_JOB}/parameters/0/schema/pattern",
            )
        ],
        [],
        1,
        id="parameter-pattern-tightened",
    ),
    pytest.param(
        lambda s: verbose(s)["schema"].__setitem__("maximum", 1),
        [
            (
                "breaking",
                "parameter-tightened",
                f"{GET_JOB}/parameters/1/schema/maximum",
                f"{GET_JOB}/parameters/1/schema/maximum",
            )
        ],
        [],
        1,
        id="parameter-range-tightened",
    ),
    pytest.param(
        lambda s: get_job(s)["parameters"][0]["schema"].__setitem__("minLength", 5),
        [("breaking", "parameter-tightened", None, f"{GET_JOB}/parameters/0/schema/minLength")],
        [],
        1,
        id="parameter-min-length-added",
    ),
    pytest.param(
        lambda s: verbose(s)["schema"].__setitem__("type", "boolean"),
        [
            (
                "breaking",
                "parameter-tightened",
                f"{GET_JOB}/parameters/1/schema",
                f"{GET_JOB}/parameters/1/schema",
            )
        ],
        [],
        1,
        id="parameter-type-changed",
    ),
    pytest.param(
        lambda s: verbose(s)["schema"].__setitem__("maximum", 5),
        [
            (
                "info",
                "parameter-loosened",
                f"{GET_JOB}/parameters/1/schema/maximum",
                f"{GET_JOB}/parameters/1/schema/maximum",
            )
        ],
        [],
        0,
        id="parameter-range-loosened",
    ),
    pytest.param(
        lambda s: get_job(s)["responses"].pop("404"),
        [("breaking", "status-removed", f"{GET_JOB}/responses/404", None)],
        [],
        1,
        id="status-removed",
    ),
    pytest.param(
        lambda s: get_job(s)["responses"].__setitem__(
            "409", copy.deepcopy(get_job(s)["responses"]["404"])
        ),
        [("warning", "status-documented", None, f"{GET_JOB}/responses/409")],
        [],
        0,
        id="status-documented",
    ),
    pytest.param(
        lambda s: s["components"]["securitySchemes"]["ApiKey"].__setitem__("name", "x-token"),
        [
            (
                "breaking",
                "security-changed",
                "/components/securitySchemes/ApiKey",
                "/components/securitySchemes/ApiKey",
            )
        ],
        [],
        1,
        id="security-scheme-changed",
    ),
    pytest.param(
        lambda s: (
            s["components"]["securitySchemes"].__setitem__(
                "Bearer", {"type": "http", "scheme": "bearer"}
            ),
            s.__setitem__("security", [{"Bearer": []}]),
        ),
        [
            ("breaking", "security-changed", "/security", "/security"),
            ("info", "security-added", "/security", "/security"),
            ("info", "security-added", None, "/components/securitySchemes/Bearer"),
        ],
        [],
        1,
        id="security-requirement-changed",
    ),
    pytest.param(
        lambda s: s["servers"][0].__setitem__("url", "https://api.example.org"),
        [("breaking", "server-changed", "/servers/0/url", "/servers/0/url")],
        [],
        1,
        id="server-changed",
    ),
    pytest.param(
        lambda s: s["servers"].append({"url": "https://eu.example.com"}),
        [("info", "server-added", None, "/servers/1/url")],
        [],
        0,
        id="server-added",
    ),
    pytest.param(
        lambda s: job(s)["properties"]["exit_code"].__setitem__("description", "At most 127."),
        [
            (
                "warning",
                "constraint-description-changed",
                f"{P}/exit_code/description",
                f"{P}/exit_code/description",
            )
        ],
        ["--fail-on", "warning"],
        1,
        id="constraint-description-changed",
    ),
    pytest.param(
        lambda s: verbose(s).__setitem__("description", "How much to say, at least 1."),
        [
            (
                "warning",
                "constraint-description-changed",
                f"{GET_JOB}/parameters/1/description",
                f"{GET_JOB}/parameters/1/description",
            )
        ],
        [],
        0,
        id="parameter-constraint-description-changed",
    ),
    pytest.param(
        lambda s: job(s)["properties"]["created_at"].__setitem__(
            "description", "The time at which the job was created."
        ),
        [],
        ["--fail-on", "warning"],
        0,
        id="description-reworded-only",
    ),
    pytest.param(
        _add_example,
        [
            (
                "info",
                "example-added",
                None,
                f"{GET_JOB}/responses/200/content/application~1json/examples/queued",
            )
        ],
        [],
        0,
        id="example-added",
    ),
    pytest.param(
        _several,
        [
            ("breaking", "property-removed", f"{P}/note", None),
            ("breaking", "closed-enum-value-added", None, "/components/schemas/JobKind/enum/2"),
            ("info", "property-added", None, f"{P}/attempts"),
            ("info", "operation-added", None, "/paths/~1jobs~1{job_id}~1cancel/post"),
        ],
        [],
        1,
        id="several-changes",
    ),
    pytest.param(
        _ambiguous,
        [
            ("breaking", "property-removed", f"{P}/id", None),
            ("breaking", "property-removed", f"{P}/note", None),
            ("info", "property-added", None, f"{P}/label"),
        ],
        [],
        1,
        id="ambiguous-rename-is-not-a-rename",
    ),
    pytest.param(
        lambda s: (
            job(s)["properties"].pop("exit_code"),
            verbose(s)["schema"].__setitem__("minimum", 1),
            schemas(s)["JobState"]["enum"].append("failed"),
        ),
        [
            ("breaking", "property-removed", f"{P}/exit_code", None),
            (
                "breaking",
                "parameter-tightened",
                f"{GET_JOB}/parameters/1/schema/minimum",
                f"{GET_JOB}/parameters/1/schema/minimum",
            ),
            ("warning", "open-enum-value-added", None, "/components/schemas/JobState/enum/3"),
        ],
        ["--fail-on", "never"],
        0,
        id="several-changes-fail-on-never",
    ),
    pytest.param(lambda s: None, [], [], 0, id="no-change"),
]


@pytest.mark.parametrize(("mutation", "expected", "args", "status"), RULE_CASES)
def test_rule(
    base_file: Path,
    tmp_path: Path,
    mutation: Callable[[Spec], object],
    expected: Expected,
    args: list[str],
    status: int,
) -> None:
    new = write(tmp_path / "new.yaml", mutated(mutation))
    done = specbind("diff", base_file, new, "--format", "json", "--no-api", *args)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == status, done.stdout + done.stderr
    report = json.loads(done.stdout)
    found = sorted(
        ((c["severity"], c["rule"], c["old_pointer"], c["new_pointer"]) for c in report["changes"]),
        key=str,
    )
    assert found == sorted(expected, key=str), json.dumps(report["changes"], indent=2)
    loaded = load_spec(new)
    for change in report["changes"]:
        assert change["severity"] == RULES[change["rule"]][0]
        assert change["location"] == f"{new}:{change['line']}"
        if change["new_pointer"] is not None:
            assert change["line"] == loaded.locate(change["new_pointer"])[0]
    assert report["exit_status"] == status


def test_recursive_schemas_are_compared_once_each(tmp_path: Path) -> None:
    """A job's child jobs are jobs: the walk stops where it has been, and each change is
    reported once, at the schema it is in."""
    old = FIXTURES / "recursive" / "recursive.yaml"
    text = old.read_text(encoding="utf-8").replace(
        "        owner:\n", "        note:\n          type: string\n        owner:\n"
    )
    new = tmp_path / "new.yaml"
    new.write_text(text, encoding="utf-8")
    done = specbind("diff", old, new, "--format", "json", "--no-api")
    assert "Traceback" not in done.stderr, done.stderr
    changes = json.loads(done.stdout)["changes"]
    assert [(c["rule"], c["new_pointer"]) for c in changes] == [
        ("property-added", "/components/schemas/Job/properties/note")
    ]
    assert done.returncode == 0


def test_text_report_groups_by_severity_and_ends_with_a_summary(
    base_file: Path, tmp_path: Path
) -> None:
    new = write(tmp_path / "new.yaml", mutated(_several))
    done = specbind("diff", base_file, new, "--no-api")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"specbind diff: {base_file} → {new}"
    assert lines.index("breaking (2)") < lines.index("info (2)")
    assert "warning (" not in done.stdout
    line = load_spec(new).locate(f"{P}/attempts")[0]
    assert f"  {new}:{line}: property-added: Job.attempts was added" in lines
    assert lines[-1] == "summary: 2 breaking, 0 warning, 2 info; fails --fail-on breaking"


def test_an_unchanged_spec_reports_no_changes(base_file: Path) -> None:
    done = specbind("diff", base_file, base_file, "--no-api")
    assert done.returncode == 0
    assert "no changes to the contract" in done.stdout


# -- The Python API effect -----------------------------------------------------------------


def _api_changes(spec: Spec) -> None:
    _rename_note(spec)
    verbose(spec)["required"] = True
    schemas(spec)["JobKind"]["enum"].append("backup")
    get_job(spec)["operationId"] = "fetchJob"


def test_markdown_report_with_the_python_api_effect(base_file: Path, tmp_path: Path) -> None:
    new = write(tmp_path / "new.yaml", mutated(_api_changes))
    done = specbind("diff", base_file, new, "--format", "markdown")
    assert done.returncode == 1, done.stderr
    text = done.stdout
    assert text.startswith(f"## specbind diff: `{base_file}` → `{new}`\n")
    assert "### Breaking (4)\n\n| Rule | Where | Change |\n| --- | --- | --- |\n" in text
    assert "| `property-renamed` |" in text
    assert "### Warning" not in text
    # The API effect: what a caller of the generated package sees change.
    api = text.split("<summary>Python API effect", 1)[1].split("</details>", 1)[0]
    assert "+ models.Job.comment: str | Unset" in api
    assert "- models.Job.note: str | Unset" in api
    assert "+ models.JobKind.BACKUP = 'backup'" in api
    assert "- Client.get_job() -> models.Job" in api
    assert "+ Client.fetch_job() -> models.Job" in api
    assert "+ Client.fetch_job(verbose): int, positional" in api
    assert "- Client.get_job(verbose): int | None = None, keyword-only" in api
    # Table cells escape the pipe of `str | Unset`; the diff block does not need to.
    assert "```diff\n" in api
    for row in text.splitlines():
        if row.startswith("| `"):
            assert row.count(" | ") - row.count("\\|") >= 2


def test_the_api_effect_is_skipped_with_a_note_when_a_spec_fails_lint(
    base_file: Path, tmp_path: Path
) -> None:
    spec = mutated(lambda s: schemas(s)["JobKind"].__setitem__("x-specbind-enum", "maybe"))
    new = write(tmp_path / "new.yaml", spec)
    done = specbind("diff", base_file, new, "--format", "json")
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["api"]["changes"] == []
    assert report["api"]["note"].startswith(f"not computed: NEW ({new}) has 1 lint problem(s)")


# -- The real case: Vectara's spec of 2026-07 against 2026-01 ------------------------------


def test_vectara_2026_07_report() -> None:
    done = specbind(
        "diff",
        "old.yaml",
        "new.yaml",
        "--fixtures",
        "captures",
        "--operation",
        "getJob",
        cwd=VECTARA,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == (VECTARA / "expected.txt").read_text(encoding="utf-8")
    classified = [line for line in done.stdout.splitlines() if line.startswith("  new.yaml:")]
    assert classified == [
        '  new.yaml:178: closed-enum-value-added: closed enum JobType gained "bulk_delete_'
        'documents": a client built from OLD rejects a response that carries it',
        '  new.yaml:179: closed-enum-value-added: closed enum JobType gained "bulk_update_document_'
        'metadata": a client built from OLD rejects a response that carries it',
        "  new.yaml:134: property-required: Job.id is now required: a response without it is "
        "rejected",
        "  new.yaml:164: property-added: Job.comment was added",
    ]


def test_vectara_captures_whose_verdict_flips() -> None:
    done = specbind(
        "diff",
        "old.yaml",
        "new.yaml",
        "--no-api",
        "--format",
        "json",
        "--fixtures",
        "captures",
        "--operation",
        "getJob",
        cwd=VECTARA,
    )
    report = json.loads(done.stdout)
    fixtures = report["fixtures"]
    assert (fixtures["files"], fixtures["captures"]) == (4, 6)
    flips = {flip["input"]: (flip["old"], flip["new"]) for flip in fixtures["flips"]}
    assert flips == {
        # The new job type: rejected by the closed enum of 2026-01, accepted now.
        "captures/bulk_delete.json": (
            {"outcome": "invalid", "detail": "/type: value not in enum"},
            {"outcome": "valid", "detail": ""},
        ),
        # A capture without `id`: fine while nothing was required, invalid now.
        "captures/jobs.jsonl:2": (
            {"outcome": "valid", "detail": ""},
            {"outcome": "invalid", "detail": "/id: required property missing"},
        ),
        # A HAR entry is matched to getJob by its path; listJobs' entry does not flip.
        "captures/session.har#entry 0 GET https://api.vectara.io/v2/jobs/job_5Tr8Mn4QsLc": (
            {"outcome": "invalid", "detail": "/type: value not in enum"},
            {"outcome": "valid", "detail": ""},
        ),
    }


def test_json_bodies_need_an_operation_when_the_spec_has_several() -> None:
    done = specbind(
        "diff", "old.yaml", "new.yaml", "--no-api", "--fixtures", "captures", cwd=VECTARA
    )
    # The JSON bodies cannot be checked on either side, so only the HAR entry flips.
    assert "captures whose verdict changes (1 of 6 captures in 4 files)" in done.stdout
    assert "session.har#entry 0" in done.stdout


# -- Git revisions -------------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=specbind", "-c", "user.email=specbind@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose specs/jobs.yaml lost `note` in its second commit and its
    `exit_code` in the working copy."""
    root = tmp_path_factory.mktemp("repo")
    git(root, "init", "-q")
    spec = write(root / "specs" / "jobs.yaml", BASE)
    git(root, "add", "specs/jobs.yaml")
    git(root, "commit", "-q", "-m", "first")
    write(spec, mutated(lambda s: job(s)["properties"].pop("note")))
    git(root, "commit", "-q", "-am", "second")
    write(spec, mutated(lambda s: [job(s)["properties"].pop(k) for k in ("note", "exit_code")]))
    return root


def _rules(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str]]:
    assert "Traceback" not in done.stderr, done.stderr
    report = json.loads(done.stdout)
    return [(c["rule"], c["old_pointer"], c["location"]) for c in report["changes"]]


def test_one_spec_is_compared_with_its_version_at_head(repo: Path) -> None:
    done = specbind("diff", "specs/jobs.yaml", "--no-api", "--format", "json", cwd=repo)
    assert done.returncode == 1
    line = load_spec(repo / "specs" / "jobs.yaml").locate(f"{P}")[0]
    assert _rules(done) == [("property-removed", f"{P}/exit_code", f"specs/jobs.yaml:{line}")]
    assert json.loads(done.stdout)["old"]["spec"] == "HEAD:specs/jobs.yaml"


def test_one_spec_from_inside_its_directory(repo: Path) -> None:
    done = specbind("diff", "jobs.yaml", "--no-api", cwd=repo / "specs")
    assert done.returncode == 1
    assert done.stdout.startswith("specbind diff: HEAD:jobs.yaml → jobs.yaml\n")


def test_two_revisions(repo: Path) -> None:
    done = specbind(
        "diff",
        "HEAD~1:specs/jobs.yaml",
        "HEAD:specs/jobs.yaml",
        "--no-api",
        "--format",
        "json",
        cwd=repo,
    )
    assert done.returncode == 1
    [(rule, pointer, location)] = _rules(done)
    assert (rule, pointer) == ("property-removed", f"{P}/note")
    assert location.startswith("HEAD:specs/jobs.yaml:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope:specs/jobs.yaml", "specs/jobs.yaml"], "nope:specs/jobs.yaml: git cannot read it: "),
        (["HEAD:specs/gone.yaml", "specs/jobs.yaml"], "does not exist in 'HEAD'"),
        (["HEAD~5:specs/jobs.yaml", "specs/jobs.yaml"], "git cannot read it"),
        (["HEAD:specs", "specs/jobs.yaml"], "it names a directory, not a file"),
        (["HEAD:specs/jobs.yaml"], "a git revision needs NEW as well"),
    ],
)
def test_bad_revisions(repo: Path, args: list[str], message: str) -> None:
    done = specbind("diff", *args, "--no-api", cwd=repo)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("specbind diff: error: ")
    assert message in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_outside_a_repository(tmp_path: Path) -> None:
    write(tmp_path / "jobs.yaml", BASE)
    done = specbind("diff", "jobs.yaml", "--no-api", cwd=tmp_path)
    assert done.returncode == 2
    assert "HEAD:jobs.yaml: git cannot read it: not a git repository" in done.stderr


# -- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml", "{base}"], "missing.yaml: load: no such file"),
        (["{base}", "tests/bad_specs/broken.yaml"], "broken.yaml:6:1: load: invalid YAML"),
        (["{base}", "{base}", "--fixtures", "nowhere"], "--fixtures nowhere: no such file"),
        (["{base}", "{base}", "--status", "20x"], "--status 20x: not a status"),
        (
            ["{base}", "{base}", "--fixtures", str(VECTARA / "captures"), "--operation", "nope"],
            "--operation nope: in neither spec (known: getJob, listJobs)",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(base_file: Path, args: list[str], message: str) -> None:
    done = specbind("diff", *(a.format(base=base_file) for a in args), "--no-api")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("specbind diff: error: ")
    assert message in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_bad_option_is_a_usage_error(base_file: Path) -> None:
    done = specbind("diff", base_file, base_file, "--format", "html")
    assert done.returncode == 2
    assert "invalid choice: 'html'" in done.stderr


def test_help_lists_every_rule_and_examples() -> None:
    done = specbind("diff", "--help")
    assert done.returncode == 0
    for rule in RULES:
        assert f"    {rule} " in done.stdout
    assert "examples:\n  specbind diff specs/vectara.yaml\n" in done.stdout

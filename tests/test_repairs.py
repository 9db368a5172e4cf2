"""Harmless faults of a published spec (issue 17), as users meet them: ``specbind lint``
warns of each at its line and the loader repairs it with the meaning its author meant;
``--strict`` still fails on them; generate serves the document; validate judges payloads
by the repaired document and says so.

Each spec under tests/fixtures/repairs is one fault as openai.yaml has it; its
``.expected`` file is the exact output of ``specbind lint`` (first line ``# exit N``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specbind import load_spec
from test_versions_cli import specbind

REPAIRS = Path(__file__).parent / "fixtures" / "repairs"
SPECS = sorted(REPAIRS.glob("*.yaml"))
#: The fixtures whose every finding is a warning: lint passes, but not under --strict.
WARNED = [
    spec
    for spec in SPECS
    if spec.name.split(".")[0] not in ("default-type", "allof-enums-disjoint")
]
#: The specs (of 3.1 and 3.0) that load with no repair at all.
VALID = [
    *sorted((Path(__file__).parents[1] / "specs").glob("*.yaml")),
    Path(__file__).parent / "corpus" / "petstore-v31.yaml",
    Path(__file__).parent / "corpus" / "callbacks.yaml",
]


def run(*args: str | Path, cwd: Path = REPAIRS) -> subprocess.CompletedProcess[str]:
    return specbind(*args, cwd=cwd)


def expected(spec: Path) -> tuple[int, list[str]]:
    first, *lines = spec.with_name(spec.name + ".expected").read_text("utf-8").splitlines()
    assert first.startswith("# exit "), spec
    return int(first.removeprefix("# exit ")), lines


@pytest.mark.parametrize("spec", SPECS, ids=lambda path: path.name)
def test_lint_warns_of_each_repair_at_its_line(spec: Path) -> None:
    status, lines = expected(spec)
    done = run("lint", spec.name)
    assert done.stdout.splitlines() == lines
    assert done.returncode == status


@pytest.mark.parametrize("spec", WARNED, ids=lambda path: path.name)
def test_repairs_fail_lint_under_strict(spec: Path, tmp_path: Path) -> None:
    assert run("lint", spec.name).returncode == 0
    assert run("lint", "--strict", spec.name).returncode == 1
    (tmp_path / "specs").mkdir()
    shutil.copy(spec, tmp_path / "specs" / spec.name)
    (tmp_path / "pyproject.toml").write_text("[tool.specbind]\nstrict = true\n", "utf-8")
    assert run("lint", cwd=tmp_path).returncode == 1


def _schema(spec: Any, name: str) -> Any:
    return spec.data["components"]["schemas"][name]


def test_required_lists_each_name_once() -> None:
    spec = load_spec(REPAIRS / "required-twice.yaml")
    assert _schema(spec, "Job")["required"] == ["id", "name"]


def test_boolean_exclusive_bounds_have_their_openapi_30_meaning() -> None:
    job = _schema(load_spec(REPAIRS / "exclusive-boolean.yaml"), "Job")["properties"]
    assert job["rate"] == {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
    assert job["weight"] == {"type": "number"}


def test_defaults_of_a_type_their_schema_refuses_are_dropped_and_no_other() -> None:
    spec = load_spec(REPAIRS / "default-type.yaml")
    job = _schema(spec, "Job")["properties"]
    assert "default" not in job["options"]["anyOf"][0]
    assert "default" not in job["include"]
    assert "default" not in _schema(spec, "Owner")
    # 3.0's nullable means nothing in 3.1: null is no object there.
    assert "default" not in job["limits"]
    # Of its type, but below the minimum: no obvious reading, so kept (and an error).
    assert job["priority"]["default"] == 0


def test_recursive_ref_is_a_ref_to_the_anchored_schema() -> None:
    spec = load_spec(REPAIRS / "recursive-anchor.yaml")
    compound = _schema(spec, "CompoundFilter")
    assert "$recursiveAnchor" not in compound
    assert compound["properties"]["filters"]["items"]["anyOf"][1] == {
        "$ref": "#/components/schemas/CompoundFilter"
    }


def test_an_openapi_30_document_is_repaired_in_both_its_forms() -> None:
    spec = load_spec(REPAIRS / "openapi-30.yaml")
    job = _schema(spec, "Job")
    assert job["required"] == ["id"]
    assert "default" not in job["properties"]["options"]
    # nullable: null is of its type.
    assert job["properties"]["note"]["default"] is None
    assert spec.written is not None
    written = spec.written["components"]["schemas"]["Job"]
    assert written["required"] == ["id"]
    assert "default" not in written["properties"]["options"]
    assert written["properties"]["rate"]["exclusiveMinimum"] is True  # valid 3.0


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_a_valid_spec_is_loaded_unrepaired(path: Path) -> None:
    spec = load_spec(path)
    assert [str(found) for found in spec.load_warnings if found.rule == "openapi"] == []


def test_generate_serves_the_repaired_specs(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    for spec in WARNED:
        shutil.copy(spec, tmp_path / "specs" / spec.name.replace("-", "_"))
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specbind]\noutput = "bound"\npackage = "bound"\n', "utf-8"
    )
    done = run("generate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    probe = (
        "import json, typing\n"
        "from bound.allof_enums import models, converter\n"
        "status = typing.get_type_hints(models.OutputResource)['status']\n"
        "assert status is models.OutputResourceStatus, status\n"
        "values = [member.value for member in status]\n"
        "from bound.recursive_anchor import models as rm, converter as rc\n"
        "tree = {'filters': [{'filters': [{'key': 'a'}]}]}\n"
        "made = rc.structure(tree, rm.CompoundFilter)\n"
        "inner = made.filters[0]\n"
        "print(json.dumps([values, type(inner).__name__, rc.unstructure(made)]))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    values, inner, again = json.loads(shown.stdout)
    assert values == ["completed", "incomplete"]
    assert inner == "CompoundFilter"
    assert again == {"filters": [{"filters": [{"key": "a"}]}]}


@pytest.mark.parametrize(
    ("spec", "operation", "body", "valid"),
    [
        ("exclusive-boolean.yaml", "getJob", {"id": "a", "rate": 0.5}, True),
        # 3.0's exclusiveMinimum: true beside minimum: 0 excludes 0.
        ("exclusive-boolean.yaml", "getJob", {"id": "a", "rate": 0}, False),
        ("recursive-anchor.yaml", "getFilter", {"filters": [{"filters": [{"key": "a"}]}]}, True),
        # A nested filter is a CompoundFilter or a ComparisonFilter, not anything.
        ("recursive-anchor.yaml", "getFilter", {"filters": [{"filters": [{"k": 1}]}]}, False),
        ("allof-enums.yaml", "getOutput", {"id": "a", "status": "completed"}, True),
        ("required-twice.yaml", "getJob", {"id": "a", "name": "b"}, True),
        ("required-twice.yaml", "getJob", {"name": "b"}, False),
    ],
)
def test_validate_judges_by_the_repaired_spec_and_says_so(
    tmp_path: Path, spec: str, operation: str, body: Any, valid: bool
) -> None:
    payload = tmp_path / "body.json"
    payload.write_text(json.dumps(body), "utf-8")
    done = run(
        "validate", "--spec", REPAIRS / spec, "--operation", operation, payload, cwd=tmp_path
    )
    assert done.returncode == (0 if valid else 1), done.stdout + done.stderr
    if spec != "allof-enums.yaml":  # its warning is generate's, not the loader's
        assert "payloads are judged by the spec as repaired on load: " in done.stdout


_TYPES = ["null", "boolean", "integer", "number", "string", "array", "object"]
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, 2.0]),
    st.sampled_from(["", "a"]),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 2), max_size=2),
)
_JSON_TYPES = {
    type(None): {"null"},
    bool: {"boolean"},
    int: {"integer", "number"},
    float: {"number"},
    str: {"string"},
    list: {"array"},
    dict: {"object"},
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=6),
    declared=st.lists(st.sampled_from(_TYPES), min_size=1, max_size=3, unique=True),
    default=_VALUES,
)
def test_repairs_leave_no_openapi_error_and_keep_every_default_of_its_type(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], declared: list[str], default: Any
) -> None:
    """Whatever the duplicates in ``required`` and the default's type, lint finds no
    ``openapi`` error (a default of the schema's type is valid: the schema has no other
    keyword), the loaded ``required`` lists each name once in its first order, a default
    survives exactly when its type is declared, and each repair is one warning."""
    from specbind._lint import lint_spec

    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: {"type": "string"} for name in names},
        "required": names,
    }
    schema["properties"]["v"] = {"type": declared, "default": default}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Thing": schema}},
    }
    path = tmp_path_factory.mktemp("repairs") / "spec.json"
    path.write_text(json.dumps(document), "utf-8")
    spec = load_spec(path)
    thing = spec.data["components"]["schemas"]["Thing"]
    assert thing["required"] == list(dict.fromkeys(names))
    kinds = _JSON_TYPES[type(default)] | (
        {"integer"} if isinstance(default, float) and default.is_integer() else set()
    )
    kept = bool(kinds & set(declared))
    assert ("default" in thing["properties"]["v"]) == kept
    repairs = [found for found in spec.load_warnings if found.rule == "openapi"]
    assert len(repairs) == (len(names) != len(set(names))) + (not kept)
    problems = lint_spec(spec)
    assert [str(found) for found in problems if found.rule == "openapi" and found.is_error] == []

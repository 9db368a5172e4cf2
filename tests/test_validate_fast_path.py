"""`specbind validate`'s first look (jsonschema-rs) never changes what it reports.

A payload the first look calls clean skips the Python schema layer and the unknown-field
walk; every other payload goes through them. On random mutations of valid payloads,
a checker with the first look and one without must give identical results.
"""

from __future__ import annotations

import copy
import functools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _support import FIXTURES, ROOT, SPEC_NAMES, iter_response_examples
from hypothesis import given, settings
from hypothesis import strategies as st
from specbind import load_spec
from specbind._validate._check import Checker, Options
from specbind._validate._fast import JSONSCHEMA_FORMATS, FirstLook
from specbind._validate._inputs import Body
from specbind._validate._validator import build_checker

_CASES = [
    (name, operation, status, value)
    for name in SPEC_NAMES
    for operation, status, _, value in iter_response_examples(
        load_spec(ROOT / "specs" / f"{name}.yaml")
    )
] + [
    ("prunner", "getJobDetail", "200", json.loads(path.read_text()))
    for path in sorted((FIXTURES / "prunner").glob("detail_*.json"))
]
# Values that sit on the edges where jsonschema-rs and the Python layers could differ.
_ODD_VALUES = [
    None, True, False, 0, 1, -1, 1.0, 1.5, 2**31, 2**63, -(2**63) - 1, 10**30, "", "x",
    "done", "paused", "queued", [], ["a"], {}, {"k": 1},
    "2026-11-23T07:28:20Z", "2026-11-23t07:28:20z", "2026-11-23T07:28:20.5+02:00",
    "2016-12-31T23:59:60Z", "2024-02-29T00:00:00Z", "2026-02-29T00:00:00Z",
    "2026-11-23T07:28:20Z\n", "2026-11-23 07:28:20Z", "0000-01-01T00:00:00Z",
    "202+-11-23T07:28:20Z",
    "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8", "52A5CB79-7556-4C52-8E6F-DD6AAF1BC4C8",
    "{52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8}", "52a5cb7975564c528e6fdd6aaf1bc4c8",
    "job_1", "job_\n", "abc\n", "\u0661\u0662",
]  # fmt: skip
_KEYS = ["extra", "id", "kind", "status", "state", "tasks", "lastError", "variables"]


class _NoFirstLook(FirstLook):
    def clean(self, schema: str, value: Any) -> bool:
        return False


@functools.cache
def _checkers(name: str, operation: str, status: str, strict: bool) -> tuple[Checker, Checker]:
    options = Options(str(ROOT / "specs" / f"{name}.yaml"), operation, status, strict)
    fast, slow = build_checker(options), build_checker(options)
    slow.first_look = _NoFirstLook(load_spec(options.spec))
    return fast, slow


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(value, (dict, list)):
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _paths(item, (*prefix, key))


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, str, str, Any]:
    name, operation, status, value = draw(st.sampled_from(_CASES))
    value = copy.deepcopy(value)
    for _ in range(draw(st.integers(0, 3))):
        paths = list(_paths(value))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        odd = copy.deepcopy(draw(st.sampled_from(_ODD_VALUES)))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(_KEYS))] = odd
        else:
            parent[path[-1]] = odd
    return name, operation, status, value


@settings(max_examples=300, deadline=None)
@given(case=_mutated(), strict=st.booleans())
def test_the_first_look_changes_no_finding(case: tuple[str, str, str, Any], strict: bool) -> None:
    name, operation, status, value = case
    fast, slow = _checkers(name, operation, status, strict)
    body = Body("mutated.json", json.dumps(value).encode())
    assert fast.check(body) == slow.check(body)


def test_payloads_without_findings_take_the_first_look() -> None:
    looked = 0
    for name, operation, status, value in _CASES:
        fast, slow = _checkers(name, operation, status, False)
        schema = fast.index.operations[operation].responses[status].json_schema()
        assert schema is not None
        clean = fast.first_look.clean(schema, value)
        if name == "veryfront":
            # Its tagged unions are oneOf, its fallback kind a `not`: no first look.
            assert not clean
        elif not slow.check(Body("example.json", json.dumps(value).encode())).findings:
            assert clean, (name, operation, status)
            looked += 1
    assert looked >= 10


@pytest.mark.parametrize(
    ("pattern", "pipeline", "clean"),
    [
        (r"^\w+$", "deps", True),
        (r"^\w+$", "dé", False),
        (r"^\w+$", "deps\n", False),
        ("^(a+)+$", "a" * 10_000, True),
        ("^(a+)+$", "a" * 10_000 + "!", False),
        ("^.$", "\u2028", False),
    ],
)
def test_the_first_look_reads_patterns_as_the_engine_does(
    tmp_path: Path, pattern: str, pipeline: str, clean: bool
) -> None:
    data = copy.deepcopy(load_spec(ROOT / "specs" / "prunner.yaml").data)
    data["components"]["schemas"]["Job"]["properties"]["pipeline"]["pattern"] = pattern
    path = tmp_path / "pattern.json"
    path.write_text(json.dumps(data))
    value = json.loads((FIXTURES / "prunner" / "detail_deps_done.json").read_text())
    value["pipeline"] = pipeline
    assert FirstLook(load_spec(path)).clean("/components/schemas/Job", value) is clean


def test_schemas_the_libraries_may_read_differently_get_no_first_look(tmp_path: Path) -> None:
    spec = load_spec(ROOT / "specs" / "prunner.yaml")
    data = copy.deepcopy(spec.data)
    job = data["components"]["schemas"]["Job"]
    pattern = tmp_path / "pattern.json"
    # jsonschema-rs would match patternProperties keys with its own engine.
    job["patternProperties"] = {"^x-": {"type": "string"}}
    pattern.write_text(json.dumps(data))
    del job["patternProperties"]
    job["properties"]["pipeline"] = {"type": "string", "format": "email"}
    email = tmp_path / "email.json"
    email.write_text(json.dumps(data))
    value = json.loads((FIXTURES / "prunner" / "detail_deps_done.json").read_text())
    for path in (pattern, email):
        look = FirstLook(load_spec(path))
        assert not look.clean("/components/schemas/Job", value), path
    assert FirstLook(spec).clean("/components/schemas/Job", value)
    # A job with an unknown key matches both branches, so oneOf fails; a closed Job
    # branch would refuse the key and leave one match, a pass.
    data = copy.deepcopy(spec.data)
    data["components"]["schemas"]["Loose"] = {"type": "object"}
    data["components"]["schemas"]["Either"] = {
        "oneOf": [{"$ref": "#/components/schemas/Job"}, {"$ref": "#/components/schemas/Loose"}]
    }
    one_of = tmp_path / "one_of.json"
    one_of.write_text(json.dumps(data))
    assert not FirstLook(load_spec(one_of)).clean("/components/schemas/Either", value | {"x": 1})


def test_the_formats_jsonschema_may_check_are_all_known() -> None:
    # Formats outside JSONSCHEMA_FORMATS are taken as unchecked by the schema layer
    # without importing jsonschema: none it checks here may be missing.
    from jsonschema import Draft202012Validator

    checked = set(Draft202012Validator.FORMAT_CHECKER.checkers)
    assert checked <= JSONSCHEMA_FORMATS
    assert "date-time" in checked  # rfc3339-validator is installed: the usual case


def test_a_clean_run_imports_no_jsonschema() -> None:
    lines = FIXTURES / "validate" / "prunner_jobs.jsonl"
    code = (
        "import sys\n"
        "from specbind._validate._validator import Validator\n"
        "v = Validator('prunner', operation='getJobDetail')\n"
        f"body = open({str(lines)!r}, 'rb').readline()\n"
        "assert not v.check_body(body).findings\n"
        "assert 'jsonschema' not in sys.modules, 'jsonschema imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr

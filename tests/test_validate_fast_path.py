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
import tempfile
from collections import Counter
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
    looked: Counter[str] = Counter()
    for name, operation, status, value in _CASES:
        fast, slow = _checkers(name, operation, status, False)
        schema = fast.index.operations[operation].responses[status].json_schema()
        assert schema is not None
        clean = fast.first_look.clean(schema, value)
        if not slow.check(Body("example.json", json.dumps(value).encode())).findings:
            assert clean, (name, operation, status)
            looked[name] += 1
    assert sum(looked.values()) >= 10
    # Veryfront's tagged unions (oneOf, the fallback kind a `not`) take it too.
    assert looked["veryfront"] >= 3, looked


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


#: What a branch of a generated tagged union says of its tag, and a value it takes.
_TAGS = [
    ({"const": "a"}, "a"),
    ({"const": "b"}, "b"),
    ({"type": "string", "const": "c"}, "c"),
    ({"enum": ["a", "b"]}, "b"),
    ({"enum": ["c", "d"]}, "d"),
    ({"not": {"const": "a"}}, "z"),
    ({"not": {"enum": ["a", "b"]}}, "c"),
    ({"type": "string", "not": {"const": "c"}}, "a"),
    ({"const": 1}, 1),
    ({"type": "string"}, "q"),
]
#: Tags that set branches apart: distinct constants, and a fallback for the rest.
_APART = [[0, 1, 2], [0, 1, 6], [0, 5], [3, 4], [2, 7], [3, 4, 6], [0, 1]]
#: Fields a branch may declare, and a value each takes.
_FIELDS = {
    "n": ({"type": "integer", "format": "int32"}, 7),
    "s": ({"type": "string", "pattern": "^[a-z]+$"}, "abc"),
    "when": ({"type": "string", "format": "date-time"}, "2026-11-23T07:28:20Z"),
    "inner": ({"type": "object", "properties": {"x": {"type": "string"}}}, {"x": "y"}),
}
_ODD = st.sampled_from(
    ["a", "b", "c", "", 1, 2**40, None, "2026-02-29T00:00:00Z", "ABC", {"x": 1}, {"z": 0}]
)


@st.composite
def _tagged_union(draw: st.DrawFn) -> tuple[str, Any]:
    """A spec whose one answer is a oneOf of object branches tagged by ``kind`` (most
    set apart by their tags, some alike, some not objects or not requiring the tag), and
    a payload: most often one a branch takes, then maybe broken in one place."""
    if draw(st.integers(0, 3)):
        tags = [_TAGS[index] for index in draw(st.sampled_from(_APART))]
    else:
        tags = draw(st.lists(st.sampled_from(_TAGS), min_size=2, max_size=3))
    branches: dict[str, Any] = {}
    payloads = []
    for index, (tag, value) in enumerate(tags):
        fields = draw(st.lists(st.sampled_from(sorted(_FIELDS)), unique=True, max_size=3))
        branch: dict[str, Any] = {
            "required": ["kind"] if draw(st.integers(0, 9)) else [],
            "properties": {"kind": tag} | {name: _FIELDS[name][0] for name in fields},
        }
        if draw(st.integers(0, 9)):
            branch["type"] = "object"
        branches[f"B{index}"] = branch
        payloads.append({"kind": value} | {name: _FIELDS[name][1] for name in fields})
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "tagged", "version": "1"},
        "paths": {
            "/thing": {
                "get": {
                    "operationId": "getThing",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Union"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Union": {"oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in branches]},
                **branches,
            }
        },
    }
    payload: Any = dict(draw(st.sampled_from(payloads)))
    change = draw(st.sampled_from(["none", "none", "set", "drop", "whole"]))
    if change == "set":
        payload[draw(st.sampled_from(["kind", "extra", *sorted(_FIELDS)]))] = draw(_ODD)
    elif change == "drop":
        payload.pop(draw(st.sampled_from(sorted(payload))))
    elif change == "whole":
        payload = draw(_ODD)
    return json.dumps(spec, sort_keys=True), payload


@functools.cache
def _union_checkers(spec: str, strict: bool) -> tuple[Checker, Checker]:
    folder = Path(tempfile.mkdtemp(prefix="specbind-union-"))
    path = folder / "union.json"
    path.write_text(spec)
    options = Options(str(path), "getThing", "200", strict)
    fast, slow = build_checker(options), build_checker(options)
    slow.first_look = _NoFirstLook(load_spec(path))
    return fast, slow


@settings(max_examples=300, deadline=None)
@given(case=_tagged_union(), strict=st.booleans())
def test_a_tagged_union_s_first_look_changes_no_finding(
    case: tuple[str, Any], strict: bool
) -> None:
    """A oneOf whose branches no value can pass two of takes the first look as an anyOf;
    any other keeps the full look. Either way the findings are the full look's."""
    spec, payload = case
    fast, slow = _union_checkers(spec, strict)
    body = Body("union.json", json.dumps(payload).encode())
    assert fast.check(body) == slow.check(body)


def test_a_union_tagged_apart_takes_the_first_look_and_one_tagged_alike_does_not(
    tmp_path: Path,
) -> None:
    def union(*tags: dict[str, Any], extra: dict[str, Any] | None = None) -> FirstLook:
        schemas: dict[str, Any] = {
            f"B{index}": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": tag, **(extra or {})},
            }
            for index, tag in enumerate(tags)
        }
        schemas["Union"] = {"oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in schemas]}
        path = tmp_path / "union.json"
        path.write_text(
            json.dumps(
                {
                    "openapi": "3.1.0",
                    "info": {"title": "t", "version": "1"},
                    "paths": {},
                    "components": {"schemas": schemas},
                }
            )
        )
        return FirstLook(load_spec(path))

    value = {"kind": "a"}
    schema = "/components/schemas/Union"
    assert union({"const": "a"}, {"const": "b"}).clean(schema, value)
    assert union({"const": "a"}, {"enum": ["b", "c"]}, {"not": {"enum": ["a", "b", "c"]}}).clean(
        schema, value
    )
    assert union({"not": {"const": "b"}}, {"const": "b"}).clean(schema, value)
    # Tagged alike: {"kind": "a"} passes both branches, and oneOf fails.
    assert not union({"const": "a"}, {"enum": ["a", "b"]}).clean(schema, value)
    # Two fallbacks both take "x"; a tag given by reference is not read.
    assert not union({"not": {"const": "a"}}, {"not": {"const": "b"}}).clean(schema, value)
    assert not union({"const": "a"}, {"$ref": "#/components/schemas/B0/properties/kind"}).clean(
        schema, value
    )
    # A fallback that declares more than its tag could change what the unknown-field
    # walk finds beside the branch the value passed.
    assert not union({"const": "a"}, {"not": {"const": "a"}}, extra={"n": {}}).clean(schema, value)

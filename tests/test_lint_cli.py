"""``specbind lint``, run as users run it: a subprocess, its output and its exit status."""

from __future__ import annotations

import copy
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from specbind import load_spec
from specbind._generate._ir import build_api

BAD_SPECS = Path(__file__).parent / "bad_specs"
BAD_SPEC_FILES = sorted(path for path in BAD_SPECS.iterdir() if path.suffix != ".expected")
#: `FILE:LINE:COL: RULE: ` or, for a file that cannot be loaded at all, `FILE: load: `.
PREFIX = re.compile(r"(?P<file>[^:]+)(?::(?P<line>\d+):(?P<column>\d+))?: (?P<rule>[a-z-]+): ")

#: The smallest spec every rule is happy with.
CLEAN_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "clean", "version": "1", "contact": {"name": "Jobs team"}},
    "paths": {
        "/jobs/{job_id}": {
            "get": {
                "tags": ["jobs"],
                "operationId": "getJob",
                "parameters": [
                    {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "The job.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Job"},
                                "examples": {"done": {"value": {"id": "j-1", "status": "done"}}},
                            }
                        },
                    },
                    "204": {"description": "None.", "x-specbind-why-no-schema": "No body."},
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Job": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "status": {
                        "type": "string",
                        "enum": ["queued", "done"],
                        "x-specbind-enum": "open",
                        "default": "queued",
                    },
                    "started_at": {"type": "string", "format": "date-time"},
                },
            }
        }
    },
    "tags": [{"name": "jobs"}],
}


def lint(*args: str | Path, cwd: Path = BAD_SPECS) -> subprocess.CompletedProcess[str]:
    """Run ``python -m specbind lint ARGS`` and return what it did."""
    done = subprocess.run(
        [sys.executable, "-m", "specbind", "lint", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    summary = done.stderr.splitlines()
    assert len(summary) == 1, done.stderr
    assert summary[0].startswith("specbind lint: "), done.stderr
    return done


def prefixes(lines: list[str]) -> list[tuple[str | None, ...]]:
    """The ``file:line:col: rule`` of each output line; the messages may be reworded."""
    found = []
    for line in lines:
        match = PREFIX.match(line)
        assert match is not None, f"not a problem line: {line!r}"
        found.append(match.group("file", "line", "column", "rule"))
    return found


def expected(spec: Path) -> tuple[int, list[str]]:
    """The exit status (first line, ``# exit N``) and lines a bad spec's .expected lists."""
    first, *lines = spec.with_name(spec.name + ".expected").read_text("utf-8").splitlines()
    status = re.fullmatch(r"# exit (\d)", first)
    assert status is not None, f"{spec.name}.expected must start with '# exit N'"
    return int(status.group(1)), lines


def write_spec(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=1), "utf-8")
    return path


@pytest.mark.parametrize("spec", BAD_SPEC_FILES, ids=lambda path: path.name)
def test_bad_spec_gives_its_expected_problems(spec: Path) -> None:
    status, lines = expected(spec)
    done = lint(spec.name)
    assert prefixes(done.stdout.splitlines()) == prefixes(lines)
    assert done.returncode == status


def test_every_expected_file_has_its_spec() -> None:
    orphans = [
        path.name
        for path in BAD_SPECS.glob("*.expected")
        if not path.with_name(path.name.removesuffix(".expected")).exists()
    ]
    assert orphans == []


def test_all_bad_specs_are_reported_in_one_run() -> None:
    done = lint(*(spec.name for spec in BAD_SPEC_FILES))
    every = [line for spec in BAD_SPEC_FILES for line in expected(spec)[1]]
    assert prefixes(done.stdout.splitlines()) == prefixes(every)
    unloadable = sum(expected(spec)[0] == 2 for spec in BAD_SPEC_FILES)
    warnings = [line for line in every if ": warning: " in line]
    warned = sum(
        any(": warning: " in line for line in expected(spec)[1]) for spec in BAD_SPEC_FILES
    )
    errors = len(every) - len(warnings) - unloadable
    flagged = sum(
        any(": warning: " not in line for line in expected(spec)[1])
        for spec in BAD_SPEC_FILES
        if expected(spec)[0] != 2
    )
    total = len(BAD_SPEC_FILES)
    assert done.stderr == (
        f"specbind lint: {errors} problems in {flagged} of {total} specs; "
        f"{len(warnings)} warnings in {warned} of {total} specs; "
        f"{unloadable} of {total} specs could not be loaded\n"
    )
    assert done.returncode == 2


def test_a_clean_spec_prints_nothing_and_exits_0(tmp_path: Path) -> None:
    write_spec(tmp_path / "clean.yaml", CLEAN_SPEC)
    done = lint("clean.yaml", cwd=tmp_path)
    assert done.stdout == ""
    assert done.stderr == "specbind lint: 1 spec clean\n"
    assert done.returncode == 0


#: The bad specs whose every problem is an authoring rule's: warnings only.
WARNING_SPECS = sorted(
    spec
    for spec in BAD_SPEC_FILES
    if spec.name.startswith(
        (
            "info-contact",
            "operation-tags",
            "operation-id-missing",
            "response-no-schema",
            "response-additional-properties",
        )
    )
)
#: The rules of each profile (see the lint module and the README's table).
AUTHORING_RULES = {
    "enum-open-closed",
    "operation-id",
    "response-schema",
    "example",
    "response-additional-properties",
    "info-contact",
    "operation-tags",
}


@pytest.mark.parametrize("spec", WARNING_SPECS, ids=lambda path: path.name)
def test_warnings_fail_only_with_strict(spec: Path) -> None:
    status, lines = expected(spec)
    assert status == 0
    assert lines
    assert all(": warning: " in line for line in lines)
    done = lint("--strict", spec.name)
    assert prefixes(done.stdout.splitlines()) == prefixes(lines)
    assert done.returncode == 1


def test_authoring_rules_warn_and_correctness_rules_are_errors() -> None:
    """Every line of every .expected file: an authoring rule's is a warning, and every
    other rule's an error, but for an x-specbind-enum that says neither open nor closed."""
    for spec in BAD_SPEC_FILES:
        for line in expected(spec)[1]:
            rule = prefixes([line])[0][3]
            warned = ": warning: " in line
            if rule == "enum-open-closed" and "it must be 'open' or 'closed'" in line:
                assert not warned, line
            else:
                assert warned == (rule in AUTHORING_RULES), line


def test_a_vendor_spec_that_breaks_only_authoring_rules_lints_with_warnings(
    tmp_path: Path,
) -> None:
    """No operationId, an enum without x-specbind-enum, a 204 without a schema, an example
    that does not validate, a closed response schema, no contact and no tags: exit 0, and
    1 with --strict."""
    spec = copy.deepcopy(CLEAN_SPEC)
    get = spec["paths"]["/jobs/{job_id}"]["get"]
    del get["operationId"], get["tags"]
    del get["responses"]["204"]["x-specbind-why-no-schema"]
    del spec["info"]["contact"]
    job = spec["components"]["schemas"]["Job"]
    del job["properties"]["status"]["x-specbind-enum"]
    job["additionalProperties"] = False
    job["example"] = {"id": 7}
    write_spec(tmp_path / "vendor.yaml", spec)
    done = lint("vendor.yaml", cwd=tmp_path)
    rules = sorted(rule for *_, rule in prefixes(done.stdout.splitlines()))
    assert rules == sorted(AUTHORING_RULES)
    assert all(": warning: " in line for line in done.stdout.splitlines())
    assert done.returncode == 0
    assert lint("--strict", "vendor.yaml", cwd=tmp_path).returncode == 1


RECURSIVE = BAD_SPECS.parent / "fixtures" / "recursive" / "recursive.yaml"


def test_recursive_schemas_that_can_end_are_clean_even_with_strict() -> None:
    done = lint("--strict", RECURSIVE)
    assert (done.stdout, done.returncode) == ("", 0)


@pytest.mark.parametrize(
    "schemas",
    [
        {"A": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]}},
        {
            "A": {"oneOf": [{"$ref": "#/components/schemas/B"}, {"type": "string"}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}], "description": "Again."},
        },
    ],
    ids=["anyOf-itself", "oneOf-allOf"],
)
def test_a_recursion_on_the_same_value_is_a_ref_cycle(
    tmp_path: Path, schemas: dict[str, Any]
) -> None:
    """A value fits it (any string), but a validator would follow it forever."""
    spec = copy.deepcopy(CLEAN_SPEC)
    spec["components"]["schemas"].update(schemas)
    spec["components"]["schemas"]["Job"]["properties"]["a"] = {"$ref": "#/components/schemas/A"}
    write_spec(tmp_path / "same.json", spec)
    done = lint("same.json", cwd=tmp_path)
    assert [rule for *_, rule in prefixes(done.stdout.splitlines())] == ["ref-cycle"]
    assert "applies to the same value again and again" in done.stdout
    assert done.returncode == 1


@pytest.mark.parametrize(
    ("schemas", "closing"),
    [
        ({"A": {"$ref": "#/components/schemas/A"}}, "/components/schemas/A"),
        ({"A": {"allOf": [{"$ref": "#/components/schemas/A"}]}}, "/components/schemas/A/allOf/0"),
        (
            {
                "A": {
                    "type": ["object"],
                    "required": ["b"],
                    "properties": {"b": {"$ref": "#/components/schemas/B"}},
                },
                "B": {"required": ["a"], "properties": {"a": {"$ref": "#/components/schemas/A"}}},
            },
            "/components/schemas/A/properties/b",
        ),
        (
            {
                "A": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/A"},
                        {"$ref": "#/components/schemas/A"},
                    ]
                }
            },
            "/components/schemas/A/oneOf/0",
        ),
    ],
    ids=["itself", "allOf", "required-properties", "oneOf-of-itself"],
)
def test_a_recursion_that_never_ends_is_one_ref_cycle_at_its_first_ref(
    tmp_path: Path, schemas: dict[str, Any], closing: str
) -> None:
    spec = copy.deepcopy(CLEAN_SPEC)
    spec["components"]["schemas"].update(schemas)
    path = write_spec(tmp_path / "cycle.json", spec)
    done = lint("cycle.json", cwd=tmp_path)
    lines = done.stdout.splitlines()
    assert [rule for *_, rule in prefixes(lines)] == ["ref-cycle"], done.stdout
    line, column = load_spec(path).locate(closing + "/$ref")
    assert lines[0].startswith(f"cycle.json:{line}:{column}: ref-cycle: ")
    assert "never ends" in lines[0]
    assert done.returncode == 1


@pytest.mark.parametrize(
    "way_out",
    [
        {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/A"}}},
        {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
        {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/A"}},
        {
            "anyOf": [
                {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
                {"type": "null"},
            ]
        },
        {
            "type": ["object", "null"],
            "required": ["next"],
            "properties": {"next": {"$ref": "#/components/schemas/A"}},
        },
        {
            "type": "object",
            "required": ["next"],
            "properties": {
                "next": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}
            },
        },
    ],
    ids=["optional", "items", "map", "anyOf", "nullable-type", "nullable-property"],
)
def test_a_recursion_with_a_way_out_is_clean(tmp_path: Path, way_out: dict[str, Any]) -> None:
    spec = copy.deepcopy(CLEAN_SPEC)
    spec["components"]["schemas"]["A"] = way_out
    spec["components"]["schemas"]["Job"]["properties"]["tree"] = {"$ref": "#/components/schemas/A"}
    write_spec(tmp_path / "tree.json", spec)
    done = lint("--strict", "tree.json", cwd=tmp_path)
    # No ref-cycle: a value can end. A recursion through arrays, maps and unions alone
    # is a type alias that refers to itself, which compile writes with a forward
    # reference (tests/test_models_recursive_aliases.py).
    assert (done.stdout, done.returncode) == ("", 0)


def test_a_map_written_with_empty_properties_is_a_recursive_alias(tmp_path: Path) -> None:
    """``properties: {}`` beside typed additionalProperties is a map alias, as without it,
    for lint and compile alike (lint once took it for a class, and the bindings failed
    at run time on the alias's forward reference)."""
    spec = copy.deepcopy(CLEAN_SPEC)
    schemas = spec["components"]["schemas"]
    schemas["A"] = {"oneOf": [{"$ref": "#/components/schemas/M"}, {"type": "string"}]}
    schemas["M"] = {
        "type": "object",
        "properties": {},
        "additionalProperties": {"$ref": "#/components/schemas/A"},
    }
    schemas["Job"]["properties"]["tree"] = {"$ref": "#/components/schemas/A"}
    path = write_spec(tmp_path / "tree.json", spec)
    done = lint("--strict", "tree.json", cwd=tmp_path)
    assert (done.stdout, done.returncode) == ("", 0)
    api = build_api(load_spec(path))
    assert "M" not in {model.class_name for model in api.models}
    assert api.recursive_aliases == ("A", "M")


def test_a_large_tree_of_objects_is_no_ref_expansion(tmp_path: Path) -> None:
    """150 objects, each with three properties naming three earlier objects: written out
    the tree is astronomically large, but each property holds a different part of a value,
    so checking one stays linear. Only unions of unions grow exponentially."""
    spec = copy.deepcopy(CLEAN_SPEC)
    schemas = spec["components"]["schemas"]
    schemas["Node0"] = {"type": "object", "properties": {"id": {"type": "string"}}}
    for number in range(1, 150):
        earlier = [f"Node{max(0, number - step)}" for step in (1, 2, 3)]
        schemas[f"Node{number}"] = {
            "type": "object",
            "properties": {
                f"p{index}": {"$ref": f"#/components/schemas/{name}"}
                for index, name in enumerate(earlier)
            },
        }
    schemas["Job"]["properties"]["root"] = {"$ref": "#/components/schemas/Node149"}
    write_spec(tmp_path / "tree.json", spec)
    done = lint("--strict", "tree.json", cwd=tmp_path)
    assert (done.stdout, done.returncode) == ("", 0)


def test_our_specs_are_clean_even_with_strict() -> None:
    done = lint("--strict", cwd=BAD_SPECS.parent.parent)
    assert (done.stdout, done.returncode) == ("", 0)
    assert done.stderr == "specbind lint: 3 specs clean\n"


def test_default_is_every_yaml_under_project_specs(tmp_path: Path) -> None:
    specs = tmp_path / "project" / "specs"
    specs.mkdir(parents=True)
    write_spec(specs / "a.yaml", CLEAN_SPEC)
    backreference = copy.deepcopy(CLEAN_SPEC)
    backreference["components"]["schemas"]["Job"]["properties"]["id"]["pattern"] = "(a)\\1"
    write_spec(specs / "b.yaml", backreference)
    (specs / "notes.txt").write_text("not a spec", "utf-8")
    done = lint("--project", "project", cwd=tmp_path)
    assert [(path, rule) for path, _, _, rule in prefixes(done.stdout.splitlines())] == [
        ("project/specs/b.yaml", "pattern-unsupported")
    ]
    assert done.stderr == "specbind lint: 1 problem in 1 of 2 specs\n"
    assert done.returncode == 1


def test_a_project_without_specs_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "specbind", "lint", "--project", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout == ""
    assert done.stderr == (
        f"specbind lint: no specs to check: {tmp_path / 'specs'} holds no *.yaml, *.yml or "
        "*.json spec; name spec files, or run it in the project directory\n"
    )
    assert done.returncode == 2


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: None, "no such file"),
        (lambda path: path.mkdir(), "is a directory"),
        (lambda path: _sparse(path, 50 * 1024 * 1024), "bytes"),
    ],
    ids=["missing", "directory", "50MB"],
)
def test_an_unloadable_path_is_one_line_and_the_others_are_still_linted(
    tmp_path: Path, make: Any, reason: str
) -> None:
    make(tmp_path / "bad.yaml")
    write_spec(tmp_path / "clean.yaml", CLEAN_SPEC)
    done = lint("bad.yaml", "clean.yaml", BAD_SPECS / "enum-not-declared.yaml", cwd=tmp_path)
    first, *rest = done.stdout.splitlines()
    assert first.startswith("bad.yaml: load: ")
    assert reason in first
    assert len(rest) == len(expected(BAD_SPECS / "enum-not-declared.yaml")[1])
    assert done.stderr == (
        "specbind lint: 2 problems in 1 of 3 specs; 3 warnings in 1 of 3 specs; "
        "1 of 3 specs could not be loaded\n"
    )
    assert done.returncode == 2


def _sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no disk space."""
    with path.open("wb") as file:
        file.truncate(size)


def test_no_ref_is_ever_fetched(tmp_path: Path) -> None:
    """Remote and file $refs are refused without a connection or a read.

    A read of the FIFO would block until the timeout; a connection would be waiting on the
    listening socket.
    """
    os.mkfifo(tmp_path / "common.yaml")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        spec = copy.deepcopy(CLEAN_SPEC)
        properties = spec["components"]["schemas"]["Job"]["properties"]
        properties["owner"] = {"$ref": f"{url}/common.yaml#/User"}
        properties["project"] = {"$ref": f"file://{tmp_path}/common.yaml#/Project"}
        properties["task"] = {"$ref": "common.yaml#/Task"}
        # A base URI of its own would make even a '#/...' pointer remote to a naive resolver.
        properties["batch"] = {
            "$id": f"{url}/batch.json",
            "type": "object",
            "properties": {"job": {"$ref": "#/components/schemas/Job/properties/id"}},
        }
        write_spec(tmp_path / "remote.yaml", spec)
        done = lint("remote.yaml", cwd=tmp_path)
        with pytest.raises(BlockingIOError):
            server.accept()
    assert [rule for *_, rule in prefixes(done.stdout.splitlines())] == ["ref-remote"] * 3
    assert done.returncode == 1


@pytest.mark.parametrize("levels", [80, 97])
def test_deep_nesting_is_checked_or_a_problem_never_a_crash(tmp_path: Path, levels: int) -> None:
    """As deep as the loader lets a schema nest (200 nodes, so 97 levels of properties):
    linted, or a rule says the spec nests too deeply for it; never a traceback."""
    spec = copy.deepcopy(CLEAN_SPEC)
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"child": schema}}
    spec["components"]["schemas"]["Deep"] = schema
    write_spec(tmp_path / "deep.yaml", spec)
    done = lint("deep.yaml", cwd=tmp_path)
    lines = done.stdout.splitlines()
    assert all("too deeply" in line for line in lines), done.stdout
    assert done.returncode == (1 if lines else 0)


def test_nesting_too_deep_to_load_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "deeper.yaml").write_text("openapi: " + "[" * 400 + "]" * 400, "utf-8")
    done = lint("deeper.yaml", cwd=tmp_path)
    assert done.stdout == "deeper.yaml: load: nesting too deep to parse\n"
    assert done.returncode == 2


def test_any_node_of_the_wrong_type_gives_problems_not_a_crash(tmp_path: Path) -> None:
    """Replace each node of the clean spec, in turn, by a value of another type."""
    clean = tmp_path / "clean.json"
    write_spec(clean, CLEAN_SPEC)
    others: list[Any] = ["x", [], {}, 7, None, {"$ref": "#/components"}, [{"$ref": 5}]]
    mutants = []
    for number, (parents, key) in enumerate(_nodes(CLEAN_SPEC)):
        mutant = copy.deepcopy(CLEAN_SPEC)
        node = mutant
        for step in parents:
            node = node[step]
        node[key] = others[number % len(others)]
        mutants.append(write_spec(tmp_path / f"mutant-{number:03}.json", mutant))
    done = lint(clean, *mutants, cwd=tmp_path)
    assert done.returncode == 1
    assert all(line.startswith(str(tmp_path)) for line in done.stdout.splitlines())


def _nodes(data: Any, parents: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """(path to the parent, key) of every node under ``data``."""
    if isinstance(data, dict):
        keys: list[Any] = list(data)
    elif isinstance(data, list):
        keys = list(range(len(data)))
    else:
        return []
    found = []
    for key in keys:
        found.append((parents, key))
        found.extend(_nodes(data[key], (*parents, key)))
    return found

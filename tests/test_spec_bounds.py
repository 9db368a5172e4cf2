"""Hostile specs: refused with one clear line, in bounded time and memory, by every command.

Each case once crashed, exhausted memory or ran for minutes; every run here is a
subprocess with a timeout and a cap on its address space.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from bounded import run_bounded
from specbind._spec._events import MAX_KEY_CHARS
from specbind._spec._expansion import MAX_EXPANSION

BAD_SPECS = Path(__file__).parent / "bad_specs"
#: The bad specs the loader refuses for what their YAML uses.
LOAD_REFUSED = sorted([*BAD_SPECS.glob("yaml-*.yaml"), BAD_SPECS / "key-too-long.yaml"])
WHERE = re.compile(r"(?P<file>[^\s:]+):(?P<line>\d+):(?P<column>\d+): (?P<rule>[a-z-]+): ")


def _expected_prefix(spec: Path) -> str:
    """The ``file:line:col: rule: `` the spec's .expected gives for its one problem."""
    lines = spec.with_name(spec.name + ".expected").read_text("utf-8").splitlines()
    match = WHERE.match(lines[1])
    assert match is not None
    return match.group(0)


def _project(tmp_path: Path, name: str, text: str) -> Path:
    """A project holding one spec; return the spec's path."""
    (tmp_path / "specs").mkdir(exist_ok=True)
    spec = tmp_path / "specs" / name
    spec.write_text(text, "utf-8")
    return spec


def _commands(spec: Path, project: Path) -> dict[str, list[str | Path]]:
    return {
        "lint": ["lint", spec],
        "validate": ["validate", "--spec", spec, "--operation", "getJobs", "--status", "200", "-"],
        "generate": ["generate", "--project", project],
    }


def _no_traceback(done: Any) -> str:
    out = f"{done.stdout}{done.stderr}"
    assert "Traceback" not in out, out
    assert "internal error" not in out, out
    return out


@pytest.mark.parametrize("command", ["lint", "validate", "generate"])
@pytest.mark.parametrize("bad", LOAD_REFUSED, ids=lambda path: path.stem)
def test_yaml_a_spec_may_not_use_is_refused_at_its_line(
    tmp_path: Path, bad: Path, command: str
) -> None:
    spec = _project(tmp_path, bad.name, bad.read_text("utf-8"))
    done = run_bounded(*_commands(spec, tmp_path)[command], cwd=tmp_path, stdin=b"{}")
    out = _no_traceback(done)
    assert f"{spec}:{_expected_prefix(bad).split(':', 1)[1]}" in out
    assert done.returncode == 2
    # A Python tag is refused, never built: os.system did not run.
    assert not (tmp_path / "specbind-pwned").exists()


def _spec(schemas: dict[str, Any], schema: str, example: Any = None) -> dict[str, Any]:
    """A one-operation spec whose 200 response is the named schema."""
    media: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{schema}"}}
    if example is not None:
        media["example"] = example
    return {
        "openapi": "3.1.0",
        "info": {"title": "hostile", "version": "1", "contact": {"name": "tests"}},
        "tags": [{"name": "jobs"}],
        "paths": {
            "/jobs": {
                "get": {
                    "operationId": "getJobs",
                    "tags": ["jobs"],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": media}}
                    },
                }
            }
        },
        "components": {"schemas": schemas},
    }


@pytest.mark.slow
def test_a_megabyte_key_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """A 3.4 MB spec with one 1 MB key, over thousands of properties, once took 4 GB."""
    lines = [
        "openapi: 3.1.0",
        "info: {title: big, version: '1'}",
        "paths: {}",
        "components:",
        "  schemas:",
        f"    ? {'k' * 1_000_000}",
        "    : type: object",
        "      properties:",
    ]
    lines += [f"        p{number}: {{type: string}}" for number in range(85_000)]
    spec = _project(tmp_path, "big.yaml", "\n".join(lines) + "\n")
    for command in ("lint", "validate"):
        done = run_bounded(*_commands(spec, tmp_path)[command], cwd=tmp_path, stdin=b"{}")
        out = _no_traceback(done)
        assert f"{spec}:6:7: load: a mapping key of 1,000,000 characters" in out
        assert f"at most {MAX_KEY_CHARS:,}" in out
        assert done.returncode == 2


@pytest.mark.slow
def test_long_keys_nested_deep_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    """Keys within the limit, but 150 of them deep over 20,000 leaves: each leaf's
    pointer repeats 150 KB of keys, 3 GB in all."""
    depth, width = 150, 20_000
    lines = ["openapi: 3.1.0", "info: {title: deep, version: '1'}", "paths: {}", "x-deep:"]
    lines += [f"{' ' * level}{level:04}{'k' * 996}:" for level in range(1, depth + 1)]
    lines += [f"{' ' * (depth + 1)}leaf{number}: 1" for number in range(width)]
    spec = _project(tmp_path, "deep.yaml", "\n".join(lines) + "\n")
    done = run_bounded(*_commands(spec, tmp_path)["lint"], cwd=tmp_path)
    out = _no_traceback(done)
    assert f"{spec}: load: its keys nest too long" in out
    assert done.returncode == 2


def _doubling(levels: int, keyword: str) -> dict[str, Any]:
    """Schemas ``Level0..LevelN``; each level's ``keyword`` names the one below twice."""
    schemas: dict[str, Any] = {
        "Level0": {"type": "object", "properties": {"id": {"type": "string"}}}
    }
    for level in range(1, levels + 1):
        below = {"$ref": f"#/components/schemas/Level{level - 1}"}
        schemas[f"Level{level}"] = {keyword: [below, dict(below)]}
    return schemas


@pytest.mark.parametrize(
    ("levels", "keyword"),
    [(16, "anyOf"), (30, "anyOf"), (30, "allOf"), (30, "oneOf")],
)
def test_nested_refs_that_double_are_refused_by_lint_validate_and_generate(
    tmp_path: Path, levels: int, keyword: str
) -> None:
    """16 levels once took validate 100 s and 757 MB; 30 hung lint and validate."""
    data = _spec(_doubling(levels, keyword), f"Level{levels}", example={"id": 7})
    spec = _project(tmp_path, "nested.yaml", json.dumps(data, indent=1))
    commands = _commands(spec, tmp_path)
    for command, status in (("lint", 1), ("validate", 2), ("generate", 2)):
        done = run_bounded(*commands[command], cwd=tmp_path, stdin=b'{"id": 7}')
        out = _no_traceback(done)
        found = WHERE.findall(out)
        # Reported once, at the level that first crosses the bound, and nothing else.
        assert [(file, rule) for file, _, _, rule in found] == [(str(spec), "ref-expansion")]
        assert f"more than {MAX_EXPANSION:,} subschemas" in out
        assert done.returncode == status


def test_nested_refs_below_the_bound_are_checked(tmp_path: Path) -> None:
    """Ten doubling levels stay under the bound: linted, and a bad payload is found."""
    data = _spec(_doubling(10, "anyOf"), "Level10")
    spec = _project(tmp_path, "nested.yaml", json.dumps(data, indent=1))
    commands = _commands(spec, tmp_path)
    assert run_bounded(*commands["lint"], cwd=tmp_path).returncode == 0
    done = run_bounded(*commands["validate"], cwd=tmp_path, stdin=b'{"id": 7}')
    _no_traceback(done)
    assert "/id" in done.stdout
    assert done.returncode == 1

"""Hostile names in a spec: whatever lint accepts, generate makes a client that reaches it all.

Each spec is generated into a temporary project by ``specbind generate`` in a subprocess.
Its client is then driven, in another subprocess, against a recording server on
127.0.0.1: every operation is called with a distinct value for every argument, and
the server must read each value at the place the spec says (path, query, header or
cookie) under its wire name, and the body it answered must come back unchanged from
``converter.unstructure``. Specs lint refuses must be refused with ``file:line``
problems and no internal error.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from _json_compare import as_instants
from _server import Exchange, TestServer
from _support import ROOT
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

MEMORY_LIMIT = 3 * 1024**3
SCHEMAS = "#/components/schemas/"
PROBLEM = re.compile(r"[^:\n]+\.yaml:\d+:\d+: [a-z-]+: .+")

# Run in the temporary project: call every operation of generated.<argv[2]>'s Client with a
# distinct value per argument; print, per call, the arguments and the unstructured result.
DRIVER = """
import importlib, inspect, json, sys
from uuid import UUID
package = importlib.import_module("generated." + sys.argv[2])
Client, converter = package.Client, package.converter

counter = 0
def value(annotation):
    global counter
    counter += 1
    if "UUID" in annotation:
        return str(UUID(int=counter))
    return counter if annotation.startswith("int") else f"v{counter}"

calls = []
with Client(base_url=sys.argv[1], timeout=5.0, retries=0) as client:
    for name in sorted(dir(client)):
        if name.startswith("_") or not hasattr(client, name + "_with_response"):
            continue
        method = getattr(client, name)
        arguments = {
            parameter: value(str(info.annotation))
            for parameter, info in inspect.signature(method).parameters.items()
            if parameter not in ("timeout", "retries", "deadline")
        }
        result = method(**arguments)
        calls.append({"method": name, "arguments": arguments,
                      "result": converter.unstructure(result)})
print(json.dumps(calls))
"""


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(args: list[str], cwd: Path, *, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(pythonpath)},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited,
        check=False,
    )


def _generate(project: Path, **specs: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    (project / "specs").mkdir(parents=True, exist_ok=True)
    for name, spec in specs.items():
        (project / "specs" / f"{name}.yaml").write_text(json.dumps(spec, indent=1), "utf-8")
    return _run(
        [sys.executable, "-m", "specbind", "generate", "--project", str(project)],
        ROOT,
        pythonpath=ROOT,
    )


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for template, item in spec["paths"].items():
        for method, operation in item.items():
            yield method.upper(), template, operation


def _parameters(operation: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["in"], p["name"]) for p in operation.get("parameters", [])]


def _sample(spec: dict[str, Any], schema: dict[str, Any], counter: list[int]) -> Any:
    """A JSON value the schema accepts, distinct from every other one sampled."""
    counter[0] += 1
    if "$ref" in schema:
        return _sample(spec, spec["components"]["schemas"][schema["$ref"][len(SCHEMAS) :]], counter)
    if "enum" in schema:
        return schema["enum"][counter[0] % len(schema["enum"])]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return _sample(spec, schema[key][counter[0] % len(schema[key])], counter)
    kind = schema.get("type")
    if kind == "null":
        return None
    if schema.get("format") == "date-time":
        return f"2024-05-01T12:{counter[0] % 60:02}:00Z"
    if kind == "integer":
        return counter[0]
    if kind == "array":
        return [_sample(spec, schema["items"], counter) for _ in range(2)]
    if kind == "object":
        return {name: _sample(spec, prop, counter) for name, prop in schema["properties"].items()}
    return "abc"[: counter[0] % 3 + 1]


def _received(seen: Any, location: str, wire: str) -> str | None:
    """The value the server read for one parameter, or None."""
    url = urlsplit(seen.target)
    if location == "query":
        return dict(parse_qsl(url.query)).get(wire)
    if location == "header":
        return seen.headers.get(wire.lower())
    # Split by hand: SimpleCookie takes names like "path" and "expires" for attributes.
    pairs = (pair.partition("=") for pair in seen.headers.get("cookie", "").split("; "))
    return next((unquote(value) for name, _, value in pairs if name == wire), None)


def _route(template: str) -> re.Pattern[str]:
    """Matches a decoded path made from ``template``, one group per path parameter."""
    return re.compile(re.sub(r"\\\{[^/]+?\\\}", "([^/]+)", re.escape(template)))


def _check_every_operation_reached(
    spec: dict[str, Any], project: Path, package: str = "api"
) -> None:
    """Call every operation against a recording server; each value must arrive in place."""
    operations = list(_operations(spec))
    bodies = {
        (method, template): _sample(
            spec,
            operation["responses"]["200"]["content"]["application/json"]["schema"],
            [0],
        )
        for method, template, operation in operations
    }

    def matching(method: str, target: str) -> list[tuple[str, str, dict[str, Any]]]:
        path = unquote(urlsplit(target).path)
        return [
            found for found in operations if found[0] == method and _route(found[1]).fullmatch(path)
        ]

    def answer(exchange: Exchange) -> None:
        method, template, _ = matching(exchange.request.method, exchange.request.target)[0]
        exchange.json(200, bodies[method, template])

    with TestServer() as server:
        server.serve(answer)
        driven = _run(
            [sys.executable, "-c", DRIVER, server.url, package], project, pythonpath=project
        )
        assert driven.returncode == 0, driven.stderr
        seen = server.requests
    calls = json.loads(driven.stdout)
    assert len(calls) == len(seen) == len(operations)
    reached = set()
    for call, request in zip(calls, seen, strict=True):
        matches = matching(request.method, request.target)
        assert len(matches) == 1, (request, operations)
        method, template, operation = matches[0]
        reached.add((method, template))
        assert as_instants(call["result"]) == as_instants(bodies[method, template])
        path_names = re.findall(r"\{([^/]+?)\}", template)
        route = _route(template).fullmatch(unquote(urlsplit(request.target).path))
        assert route is not None
        arrived = [
            route.group(path_names.index(wire) + 1)
            if location == "path"
            else _received(request, location, wire)
            for location, wire in _parameters(operation)
        ]
        # Every argument arrived at exactly one parameter's place: none lost, none swapped.
        sent = [str(value) for value in call["arguments"].values()]
        assert sorted(map(str, arrived)) == sorted(sent), (operation, call, request)
    assert reached == {(method, template) for method, template, _ in operations}


def _check_types(project: Path, cache: Path) -> None:
    """``mypy --strict`` on every package generated in ``project``."""
    done = _run(
        [
            sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
            "--cache-dir", str(cache), "-p", "generated",
        ],
        project,
        pythonpath=project,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def _spec(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "names", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _operation(operation_id: str, parameters: list[tuple[str, str]], root: str) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "parameters": [
            {"name": name, "in": location, "required": location == "path", "schema": kind}
            for location, name, kind in (
                (location, name, {"type": "integer" if name.startswith("n") else "string"})
                for location, name in parameters
            )
        ],
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": SCHEMAS + root}}},
            }
        },
    }


THING = {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}


def _one(parameters: list[tuple[str, str]], template: str = "/a") -> dict[str, Any]:
    return _spec({template: {"get": _operation("getA", parameters, "Thing")}}, THING)


# The issue's examples: each must generate, import, type-check and reach every parameter.
EXAMPLES: dict[str, dict[str, Any]] = {
    "self": _one([("query", "self")]),
    "timeout-retries": _one([("query", "timeout"), ("header", "retries")]),
    "method-locals": _one(
        [("query", "headers"), ("query", "pool"), ("query", "query"), ("header", "path")]
    ),
    "path-and-query": _one(
        [
            ("path", "id"),
            ("query", "id"),
            ("cookie", "id"),
            ("query", "self"),
            ("query", "query"),
            ("query", "userId"),
            ("query", "user_id"),
        ],
        "/a/{id}",
    ),
    "snake-case": _one([("query", "userId"), ("query", "user_id"), ("header", "user-id")]),
    "builtins-and-imports": _one(
        [
            ("query", "str"),
            ("query", "models"),
            ("header", "converter"),
            ("cookie", "UUID"),
            ("query", "type"),
            ("query", "object"),
        ]
    ),
    "properties": _spec(
        {"/a": {"get": _operation("getA", [], "Thing")}},
        {
            "Thing": {
                "type": "object",
                "properties": {
                    "exitCode": {"type": "integer"},
                    "exit_code": {"type": "string"},
                    "additional_properties": {"type": "string"},
                    "datetime": {"type": "string", "format": "date-time"},
                    "self": {"type": "string"},
                    "str": {"type": "integer"},
                    "converter": {"type": "string"},
                    "cl": {"type": "string"},
                },
            }
        },
    ),
    "schema-names": _spec(
        {
            "/a": {"get": _operation("getA", [], "Any")},
            "/b": {"get": _operation("close", [], "datetime")},
        },
        {
            "Any": {"type": "object", "properties": {"at": {"$ref": SCHEMAS + "datetime"}}},
            "datetime": {
                "type": "object",
                "properties": {"at": {"type": "string", "format": "date-time"}},
            },
        },
    ),
}


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project holding every example, each as its own spec and package, generated once."""
    project = tmp_path_factory.mktemp("examples")
    done = _generate(project, **{_package(name): spec for name, spec in EXAMPLES.items()})
    assert done.returncode == 0, done.stderr
    return project


def _package(example: str) -> str:
    return "ex_" + example.replace("-", "_")


@pytest.mark.parametrize("name", EXAMPLES)
def test_issue_examples_generate_clients_that_reach_every_parameter(
    name: str, examples: Path
) -> None:
    _check_every_operation_reached(EXAMPLES[name], examples, _package(name))


def test_issue_examples_type_check(examples: Path, mypy_cache: Path) -> None:
    _check_types(examples, mypy_cache)


def test_the_renames_are_the_documented_ones(examples: Path) -> None:
    client = (examples / "generated" / "ex_path_and_query" / "client.py").read_text("utf-8")
    signature = re.search(r"def get_a\((.*?)\) ->", client, re.DOTALL)
    assert signature is not None
    names = re.findall(r"^\s+(\w+):", signature.group(1), re.MULTILINE)
    assert names == [
        "path_id", "query_id", "self_", "query", "user_id_", "user_id", "cookie_id",
        "timeout", "retries", "deadline",
    ]  # fmt: skip


def test_operation_ids_that_give_one_method_are_refused(tmp_path: Path) -> None:
    spec = _spec(
        {
            "/a": {
                "get": _operation("getJob", [], "Thing"),
                "put": _operation("get_job", [], "Thing"),
                "delete": _operation("get-job", [], "Thing"),
            }
        },
        THING,
    )
    done = _generate(tmp_path, api=spec)
    assert done.returncode == 2
    problems = done.stderr.splitlines()[:-1]
    assert len(problems) == 2
    assert all(PROBLEM.fullmatch(line) and ": python-name: " in line for line in problems)
    assert not (tmp_path / "generated").exists()


def test_a_method_that_takes_a_waiters_name_is_refused(tmp_path: Path) -> None:
    getter = _operation("getThing", [], "Thing")
    getter["x-specbind-waiters"] = {
        "thing": {
            "description": "Wait for the thing.",
            "acceptors": [{"state": "success", "path": "id", "equals": "done"}],
        }
    }
    spec = _spec(
        {"/a": {"get": getter}, "/b": {"get": _operation("waitForThing", [], "Thing")}}, THING
    )
    done = _generate(tmp_path, api=spec)
    assert done.returncode == 2, done.stderr
    problems = [line for line in done.stderr.splitlines() if ": python-name: " in line]
    assert len(problems) == 1, done.stderr
    assert PROBLEM.fullmatch(problems[0])
    assert "waiter 'thing'" in problems[0]
    assert "wait_for_thing" in problems[0]
    assert not (tmp_path / "generated").exists()


# Names that collide after every renaming rule, keywords, soft keywords, builtins, the
# client's own arguments, its locals, its imports and the models module's imports.
HOSTILE = [
    "self", "timeout", "retries", "headers", "pool", "query", "path", "raw", "cookies",
    "error_models", "models", "converter", "errors", "str", "int", "UUID", "Any", "datetime",
    "class", "match", "type", "_", "id", "userId", "user_id", "user-id", "UserID", "__init__",
    "additional_properties", "additionalProperties", "exitCode", "exit_code", "base_url",
    "close", "ü", "ﬁeld", "field", "123", "None", "list", "_query", "self_", "Unset", "cl",
]  # fmt: skip
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


@st.composite
def hostile_specs(draw: st.DrawFn) -> dict[str, Any]:
    names = st.sampled_from(HOSTILE)
    components = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    root, *others = components
    schemas: dict[str, Any] = {}
    enum = None
    for component in others:
        if enum is None and draw(st.booleans()):
            enum = component
            values = draw(st.lists(names, min_size=1, max_size=4, unique=True))
            schemas[component] = {
                "type": "string",
                "enum": values,
                "x-specbind-enum": draw(st.sampled_from(["open", "closed"])),
            }
        elif draw(st.booleans()):
            schemas[component] = {"type": "string", "pattern": "^[a-c]+$"}  # a type alias
        else:
            schemas[component] = {"type": "object", "properties": {"x": {"type": "string"}}}
    kinds = [
        {"type": "string"},
        {"type": "integer"},
        {"type": "string", "pattern": "^[a-c]+$"},
        {"anyOf": [{"type": "string"}, {"type": "null"}]},
        {"type": "array", "items": {"type": "integer"}},
        *({"$ref": SCHEMAS + other} for other in others),
        *({"oneOf": [{"$ref": SCHEMAS + other}, {"type": "null"}]} for other in others),
        *({"anyOf": [{"type": "array", "items": {"$ref": SCHEMAS + o}}]} for o in others),
    ]
    properties = draw(st.dictionaries(names, st.sampled_from(kinds), min_size=1, max_size=6))
    schemas[root] = {"type": "object", "properties": properties}
    paths: dict[str, Any] = {}
    operation_ids = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    for number, operation_id in enumerate(operation_ids):
        parameters = draw(
            st.lists(
                st.tuples(st.sampled_from(["path", "query", "header", "cookie"]), names),
                max_size=6,
                unique=True,
            )
        )
        parameters = [
            (location, name)
            for location, name in parameters
            if location in ("path", "query") or TOKEN.fullmatch(name)
        ]
        in_path = [name for location, name in parameters if location == "path"]
        template = f"/op{number}" + "".join(f"/{{{name}}}" for name in in_path)
        method = draw(st.sampled_from(["get", "put", "post", "delete"]))
        paths[template] = {method: _operation(operation_id, parameters, root)}
    return _spec(paths, schemas)


@pytest.mark.slow
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=hostile_specs())
def test_whatever_lint_accepts_generates_a_client_that_reaches_everything(
    spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, mypy_cache: Path
) -> None:
    project = tmp_path_factory.mktemp("hostile")
    done = _generate(project, api=spec)
    assert "internal error" not in done.stderr
    assert "Traceback" not in done.stderr
    event("refused" if done.returncode else "generated")
    if done.returncode != 0:
        *problems, summary = done.stderr.splitlines()
        assert done.returncode == 2, done.stderr
        assert problems, done.stderr
        assert all(PROBLEM.fullmatch(line) for line in problems), done.stderr
        assert not any(": compile: " in line for line in problems), done.stderr
        assert summary.startswith("specbind lint found ")
        return
    _check_every_operation_reached(spec, project)
    _check_types(project, mypy_cache)


def test_arguments_left_out_are_not_sent(examples: Path) -> None:
    script = (
        "import sys\nfrom generated.ex_path_and_query import Client\n"
        "with Client(base_url=sys.argv[1], timeout=5.0, retries=0) as client:\n"
        "    client.get_a('p')\n"
    )
    with TestServer() as server:
        server.serve(lambda exchange: exchange.json(200, {}))
        done = _run([sys.executable, "-c", script, server.url], examples, pythonpath=examples)
        assert done.returncode == 0, done.stderr
        (request,) = server.requests
    assert request.target == "/a/p"
    assert "cookie" not in request.headers

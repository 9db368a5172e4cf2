"""The models of a large spec made in chunks by worker processes (codegen/_generate/_chunks.py).

The chunks are forced small here (``chunk_weight``), so that specs of a few schemas take
the path that only large specs take in ``specbind generate``. What is checked:

- the plan: every reference of a chunk points into it or to an earlier chunk, and what no
  stub can stand for is made in the chunk that refers to it;
- the output: every definition is the one a single run of datamodel-code-generator makes
  of the same input (the stubs change no reference), the module compiles, and it is the
  same whatever the number of workers;
- the pipeline: chunked bindings of random specs import and round-trip payloads, and
  ``specbind generate`` reports the chunks, refuses as a single run refuses, and leaves
  no worker behind when interrupted.
"""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import specbind._generate._chunks as chunks_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specbind import load_spec
from specbind._generate import _models
from specbind._generate._chunks import plan_chunks
from specbind._generate._hoist import hoist
from specbind._generate._ir import Api, CompileError, _Builder, build_api
from specbind._generate._models import compile_models
from specbind._lint import lint_spec
from specbind._spec._graph import strongly_connected
from test_hostile_spec import _specs, generate_import_and_round_trip

HERE = Path(__file__).parent
SHAPES = HERE / "fixtures" / "shapes" / "shapes.yaml"
HEADER = "# header\n"
REF = "#/components/schemas/"


# The plan.


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": REF + name}


@st.composite
def _graphs(draw: st.DrawFn) -> dict[str, Any]:
    """Components that refer to each other at random (cycles included), of random sizes."""
    names = [f"C{index}" for index in range(draw(st.integers(2, 12)))]
    return {
        name: {
            "type": "object",
            "description": "x" * draw(st.integers(0, 300)),
            "properties": {
                f"p{index}": _ref(target)
                for index, target in enumerate(draw(st.lists(st.sampled_from(names), max_size=3)))
            },
        }
        for name in names
    }


@settings(max_examples=200, deadline=None)
@given(schemas=_graphs(), weight=st.integers(1, 600))
def test_every_reference_points_into_its_chunk_or_an_earlier_one(
    schemas: dict[str, Any], weight: int
) -> None:
    plan = plan_chunks(schemas, weight)
    if plan is None:
        # One run: the schemas weigh no more than a chunk, or are one group.
        total = sum(len(json.dumps(schema, separators=(",", ":"))) for schema in schemas.values())
        edges = {
            name: [p["$ref"].removeprefix(REF) for p in schema["properties"].values()]
            for name, schema in schemas.items()
        }
        assert total <= weight or len(strongly_connected(edges)) == 1
        return
    assert len(plan.chunks) >= 2
    flat = [name for chunk in plan.chunks for name in chunk]
    assert sorted(flat) == sorted(schemas)  # each component in exactly one chunk
    where = {name: index for index, chunk in enumerate(plan.chunks) for name in chunk}
    for name, schema in schemas.items():
        for property_schema in schema["properties"].values():
            target = property_schema["$ref"].removeprefix(REF)
            assert where[target] <= where[name], (name, target)
    assert plan_chunks(schemas, weight) == plan  # deterministic


def test_what_no_stub_stands_for_is_made_with_what_refers_to_it() -> None:
    filler = {"description": "x" * 200}
    schemas = {
        # A $ref with a schema keyword beside it: its target's schema is merged in.
        "Merged": {"type": "object", "properties": {"a": {**_ref("Base"), "type": "object"}}},
        "Base": {"type": "object", "properties": {"b": {"type": "string"}}, **filler},
        # A schema with an allOf reads its parts' schemas.
        "Combined": {"allOf": [_ref("Part"), {"type": "object"}], **filler},
        "Part": {"type": "object", "properties": {"c": {"type": "string"}}, **filler},
        # A union member that admits only null is dropped, through a chain of aliases.
        "Union": {"oneOf": [{"type": "string"}, _ref("Nothing")], **filler},
        "Nothing": _ref("Null"),
        "Null": {"type": "null", **filler},
        # Plain references: a stub stands for the target.
        "Plain": {"type": "object", "properties": {"d": {**_ref("Leaf"), "description": "d"}}},
        "Leaf": {"type": "object", "properties": {"e": {"type": "integer"}}, **filler},
    }
    plan = plan_chunks(schemas, 1)
    assert plan is not None
    where = {name: index for index, chunk in enumerate(plan.chunks) for name in chunk}
    assert where["Merged"] == where["Base"]
    assert where["Combined"] == where["Part"]
    assert where["Union"] == where["Nothing"] == where["Null"]
    assert where["Leaf"] < where["Plain"]


def test_a_reference_into_a_component_makes_one_run() -> None:
    schemas = {
        "A": {"type": "object", "properties": {"x": {"$ref": REF + "B/properties/y"}}},
        "B": {"type": "object", "properties": {"y": {"type": "string"}}},
    }
    assert plan_chunks(schemas, 1) is None


def _output(defined: tuple[str, ...], imported: tuple[str, ...] = ()) -> Any:
    return chunks_module._Output(
        frozenset(("typing", 0, name, None) for name in imported), "", defined
    )


def test_chunks_that_define_a_name_twice_are_merged_with_those_between() -> None:
    chunks = [["A"], ["B"], ["C"], ["D"], ["E"]]
    # Unique names: nothing to merge.
    assert chunks_module._merge_colliding(chunks, [_output((name,)) for name in "ABCDE"]) is None
    # Chunk 1 and chunk 3 both invent `Item`: chunks 1 to 3 become one, in order.
    outputs = [
        _output(("A",)),
        _output(("B", "Item")),
        _output(("C",)),
        _output(("D", "Item")),
        _output(("E",)),
    ]
    assert chunks_module._merge_colliding(chunks, outputs) == [["A"], ["B", "C", "D"], ["E"]]
    # A name one chunk defines and an earlier one imports merges them too.
    outputs = [
        _output(("A",), imported=("Any",)),
        *(_output((n,)) for n in "BC"),
        _output(("Any",)),
    ]
    merged = chunks_module._merge_colliding(chunks[:4], outputs)
    assert merged == [["A", "B", "C", "D"]]


# The output, against a single run of datamodel-code-generator.


class _Unaliased(ast.NodeTransformer):
    """Names as imported: datamodel-code-generator imports ``date as date_aliased`` in a
    run where a field is named ``date``, which a chunk without one does not."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = aliases

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.Name(id=self.aliases.get(node.id, node.id), ctx=node.ctx)


def _definitions(source: str) -> dict[str, str]:
    """Each top-level definition of a module (class, alias) by name, as its syntax tree."""
    tree = ast.parse(source)
    aliases = {
        alias.asname: alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname
    }
    tree = _Unaliased(aliases).visit(tree)
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found[node.name] = ast.dump(node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found[node.target.id] = ast.dump(node)
    return found


def _single_run_without_constraints(api: Api) -> str:
    """What one run of datamodel-code-generator makes of the input the chunks are cut from."""
    schemas = {
        name: _models._without_constraints(schema)
        for name, schema in _models._for_datamodel(api.schemas).items()
    }
    return _models._generate(
        api.name,
        api.spec_path,
        _models._document(api, schemas),
        template_data=_models._template_data(api),
        class_names=api.class_names(),
        header=HEADER,
    )


def _check_chunked(api: Api, weight: int = 1) -> str:
    chunked = compile_models(api, HEADER, chunk_weight=weight, workers=2)
    assert compile_models(api, HEADER, chunk_weight=weight, workers=1) == chunked
    compile(chunked, "models.py", "exec")
    assert _definitions(chunked) == _definitions(_single_run_without_constraints(api))
    # The classes and their fields are those of today's single run, constraints and all.
    single = _definitions(compile_models(api, HEADER))
    classes = {name for name, dump in single.items() if dump.startswith("ClassDef")}
    assert classes <= set(_definitions(chunked))
    return chunked


def test_the_shapes_fixture_in_chunks_defines_what_one_run_defines() -> None:
    api = build_api(load_spec(SHAPES))
    # Chunks of a few schemas each (one each would only take longer).
    chunked = _check_chunked(api, weight=2_000)
    assert "stub" not in chunked


_COUNTER = iter(range(1_000_000))


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(document=_specs())
def test_random_specs_in_chunks_define_what_one_run_defines(
    document: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / f"rand{next(_COUNTER)}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    spec = load_spec(path)
    if any(problem.is_error for problem in lint_spec(spec)):
        return
    api = build_api(spec)
    if plan_chunks(_models._for_datamodel(api.schemas), 1) is None:
        return
    _check_chunked(api)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(document=_specs(), data=st.data())
def test_random_specs_in_chunks_import_and_round_trip(
    document: dict[str, Any], data: st.DataObject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks_module, "CHUNK_WEIGHT", 1)
    generate_import_and_round_trip(document, data, tmp_path)


def test_a_refusal_in_a_worker_is_the_refusal_of_one_run(tmp_path: Path) -> None:
    """The backstop of lint's compilable rule (see test_models_shapes), raised in a worker."""
    spec_path = tmp_path / "api.yaml"
    spec_path.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n"
        "    A: {type: object, properties: {x: {type: string}}}\n"
        "    E:\n      type: object\n      properties: {a: {type: string}}\n"
        "      anyOf:\n        - $ref: '#/components/schemas/A'\n"
        "        - required: [a]\n",
        encoding="utf-8",
    )
    api = _Builder(hoist(load_spec(spec_path))).build()
    with pytest.raises(CompileError) as single:
        compile_models(api, HEADER)
    with pytest.raises(CompileError) as chunked:
        compile_models(api, HEADER, chunk_weight=1, workers=2)
    assert str(chunked.value) == str(single.value)
    assert "datamodel-code-generator made a class" in str(chunked.value)


# specbind generate, in a subprocess, on a spec large enough to be made in chunks.


def _large_project(directory: Path, count: int = 700) -> Path:
    schemas = {
        f"Thing{index}": {
            "type": "object",
            "description": f"Thing number {index}. " + "Some words about it. " * 8,
            "properties": {
                "name": {"type": "string"},
                "next": {"$ref": f"{REF}Thing{(index + 1) % count}"},
            },
        }
        for index in range(count)
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Large", "version": "1"},
        "paths": {
            "/things/0": {
                "get": {
                    "operationId": "getThing",
                    "responses": {
                        "200": {
                            "description": "d",
                            "content": {"application/json": {"schema": _ref("Thing0")}},
                        },
                        "default": {
                            "description": "d",
                            "content": {"application/json": {"schema": _ref("Other0")}},
                        },
                    },
                }
            }
        },
        "components": {
            "schemas": {
                **schemas,
                # A second, acyclic family, so that there is more than one group.
                **{
                    f"Other{index}": {
                        "type": "object",
                        "description": "Another thing. " * 12,
                        "properties": {"up": _ref(f"Other{index + 1}")} if index < 200 else {},
                    }
                    for index in range(201)
                },
            }
        },
    }
    (directory / "specs").mkdir(parents=True)
    (directory / "specs" / "large.json").write_text(json.dumps(document), encoding="utf-8")
    (directory / "pyproject.toml").write_text(
        '[project]\nname = "large"\nversion = "0"\n[tool.specbind]\n', encoding="utf-8"
    )
    return directory


def _workers_of(marker: str) -> list[int]:
    """The processes whose environment holds ``marker``: the command and its workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in environment.split(b"\0"):
            found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_generate_reports_the_chunks_and_checks_clean(tmp_path: Path) -> None:
    project = _large_project(tmp_path / "large")
    command = [sys.executable, "-m", "specbind", "generate", "--no-cache"]
    done = subprocess.run(
        command, cwd=project, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    total = [line for line in lines if "models: chunk 1/" in line]
    assert total, done.stderr
    count = int(total[0].rsplit("/", 1)[1])
    assert count >= 2
    assert f"specbind generate: models: chunk {count}/{count}" in lines
    # One worker makes what several made (this machine has two processors).
    check = subprocess.run(
        [*command, "--check", "--jobs", "1"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"specbind generate: models: chunk {count}/{count}" in check.stderr.splitlines()


@pytest.mark.slow
@pytest.mark.parametrize("group", [True, False], ids=["ctrl-c", "sigint-to-the-command"])
def test_an_interrupted_generate_leaves_no_worker(tmp_path: Path, group: bool) -> None:
    """Ctrl-C interrupts the command and its workers; SIGINT to the command alone (``kill
    -INT``) leaves it to stop them."""
    project = _large_project(tmp_path / "large")
    marker = f"SPECBIND_TEST_MARKER={os.getpid()}-{time.monotonic_ns()}"
    key, value = marker.split("=", 1)
    process = subprocess.Popen(
        [sys.executable, "-m", "specbind", "generate", "--no-cache"],
        cwd=project,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, key: value},
        start_new_session=True,
    )
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if "models: chunk 1/" in line:
                break
        else:
            pytest.fail("generate finished before its first chunk")
        assert len(_workers_of(marker)) >= 2  # the command and at least one worker
        if group:
            # Ctrl-C reaches the whole foreground process group.
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 130
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stderr.close()
    deadline = time.monotonic() + 10
    while _workers_of(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _workers_of(marker) == []


#: datamodel-code-generator's directives, each set to write code of the spec's choosing.
_DIRECTIVES = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        imported: {type: string, x-python-import: {module: subprocess, name: Popen}}
        typed: {type: string, x-python-type: "Evil = __import__('os')"}
        custom: {type: string, customTypePath: os.system}
        based: {type: object, customBasePath: subprocess.Popen, properties: {d: {type: string}}}
        x-python-type: {type: string}
    Colour:
      type: string
      enum: [red, green]
      x-enum-varnames: ["import os", "0"]
"""


@pytest.mark.parametrize("weight", [None, 1], ids=["one-run", "chunks"])
def test_no_generator_directive_of_a_spec_reaches_the_models(
    tmp_path: Path, weight: int | None
) -> None:
    """A spec's ``x-python-import``, ``x-python-type``, ``customTypePath``,
    ``customBasePath`` and ``x-enum-varnames`` are extensions to specbind: the models
    import and name only what specbind writes (a property so named stays a property)."""
    spec_path = tmp_path / "api.yaml"
    spec_path.write_text(_DIRECTIVES, encoding="utf-8")
    models = compile_models(build_api(load_spec(spec_path)), HEADER, chunk_weight=weight, workers=1)
    compile(models, "models.py", "exec")
    for written in ("subprocess", "Popen", "os", "Evil", "system", "import os"):
        assert written not in models.replace("import annotations", ""), written
    tree = ast.parse(models)
    annotations = {
        node.target.id: ast.unparse(node.annotation)
        for cls in tree.body
        if isinstance(cls, ast.ClassDef) and cls.name == "Thing"
        for node in cls.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    assert annotations["imported"] == annotations["typed"] == "str | Unset"
    assert annotations["custom"] == annotations["x_python_type"] == "str | Unset"
    assert "'x-python-type'" in models  # the wire name of the property so named
    assert "RED = 'red'" in models.replace('"', "'")

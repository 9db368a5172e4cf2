"""A spec whose strings try to inject code: the output is golden, inert, and keeps the data.

The golden files in tests/golden/hostile/ are compared byte for byte. After a
deliberate change to the templates, rewrite them with
``SPECBIND_UPDATE_GOLDEN=1 pytest tests/test_hostile_spec.py`` and review the diff.
"""

from __future__ import annotations

import ast
import base64
import importlib
import inspect
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _json_compare import as_instants
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis_jsonschema import from_schema
from hypothesis_jsonschema._canonicalise import HypothesisRefResolutionError
from specbind import load_spec
from specbind._generate._compile import Names, compile_project
from specbind._generate._ir import CompileError, build_api
from specbind._generate._pins import tool_versions
from specbind._lint import lint_spec

import generated

HERE = Path(__file__).parent
SPEC_PATH = HERE / "fixtures" / "hostile" / "hostile.yaml"
GOLDEN = HERE / "golden" / "hostile"
SPEC = load_spec(SPEC_PATH)
THING = SPEC.data["components"]["schemas"]["Thing"]
STATE = SPEC.data["components"]["schemas"]["State"]

# Everything generated code may call; an injected statement would call something else.
ALLOWED_CALLS = {
    "_field", "_model", "_checks.pattern", "_checks.minimum", "_checks.maximum",
    "_checks.max_length", "TaggedUnion", "make_converter", "check_parameter", "path_segment",
    "query_value", "header_value", "str", "Transport", "structure_response", "self.close",
    "self._transport.close", "self._transport.request", "_BY_STATUS.get",
    "self.get_thing_with_response", "AttributeError",
}  # fmt: skip
ALLOWED_IMPORTS = {
    "__future__", "collections.abc", "datetime", "typing", "uuid", "urllib3",
    ".._runtime", ".", ".client", ".converter",
}  # fmt: skip


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    names = Names("generated", "specbind-bindings")
    compiled = compile_project([SPEC], tool_versions(), progress=lambda _: None, names=names)
    return {path: text for path, text in compiled.items() if path.startswith("hostile/")}


def test_output_matches_golden(files: dict[str, str]) -> None:
    if os.environ.get("SPECBIND_UPDATE_GOLDEN"):
        for relative, text in files.items():
            target = GOLDEN.parent / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
    golden = {
        path.relative_to(GOLDEN.parent).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(GOLDEN.glob("*.py"))
    }
    assert golden == files


def _calls(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield ast.unparse(node.func)


def test_no_injected_statement(files: dict[str, str]) -> None:
    for relative, text in files.items():
        tree = ast.parse(text, filename=relative)
        assert set(_calls(tree)) <= ALLOWED_CALLS, relative
        imported = {
            "." * node.level + (node.module or "")
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert imported <= ALLOWED_IMPORTS, relative
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        assert not names & {"exec", "eval", "os", "__import__", "compile", "system"}, relative


def _class(tree: ast.Module, name: str) -> ast.ClassDef:
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


def _keyword(call: ast.Call, name: str) -> Any:
    return ast.literal_eval(next(k.value for k in call.keywords if k.arg == name))


def test_spec_strings_survive_as_data(files: dict[str, str]) -> None:
    tree = ast.parse(files["hostile/models.py"])
    thing = _class(tree, "Thing")
    assert inspect.cleandoc(ast.get_docstring(thing, clean=False) or "") == inspect.cleandoc(
        THING["description"]
    )
    wire_names = []
    for node in thing.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Call):
            metadata = next((k.value for k in node.value.keywords if k.arg == "metadata"), None)
            if isinstance(metadata, ast.Dict):
                wire_names.append(ast.literal_eval(metadata)["wire"])
            for check in _calls(node.value):
                if check == "_checks.pattern":
                    call = next(
                        c
                        for c in ast.walk(node.value)
                        if isinstance(c, ast.Call) and ast.unparse(c.func) == check
                    )
                    assert ast.literal_eval(call.args[0]) == THING["properties"]['x"y']["pattern"]
    assert wire_names == list(THING["properties"])
    init = next(
        node
        for node in thing.body
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "init"
    )
    assert isinstance(init.value, ast.Call)
    assert _keyword(init.value, "metadata")["default"] == THING["properties"]["__init__"]["default"]
    state = _class(tree, "State")
    values = [ast.literal_eval(node.value) for node in state.body if isinstance(node, ast.Assign)]
    assert values == STATE["enum"]


@pytest.fixture(scope="module")
def hostile(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("hostile") / "generated"
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    generated.__path__.append(str(root))
    try:
        yield importlib.import_module("generated.hostile")
    finally:
        generated.__path__.remove(str(root))
        for name in [n for n in sys.modules if n.startswith("generated.hostile")]:
            del sys.modules[name]


def test_hostile_package_imports_and_round_trips(hostile: Any) -> None:
    example = SPEC.data["paths"]["/things/{thing_id}"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["examples"]["hostile"]["value"]
    thing = hostile.strict_converter.structure(example, hostile.models.Thing)
    assert thing.class_ == "c"
    assert thing.def_ == 1
    assert thing.init == "i"
    assert as_instants(hostile.converter.unstructure(thing)) == as_instants(example)
    assert SPEC.data["servers"][0]["url"] == hostile.client.DEFAULT_BASE_URL


# --- Random specs over every schema shape -------------------------------------------
#
# For specs hypothesis draws over every shape (inline objects and enums, enums of every
# JSON type with and without null, objects without properties, typed maps, allOf of
# refs and inline parts, oneOf/anyOf with and without a discriminator, recursion,
# const, type arrays, formats, top-level arrays and primitives, hostile names): lint
# accepts => generate succeeds => the package imports, and a payload valid under a
# component's schema structures strictly and unstructures back equal. Lint's
# ``compilable`` rule and generate refuse the same specs. The slow test adds
# ``mypy --strict`` over each package.

_COMPONENTS = ("Obj", "Other", "job-state", "Any", "S")
_OBJECTS = _COMPONENTS[:2]  # always objects with a required string `kind`
_PROPERTIES = ("id", "", "class", "a-b", "self", "kind", "additional_properties", "x y")
_TEXT = st.sampled_from(["a", "b", "", "é", "two words", "None", "__init__"])
_FORMATS = ("date", "date-time", "uuid", "time", "duration", "ipv4", "email", "byte")
_KIND = {"type": "string"}
# hypothesis-jsonschema draws date-times itself, but treats `uuid` as any string.
_DRAWN_FORMATS = {
    "uuid": st.uuids().map(str),
    "byte": st.binary(max_size=8).map(lambda data: base64.b64encode(data).decode()),
}


def _ref(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(names).map(lambda name: {"$ref": f"#/components/schemas/{name}"})


def _enums() -> st.SearchStrategy[dict[str, Any]]:
    scalars = st.one_of(
        _TEXT, st.integers(-3, 3), st.sampled_from([0.5, 2.5, -1.25]), st.booleans()
    )
    values = st.one_of(
        st.lists(_TEXT, min_size=1, max_size=3, unique=True),
        st.lists(st.integers(-3, 300), min_size=1, max_size=3, unique=True),
        st.lists(scalars, min_size=1, max_size=4, unique_by=lambda v: (type(v), v)),
    )
    return st.builds(
        lambda listed, null, mode: {
            "enum": listed + [None] * null,
            **({"x-specbind-enum": mode} if mode else {}),
        },
        values,
        st.booleans(),
        # Mostly annotated, so that lint's enum-open-closed accepts most specs.
        st.sampled_from(["open", "closed", "open", "closed", None]),
    )


def _leaves() -> st.SearchStrategy[dict[str, Any]]:
    primitive = st.builds(
        lambda kind, null: {"type": [kind, "null"] if null else kind},
        st.sampled_from(["string", "integer", "number", "boolean"]),
        st.booleans(),
    )
    formatted = st.sampled_from(_FORMATS).map(lambda f: {"type": "string", "format": f})
    constrained = st.sampled_from(
        [{"type": "string", "maxLength": 3}, {"type": "integer", "minimum": 0}]
    )
    return st.one_of(
        primitive,
        formatted,
        constrained,
        _enums(),
        _TEXT.map(lambda value: {"const": value}),
        _ref(_COMPONENTS),
        _ref(_COMPONENTS).map(lambda ref: {"anyOf": [ref, {"type": "null"}]}),
        st.just({"type": ["string", "integer"]}),
        st.just({"type": "object"}),
    )


def _objects(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda properties, required, typed, extra: {
            **({"type": "object"} if typed else {}),
            "properties": properties,
            **({"required": sorted(set(required) & set(properties))} if required else {}),
            **({"additionalProperties": extra} if extra is not None else {}),
        },
        st.dictionaries(st.sampled_from(_PROPERTIES), inner, max_size=3),
        st.lists(st.sampled_from(_PROPERTIES), max_size=2),
        st.booleans(),
        st.one_of(st.none(), st.just(True), inner),
    )


#: Schemas that only narrow a property's values, whatever its type.
_NARROWINGS = st.sampled_from(
    [{"enum": [False]}, {"minimum": 1}, {"maxLength": 2}, {"const": "a"}, {"not": {}}]
)


def _constrained_objects(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """An object with a oneOf/anyOf beside its properties (qwilr's ``Expiry``): members
    that only require or narrow declared properties, optionally restating the type (one
    class, the union only constrains), or else a member with a shape (a component, a
    primitive, a property the object does not declare: lint refuses it)."""

    def build(
        schema: dict[str, Any], keyword: str, picks: list[tuple[str, int, Any]]
    ) -> dict[str, Any]:
        declared = sorted(schema["properties"]) or ["id"]
        members = []
        for kind, index, extra in picks:
            name = declared[index % len(declared)]
            if kind == "required":
                members.append({"required": [name]})
            elif kind == "narrow":
                member = {"properties": {name: extra}}
                members.append({**member, "type": schema["type"]} if "type" in schema else member)
            elif kind == "undeclared":
                members.append({"properties": {"undeclared": extra}})
            else:
                members.append(extra)
        return {**schema, keyword: members}

    pick = st.one_of(
        st.tuples(st.just("required"), st.integers(0, 3), st.none()),
        st.tuples(st.just("narrow"), st.integers(0, 3), _NARROWINGS),
        st.tuples(st.just("undeclared"), st.integers(0, 3), _NARROWINGS),
        st.tuples(st.just("shape"), st.integers(0, 3), inner),
    )
    return st.builds(
        build,
        _objects(inner),
        st.sampled_from(["oneOf", "anyOf"]),
        st.lists(pick, min_size=1, max_size=3),
    )


def _shapes(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    if depth == 0:
        return _leaves()
    inner = _shapes(depth - 1)
    return st.one_of(
        _leaves(),
        _objects(inner),
        _constrained_objects(inner),
        inner.map(lambda items: {"type": "array", "items": items}),
        inner.map(lambda values: {"type": "object", "additionalProperties": values}),
        st.builds(
            lambda refs, part: {"allOf": [*refs, {"type": "object", "properties": part}]},
            st.lists(_ref(_OBJECTS), min_size=1, max_size=2, unique_by=str),
            st.dictionaries(st.sampled_from(_PROPERTIES), inner, max_size=2),
        ),
        st.builds(
            lambda keyword, members: {keyword: members},
            st.sampled_from(["oneOf", "anyOf"]),
            st.lists(inner, min_size=2, max_size=3),
        ),
    )


def _discriminated() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda members, tags: {
            "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in members],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {
                    tag: f"#/components/schemas/{name}"
                    for tag, name in zip(tags, members, strict=False)
                },
            },
        },
        st.lists(st.sampled_from(_OBJECTS), min_size=1, max_size=2, unique=True),
        st.lists(st.sampled_from(["a", "b"]), max_size=1, unique=True),
    )


@st.composite
def _specs(draw: st.DrawFn) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for name in _OBJECTS:
        schema = draw(_objects(_shapes(1)))
        schema["properties"] = {**schema["properties"], "kind": _KIND}
        schema["required"] = sorted({*schema.get("required", []), "kind"})
        schemas[name] = schema
    for name in _COMPONENTS[len(_OBJECTS) :]:
        schemas[name] = draw(st.one_of(_shapes(2), _discriminated()))
    # Bodies are classes, arrays or primitives: a body that is a union (`A | B`,
    # `X | None`) is not a `type` the client's signatures take yet (the ops stream's).
    bodies = st.one_of(
        _objects(_leaves()),
        _ref(_COMPONENTS).map(lambda ref: {"type": "array", "items": ref}),
        st.sampled_from([{"type": "integer"}, {"type": "string", "format": "date"}]),
    )
    body = draw(bodies)
    response = {"description": "d", "content": {"application/json": {"schema": body}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Random", "version": "1", "contact": {"name": "n"}},
        "tags": [{"name": "t"}],
        "paths": {
            "/things": {
                "post": {
                    "operationId": "makeThing",
                    "tags": ["t"],
                    "requestBody": {"content": {"application/json": {"schema": draw(bodies)}}},
                    "responses": {"200": response},
                }
            }
        },
        "components": {"schemas": schemas},
    }


_COUNTER = iter(range(1_000_000))


def _checked_package(document: dict[str, Any], scratch: Path) -> tuple[Any, dict[str, str]] | None:
    """Lint then generate ``document``; None when lint refuses it (generate must then
    refuse it too if lint's reason is a shape). The spec and its package's files."""
    path = scratch / f"rand{next(_COUNTER)}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    spec = load_spec(path)
    errors = [problem for problem in lint_spec(spec) if problem.is_error]
    if any(problem.rule == "compilable" for problem in errors):
        with pytest.raises(CompileError):
            build_api(spec)
    if errors:
        event(f"lint refused: {sorted({problem.rule for problem in errors})}")
        return None
    event("lint accepted")
    names = Names("generated", "specbind-bindings")
    return spec, compile_project([spec], tool_versions(), progress=lambda _: None, names=names)


def _round_trips(spec: Any, package: Any, data: st.DataObject) -> None:
    """A payload valid under each component's schema (as compiled: allOf merged,
    ``properties`` read as an object) structures strictly and unstructures back equal."""
    api = build_api(spec)
    converter = importlib.import_module(f"{package.__name__}.converter").strict_converter
    components = {"schemas": api.schemas}
    for pointer, name in sorted(api.class_names().items()):
        if "discriminator" in json.dumps(api.schemas):
            return  # the tag picks the member, which JSON Schema does not know
        try:
            value = data.draw(
                from_schema(
                    {"$ref": pointer, "components": components}, custom_formats=_DRAWN_FORMATS
                )
            )
        except (
            HypothesisException,
            HypothesisRefResolutionError,
            RecursionError,
            ValueError,
            TypeError,
        ):
            # hypothesis-jsonschema draws no value of a recursive schema.
            event("payload not drawn")
            continue
        built = converter.structure(value, getattr(package.models, name))
        assert as_instants(converter.unstructure(built)) == as_instants(value), name
        event("payload round-tripped")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(document=_specs(), data=st.data())
def test_random_specs_lint_generate_import_and_round_trip(
    document: dict[str, Any], data: st.DataObject, tmp_path: Path
) -> None:
    generate_import_and_round_trip(document, data, tmp_path)


def generate_import_and_round_trip(
    document: dict[str, Any], data: st.DataObject, tmp_path: Path
) -> None:
    """Generate ``document``'s package (if lint takes it), import it and round-trip
    payloads drawn from its schemas."""
    checked = _checked_package(document, tmp_path)
    if checked is None:
        return
    spec, files = checked
    root = tmp_path / f"pkg{next(_COUNTER)}" / "generated"
    package_files = {k: v for k, v in files.items() if k.startswith(f"{spec.name}/")}
    for relative, text in package_files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    generated.__path__.append(str(root))
    try:
        package = importlib.import_module(f"generated.{spec.name}")
        _round_trips(spec, package, data)
    finally:
        generated.__path__.remove(str(root))
        for module in [n for n in sys.modules if n.startswith(f"generated.{spec.name}")]:
            del sys.modules[module]


@pytest.mark.slow
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(document=_specs())
def test_random_specs_pass_mypy_strict(document: dict[str, Any], tmp_path: Path) -> None:
    checked = _checked_package(document, tmp_path)
    if checked is None:
        return
    _, files = checked
    scratch = tmp_path / f"mypy{next(_COUNTER)}"
    for relative, text in files.items():
        (scratch / "generated" / relative).parent.mkdir(parents=True, exist_ok=True)
        (scratch / "generated" / relative).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "generated"],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr

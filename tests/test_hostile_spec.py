"""A spec whose strings try to inject code: the output is golden, inert, and keeps the data.

The golden files in tests/golden/hostile/ are compared byte for byte. After a
deliberate change to the templates, rewrite them with
``SPECBIND_UPDATE_GOLDEN=1 pytest tests/test_hostile_spec.py`` and review the diff.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _json_compare import as_instants
from specbind import load_spec
from specbind._generate._compile import Names, compile_project
from specbind._generate._pins import tool_versions

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
    "self.get_thing_with_response",
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

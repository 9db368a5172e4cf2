"""The naming rules: every derived name is a distinct identifier the generated code leaves free."""

from __future__ import annotations

import ast
import keyword
import unicodedata

import pytest
from _support import ROOT
from hypothesis import given
from hypothesis import strategies as st
from specbind._generate._names import (
    CLIENT_NAMES,
    LOCATIONS,
    MODEL_ATTRIBUTE_NAMES,
    MODEL_MODULE_NAMES,
    class_names,
    method_name,
    method_name_clashes,
    model_attribute_names,
    parameter_names,
)

# Spec names built from pieces that collide after snake_case, NFKC and keyword renames.
PIECES = ["user", "User", "ID", "id", "_", "-", " ", "self", "class", "match", "ﬁ", "fi", "ü", "7"]
SPEC_NAMES = st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join) | st.text()


def _usable(name: str, reserved: frozenset[str]) -> bool:
    return (
        name.isidentifier()
        and unicodedata.normalize("NFKC", name) == name
        and not keyword.iskeyword(name)
        and not name.startswith("_")
        and name not in reserved
    )


def test_soft_keywords_stay_names_on_every_python() -> None:
    # `type` became a soft keyword in 3.12: were soft keywords renamed, the same spec would
    # give other code on another Python.
    wire = [("query", "type"), ("query", "match"), ("query", "case"), ("query", "_")]
    assert parameter_names(wire)[:3] == ["type_", "match", "case"]


@given(st.lists(st.tuples(st.sampled_from(LOCATIONS), SPEC_NAMES), unique=True))
def test_parameter_names_are_distinct_usable_and_stable(parameters: list[tuple[str, str]]) -> None:
    names = parameter_names(parameters)
    assert len(set(names)) == len(names)
    assert all(_usable(name, CLIENT_NAMES) for name in names)
    assert parameter_names(parameters) == names


@given(st.lists(SPEC_NAMES, unique=True))
def test_attribute_and_class_names_are_distinct_and_usable(wire_names: list[str]) -> None:
    attributes = model_attribute_names(wire_names)
    assert len(set(attributes)) == len(attributes)
    assert all(_usable(name, MODEL_ATTRIBUTE_NAMES) for name in attributes)
    classes = class_names(wire_names)
    assert len(set(classes)) == len(classes)
    assert all(name.isidentifier() and name not in MODEL_MODULE_NAMES for name in classes)


@given(st.lists(SPEC_NAMES, unique=True))
def test_methods_either_get_distinct_names_or_are_reported(operation_ids: list[str]) -> None:
    clashes = method_name_clashes(operation_ids)
    refused = {later for later, _, _ in clashes}
    kept = [method_name(op) for index, op in enumerate(operation_ids) if index not in refused]
    defined = kept + [f"{name}_with_response" for name in kept]
    assert len(set(defined)) == len(defined)
    assert all(_usable(name, CLIENT_NAMES) for name in kept)


def test_the_issue_examples() -> None:
    assert parameter_names([("path", "id"), ("query", "id")]) == ["path_id", "query_id"]
    assert parameter_names([("query", "userId"), ("query", "user_id")]) == ["user_id_", "user_id"]
    assert parameter_names([("query", "self"), ("query", "timeout"), ("query", "query")]) == [
        "self_",
        "timeout_",
        "query",
    ]
    assert [c[:2] for c in method_name_clashes(["getJob", "get_job", "get-job"])] == [
        (1, 0),
        (2, 0),
    ]
    assert model_attribute_names(["exitCode", "exit_code", "additional_properties"]) == [
        "exit_code_",
        "exit_code",
        "additional_properties_",
    ]
    assert class_names(["Any", "datetime", "list"]) == ["Any2", "Datetime", "List"]


def _names_used(tree: ast.AST) -> set[str]:
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }


@pytest.mark.parametrize("api", ["veryfront", "prunner", "vectara"])
def test_the_reserved_names_cover_what_generated_code_uses(api: str) -> None:
    # Any name a method or class body refers to, an argument or attribute of the same
    # name would shadow; so each must be reserved (or start with "_", which none takes).
    client = ast.parse((ROOT / "generated" / api / "client.py").read_text("utf-8"))
    for function in ast.walk(client):
        # Dunder methods take no argument named after the spec.
        if isinstance(function, ast.FunctionDef) and not function.name.startswith("_"):
            arguments = {a.arg for a in [*function.args.args, *function.args.kwonlyargs]}
            used = _names_used(function) - arguments
            assert {n for n in used if not n.startswith("_")} <= CLIENT_NAMES, function.name
    models = ast.parse((ROOT / "generated" / api / "models.py").read_text("utf-8"))
    # Classes, and type aliases for components that are not objects or enums.
    classes = {node.name for node in models.body if isinstance(node, ast.ClassDef)} | {
        node.target.id
        for node in models.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    imported = {
        alias.asname or alias.name
        for node in models.body
        if isinstance(node, ast.ImportFrom) and node.module != "__future__"
        for alias in node.names
    }
    assert {name for name in imported if not name.startswith("_")} <= MODEL_MODULE_NAMES
    for node in models.body:
        if isinstance(node, ast.ClassDef):
            used = {n for n in _names_used(node) if not n.startswith("_")} - classes
            assert used <= MODEL_ATTRIBUTE_NAMES, node.name

"""The naming rules: every derived name is a distinct identifier the generated code leaves free."""

from __future__ import annotations

import keyword
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from codegen._names import (
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
        and not keyword.issoftkeyword(name)
        and not name.startswith("_")
        and name not in reserved
    )


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

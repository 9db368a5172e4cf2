"""The runtime's fast paths give exactly what the plain paths give.

Lenient structuring builds models without attrs' ``__init__`` and parses the common
date-time form with ``fromisoformat``; both must agree with the general code on every
input, valid or not: the same instance, or the same exception with the same message.
"""

from __future__ import annotations

import copy
import functools
import importlib
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from _support import ROOT, SPEC_NAMES, iter_response_examples
from cattrs.errors import ClassValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from specbind import load_spec

import generated.prunner
import generated.vectara
import generated.veryfront
from generated._runtime import _converter, _datetimes, error_locations, parse_datetime

BINDINGS = {
    "veryfront": generated.veryfront,
    "prunner": generated.prunner,
    "vectara": generated.vectara,
}
EXAMPLES = [
    (name, binding.RESPONSE_MODELS[(operation, status)], value)
    for name, binding in BINDINGS.items()
    for operation, status, _, value in iter_response_examples(
        load_spec(ROOT / "specs" / f"{name}.yaml")
    )
]
EXAMPLES_BY_MODEL = {(name, model.__name__): value for name, model, value in EXAMPLES}
_ODD_VALUES = [
    None, True, False, 0, -1, 40000, 1.5, "", "x", "done", "paused", [], ["a"], {}, {"k": 1},
    "2026-11-23T07:28:20Z", "2026-11-23t07:28:20z", "2026-02-30T07:28:20Z",
    "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8", "{52A5CB79-7556-4C52-8E6F-DD6AAF1BC4C8}",
]  # fmt: skip


def _outcome(structure: Any, value: Any, model: type) -> Any:
    try:
        return structure(copy.deepcopy(value), model)
    except Exception as exc:
        return ("raised", type(exc), str(exc), error_locations(exc))


@pytest.fixture(scope="module")
def through_init(monkeypatch_module: pytest.MonkeyPatch) -> dict[str, Any]:
    """Lenient converters that build every model through cattrs and ``__init__``."""
    monkeypatch_module.setattr(
        _converter,
        "_direct_model_hook",
        _converter._init_model_hook,
    )
    found = {}
    for name in SPEC_NAMES:
        module = importlib.import_module(f"generated.{name}.converter")
        found[name] = _converter.make_converter(strict=False, tagged_unions=module._TAGGED_UNIONS)
    return found


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(value, (dict, list)):
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _paths(item, (*prefix, key))


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, type, Any]:
    name, model, value = draw(st.sampled_from(EXAMPLES))
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
            parent[draw(st.sampled_from(["extra", "id", "kind", "status"]))] = odd
        else:
            parent[path[-1]] = odd
    if draw(st.integers(0, 19)) == 0:
        value = copy.deepcopy(draw(st.sampled_from(_ODD_VALUES)))
    return name, model, value


@settings(max_examples=400, deadline=None)
@given(case=_mutated())
def test_lenient_structuring_matches_init(through_init: dict[str, Any], case: Any) -> None:
    name, model, value = case
    # The first tries, which stop at the first error: the one that errs first must be
    # the same field with the same message.
    fast = _outcome(BINDINGS[name].converter._first_try.structure, value, model)
    plain = _outcome(through_init[name]._first_try.structure, value, model)
    assert fast == plain
    if not isinstance(fast, tuple):
        # Equal, and complete: every slot set, unknown keys kept alike.
        assert attrs.asdict(fast, recurse=True) == attrs.asdict(plain, recurse=True)


@pytest.mark.parametrize("converter_name", ["strict_converter", "converter"])
@settings(max_examples=400, deadline=None)
@given(case=_mutated())
def test_structuring_matches_detailed_validation(converter_name: str, case: Any) -> None:
    name, model, value = case
    converter = getattr(BINDINGS[name], converter_name)
    fast = _outcome(converter.structure, value, model)
    # Each converter's second pass run by itself: detailed validation only, with the
    # spec's checks on for the strict one and off for the lenient one.
    detailed_only = functools.partial(_converter.ModelConverter._detailed, converter)
    assert fast == _outcome(detailed_only, value, model)


def test_lenient_errors_carry_every_fault_at_its_pointer() -> None:
    job = copy.deepcopy(dict(EXAMPLES_BY_MODEL["prunner", "Job"]))
    job["tasks"] = [*job["tasks"], {**job["tasks"][0], "exitCode": "7"}]
    del job["user"]
    job["tasks"][-1].pop("name")
    with pytest.raises(Exception) as raised:  # noqa: PT011 - any error; its faults are checked
        generated.prunner.converter.structure(job, generated.prunner.models.Job)
    last = len(job["tasks"]) - 1
    assert sorted(error_locations(raised.value)) == [
        (f"/tasks/{last}/exitCode", "expected an integer, found a string '7'"),
        (f"/tasks/{last}/name", "required property is missing"),
        ("/user", "required property is missing"),
    ]


def test_every_example_takes_the_fast_path() -> None:
    for name, model, _ in EXAMPLES:
        hook = BINDINGS[name].converter._first_try.get_structure_hook(model)
        assert hook.__code__.co_filename == "<specbind structure>", (name, model)


@attrs.frozen(kw_only=True)
class Node:
    name: str = attrs.field(metadata={"wire": "name"})
    children: list[Node] | None = attrs.field(default=None, metadata={"wire": "kids"})
    additional_properties: dict[str, Any] = attrs.field(factory=dict)


def test_a_model_that_contains_itself() -> None:
    converter = _converter.make_converter(strict=False)
    tree = converter.structure({"name": "a", "kids": [{"name": "b", "x": 1}]}, Node)
    assert tree == Node(name="a", children=[Node(name="b", additional_properties={"x": 1})])


def test_classes_the_fast_path_cannot_build_still_go_through_init() -> None:
    @attrs.frozen
    class Checked:
        count: int = attrs.field(validator=attrs.validators.ge(0), metadata={"wire": "count"})

    converter = _converter.make_converter(strict=False)
    with pytest.raises(ValueError, match="count"):
        converter._first_try.structure({"count": -1}, Checked)
    with pytest.raises(ClassValidationError) as raised:
        converter.structure({"count": -1}, Checked)
    # attrs' own validators run in __init__, past cattrs' per-field notes: no pointer.
    assert error_locations(raised.value) == [("", "'count' must be >= 0: -1")]


_DIGIT = st.sampled_from("0123456789")
_ANY = st.sampled_from("0123456789+-.:TtZz W\u0661\uff11")


@st.composite
def _date_times(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        moment = draw(st.datetimes())
        text = moment.strftime("%Y-%m-%dT%H:%M:%S") + draw(st.sampled_from(["Z", "z", ".5Z"]))
    else:
        digits = [draw(_DIGIT) for _ in range(14)]
        text = "{}{}{}{}-{}{}-{}{}T{}{}:{}{}:{}{}Z".format(*digits)
    chars = list(text)
    for _ in range(draw(st.integers(0, 2))):
        chars[draw(st.integers(0, len(chars) - 1))] = draw(_ANY)
    return "".join(chars)


@settings(max_examples=2000, deadline=None)
@given(text=_date_times())
def test_the_common_date_time_form_parses_as_the_full_parser_does(text: str) -> None:
    try:
        expected: Any = _datetimes._parse_rfc3339(text)
    except ValueError as exc:
        expected = ("raised", str(exc))
    try:
        found: Any = parse_datetime(text)
    except ValueError as exc:
        found = ("raised", str(exc))
    assert found == expected
    if not isinstance(found, tuple):
        assert found.tzinfo is expected.tzinfo

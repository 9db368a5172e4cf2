"""The runtime's fast paths give exactly what the plain paths give.

Lenient structuring builds models without attrs' ``__init__`` and parses the common
date-time form with ``fromisoformat``; both must agree with the general code on every
input, valid or not: the same instance, or the same exception with the same message.
"""

from __future__ import annotations

import copy
import functools
import importlib
import json
import weakref
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import attrs
import pytest
from _prunner_jobs import job
from _support import ROOT, SPEC_NAMES, iter_response_examples
from cattrs.errors import ClassValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from specbind import load_spec

import generated.prunner
import generated.vectara
import generated.veryfront
from generated._runtime import (
    UNSET,
    _converter,
    _datetimes,
    _typed,
    error_locations,
    is_known,
    parse_datetime,
)
from generated.prunner.models import Job, Task

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
#: Jobs as the benchmark makes them: every task status, dependsOn lists, nulls, extras.
JOBS = [("prunner", generated.prunner.models.Job, job(seed)) for seed in range(8)]
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
def through_init() -> dict[tuple[str, str], Any]:
    """Converters, lenient and strict, that build every model through cattrs and
    ``__init__``: cattrs' plain paths, none of the compiled ones."""
    found = {}
    with pytest.MonkeyPatch.context() as patch:
        # make_converter binds the model hook factory it is given now: the patch can go
        # when they are made, before the other tests make converters of their own.
        patch.setattr(_converter, "_direct_model_hook", _converter._init_model_hook)
        for name in SPEC_NAMES:
            module = importlib.import_module(f"generated.{name}.converter")
            unions = module._TAGGED_UNIONS
            one_of = getattr(module, "_ONE_OF", [])
            found[name, "converter"] = _converter.make_converter(strict=False, tagged_unions=unions)
            found[name, "strict_converter"] = _converter.make_converter(
                strict=True, tagged_unions=unions, one_of=one_of
            )
    return found


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(value, (dict, list)):
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _paths(item, (*prefix, key))


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, type, Any]:
    name, model, value = draw(st.sampled_from(EXAMPLES + JOBS))
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


@pytest.mark.parametrize("converter_name", ["strict_converter", "converter"])
@settings(max_examples=400, deadline=None)
@given(case=_mutated())
def test_structuring_matches_init(
    through_init: dict[tuple[str, str], Any], converter_name: str, case: Any
) -> None:
    name, model, value = case
    fast_converter = getattr(BINDINGS[name], converter_name)
    plain_converter = through_init[name, converter_name]
    plain_hook = plain_converter._first_try.get_structure_hook(model)
    assert plain_hook.__code__.co_filename != "<specbind structure>"
    # The first tries, which stop at the first error: the one that errs first must be
    # the same field with the same message.
    fast = _outcome(fast_converter._first_try.structure, value, model)
    plain = _outcome(plain_converter._first_try.structure, value, model)
    assert fast == plain
    if not isinstance(fast, tuple):
        # Equal, and complete: every slot set, unknown keys kept alike, of the very class.
        assert attrs.asdict(fast, recurse=True) == attrs.asdict(plain, recurse=True)
        assert type(fast) is type(plain) is model
    # And whole: the same model, or the same detailed error at the same pointers.
    assert _outcome(fast_converter.structure, value, model) == _outcome(
        plain_converter.structure, value, model
    )


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


@pytest.mark.parametrize("converter_name", ["strict_converter", "converter"])
def test_loads_is_structure_after_the_parse(converter_name: str) -> None:
    converter = getattr(generated.prunner, converter_name)
    for seed in range(8):
        body = json.dumps(job(seed)).encode()
        assert converter.loads(body, Job) == converter.structure(json.loads(body), Job)
        assert converter.loads(body.decode(), Job) == converter.structure(json.loads(body), Job)


def test_loads_keeps_every_guarantee() -> None:
    body = {**job(3), "shard": 7}  # an unknown key: kept
    body.pop("lastError", None)
    body["start"] = None
    found = generated.prunner.converter.loads(json.dumps(body), Job)
    assert found.additional_properties == {"shard": 7}
    assert found.last_error is UNSET
    assert found.start is None
    # TaskStatus is closed; `error: null` is not a string: every fault, at its pointer.
    body["tasks"] = [{**body["tasks"][0], "status": "paused", "error": None}]
    with pytest.raises(ClassValidationError) as raised:
        generated.prunner.converter.loads(json.dumps(body).encode(), Job)
    assert sorted(error_locations(raised.value)) == [
        ("/tasks/0/error", "expected a string, found null"),
        ("/tasks/0/status", "'paused' is not a valid TaskStatus"),
    ]


@pytest.mark.parametrize(
    ("body", "words"),
    [(b"{", "Expecting property name"), (b"[" * 100_000, "nested too deeply"), (b"NaN", "NaN")],
)
def test_loads_refuses_what_is_not_json_with_a_value_error(body: bytes, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        generated.prunner.converter.loads(body, Job)


@pytest.mark.parametrize("converter_name", ["strict_converter", "converter"])
def test_an_open_enum_value_is_kept_and_flagged_by_loads(converter_name: str) -> None:
    models = generated.vectara.models
    converter = getattr(generated.vectara, converter_name)
    body = b'{"id":"job_42","state":"paused","created_at":"2026-11-23T07:28:20.123Z"}'
    found = converter.loads(body, models.Job)
    assert found.state == "paused"
    assert isinstance(found.state, models.JobState)
    assert not is_known(found.state)


def test_models_built_fast_are_of_their_own_class_and_weakly_referable() -> None:
    found = generated.prunner.converter.loads(json.dumps(job(1)), Job)
    assert type(found) is Job
    assert found.tasks
    assert type(found.tasks[0]) is generated.prunner.models.Task
    assert weakref.ref(found)() is found
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        found.user = "someone else"  # type: ignore[misc]


def test_a_class_python_will_not_subclass_is_built_through_its_slots() -> None:
    @attrs.frozen(kw_only=True)
    class Sealed:
        name: str = attrs.field(metadata={"wire": "name"})
        additional_properties: dict[str, Any] = attrs.field(factory=dict)

        def __init_subclass__(cls) -> None:
            raise TypeError("sealed")

    converter = _converter.make_converter(strict=False)
    hook = converter._first_try.get_structure_hook(Sealed)
    assert hook.__code__.co_filename == "<specbind structure>"
    assert converter.loads(b'{"name": "a", "x": 1}', Sealed) == Sealed(
        name="a", additional_properties={"x": 1}
    )


_UUID_CHARS = st.sampled_from("0123456789abcdefABCDEF-_ {}:urnid+")


@settings(max_examples=3000, deadline=None)
@given(
    text=st.one_of(
        st.uuids().map(str),
        st.uuids()
        .map(str)
        .flatmap(
            lambda text: st.tuples(st.integers(0, 35), _UUID_CHARS).map(
                lambda change: text[: change[0]] + change[1] + text[change[0] + 1 :]
            )
        ),
        st.text(_UUID_CHARS, min_size=30, max_size=40),
    )
)
def test_the_quick_uuid_is_uuids_own(text: str) -> None:
    try:
        expected: Any = UUID(text)
    except ValueError:
        expected = None
    found = _converter._hyphenated_uuid(text)
    if found is not None:
        assert found == expected
        assert (found.int, found.is_safe) == (expected.int, expected.is_safe)


def test_unknown_keys_are_found_by_count_whatever_optional_keys_are_absent() -> None:
    task = {k: v for k, v in job(0)["tasks"][1].items() if k != "dependsOn"}
    found = generated.prunner.converter.structure({**task, "dependsOn2": ["x"]}, Task)
    assert found.depends_on is UNSET
    assert found.additional_properties == {"dependsOn2": ["x"]}
    assert generated.prunner.converter.structure(task, Task).additional_properties == {}


@pytest.mark.parametrize("converter_name", ["strict_converter", "converter"])
@settings(max_examples=400, deadline=None)
@given(case=_mutated())
def test_parse_and_structure_in_one_pass_matches_the_plain_path(
    converter_name: str, case: Any
) -> None:
    name, model, value = case
    converter = getattr(BINDINGS[name], converter_name)
    body = json.dumps(value).encode()
    plain = _outcome(converter.structure, json.loads(body), model)
    assert _outcome(converter.loads, body, model) == plain
    # The msgspec pass by itself: when it builds a model, it is the plain path's model;
    # when the plain path refuses, it refuses too (and loads then takes the plain path).
    typed = _typed.typed_loader(converter._first_try, model, checked=converter._strict)
    assert typed is not None, model
    found = typed(body)
    if found is _converter.NOT_BUILT:
        return
    assert not isinstance(plain, tuple), (found, plain)
    assert found == plain
    assert attrs.asdict(found, recurse=True) == attrs.asdict(plain, recurse=True)


def test_a_job_without_unknown_keys_is_built_in_one_pass() -> None:
    for converter in (generated.prunner.converter, generated.prunner.strict_converter):
        typed = _typed.typed_loader(converter._first_try, Job, checked=converter._strict)
        assert typed is not None
        for seed in range(8):
            body = json.dumps(job(seed)).encode()
            assert typed(body) == converter.structure(json.loads(body), Job)


def test_after_a_failed_pass_the_next_calls_take_the_plain_path_for_a_while() -> None:
    converter = generated.prunner.converter
    typed = _typed.typed_loader(converter._first_try, Job, checked=False)
    assert typed is not None
    clean = json.dumps(job(0))
    unknown = json.dumps({**job(0), "shard": 1})
    outcomes = [typed(body) is _converter.NOT_BUILT for body in [unknown, clean, clean]]
    assert outcomes == [True, True, False]  # refused, skipped once, built again
    outcomes = [typed(body) is _converter.NOT_BUILT for body in [unknown] + [clean] * 2]
    assert outcomes == [True, True, False]  # a success started the back-off over
    for _ in range(10):
        typed(unknown)
    skipped = 0
    while typed(clean) is _converter.NOT_BUILT:
        skipped += 1
    assert 0 < skipped <= _typed._MAX_BACKOFF
    # Whichever path builds them, loads gives the same models.
    for body in [unknown, clean] * 40:
        assert converter.loads(body, Job) == converter.structure(json.loads(body), Job)

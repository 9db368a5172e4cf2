"""Every schema shape compiles to typed models that keep the guarantees.

tests/fixtures/shapes/shapes.yaml holds one of each shape vendors write (inline
objects and enums, enums of every JSON type, objects without properties, typed maps,
allOf of several refs, oneOf/anyOf with and without a discriminator, recursion,
const, type arrays, formats, top-level arrays and primitives). It is compiled,
imported, and driven with payloads here; the slow test runs ``mypy --strict`` on it.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cattrs.errors import BaseValidationError
from specbind import load_spec
from specbind._generate._compile import Names, compile_project
from specbind._generate._hoist import hoist
from specbind._generate._ir import CompileError, _Builder, build_api
from specbind._generate._models import compile_models
from specbind._generate._pins import tool_versions
from specbind._lint import lint_spec

import generated

HERE = Path(__file__).parent
SHAPES = HERE / "fixtures" / "shapes" / "shapes.yaml"


def compile_package(spec_path: Path) -> dict[str, str]:
    """Every file ``specbind generate`` writes for one spec (the runtime included)."""
    names = Names("generated", "specbind-bindings")
    return compile_project(
        [load_spec(spec_path)], tool_versions(), progress=lambda _: None, names=names
    )


def write_files(files: dict[str, str], root: Path) -> None:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")


def mypy_strict(files: dict[str, str], scratch: Path) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` over the package, written to ``scratch/generated``."""
    write_files(files, scratch / "generated")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "generated"],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def import_package(files: dict[str, str], root: Path) -> Iterator[Any]:
    """Write one spec's package under ``root`` and import it as a subpackage of
    ``generated`` (with the installed runtime)."""
    name = next(path for path in files if "/" in path and not path.startswith("_")).split("/")[0]
    write_files({k: v for k, v in files.items() if k.startswith(f"{name}/")}, root)
    generated.__path__.append(str(root))
    try:
        yield importlib.import_module(f"generated.{name}")
    finally:
        generated.__path__.remove(str(root))
        package = f"generated.{name}"
        for module in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
            del sys.modules[module]


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return compile_package(SHAPES)


@pytest.fixture(scope="module")
def shapes(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from import_package(files, tmp_path_factory.mktemp("shapes") / "generated")


def _converter(shapes: Any) -> Any:
    return importlib.import_module(f"{shapes.__name__}.converter")


def round_trip(shapes: Any, data: Any, cls: Any) -> Any:
    """Structure strictly and leniently; both give the payload back unchanged."""
    converters = _converter(shapes)
    for converter in (converters.strict_converter, converters.converter):
        built = converter.structure(data, cls)
        assert converter.unstructure(built) == data
    return built


def test_the_spec_is_lint_clean() -> None:
    problems = lint_spec(load_spec(SHAPES))
    assert [str(p) for p in problems if p.is_error] == []


JOB = {
    "id": "1",
    "state": "running",
    "result": {"output": "x", "score": None, "unlisted": 1},
    "labels": {"a": "b"},
    "children": [{"id": "2", "state": "paused"}],
    "parent": None,
    "level": 2,
    "ratio": 1.5,
    "flag": True,
    "mixed": False,
    "color": None,
    "kind": "job",
    "either": 5,
    "created": "2024-01-01T00:00:00Z",
    "secret": "s",
    "old": "o",
    "retries": 1,
    "pet": {"pet_type": "dog", "barks": True},
    "shape": [1, 2],
    "tags": {"a": 1},
    "extra": {"q": [1]},
    "unlisted": {"kept": True},
}


def test_inline_shapes_are_named_classes(shapes: Any) -> None:
    job = round_trip(shapes, JOB, shapes.models.Job)
    assert type(job.result) is shapes.models.JobResult
    assert job.result.additional_properties == {"unlisted": 1}
    assert job.state is shapes.models.JobState.RUNNING
    assert job.additional_properties == {"unlisted": {"kept": True}}
    assert job.labels == {"a": "b"}
    assert type(job.pet) is shapes.models.Dog
    assert job.extra.additional_properties == {"q": [1]}


def test_enums_are_open_unless_closed_and_flag_unknown_values(shapes: Any) -> None:
    is_known = importlib.import_module("generated._runtime").is_known
    job = round_trip(shapes, JOB, shapes.models.Job)
    child = job.children[0]
    assert child.state.value == "paused"
    assert not is_known(child.state)
    assert is_known(job.state)
    request = round_trip(shapes, {"name": "n", "priority": 7}, shapes.models.CreateJobRequest)
    assert request.priority == 7
    assert not is_known(request.priority)
    converters = _converter(shapes)
    # Level is closed; an open enum of booleans takes new booleans only.
    for bad in ({"level": 9}, {"flag": 1}, {"level": True}, {"ratio": "1.5"}):
        with pytest.raises(BaseValidationError):
            converters.converter.structure({"id": "1", "state": "done", **bad}, shapes.models.Job)


@pytest.mark.parametrize(
    ("component", "values"),
    [
        ("Level", [1, 2, 3]),
        ("Ratio", [0.5, 1.5]),
        ("Flag", [True]),
        ("Mixed", ["a", 1, 2.5, False]),
        ("Color", ["red", "green"]),
    ],
)
def test_enums_of_every_json_type(shapes: Any, component: str, values: list[Any]) -> None:
    enum_type = getattr(shapes.models, component)
    for value in values:
        member = round_trip(shapes, value, enum_type)
        assert member.value == value
        assert type(member.value) is type(value)


def test_an_enum_lists_a_value_once_and_true_beside_1_is_typed_by_json_type(
    shapes: Any,
) -> None:
    """A value listed twice, and true beside 1, were refused by lint's compilable rule."""
    models = shapes.models
    assert [member.value for member in models.Twice] == ["a", 1, "b"]
    assert round_trip(shapes, 1.0, models.Twice) is models.Twice.VALUE_1
    # No enum class holds both true and 1: the values' JSON types, each kept on the wire.
    for value in (True, 1, 0.5, None):
        assert type(round_trip(shapes, value, models.TrueAndOne)) is type(value)
    converters = _converter(shapes)
    for bad, cls in (("c", models.Twice), ("1", models.TrueAndOne)):
        with pytest.raises(BaseValidationError):
            converters.converter.structure(bad, cls)


def test_an_integer_may_be_written_with_a_zero_fraction(shapes: Any) -> None:
    """JSON Schema's integer is any number without a fraction (``3.0`` is 3): what the
    schema takes, both converters take, as the int it is; ``3.5`` is refused."""
    models = shapes.models
    converters = _converter(shapes)
    base = {"id": "1", "state": "done"}
    for converter in (converters.converter, converters.strict_converter):
        job = converter.structure({**base, "retries": 3.0, "either": 2.0}, models.Job)
        assert (job.retries, job.either) == (3, 2)
        assert (type(job.retries), type(job.either)) == (int, int)
        request = converter.structure({"name": "n", "priority": 2.0}, models.CreateJobRequest)
        assert request.priority is models.CreateJobRequestPriority(2)
        for bad in ({"retries": 3.5}, {"retries": float("inf")}, {"either": 2.5}):
            with pytest.raises(BaseValidationError):
                converter.structure({**base, **bad}, models.Job)


def test_null_in_an_enum_makes_its_references_nullable(shapes: Any) -> None:
    job = round_trip(shapes, {**JOB, "mixed": None, "color": None}, shapes.models.Job)
    assert job.mixed is None
    assert job.color is None


def test_objects_without_properties_maps_and_extras(shapes: Any) -> None:
    models = shapes.models
    assert round_trip(shapes, {}, models.Bare).additional_properties == {}
    assert round_trip(shapes, {"z": 1}, models.EmptyObject).additional_properties == {"z": 1}
    assert round_trip(shapes, {"a": 1, "b": 2}, models.Tags) == {"a": 1, "b": 2}
    with_extras = round_trip(shapes, {"name": "n", "q": {"a": "s"}}, models.WithExtras)
    assert with_extras.additional_properties == {"q": models.NoType(a="s")}
    converters = _converter(shapes)
    for data, cls in (({"a": "x"}, models.Tags), ({"q": {"a": 1}}, models.WithExtras)):
        with pytest.raises(BaseValidationError):
            converters.converter.structure(data, cls)


def test_regressions_that_crashed_generate(shapes: Any) -> None:
    """An object with no properties, allOf of two $refs, properties without type, and a
    property named "" each crashed generate with an internal error."""
    models = shapes.models
    assert round_trip(shapes, {"z": 1}, models.EmptyObject)
    merged = round_trip(shapes, {"id": "i", "name": "n", "kind": "k"}, models.Merged)
    assert (merged.id, merged.name, merged.kind) == ("i", "n", "k")
    assert round_trip(shapes, {"a": "x"}, models.NoType).a == "x"
    empty = round_trip(shapes, {"": "e", "x": 1}, models.EmptyName)
    assert (empty.value, empty.x) == ("e", 1)


def test_a_type_beside_a_ref_that_restates_the_components_is_the_component(
    shapes: Any,
) -> None:
    """airflow-v1.yaml: `type: object` beside a `$ref` crashed generate (a class the
    compile stage had no data for)."""
    owner = round_trip(shapes, {"pet": {"pet_type": "c"}}, shapes.models.Owner)
    assert type(owner.pet) is shapes.models.Cat


def test_all_of_merges_into_one_flat_model(shapes: Any) -> None:
    data = {"id": "i", "name": "n", "size": 3, "kind": "big"}
    merged = round_trip(shapes, data, shapes.models.MergedInline)
    assert merged.kind is shapes.models.MergedInlineKind.BIG
    converters = _converter(shapes)
    with pytest.raises(BaseValidationError):  # size is required by the inline part
        converters.converter.structure({"id": "i"}, shapes.models.MergedInline)


def test_unions_with_and_without_a_discriminator(shapes: Any) -> None:
    models = shapes.models
    assert type(round_trip(shapes, {"pet_type": "cat"}, models.Pet)) is models.Cat
    # Tags out of the mapping go to the unmapped members, tried in order.
    assert type(round_trip(shapes, {"pet_type": "dog", "barks": True}, models.Pet)) is models.Dog
    assert type(round_trip(shapes, {"pet_type": "bird"}, models.Pet)) is models.Dog
    assert type(round_trip(shapes, {"radius": 1.5}, models.Shape)) is models.ShapeOption1
    assert round_trip(shapes, "square", models.Shape) == "square"
    assert round_trip(shapes, [1, 2], models.Shape) == [1, 2]
    converters = _converter(shapes)
    for bad in (True, ["x"], 1):
        with pytest.raises(BaseValidationError):
            converters.converter.structure(bad, models.Shape)


def test_a_discriminator_is_a_hint_the_union_is_tried_without(shapes: Any) -> None:
    """A discriminator on an object (its allOf children inherit it), on a union with a
    member that admits null, without a mapping, or beside a member that is no class:
    each compiles (lint's compilable rule refused them) and structures by tag where a
    tag can pick the member, else by trying the members in order."""
    models = shapes.models
    vehicle = round_trip(shapes, {"power": "electric", "amps": 3}, models.ElectricVehicle)
    assert vehicle.amps == 3
    assert round_trip(shapes, {"power": "sail"}, models.Vehicle).power == "sail"
    # A union of children tagged by the discriminator their parent gave them.
    gas = {"power": "gas", "tank": 3}
    assert type(round_trip(shapes, gas, models.Fleet)) is models.GasVehicle
    assert type(round_trip(shapes, {**gas, "power": "electric"}, models.Fleet)) is (
        models.ElectricVehicle
    )
    # Tagged by component name (OpenAPI's implicit mapping), null admitted by Boat.
    assert round_trip(shapes, None, models.Craft) is None
    boat = {"power": "ElectricVehicle", "sails": 2}
    assert type(round_trip(shapes, boat, models.Craft)) is models.ElectricVehicle
    assert type(round_trip(shapes, {"power": "Boat", "sails": 2}, models.Craft)) is models.Boat
    assert type(round_trip(shapes, {"pet_type": "Bird"}, models.Pal)) is models.Bird
    assert type(round_trip(shapes, {"pet_type": "Cat"}, models.Pal)) is models.Cat
    assert type(round_trip(shapes, {"pet_type": "fish"}, models.Pal)) is models.Cat
    # Properties beside the union (discriminators.json) crashed generate: the union
    # is the type, they only constrain it.
    bird = round_trip(shapes, {"pet_type": "Bird", "sings": True}, models.PalWithProperties)
    assert type(bird) is models.Bird
    assert type(round_trip(shapes, {"pet_type": "c"}, models.CatOrName)) is models.Cat
    assert round_trip(shapes, "tom", models.CatOrName) == "tom"
    converters = _converter(shapes)
    for bad, cls in ((1, models.CatOrName), ({"sails": 2}, models.Craft)):
        with pytest.raises(BaseValidationError):
            converters.converter.structure(bad, cls)


def test_type_arrays_const_and_exact_json_types(shapes: Any) -> None:
    converters = _converter(shapes)
    assert round_trip(shapes, {**JOB, "either": "five"}, shapes.models.Job).either == "five"
    for bad in ({"either": 1.5}, {"either": None}, {"kind": "other"}):
        with pytest.raises(BaseValidationError):
            converters.converter.structure({**JOB, **bad}, shapes.models.Job)


def test_recursive_models(shapes: Any) -> None:
    tree = {"b": {"a": [{"b": {"a": []}}, {}]}}
    built = round_trip(shapes, tree, shapes.models.TreeA)
    assert type(built.b.a[0].b) is shapes.models.TreeB
    job = round_trip(shapes, {**JOB, "parent": {"id": "0", "state": "done"}}, shapes.models.Job)
    assert job.parent.id == "0"


def test_top_level_arrays_and_primitives_are_aliases(shapes: Any) -> None:
    models = shapes.models
    jobs = round_trip(shapes, [{"id": "x", "state": "done"}], models.JobList)
    assert type(jobs[0]) is models.Job
    assert round_trip(shapes, [], models.ListJobsResponse) == []
    assert round_trip(shapes, 5, models.Count) == 5
    assert round_trip(shapes, 5, models.GetCountResponse) == 5
    with pytest.raises(BaseValidationError):
        _converter(shapes).converter.structure("5", models.GetCountResponse)


def test_formats(shapes: Any) -> None:
    data = {
        "day": "2024-02-29",
        "at": "10:00:00Z",
        "took": "P1Y2M",
        "link": "http://127.0.0.1/x",
        "mail": "a@example.com",
        "v4": "127.0.0.1",
        "v6": "::0001",
        "blob": "YQ==",
    }
    when = round_trip(shapes, data, shapes.models.When)
    assert when.day.isoformat() == "2024-02-29"
    assert when.v6 == "::0001"  # text formats keep their text exactly
    assert when.blob == b"a"  # base64 (`format: byte`) is held as the bytes it encodes
    for bad in ("2024-02-30", "20240229", 20240229):
        with pytest.raises(BaseValidationError):
            _converter(shapes).converter.structure({"day": bad}, shapes.models.When)


@pytest.mark.parametrize(
    "bad",
    [
        "YQ",  # no padding
        "YR==",  # bits after the last byte: it would not come back as written
        "Y Q==",  # a space
        "YQ==\n",  # a line break
        "YQ-_",  # the URL-safe alphabet
        7,
    ],
)
def test_base64_is_canonical_or_refused(shapes: Any, bad: object) -> None:
    # Refused by both converters, so what is kept always gives the same text back.
    for converter in (_converter(shapes).converter, _converter(shapes).strict_converter):
        with pytest.raises(BaseValidationError):
            converter.structure({"blob": bad}, shapes.models.When)


def test_read_only_write_only_defaults_and_deprecated_are_recorded(shapes: Any) -> None:
    import attrs

    fields = {field.name: field for field in attrs.fields(shapes.models.Job)}
    assert fields["created"].metadata["read_only"] is True
    assert fields["secret"].metadata["write_only"] is True
    assert fields["retries"].metadata["default"] == 3
    source = Path(shapes.models.__file__).read_text(encoding="utf-8")
    assert "    old: str | Unset = _field(\n" in source
    assert '"""Deprecated."""' in source


def test_every_body_is_a_ref_to_a_component() -> None:
    hoisted = hoist(load_spec(SHAPES))
    responses = hoisted.data["components"]["responses"]
    assert responses["Problem"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/ProblemResponse"
    }
    count = hoisted.data["paths"]["/count"]["get"]["responses"]["409"]
    assert count["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JobResult"
    }
    for item in hoisted.data["paths"].values():
        for operation in item.values():
            bodies = [operation.get("requestBody", {}), *operation["responses"].values()]
            for body in bodies:
                for media in body.get("content", {}).values() if "$ref" not in body else ():
                    assert set(media["schema"]) == {"$ref"}


def test_hoisted_names_follow_the_rule_and_locate_where_written() -> None:
    spec = load_spec(SHAPES)
    hoisted = hoist(spec)
    added = set(hoisted.data["components"]["schemas"]) - set(spec.data["components"]["schemas"])
    assert added == {
        "CreateJobRequest",
        "CreateJobRequestPriority",
        "CreateJobResponse201",
        "CreateJobResponse400",
        "GetCountResponse",
        "JobResult",
        "JobState",
        "ListJobsResponse",
        "MergedInlineKind",
        "ProblemResponse",
        "ShapeOption1",
    }
    text = SHAPES.read_text(encoding="utf-8").splitlines()
    line, _ = hoisted.locate("#/components/schemas/JobState")
    assert text[line - 1].strip() == "state:"
    line, _ = hoisted.locate("#/components/schemas/CreateJobRequestPriority/enum")
    assert text[line - 1].strip() == "enum: [1, 2, 3]"


def _spec(tmp_path: Path, components: str, paths: str = "{}") -> Path:
    path = tmp_path / "shape.yaml"
    path.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
        f"paths: {paths}\ncomponents:\n  schemas:\n{components}",
        encoding="utf-8",
    )
    return path


def test_taken_names_get_a_number_and_operations_without_an_id_use_method_and_path(
    tmp_path: Path,
) -> None:
    path = _spec(
        tmp_path,
        "    Job:\n      type: object\n      properties:\n"
        "        state: {enum: [a], x-specbind-enum: open}\n"
        "    JobState: {type: string}\n",
        "\n  /jobs/{id}:\n    get:\n      responses:\n        '200':\n"
        "          description: d\n          content:\n            application/json:\n"
        "              schema: {type: integer}\n",
    )
    schemas = hoist(load_spec(path)).data["components"]["schemas"]
    assert schemas["Job"]["properties"]["state"] == {"$ref": "#/components/schemas/JobState2"}
    assert "GetJobsIdResponse" in schemas


def test_a_tuple_is_named_after_where_it_is_written_not_after_its_property(
    tmp_path: Path,
) -> None:
    # Prefect's Graph.nodes: pairs (id, Node), written before the Node component.
    # Left unnamed, datamodel-code-generator called the tuple `Node` (after `nodes`)
    # and then refused the component its own name: an internal error.
    path = _spec(
        tmp_path,
        "    Graph:\n      type: object\n      properties:\n        nodes:\n"
        "          type: array\n          items:\n            type: array\n"
        "            prefixItems: [{type: string}, {$ref: '#/components/schemas/Node'}]\n"
        "            minItems: 2\n            maxItems: 2\n"
        "    Node:\n      type: object\n      properties:\n        id: {type: string}\n",
    )
    schemas = hoist(load_spec(path)).data["components"]["schemas"]
    item = {"$ref": "#/components/schemas/GraphNodesItem"}
    assert schemas["Graph"]["properties"]["nodes"]["items"] == item
    files = compile_package(path)
    for module in import_package(files, tmp_path / "generated"):
        models = module.models
        graph = round_trip(module, {"nodes": [["a", {"id": "n"}]]}, models.Graph)
        assert graph.nodes == [("a", models.Node(id="n"))]
        assert models.GraphNodesItem == tuple[str, models.Node]


@pytest.mark.parametrize(
    ("components", "message"),
    [
        (
            "    A: {type: object, properties: {x: {type: string}}}\n"
            "    B: {type: object, properties: {x: {type: integer}}}\n"
            "    C:\n      allOf:\n        - $ref: '#/components/schemas/A'\n"
            "        - $ref: '#/components/schemas/B'\n",
            "property 'x' has two different schemas in the parts of an allOf",
        ),
        (
            # A member that is no component and no constraint on declared properties.
            "    A: {type: object, properties: {x: {type: string}}}\n"
            "    E:\n      type: object\n      properties: {a: {type: string}}\n"
            "      anyOf:\n        - $ref: '#/components/schemas/A'\n"
            "        - required: [a]\n",
            "properties beside a oneOf/anyOf whose members are not all component schemas",
        ),
        (
            "    E:\n      type: object\n      properties: {a: {type: string}}\n"
            "      oneOf:\n        - type: string\n        - required: [a]\n",
            "properties beside a oneOf/anyOf whose members are not all component schemas",
        ),
        (
            # A member naming a property the object does not declare is a shape.
            "    E:\n      type: object\n      properties: {a: {type: string}}\n"
            "      anyOf:\n        - properties: {b: {type: string}}\n"
            "        - required: [a]\n",
            "properties beside a oneOf/anyOf whose members are not all component schemas",
        ),
        (
            "    E:\n      type: [object, string, 'null']\n      properties: {a: {type: string}}\n",
            "an object with properties whose type also admits another type than null",
        ),
        (
            "    E:\n      type: object\n      properties: {a: {type: string}}\n      enum: [x]\n",
            "an enum beside properties",
        ),
        (
            # A union of constants beside properties is no enum: it is refused as a union.
            "    E:\n      properties: {a: {type: string}}\n      oneOf:\n        - const: x\n",
            "properties beside a oneOf/anyOf whose members are not all component schemas",
        ),
    ],
    ids=[
        "all-of-conflict",
        "union-of-ref-and-constraint-beside-properties",
        "union-of-primitive-and-constraint-beside-properties",
        "union-member-with-undeclared-property",
        "object-among-types",
        "enum-beside-properties",
        "constants-beside-properties",
    ],
)
def test_lint_and_generate_refuse_the_same_shapes_at_the_same_line(
    tmp_path: Path, components: str, message: str
) -> None:
    spec = load_spec(_spec(tmp_path, components))
    found = [p for p in lint_spec(spec) if p.rule == "compilable"]
    assert found, lint_spec(spec)
    assert message in found[0].message
    with pytest.raises(CompileError) as refused:
        build_api(spec)
    assert str(refused.value).startswith(f"{spec.path}:{found[0].line}:{found[0].column}: ")
    assert message in str(refused.value)


def test_a_class_without_compile_data_is_a_clear_refusal_not_an_internal_error(
    tmp_path: Path,
) -> None:
    """The backstop behind lint's compilable rule: should datamodel-code-generator make a
    class the compile view has no data for (a shape lint does not know), generate refuses
    with a CompileError naming the spec, not UndefinedError from a template."""
    spec = load_spec(
        _spec(
            tmp_path,
            "    A: {type: object, properties: {x: {type: string}}}\n"
            "    E:\n      type: object\n      properties: {a: {type: string}}\n"
            "      anyOf:\n        - $ref: '#/components/schemas/A'\n"
            "        - required: [a]\n",
        )
    )
    # The compile view built past lint's refusal, as a shape lint misses would be.
    api = _Builder(hoist(spec)).build()
    with pytest.raises(CompileError, match="datamodel-code-generator made a class"):
        compile_models(api, "# header\n")


@pytest.mark.slow
def test_the_package_passes_mypy_strict(files: dict[str, str], tmp_path: Path) -> None:
    done = mypy_strict(files, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_refs_into_a_component_name_what_stands_there(shapes: Any) -> None:
    data = {"state": "done", "id": "x", "output": "o"}
    pointing = round_trip(shapes, data, shapes.models.Pointing)
    assert pointing.state is shapes.models.JobState.DONE
    assert (pointing.id, pointing.output) == ("x", "o")


def test_strict_one_of_refuses_a_value_two_members_take(shapes: Any) -> None:
    converters = _converter(shapes)
    models = shapes.models
    assert type(round_trip(shapes, {"pet_type": "c"}, models.Overlap)) is models.Cat
    both = {"id": "x", "pet_type": "c"}
    assert type(converters.converter.structure(both, models.Overlap)) is models.Base
    with pytest.raises(BaseValidationError):
        converters.strict_converter.structure(both, models.Overlap)
    assert type(round_trip(shapes, {"id": "x", "pet_type": "d"}, models.Either)) is models.Base


def test_the_output_is_the_same_every_time(files: dict[str, str]) -> None:
    assert compile_package(SHAPES) == files

"""Shapes from real-world documents (tests/corpus/) that crashed ``specbind generate``
or that lint refused.

tests/fixtures/shapes/corpus_regressions.yaml holds a minimal one of each; it is
compiled, imported and driven with payloads here, and the slow test runs
``mypy --strict`` on it.
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
from test_models_shapes import compile_package, import_package, mypy_strict, round_trip

REGRESSIONS = Path(__file__).parent / "fixtures" / "shapes" / "corpus_regressions.yaml"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return compile_package(REGRESSIONS)


@pytest.fixture(scope="module")
def package(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from import_package(files, tmp_path_factory.mktemp("corpus") / "generated")


def test_properties_named_like_schema_keywords_are_fields(package: Any) -> None:
    """A property named "format" (an object) crashed generate with TypeError: unhashable
    type: 'dict'; one named "discriminator" was silently dropped from the model."""
    data = {"format": {"name": "pdf"}, "discriminator": "d", "size": 3}
    document = round_trip(package, data, package.models.Document)
    assert (document.format.name, document.discriminator, document.size) == ("pdf", "d", 3)


def test_keywords_for_another_type_are_ignored(package: Any) -> None:
    """``items`` beside ``type: object`` crashed generate with UndefinedError: 'specbind'
    is undefined (datamodel-code-generator made a class no model stands for)."""
    data = {"settings": {"a": [1]}, "name": "x"}
    principal = round_trip(package, data, package.models.Principal)
    assert (principal.settings, principal.name) == ({"a": [1]}, "x")


def test_an_allof_part_may_narrow_an_inherited_array(package: Any) -> None:
    """``items: {type: object}`` narrowed to ``items: {$ref: Principal}`` by a later allOf
    part was refused by lint ("neither is narrower"): the narrower one is the field."""
    data = {"items": [{"name": "x"}], "next": None}
    page = round_trip(package, data, package.models.PrincipalList)
    assert type(page.items[0]) is package.models.Principal


def test_a_union_of_constants_is_a_closed_enum(package: Any) -> None:
    """``oneOf: [{const: low}, {const: high}]`` crashed generate (UndefinedError:
    'specbind' is undefined): it is the enum it documents, closed as the union is."""
    models = package.models
    reading = round_trip(package, {"level": "low", "mode": 2}, models.Reading)
    assert (reading.level, reading.mode) == (models.Level.LOW, models.ReadingMode(2))
    assert round_trip(package, {"mode": None}, models.Reading).mode is None
    converters = importlib.import_module(f"{package.__name__}.converter")
    for converter in (converters.converter, converters.strict_converter):
        for refused in ({"level": "mid"}, {"mode": 4}, {"mode": "1"}):
            with pytest.raises(BaseValidationError):
                converter.structure(refused, models.Reading)


def test_unions_that_only_constrain_leave_one_class(package: Any) -> None:
    """A oneOf/anyOf of members without a shape (``required`` alone) beside properties,
    and a member written ``enum: [null]``, made datamodel-code-generator render classes
    without specbind's template data: UndefinedError: 'specbind' is undefined."""
    models = package.models
    page = round_trip(package, {"title": "t", "categorySlug": "s"}, models.Page)
    assert (page.title, page.category_slug) == ("t", "s")
    assert round_trip(package, {"description": "d"}, models.GistUpdate).description == "d"
    alert = round_trip(package, {"reason": "won't fix"}, models.Alert)
    assert alert.reason is models.AlertReasonOption1Option1.WON_T_FIX
    assert round_trip(package, {"reason": None}, models.Alert).reason is None


def test_unions_that_narrow_declared_properties_leave_one_class(package: Any) -> None:
    """An anyOf beside properties whose members narrow properties the object declares
    (qwilr's ``Expiry``: ``{properties: {enabled: {enum: [false]}}}``, ``{required: [...]}``)
    made datamodel-code-generator render an anyOf-common class without specbind's data:
    UndefinedError: 'specbind' is undefined. The union only constrains: one class, the
    object's, with its fields' own checks."""
    models = package.models
    expiry = round_trip(package, {"enabled": True, "expireAfterDays": 30}, models.Expiry)
    assert (expiry.enabled, expiry.expire_after_days) == (True, 30)
    assert round_trip(package, {"enabled": False}, models.Expiry).enabled is False
    converters = importlib.import_module(f"{package.__name__}.converter")
    with pytest.raises(BaseValidationError):
        converters.strict_converter.structure(
            {"enabled": True, "expireAfterDays": 0}, models.Expiry
        )
    schedule = round_trip(package, {"every": 5}, models.Schedule)
    assert schedule.every == 5
    classes = sorted(name for name in dir(models) if name.startswith(("Expiry", "Schedule")))
    assert classes == ["Expiry", "Schedule"]


@pytest.mark.slow
def test_the_package_passes_mypy_strict(files: dict[str, str], tmp_path: Path) -> None:
    done = mypy_strict(files, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


#: security.json, api-with-examples-v2.yaml: no component schemas and no JSON body.
WITHOUT_SCHEMAS = """\
openapi: 3.1.0
info: {title: No schemas, version: "1"}
paths:
  /ping:
    get:
      operationId: ping
      parameters:
        - {name: q, in: query, schema: {type: string}}
      responses:
        "204": {description: Alive.}
"""


def test_a_spec_without_schemas_generates_an_empty_models_module(tmp_path: Path) -> None:
    """datamodel-code-generator refuses a document without schemas ("Models not found in
    the input data"), which generate reported as an internal error."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "bare.yaml").write_text(WITHOUT_SCHEMAS, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specbind]\nspecs = "specs"\noutput = "x_api"\npackage = "x_api"\n',
        encoding="utf-8",
    )
    done = _run([sys.executable, "-m", "specbind", "generate"], tmp_path)
    assert done.returncode == 0, done.stderr
    probe = "import x_api.bare.models as m, x_api.bare.client as c; print(c.Client.ping)"
    imported = _run([sys.executable, "-c", probe], tmp_path)
    assert imported.returncode == 0, imported.stderr
    typed = _run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "x_api"], tmp_path
    )
    assert typed.returncode == 0, typed.stdout + typed.stderr


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )

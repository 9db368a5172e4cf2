"""OpenAPI 3.0 and Swagger 2.0 read as OpenAPI 3.1, with positions in the file as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _support import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specbind import LoadedSpec, load_spec
from specbind._lint import lint_spec

CONVERT = FIXTURES / "convert"


def load_text(tmp_path: Path, text: str, name: str = "t.yaml") -> LoadedSpec:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return load_spec(path)


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` holding ``text``."""
    lines = path.read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


# -- OpenAPI 3.0 --------------------------------------------------------------------------


def test_a_30_spec_is_read_as_31_and_keeps_its_version() -> None:
    spec = load_spec(CONVERT / "pets30.yaml")
    assert spec.source_version == "3.0"
    assert spec.data["openapi"] == "3.1.0"
    assert spec.as_written().data["openapi"] == "3.0.3"
    pet = spec.data["components"]["schemas"]["Pet"]["properties"]
    assert pet["tag"] == {"type": ["string", "null"]}
    assert pet["weight"] == {"type": ["number", "null"], "exclusiveMinimum": 0, "examples": [4.5]}
    # The integer response code is its text.
    assert "200" in spec.data["paths"]["/pets/{pet_id}"]["get"]["responses"]


def test_the_written_document_is_left_as_written() -> None:
    spec = load_spec(CONVERT / "pets30.yaml")
    written = spec.as_written().data["components"]["schemas"]["Pet"]["properties"]["tag"]
    assert written == {"type": "string", "nullable": True}


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "nullable": True}, {"type": ["string", "null"]}),
        ({"type": "string", "nullable": False}, {"type": "string"}),
        ({"type": "string", "x-nullable": True}, {"type": ["string", "null"]}),
        (
            {"type": "string", "enum": ["a", "b"], "nullable": True},
            {"type": ["string", "null"], "enum": ["a", "b", None]},
        ),
        (
            {"$ref": "#/components/schemas/B", "nullable": True},
            {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]},
        ),
        (
            {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": True, "description": "d"},
            {"description": "d", "anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]},
        ),
        (
            {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object"}], "nullable": True},
            {
                "anyOf": [
                    {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object"}]},
                    {"type": "null"},
                ]
            },
        ),
        (
            {"oneOf": [{"type": "string"}, {"type": "integer"}], "x-nullable": True},
            {"anyOf": [{"oneOf": [{"type": "string"}, {"type": "integer"}]}, {"type": "null"}]},
        ),
        (
            {"type": "integer", "maximum": 5, "exclusiveMaximum": True},
            {"type": "integer", "exclusiveMaximum": 5},
        ),
        (
            {"type": "integer", "maximum": 5, "exclusiveMaximum": False},
            {"type": "integer", "maximum": 5},
        ),
        ({"type": "string", "example": "x"}, {"type": "string", "examples": ["x"]}),
        (
            {"type": "array", "items": {"type": "integer", "nullable": True, "example": 1}},
            {"type": "array", "items": {"type": ["integer", "null"], "examples": [1]}},
        ),
        (
            {"type": "object", "additionalProperties": {"type": "string", "nullable": True}},
            {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
        ),
    ],
)
def test_30_schemas_are_read_with_30_meaning(
    tmp_path: Path, schema: dict[str, Any], expected: dict[str, Any]
) -> None:
    import json

    document = {
        "openapi": "3.0.2",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"A": schema, "B": {"type": "object"}}},
    }
    spec = load_text(tmp_path, json.dumps(document), "t.json")
    assert spec.data["components"]["schemas"]["A"] == expected


def test_media_type_and_parameter_examples_stay_as_they_are(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path,
        """\
openapi: 3.0.0
info: {title: t, version: "1"}
paths:
  /a:
    get:
      parameters:
        - {name: q, in: query, schema: {type: string}, example: x}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, example: {a: 1}}
              example: {a: 2}
""",
    )
    get = spec.data["paths"]["/a"]["get"]
    assert get["parameters"][0]["example"] == "x"
    media = get["responses"]["200"]["content"]["application/json"]
    assert media["example"] == {"a": 2}
    assert media["schema"] == {"type": "object", "examples": [{"a": 1}]}


def test_a_30_problem_names_the_line_written(tmp_path: Path) -> None:
    path = CONVERT / "pets30.yaml"
    spec = load_spec(path)
    schema = "/components/schemas/Pet/properties/weight"
    assert spec.locate(f"{schema}/examples/0") == (line_of(path, "example: 4.5"), 11)
    assert spec.locate(f"{schema}/exclusiveMinimum")[0] == line_of(path, "exclusiveMinimum")
    assert spec.locate(f"{schema}/type/1")[0] == line_of(path, "type: number")


def test_a_nullable_ref_locates_inside_the_wrapper(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path,
        """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    A:
      nullable: true
      $ref: "#/components/schemas/B"
    B: {type: object}
""",
    )
    assert spec.locate("/components/schemas/A/anyOf/0/$ref") == (8, 7)
    assert spec.locate("/components/schemas/A/anyOf/0") == (6, 5)


def test_a_nullable_lone_all_of_locates_at_its_ref() -> None:
    path = CONVERT / "pets30.yaml"
    spec = load_spec(path)
    owner = spec.data["components"]["schemas"]["Pet"]["properties"]["owner"]
    assert owner == {"anyOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}]}
    pointer = "/components/schemas/Pet/properties/owner/anyOf/0/$ref"
    assert spec.locate(pointer) == (line_of(path, '- $ref: "#/components/schemas/Owner'), 15)


def test_a_lint_problem_in_a_30_spec_names_the_line_written(tmp_path: Path) -> None:
    text = (CONVERT / "pets30.yaml").read_text("utf-8")
    broken = text.replace("example: 4.5", "example: heavy")
    spec = load_text(tmp_path, broken, "pets.yaml")
    found = [problem for problem in lint_spec(spec) if problem.rule == "example"]
    assert [problem.line for problem in found] == [line_of(tmp_path / "pets.yaml", "heavy")]


def test_openapi_spec_validator_checks_a_30_spec_as_30(tmp_path: Path) -> None:
    # `nullable` is 3.0 (3.1's validator would not know it); `type: [a, b]` is not.
    spec = load_text(
        tmp_path,
        """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    A:
      type: [string, integer]
""",
    )
    found = [problem for problem in lint_spec(spec) if problem.rule == "openapi"]
    assert found
    assert {problem.line for problem in found} == {6}, found


# -- Swagger 2.0 --------------------------------------------------------------------------


def test_a_20_spec_is_read_as_31() -> None:
    spec = load_spec(CONVERT / "pets20.yaml")
    assert spec.source_version == "2.0"
    data = spec.data
    assert data["openapi"] == "3.1.0"
    assert "swagger" not in data
    assert data["servers"] == [{"url": "http://127.0.0.1:8080/v1"}]
    schemas = data["components"]["schemas"]
    assert schemas["Pet"]["properties"]["tag"] == {"type": ["string", "null"]}
    assert schemas["Pet"]["properties"]["status"] == {"$ref": "#/components/schemas/Status"}
    assert data["components"]["securitySchemes"] == {
        "token": {"type": "apiKey", "in": "header", "name": "X-Token"}
    }
    pets = data["paths"]["/pets"]
    assert pets["post"]["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}},
        "required": True,
    }
    assert "parameters" not in pets["post"]
    assert pets["post"]["responses"]["201"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
    }
    assert pets["get"]["parameters"] == [
        {
            "name": "tags",
            "in": "query",
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string"}},
        },
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    ]
    assert data["paths"]["/pets/{pet_id}"]["parameters"] == [
        {"name": "pet_id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]


def test_20_positions_name_the_lines_written() -> None:
    path = CONVERT / "pets20.yaml"
    spec = load_spec(path)
    assert spec.locate("/components/schemas/NewPet")[0] == line_of(path, "  NewPet:")
    body = "/paths/~1pets/post/requestBody/content/application~1json/schema/$ref"
    assert spec.locate(body)[0] == line_of(path, '$ref: "#/definitions/NewPet"')
    assert spec.locate("/paths/~1pets/post/requestBody")[0] == line_of(path, "in: body") - 1
    response = "/paths/~1pets/post/responses/201/content/application~1json/schema"
    assert spec.locate(response)[0] == line_of(path, "201:") + 2
    assert spec.locate("/paths/~1pets/get/parameters/1/schema/minimum")[0] == line_of(
        path, "minimum: 1"
    )
    assert spec.locate("/servers/0/url")[0] == line_of(path, "host:")
    assert spec.locate("/openapi")[0] == line_of(path, "swagger:")


def test_forms_become_request_bodies(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path,
        """\
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /upload:
    post:
      consumes: [multipart/form-data]
      parameters:
        - {name: file, in: formData, type: file, required: true}
        - {name: note, in: formData, type: string}
      responses:
        "204": {description: done}
  /login:
    post:
      parameters:
        - {name: user, in: formData, type: string, required: true}
        - {name: roles, in: formData, type: array, items: {type: string}, collectionFormat: csv}
      responses:
        "204": {description: done}
""",
    )
    upload = spec.data["paths"]["/upload"]["post"]["requestBody"]
    assert upload == {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "note": {"type": "string"},
                    },
                    "required": ["file"],
                }
            }
        },
        "required": True,
    }
    login = spec.data["paths"]["/login"]["post"]["requestBody"]["content"]
    assert list(login) == ["application/x-www-form-urlencoded"]
    form = login["application/x-www-form-urlencoded"]
    assert form["encoding"] == {"roles": {"style": "form", "explode": False}}
    assert spec.locate(
        "/paths/~1login/post/requestBody/content/application~1x-www-form-urlencoded"
        "/schema/properties/roles/items"
    ) == (16, 52)


def test_20_components_move_under_components(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path,
        """\
swagger: "2.0"
info: {title: t, version: "1"}
produces: [application/json, application/xml]
parameters:
  limit: {name: limit, in: query, type: integer}
  job: {name: job, in: body, schema: {$ref: "#/definitions/Job"}}
responses:
  NotFound:
    description: gone
    schema: {$ref: "#/definitions/Error"}
securityDefinitions:
  basic: {type: basic}
  oauth:
    type: oauth2
    flow: accessCode
    authorizationUrl: http://127.0.0.1/authorize
    tokenUrl: http://127.0.0.1/token
    scopes: {read: Read.}
paths:
  /jobs:
    post:
      parameters:
        - $ref: "#/parameters/limit"
        - $ref: "#/parameters/job"
      responses:
        "404": {$ref: "#/responses/NotFound"}
        "200":
          description: ok
          examples:
            application/json: {id: 1}
definitions:
  Job: {type: object, discriminator: kind, properties: {kind: {type: string}}}
  Error: {type: object}
""",
    )
    components = spec.data["components"]
    assert components["parameters"] == {
        "limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    }
    assert components["requestBodies"] == {
        "job": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}
    }
    assert components["responses"]["NotFound"]["content"] == {
        media: {"schema": {"$ref": "#/components/schemas/Error"}}
        for media in ("application/json", "application/xml")
    }
    assert components["securitySchemes"] == {
        "basic": {"type": "http", "scheme": "basic"},
        "oauth": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "http://127.0.0.1/authorize",
                    "tokenUrl": "http://127.0.0.1/token",
                    "scopes": {"read": "Read."},
                }
            },
        },
    }
    assert components["schemas"]["Job"]["discriminator"] == {"propertyName": "kind"}
    post = spec.data["paths"]["/jobs"]["post"]
    assert post["parameters"] == [{"$ref": "#/components/parameters/limit"}]
    assert post["requestBody"] == {"$ref": "#/components/requestBodies/job"}
    assert post["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    assert post["responses"]["200"]["content"] == {"application/json": {"example": {"id": 1}}}
    assert spec.locate("/components/responses/NotFound/content/application~1xml/schema")[0] == 10
    assert spec.locate("/components/securitySchemes/oauth/flows")[0] == 13


def test_a_collection_format_with_no_30_equivalent_is_a_warning(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path,
        """\
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /a:
    get:
      parameters:
        - {name: q, in: query, type: array, items: {type: string}, collectionFormat: tsv}
      responses:
        "204": {description: done}
""",
    )
    [warning] = spec.load_warnings
    assert (warning.line, warning.rule, warning.severity) == (7, "convert", "warning")
    assert "'tsv'" in warning.message


def test_openapi_spec_validator_checks_a_20_spec_as_20(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path,
        """\
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          schema: {type: object, nullable: true}
""",
    )
    found = [problem for problem in lint_spec(spec) if problem.rule == "openapi"]
    assert found
    assert {problem.line for problem in found} == {7}, found


# -- Versions not read ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "says"),
    [
        ("openapi: 3.2.0", "it says openapi: '3.2.0'"),
        ("openapi: 3.0.5", "it says openapi: '3.0.5'"),
        ("openapi: 3.1", "it says openapi: 3.1 (not a string)"),
        ('swagger: "1.2"', "it says swagger: '1.2'"),
        ("swagger: 2.0", "it says swagger: 2.0 (not a string)"),
        ("info: {title: t, version: '1'}", "it has neither an openapi nor a swagger field"),
    ],
)
def test_a_version_not_read_is_one_clear_problem(tmp_path: Path, head: str, says: str) -> None:
    spec = load_text(tmp_path, f"{head}\npaths: {{}}\n")
    assert spec.source_version is None
    [problem] = lint_spec(spec)
    assert problem.rule == "openapi"
    assert problem.line == 1
    assert problem.message.endswith(says)
    assert "3.1.x, 3.0.0 to 3.0.4 and Swagger 2.0" in problem.message


def test_parameters_after_a_body_locate_where_they_are_written(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path,
        """\
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /a:
    post:
      parameters:
        - {name: b, in: body, schema: {type: object}}
        - name: q
          in: query
          type: string
      responses:
        "200":
          description: ok
          headers:
            X-Rate:
              type: integer
""",
    )
    post = "/paths/~1a/post"
    assert spec.data["paths"]["/a"]["post"]["parameters"][0]["name"] == "q"
    assert spec.locate(f"{post}/parameters/0/schema/type") == (10, 11)
    assert spec.locate(f"{post}/parameters/0/schema") == (8, 11)
    assert spec.locate(f"{post}/requestBody/content/application~1json/schema/type") == (7, 40)
    assert spec.locate(f"{post}/responses/200/headers/X-Rate/schema/type") == (16, 15)


# -- Any shape of document ------------------------------------------------------------------

_WORDS = [
    "paths", "/a", "get", "post", "parameters", "in", "body", "formData", "query", "path",
    "header", "schema", "type", "file", "array", "object", "string", "items", "responses",
    "200", "default", "definitions", "nullable", "x-nullable", "$ref", "#/definitions/A",
    "#/parameters/A", "#/responses/A", "consumes", "produces", "multipart/form-data",
    "host", "basePath", "schemes", "securityDefinitions", "flow", "oauth2", "accessCode",
    "basic", "example", "examples", "exclusiveMinimum", "minimum", "allOf", "anyOf",
    "oneOf", "enum", "properties", "headers", "collectionFormat", "multi", "tsv",
    "discriminator", "components", "schemas", "name", "required", "A", "description",
]  # fmt: skip
_VALUES = st.recursive(
    st.sampled_from(_WORDS) | st.booleans() | st.integers(-2, 2) | st.none(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_WORDS), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([{"swagger": "2.0"}, {"openapi": "3.0.3"}]),
    st.dictionaries(st.sampled_from(_WORDS), _VALUES, max_size=6),
)
def test_any_document_converts_without_crashing(
    tmp_path_factory: pytest.TempPathFactory, head: dict[str, Any], body: dict[str, Any]
) -> None:
    import json

    document = {**head, **{key: value for key, value in body.items() if key not in head}}
    path = tmp_path_factory.mktemp("any") / "any.json"
    path.write_text(json.dumps(document), "utf-8")
    spec = load_spec(path)
    assert spec.data["openapi"] == "3.1.0"
    assert spec.as_written().data == document
    for pointer in _pointers(spec.data):
        line, column = spec.locate(pointer)
        assert line >= 1
        assert column >= 1
    for problem in lint_spec(spec):
        assert problem.line >= 1


def _pointers(node: Any, pointer: str = "") -> list[str]:
    found = [pointer]
    if isinstance(node, dict):
        for key, value in node.items():
            token = key.replace("~", "~0").replace("/", "~1")
            found += _pointers(value, f"{pointer}/{token}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            found += _pointers(value, f"{pointer}/{number}")
    return found


def test_a_path_level_body_is_each_operations_request_body(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path,
        """\
swagger: "2.0"
info: {title: t, version: "1"}
host: 127.0.0.1
schemes: http
paths:
  /a:
    parameters:
      - {name: b, in: body, required: true, schema: {type: string}}
      - {name: q, in: query, type: string}
    put:
      responses:
        "204": {description: done}
    post:
      parameters:
        - {name: c, in: body, schema: {type: integer}}
      responses:
        "204": {description: done}
""",
    )
    item = spec.data["paths"]["/a"]
    assert item["parameters"] == [{"name": "q", "in": "query", "schema": {"type": "string"}}]
    assert item["put"]["requestBody"] == {
        "content": {"application/json": {"schema": {"type": "string"}}},
        "required": True,
    }
    assert item["post"]["requestBody"] == {
        "content": {"application/json": {"schema": {"type": "integer"}}}
    }
    assert spec.locate("/paths/~1a/put/requestBody") == (8, 9)
    # `schemes` must be a list; a string is not read letter by letter.
    assert spec.data["servers"] == [{"url": "https://127.0.0.1"}]


def test_names_that_look_like_extensions_or_examples_are_still_read(tmp_path: Path) -> None:
    spec = load_text(
        tmp_path,
        """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          headers:
            x-rate-limit: {schema: {type: integer, nullable: true}}
          content:
            application/json:
              schema: {type: string}
              example: {schema: {type: string, nullable: true}}
      callbacks:
        example:
          "{$request.body#/url}":
            post:
              responses:
                "200":
                  description: ok
                  content: {text/plain: {schema: {nullable: true, type: string}}}
components:
  parameters:
    example: {name: e, in: query, schema: {type: string, nullable: true}}
""",
    )
    get = spec.data["paths"]["/a"]["get"]
    header = get["responses"]["200"]["headers"]["x-rate-limit"]
    assert header["schema"] == {"type": ["integer", "null"]}
    # An example's value is data, even where it looks like a schema.
    example = get["responses"]["200"]["content"]["application/json"]["example"]
    assert example == {"schema": {"type": "string", "nullable": True}}
    callback = get["callbacks"]["example"]["{$request.body#/url}"]["post"]
    text = callback["responses"]["200"]["content"]["text/plain"]["schema"]
    assert text == {"type": ["string", "null"]}
    parameter = spec.data["components"]["parameters"]["example"]
    assert parameter["schema"] == {"type": ["string", "null"]}

"""Lint-clean OpenAPI 3.1 specs of any number of schemas, shaped like a real vendor's.

Of every five schemas one is a string enum (``x-specbind-enum`` open or closed) and
four are objects of five to eight properties: strings with formats and patterns,
integers with ranges, arrays, ``$ref``\\ s to earlier schemas, nullable ``anyOf`` of a
``$ref`` and ``null``, ``type: [string, "null"]``, and free-form maps. A schema refers
only to schemas made before it, so nothing is recursive (lint refuses cycles). One
operation per 50 schemas reads one of the objects by id and documents a 404 with an
``Error`` body. The same ``count`` always gives the same text.

``operations=N`` asks for N operations instead, each with a response example built from
the schema's required properties, the way vendors' documents carry them: 2,000 schemas
and 500 operations make a document of about 3 MB, as large as the largest public ones.

Run as a script, it writes a project (``DIR/specs/synthetic.yaml``) for
``specbind generate --project DIR``::

    python bench/_synthetic_spec.py 400 /tmp/synthetic-400
    python bench/_synthetic_spec.py 2000 /tmp/synthetic-large 500   # 500 operations
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

__all__ = ["synthetic_spec", "write_project"]

_WORDS = (
    "account", "batch", "cluster", "deadline", "endpoint", "fleet", "gateway", "host",
    "index", "journal", "kernel", "ledger", "metric", "node", "owner", "policy", "quota",
    "region", "shard", "tenant", "upload", "volume", "worker", "zone",
)  # fmt: skip
_ENUM_VALUES = ("pending", "active", "paused", "failed", "done", "archived")
_OPERATIONS_EVERY = 50
#: An operation's description in a vendor-sized spec: vendors document at length.
_LONG_DESCRIPTION = " ".join(
    f"Step {step}: the {word} is read from its region, checked against its policy and quota, "
    "and returned as the server has it now."
    for step, word in enumerate(_WORDS, 1)
)


def _name(index: int) -> str:
    first = _WORDS[index % len(_WORDS)].capitalize()
    second = _WORDS[(index // len(_WORDS)) % len(_WORDS)].capitalize()
    return f"{first}{second}{index}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _enum(rng: random.Random) -> dict[str, Any]:
    values = list(_ENUM_VALUES[: rng.randrange(3, len(_ENUM_VALUES) + 1)])
    return {
        "type": "string",
        "description": "The state this thing is in.",
        "x-specbind-enum": rng.choice(("open", "closed")),
        "enum": values,
    }


def _property(rng: random.Random, objects: list[str], enums: list[str]) -> dict[str, Any]:
    kind = rng.randrange(9)
    if kind == 0 and objects:
        return _ref(rng.choice(objects))
    if kind == 1 and objects:
        return {"anyOf": [_ref(rng.choice(objects)), {"type": "null"}]}
    if kind == 2 and enums:
        return _ref(rng.choice(enums))
    if kind == 3 and objects:
        return {"type": "array", "items": _ref(rng.choice(objects)), "maxItems": 100}
    if kind == 4:
        return {"type": ["string", "null"], "format": "date-time"}
    if kind == 5:
        return {"type": "integer", "format": "int32", "minimum": 0}
    if kind == 6:
        return {"type": "object", "additionalProperties": True}
    if kind == 7:
        return {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$", "maxLength": 63}
    return {"type": "string", "description": "Free text, as the user typed it."}


def _object(rng: random.Random, objects: list[str], enums: list[str]) -> dict[str, Any]:
    properties: dict[str, Any] = {"id": {"type": "string", "format": "uuid"}}
    for _ in range(rng.randrange(4, 8)):
        word = rng.choice(_WORDS)
        properties[f"{word}{len(properties)}"] = _property(rng, objects, enums)
    required = ["id", *[name for name in list(properties)[1:] if rng.random() < 0.4]]
    return {
        "type": "object",
        "description": "A thing the API returns.",
        "required": required,
        "properties": properties,
    }


def _example(schemas: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A value ``schema`` accepts, with only its required properties filled in."""
    if "$ref" in schema:
        return _example(schemas, schemas[schema["$ref"].rsplit("/", 1)[1]])
    if "anyOf" in schema or schema.get("type") == ["string", "null"]:
        return None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _example(schemas, properties[name]) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return 7
    if schema.get("format") == "uuid":
        return "7d444840-9dc0-11d1-b245-5ffdce74fad2"
    return "a"


def _operation(name: str, example: Any = None) -> dict[str, Any]:
    def json_body(schema: str, description: str) -> dict[str, Any]:
        media: dict[str, Any] = {"schema": _ref(schema)}
        if example is not None and schema == name:
            media["examples"] = {"one": {"summary": f"One {name}.", "value": example}}
        return {"description": description, "content": {"application/json": media}}

    long = {} if example is None else {"description": _LONG_DESCRIPTION}
    return {
        "get": {
            "operationId": f"get{name}",
            "summary": f"Get one {name}",
            **long,
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                }
            ],
            "responses": {
                "200": json_body(name, f"The {name}."),
                "404": json_body("Error", "No such thing."),
            },
        }
    }


def synthetic_spec(count: int, seed: int = 0, *, operations: int | None = None) -> str:
    """The YAML text of a lint-clean spec with ``count`` component schemas (``Error`` included).

    ``operations``, if given, is the number of operations, each with a response example.
    """
    rng = random.Random(seed)  # noqa: S311 -- test data, not secrets
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["message"],
            "properties": {"message": {"type": "string"}, "code": {"type": "integer"}},
        }
    }
    objects: list[str] = []
    enums: list[str] = []
    for index in range(count - 1):
        name = _name(index)
        if index % 5 == 4:
            schemas[name] = _enum(rng)
            enums.append(name)
        else:
            schemas[name] = _object(rng, objects, enums)
            objects.append(name)
    if operations is None:
        step = max(1, len(objects) * _OPERATIONS_EVERY // max(count, 1))
        paths = {f"/things/{name.lower()}/{{id}}": _operation(name) for name in objects[::step]}
    else:
        read = [objects[index % len(objects)] for index in range(operations)]
        paths = {
            f"/things/{number}/{name.lower()}/{{id}}": _operation(
                name, _example(schemas, schemas[name])
            )
            for number, name in enumerate(read)
        }
    document = {
        "openapi": "3.1.0",
        "info": {"title": f"Synthetic API of {count} schemas", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
    }
    out = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 100
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.dump(document, out)
    return out.getvalue()


def write_project(directory: Path, count: int, *, operations: int | None = None) -> Path:
    """Write ``directory/specs/synthetic.yaml`` of ``count`` schemas; return the spec's path."""
    spec = directory / "specs" / "synthetic.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(synthetic_spec(count, operations=operations), encoding="utf-8")
    return spec


if __name__ == "__main__":
    wanted = int(sys.argv[3]) if len(sys.argv) > 3 else None
    written = write_project(Path(sys.argv[2]), int(sys.argv[1]), operations=wanted)
    print(f"wrote {written} ({written.stat().st_size:,} bytes)")

"""Compile stage, models: datamodel-code-generator renders attrs classes from the spec.

datamodel-code-generator has no attrs output. We drive its dataclass output
through our own ``dataclass.jinja2`` and ``Enum.jinja2`` (in templates/models/)
rather than subclassing its model classes: the templates are its documented
extension point, and they keep what it does well (naming, type hints, ordering,
imports) while we add what it cannot know (wire names in field metadata,
required and nullable flags, strict-mode checks, open enums). What it cannot know
reaches each class's template as its own extra template data, ``specbind``, keyed by
the class's schema pointer, with every spec string already rendered by
:func:`specbind._generate._render.literal`.

Not as ``#all#`` data: datamodel-code-generator deep-copies the ``#all#`` entry into
every model it builds (``_copy_all_model_data`` in ``datamodel_code_generator/model/
base.py``, called from ``DataModel.__init__``) and keeps each copy, so one table of all
the classes made time and memory grow with the square of the schema count.
"""

from __future__ import annotations

import functools
import json
import sys
import warnings
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from .._spec._walk import map_subschemas
from . import _chunks
from ._cache import Cache
from ._chunks import (
    Request,
    Workers,
    chunk_class_names,
    chunk_document,
    chunk_template_data,
    plan_chunks,
    run_chunked,
)
from ._ir import Api, CheckCall, CompileError
from ._render import TEMPLATES, docstring, literal, render

__all__ = ["compile_models"]


def compile_models(
    api: Api,
    header: str,
    cache: Cache | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    chunk_weight: int | None = None,
    workers: int | Workers | None = None,
) -> str:
    """Return the source of ``generated/<api>/models.py`` (before formatting).

    The models are those of the hoisted component schemas (``api.schemas``). What
    ``cache`` holds for the same input is reused; datamodel-code-generator (and its
    0.3 s of imports) runs only for a spec, template or tool that changed.

    Schemas that weigh more than ``chunk_weight`` (by default ``_chunks.CHUNK_WEIGHT``)
    are made in chunks (see ``_chunks``) by ``workers`` (:class:`Workers`, or at most
    that many worker processes; by default one per processor, up to
    ``_chunks.MAX_WORKERS``), each chunk reported to ``progress``; the output does not
    depend on ``workers``.
    """
    if not api.schemas:
        # datamodel-code-generator refuses a document without schemas ("Models not
        # found in the input data"); a spec that has none has a models module without
        # classes.
        return render("models/head.py.jinja2", header=header)
    schemas = _for_datamodel(api.schemas)
    template_data = _template_data(api)
    class_names = api.class_names()
    if chunk_weight is None:
        chunk_weight = _chunks.CHUNK_WEIGHT
    plan = plan_chunks(schemas, chunk_weight)
    make: Callable[[], str]
    if plan is None:
        document = _document(api, schemas)
        # Every input of _generate: its arguments, this module's code (the options it
        # passes), the templates, and the versions of the tools that run them.
        inputs = json.dumps([api.name, api.spec_path, document, template_data, class_names, header])

        def make() -> str:
            return _generate(
                api.name,
                api.spec_path,
                document,
                template_data=template_data,
                class_names=class_names,
                header=header,
            )

    else:
        # The constraint keywords make datamodel-code-generator invent names (an alias
        # of each constrained array or string) that would collide between chunks; the
        # models' checks come from the compile view, not from them.
        schemas = {name: _without_constraints(schema) for name, schema in schemas.items()}
        inputs = json.dumps(
            [
                *("chunks", chunk_weight, api.name, api.spec_path, api.title, api.version),
                *(schemas, template_data, class_names, header),
            ]
        )

        def request(members: Sequence[str], stubs: Sequence[str]) -> Request:
            return (
                api.name,
                api.spec_path,
                chunk_document(api.title, api.version, schemas, members, stubs),
                chunk_template_data(template_data, members, stubs),
                chunk_class_names(class_names, members, stubs),
                header,
            )

        def make() -> str:
            assert plan is not None  # narrowed above
            module, _ = run_chunked(
                plan, request, header, workers=workers, progress=progress or _quiet
            )
            return module

    if cache is None:
        return make()
    key = Cache.key(_identity(), inputs)
    found = cache.get(key)
    if found is None:
        found = make()
        cache.put(key, found)
    return found


def _quiet(message: str) -> None:
    del message


def _document(api: Api, schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": api.version},
        "paths": {},
        "components": {"schemas": schemas},
    }


@functools.cache
def _identity() -> str:
    code = [
        Path(__file__),
        Path(__file__).with_name("_chunks.py"),
        *sorted((TEMPLATES / "models").glob("*.jinja2")),
    ]
    return "\n".join(
        [
            f"datamodel-code-generator {metadata.version('datamodel-code-generator')}",
            f"jinja2 {metadata.version('jinja2')}",
            f"python {sys.version_info[0]}.{sys.version_info[1]}",
            *(f"{path.name}\n{path.read_text(encoding='utf-8')}" for path in code),
        ]
    )


def _generate(
    name: str,
    spec_path: str,
    document: dict[str, Any],
    *,
    template_data: dict[str, dict[str, Any]],
    class_names: dict[str, str],
    header: str,
) -> str:
    # Imported here: 0.3 s that a run which finds the models in the cache does not pay.
    import datamodel_code_generator as dmcg
    from jinja2.exceptions import UndefinedError

    with warnings.catch_warnings():
        # It warns about formats it has no Python type for (int16, int32); the
        # ranges those formats imply are enforced by our checks instead.
        warnings.simplefilter("ignore")
        try:
            output = _run_datamodel(
                dmcg,
                document=document,
                name=name,
                template_data=template_data,
                class_names=class_names,
                header=header,
            )
        except UndefinedError:
            # Our templates render only the classes the compile view has data for
            # (StrictUndefined): datamodel-code-generator made another one. Lint's
            # compilable rule refuses every shape known to do that; this is the backstop,
            # so that a shape it misses is still a clear refusal, not an internal error.
            raise CompileError(
                f"{spec_path}: compile: datamodel-code-generator made a class of a "
                "schema that is no component class (a shape lint's compilable rule does "
                "not know yet; please report it)"
            ) from None
        except dmcg.Error as exc:
            raise CompileError(
                f"{spec_path}: compile: datamodel-code-generator refused the models: "
                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            ) from None
    if not isinstance(output, str):
        raise CompileError(f"{spec_path}: compile: the models did not fit in one module")
    return output


def _run_datamodel(
    dmcg: Any,
    *,
    document: dict[str, Any],
    name: str,
    template_data: dict[str, dict[str, Any]],
    class_names: dict[str, str],
    header: str,
) -> object:
    from datamodel_code_generator.enums import DataModelType, InputFileType

    return dmcg.generate(
        document,
        input_file_type=InputFileType.OpenAPI,
        input_filename=f"{name}.yaml",
        output_model_type=DataModelType.DataclassesDataclass,
        custom_template_dir=TEMPLATES / "models",
        extra_template_data=defaultdict(dict, template_data),
        model_name_map=class_names,
        additional_imports=["typing.Any"],
        # The runtime is imported relative to the bindings' own package, whatever it
        # is named; datamodel-code-generator takes only absolute additional imports,
        # so our head of the module brings it (and the __future__ import, which must
        # come first).
        custom_file_header=render("models/head.py.jinja2", header=header).rstrip("\n"),
        disable_future_imports=True,
        target_python_version=dmcg.PythonVersion.PY_310,
        snake_case_field=True,
        capitalise_enum_members=True,
        strict_nullable=True,
        field_constraints=True,
        use_union_operator=True,
        use_standard_collections=True,
        use_standard_primitive_types=True,
        output_datetime_class=dmcg.DatetimeClassType.Datetime,
        disable_timestamp=True,
        keep_model_order=True,
        allow_remote_refs=False,
        formatters=[],
        # base64 text (`format: byte`) is held as the bytes it encodes; the runtime
        # decodes and encodes it.
        type_mappings=["string+byte=binary"],
    )


#: The formats whose values the models hold as a Python type other than ``str`` or a
#: number: the runtime parses and writes back each one (``byte``, base64, as ``bytes``).
#: Every other string format (``time``, ``duration``, ``ipv4``, ``ipv6``, ``uri``,
#: ``email``, ``binary``, ...) stays ``str``, so that its text round-trips exactly as it
#: came.
_TYPED_FORMATS = frozenset(
    {"date", "date-time", "uuid", "int32", "int64", "float", "double", "byte"}
)


def _for_datamodel(schemas: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the schemas as datamodel-code-generator is to read them.

    Without ``discriminator`` objects: our converter tells union members apart (see
    TaggedUnion). Given a discriminator, datamodel-code-generator would instead retype
    each member's tag as a Literal and invent one (the class name) for the unmapped
    fallback member, which would then reject every real tag value.

    Without the formats the runtime keeps as text (see ``_TYPED_FORMATS``).

    Without extensions (``x-...``) and datamodel-code-generator's own ``customTypePath``
    and ``customBasePath``: it reads some as orders (``x-python-import`` imports any
    module, ``x-python-type`` writes its text as a type, ``x-enum-varnames`` names
    members), so that a spec could write code into the models that nothing escapes.
    """
    return {name: _schema_for_datamodel(schema) for name, schema in schemas.items()}


#: datamodel-code-generator's directives that are not extensions (``x-...``).
_DIRECTIVES = frozenset({"customTypePath", "customBasePath"})


#: Keywords that apply only to values of one JSON type: JSON Schema ignores them on a
#: schema whose ``type`` excludes it, and so do the models. datamodel-code-generator would
#: make a class of them (``type: object`` with ``items``) that no model stands for.
_ONLY_FOR = {
    "array": frozenset({"items", "prefixItems", "contains", "unevaluatedItems"}),
    "object": frozenset(
        {"properties", "additionalProperties", "patternProperties", "unevaluatedProperties"}
    ),
}


def _schema_for_datamodel(schema: Any) -> Any:
    # Only the keywords of a schema are dropped, never a property that happens to be
    # named "format" or "discriminator", nor anything inside an enum, default or example.
    if not isinstance(schema, dict):
        return schema
    declared = schema.get("type")
    kinds = {declared} if isinstance(declared, str) else set(declared or ())
    ignored = frozenset().union(
        *(keywords for kind, keywords in _ONLY_FOR.items() if kinds and kind not in kinds)
    )
    return {
        key: value
        for key, value in map_subschemas(schema, _schema_for_datamodel).items()
        if key != "discriminator"
        and key not in ignored
        and key not in _DIRECTIVES
        and not key.startswith("x-")
        and not (key == "format" and not (isinstance(value, str) and value in _TYPED_FORMATS))
    }


#: The keywords that only constrain values: the models' checks come from the compile view
#: (``_ir``), so datamodel-code-generator needs none of them, and each makes it invent an
#: alias (``Email: TypeAlias = str`` for a string with ``maxLength``).
_CONSTRAINTS = frozenset(
    {
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    }
)


def _without_constraints(schema: Any) -> Any:
    """A copy of a schema (as :func:`_for_datamodel` made it) without constraint keywords."""
    if not isinstance(schema, dict):
        return schema
    return {
        key: value
        for key, value in map_subschemas(schema, _without_constraints).items()
        if key not in _CONSTRAINTS
    }


def _template_data(api: Api) -> dict[str, dict[str, Any]]:
    """Each class's extra template data, keyed by its schema pointer."""
    models = {
        model.pointer: {
            "doc": _doc(model.description),
            "extra_type": model.extra_type,
            "fields": {
                wire: {
                    "name": info.python_name,
                    # A default documents what the server assumes; the model keeps
                    # an absent field absent, so the default is only recorded.
                    "metadata": literal(
                        {
                            "wire": wire,
                            "required": info.required,
                            "nullable": info.nullable,
                            **info.metadata,
                        }
                    ),
                    "checks": [_check_data(check) for check in info.checks],
                    "doc": _doc(info.description),
                }
                for wire, info in model.fields.items()
            },
        }
        for model in api.models
    }
    enums = {
        enum.pointer: {
            "open": enum.open,
            "kind": enum.kind,
            "members": list(enum.members),
            "values": [literal(value) for value in enum.values],
            "doc": _doc(enum.description),
        }
        for enum in api.enums
    }
    return {pointer: {"specbind": data} for pointer, data in {**models, **enums}.items()}


def _check_data(check: CheckCall) -> dict[str, Any]:
    return {
        "name": check.name,
        "argument": literal(check.argument),
        "nested": [_check_data(item) for item in check.items],
    }


def _doc(description: str | None) -> str | None:
    return docstring(description) if description and description.strip() else None

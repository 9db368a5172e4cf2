"""Compile stage, models: datamodel-code-generator renders attrs classes from the spec.

datamodel-code-generator has no attrs output. We drive its dataclass output
through our own ``dataclass.jinja2`` and ``Enum.jinja2`` (in templates/models/)
rather than subclassing its model classes: the templates are its documented
extension point, and they keep what it does well (naming, type hints, ordering,
imports) while we add what it cannot know (wire names in field metadata,
required and nullable flags, strict-mode checks, open enums). What it cannot know
reaches the templates as ``#all#`` extra template data, keyed by schema pointer,
with every spec string already rendered by :func:`codegen._render.literal`.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from typing import Any

import datamodel_code_generator as dmcg
from datamodel_code_generator.enums import DataModelType, InputFileType

from codegen._ir import Api, CheckCall, CompileError
from codegen._render import TEMPLATES, docstring, literal

__all__ = ["compile_models"]

# Names the templates use inside class bodies. They start with an underscore so
# that no property name (datamodel-code-generator never makes one start with an
# underscore) can shadow them.
_RUNTIME_IMPORTS = (
    "typing.Any",
    "generated._runtime.OpenStrEnum",
    "generated._runtime.SpecStrEnum",
    "generated._runtime.Unset",
    "generated._runtime._EXTRA_METADATA",
    "generated._runtime._UNSET",
    "generated._runtime._checks",
    "generated._runtime._field",
    "generated._runtime._model",
)


def compile_models(api: Api, spec_data: dict[str, Any], header: str) -> str:
    """Return the source of ``generated/<api>/models.py`` (before formatting)."""
    with warnings.catch_warnings():
        # It warns about formats it has no Python type for (int16, int32); the
        # ranges those formats imply are enforced by our checks instead.
        warnings.simplefilter("ignore")
        output = dmcg.generate(
            _without_discriminators(spec_data),
            input_file_type=InputFileType.OpenAPI,
            input_filename=f"{api.name}.yaml",
            output_model_type=DataModelType.DataclassesDataclass,
            custom_template_dir=TEMPLATES / "models",
            extra_template_data=defaultdict(dict, {"#all#": {"specbind": _template_data(api)}}),
            model_name_map=api.class_names(),
            additional_imports=list(_RUNTIME_IMPORTS),
            custom_file_header=header.rstrip("\n"),
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
        )
    if not isinstance(output, str):
        raise CompileError(f"{api.spec_path}: compile: the models did not fit in one module")
    return output


def _without_discriminators(node: Any) -> Any:
    """A copy of the spec without ``discriminator`` objects.

    Our converter tells union members apart (see TaggedUnion). Given a
    discriminator, datamodel-code-generator would instead retype each member's
    tag as a Literal and invent one (the class name) for the unmapped fallback
    member, which would then reject every real tag value.
    """
    if isinstance(node, dict):
        return {k: _without_discriminators(v) for k, v in node.items() if k != "discriminator"}
    if isinstance(node, list):
        return [_without_discriminators(item) for item in node]
    return node


def _template_data(api: Api) -> dict[str, Any]:
    models = {
        model.pointer: {
            "doc": _doc(model.description),
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
                            **info.default,
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
            "values": [literal(value) for value in enum.values],
            "doc": _doc(enum.description),
        }
        for enum in api.enums
    }
    return {"models": models, "enums": enums}


def _check_data(check: CheckCall) -> dict[str, Any]:
    return {
        "name": check.name,
        "argument": literal(check.argument),
        "nested": [_check_data(item) for item in check.items],
    }


def _doc(description: str | None) -> str | None:
    return docstring(description) if description and description.strip() else None

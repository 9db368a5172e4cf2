"""The ``openapi`` rule: the document is of a version specbind reads (OpenAPI 3.1.x,
3.0.0 to 3.0.4, Swagger 2.0), and openapi-spec-validator accepts it.

openapi-spec-validator checks the document as the file has it, with the validator of its
version, so that its messages are about what the user wrote; the other rules read the
OpenAPI 3.1 the loader converted it to. Both carry the loader's repairs of harmless faults
(see ``_spec._convert_repair``), each reported as a warning of this rule by the loader.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any, NoReturn

from jsonschema_path import SchemaPath
from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)
from openapi_spec_validator.validation.keywords import KeywordValidator, ValueValidator

from .._spec._load import LoadedSpec
from .._spec._problems import Problem
from .._spec._refs import has_broken_refs
from .._spec._walk import SpecIndex, child, follow
from ._schema_objects import schema_object_checks

__all__ = ["check_openapi", "check_openapi_shape"]

RULE = "openapi"
#: Marks an error that already knows where it was found (see `_located`).
_LOCATED = "_specbind_located"


def check_openapi_shape(spec: LoadedSpec, _index: SpecIndex) -> Iterator[Problem]:
    """The errors of the written document's shape against its version's schema: linear in
    its size."""
    spec = spec.as_written()
    # The class's own schema validator: building the spec validator already reads the
    # document (a top-level $ref in it, say).
    schema_validator = _LOCATING_VALIDATORS[spec.source_version or "3.1"].schema_validator
    for error in schema_validator.iter_errors(spec.data):
        yield _problem(spec, _pointer(error.absolute_path), error.message)


def check_openapi(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """Every error openapi-spec-validator finds in the written document, at its node."""
    shape_errors = list(check_openapi_shape(spec, index))
    yield from shape_errors
    if has_broken_refs(spec, index):
        # Its semantic checks stop at the first $ref they cannot follow; the ref rules
        # report those, and the checks run once they resolve.
        return
    spec = spec.as_written()
    try:
        validator = _validator(spec)
        for error in validator.root_validator(validator.schema_path):
            if error.validator == "format" and error.validator_value == "regex":
                # Python's reading of a pattern: pattern-unsupported reads it as ECMA-262,
                # which JSON Schema names, and as every layer matches it.
                continue
            yield _problem(spec, _physical(spec, error.absolute_path), error.message)
    except Exception as exc:
        # The semantic checks assume a well-shaped document and may fail on one that is
        # not; the shape errors above already say what is wrong with it.
        if isinstance(exc, RecursionError):
            yield _problem(spec, "", "the spec nests too deeply for openapi-spec-validator")
        elif not shape_errors:
            yield _problem(spec, "", f"openapi-spec-validator stopped: {type(exc).__name__}: {exc}")


def _validator(spec: LoadedSpec) -> Any:
    """openapi-spec-validator for the spec's version, locating its errors."""
    # Resolver handlers that refuse every scheme: no $ref may reach a file or the network.
    schema_path = SchemaPath.from_dict(spec.data, handlers=_EveryScheme())
    return _LOCATING_VALIDATORS[spec.source_version or "3.1"](schema_path)


def _problem(spec: LoadedSpec, pointer: str, message: str) -> Problem:
    line, column = spec.locate(pointer)
    # openapi-spec-validator's jsonschema-rs backend appends the failing schema path and
    # the whole offending instance to each message; the line already says where it is.
    message = message.split("\n\nFailed validating", 1)[0]
    return Problem(spec.path, line, column, RULE, message)


def _pointer(parts: Iterable[Hashable]) -> str:
    pointer = ""
    for part in parts:
        pointer = child(pointer, str(part))
    return pointer


def _physical(spec: LoadedSpec, parts: Iterable[Hashable]) -> str:
    """Where a path the validator walked (through $refs) is written in the document."""
    pointer: str = ""
    node: Any = spec.data
    for part in parts:
        if isinstance(node, dict) and part not in node:
            pointer, node = follow(spec, pointer, node) or (pointer, node)
        pointer = child(pointer, str(part))
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return (follow(spec, pointer, node) or (pointer, node))[0]


def _refuse(uri: str) -> NoReturn:
    raise ValueError(f"specbind resolves no $ref outside the spec: {uri}")


class _EveryScheme(Mapping[str, Callable[[str], NoReturn]]):
    """Resolver handlers that claim every URI scheme, and refuse each.

    jsonschema-path falls back to urlopen (or requests) for a scheme with no handler, so an
    empty mapping would still let a remote or file `$ref` out.
    """

    def __getitem__(self, scheme: str) -> Callable[[str], NoReturn]:
        return _refuse

    def __contains__(self, scheme: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _located(cls: type[KeywordValidator]) -> type[KeywordValidator]:
    """Subclass a keyword validator so each error it yields carries the path it is about.

    The semantic checks build errors without a path; the innermost validator that sees one
    knows the node (its first ``SchemaPath`` argument) and prefixes the node's path.
    """
    suffix: tuple[str, ...] = ("default",) if issubclass(cls, ValueValidator) else ()

    def __call__(self: KeywordValidator, *args: Any, **kwargs: Any) -> Iterator[Any]:
        node = next((arg for arg in args if isinstance(arg, SchemaPath)), None)
        for error in cls.__call__(self, *args, **kwargs):
            if node is not None and not getattr(error, _LOCATED, False):
                error.relative_path.extendleft(reversed((*node.parts, *suffix)))
                setattr(error, _LOCATED, True)
            yield error

    return type(cls.__name__, (cls,), {"__call__": __call__})


def _locating(cls: type[Any]) -> type[Any]:
    """A validator class whose keyword validators locate their errors, Schema Objects
    checked by specbind's linear walk (``_schema_objects``)."""
    keywords = {
        name: _located(schema_object_checks(keyword) if name == "schema" else keyword)
        for name, keyword in cls.keyword_validators.items()
    }
    return type(f"Locating{cls.__name__}", (cls,), {"keyword_validators": keywords})


_LOCATING_VALIDATORS = {
    "3.1": _locating(OpenAPIV31SpecValidator),
    "3.0": _locating(OpenAPIV30SpecValidator),
    "2.0": _locating(OpenAPIV2SpecValidator),
}

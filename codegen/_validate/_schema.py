"""The JSON Schema layer: check a value against a schema of the spec, all errors at once.

The spec document is registered as one resource, so ``#/components/...`` refs resolve from
any schema in it; formats (``date-time``, ``uuid``, and OpenAPI's ``int32``/``int64``) are
checked. One validator is built per schema and reused.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from .._spec._extensions import ENUM_KEY
from .._spec._load import LoadedSpec, escape_pointer_token
from .._spec._patterns import PatternError, PatternValidator, search
from ..runtime._base64 import is_base64
from ._fast import FirstLook
from ._issue import Issue
from ._redact import cut, preview, show_value

__all__ = ["Issue", "SchemaLayer", "pointer_of"]

_SPEC_URI = "urn:specbind:spec"
_INT_RANGES = {"int32": 2**31, "int64": 2**63}
_REF = PatternValidator.VALIDATORS["$ref"]


def pointer_of(path: Iterable[str | int]) -> str:
    """A JSON pointer from path tokens."""
    return "".join(f"/{escape_pointer_token(str(token))}" for token in path)


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    for name, function in Draft202012Validator.FORMAT_CHECKER.checkers.items():
        checker.checkers[name] = function
    for name, bound in _INT_RANGES.items():
        checker.checks(name)(_int_range(bound))
    # What the models take for `format: byte`: canonical base64 (see runtime._base64).
    checker.checks("byte")(is_base64)
    return checker


def _int_range(bound: int) -> Any:
    def check(value: object) -> bool:
        if isinstance(value, int) and not isinstance(value, bool):
            return -bound <= value < bound
        return True

    return check


class SchemaLayer:
    """Validators for the schemas of one spec, built on first use and then reused.

    With ``first_look``, a value met at a ``$ref`` that the first look passes is not
    looked at again: it has no error there (see ``FirstLook.clean_under``). Most of a
    failing payload is usually fine, and checking it here costs milliseconds.
    """

    def __init__(self, spec: LoadedSpec, first_look: FirstLook | None = None) -> None:
        resource = Resource.from_contents(spec.data, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
        self._formats = _format_checker()
        self._validators: dict[str, Any] = {}
        self._first_look = first_look

    def validator(self, schema: str) -> Any:
        """The validator for the schema at a pointer into the spec."""
        found = self._validators.get(schema)
        if found is None:
            found = self._validator_class(schema)(
                {"$ref": f"{_SPEC_URI}#{schema}"},
                registry=self._registry,
                format_checker=self._formats,
            )
            self._validators[schema] = found
        return found

    def _validator_class(self, schema: str) -> Any:
        first_look = self._first_look
        if first_look is None:
            return PatternValidator

        def ref(validator: Any, reference: Any, instance: Any, node: Any) -> Any:
            if isinstance(reference, str) and first_look.clean_under(schema, reference, instance):
                return
            yield from _REF(validator, reference, instance, node)

        return validators.extend(PatternValidator, {"$ref": ref})

    def issues(self, schema: str, value: Any) -> list[Issue]:
        """Every problem of ``value`` against the schema at a pointer, in document order."""
        found: list[Issue] = []
        try:
            for error in self.validator(schema).iter_errors(value):
                found.extend(_issues(error))
        except (Unresolvable, PatternError) as exc:
            # A broken spec (lint reports it too) must not end the run with a traceback.
            message = cut(f"the spec's schema cannot be used: {exc}", 160)
            found.append(Issue("", "spec-error", "", f"a usable schema at {schema}", "", message))
        return found


def _issues(error: ValidationError) -> list[Issue]:
    """Turn one jsonschema error into issues, descending into anyOf/oneOf branches."""
    pointer = pointer_of(error.absolute_path)
    keyword = str(error.validator)
    if keyword in ("anyOf", "oneOf") and error.context:
        return _branch_issues(error, pointer)
    if keyword == "required":
        return [_missing(error, pointer)]
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        return _extra_properties(error, pointer)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "enum" and schema.get(ENUM_KEY) != "closed":
        # An enum is open unless it says closed: an unlisted value is vendor drift.
        return [
            Issue(
                pointer,
                "open-enum",
                "enum",
                _expected(error),
                show_value(pointer, error.instance),
                "value not in open enum (the vendor may have added it)",
                soft=True,
            )
        ]
    return [
        Issue(
            pointer,
            "schema",
            keyword,
            _expected(error),
            show_value(pointer, error.instance),
            _MESSAGES.get(keyword, f"fails {keyword}"),
        )
    ]


_MESSAGES = {
    "type": "wrong type",
    "enum": "value not in enum",
    "const": "wrong value",
    "pattern": "does not match the pattern",
    "format": "wrong format",
    "minimum": "too small",
    "exclusiveMinimum": "too small",
    "maximum": "too large",
    "exclusiveMaximum": "too large",
    "minLength": "too short",
    "maxLength": "too long",
    "minItems": "too few items",
    "maxItems": "too many items",
    "oneOf": "matches more than one oneOf schema",
}


def _branch_issues(error: ValidationError, pointer: str) -> list[Issue]:
    """anyOf/oneOf failed: report the branch the value was most likely meant for.

    A branch that failed only on open enums means the value is fine but for drift. When
    every branch failed on its type alone, one issue lists the types. Otherwise the
    branch whose type fits, whose discriminating properties (const/enum at the next
    level) agree, and which has the fewest problems is reported, all its issues.
    """
    branches: dict[int, list[ValidationError]] = defaultdict(list)
    for sub in error.context or ():
        branches[int(sub.relative_schema_path[0])].append(sub)
    issues = {index: [i for sub in subs for i in _issues(sub)] for index, subs in branches.items()}
    for index in sorted(issues):
        if all(issue.soft for issue in issues[index]):
            return issues[index]
    depth = len(error.absolute_path)
    if all(
        len(subs) == 1 and subs[0].validator == "type" and len(subs[0].absolute_path) == depth
        for subs in branches.values()
    ):
        types = [_type_text(branches[i][0].validator_value) for i in sorted(branches)]
        return [
            Issue(
                pointer,
                "schema",
                "type",
                " or ".join(dict.fromkeys(types)),
                show_value(pointer, error.instance),
                "wrong type",
            )
        ]

    def rank(index: int) -> tuple[bool, bool, int, int]:
        subs = branches[index]
        wrong_type = any(s.validator == "type" and len(s.absolute_path) == depth for s in subs)
        wrong_tag = any(
            s.validator in ("const", "enum") and len(s.absolute_path) == depth + 1 for s in subs
        )
        return (wrong_type, wrong_tag, len(issues[index]), index)

    return issues[min(branches, key=rank)]


def _missing(error: ValidationError, pointer: str) -> Issue:
    """A missing required property, pointed at where it should be."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    names = [n for n in error.validator_value if isinstance(n, str) and n not in instance]
    # jsonschema reports one error per missing name; its message starts with that name.
    name = next((n for n in names if error.message.startswith(repr(n))), names[0] if names else "")
    return Issue(
        f"{pointer}/{escape_pointer_token(name)}",
        "schema",
        "required",
        f"required property {json.dumps(name)}",
        "(missing)",
        "required property missing",
    )


def _extra_properties(error: ValidationError, pointer: str) -> list[Issue]:
    """``additionalProperties: false``: one issue per property the schema does not allow."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    declared = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extra = [
        key
        for key in error.instance
        if key not in declared and not any(search(p, key) for p in patterns)
    ]
    return [
        Issue(
            f"{pointer}/{escape_pointer_token(key)}",
            "schema",
            "additionalProperties",
            "no property the schema does not declare",
            show_value(f"{pointer}/{escape_pointer_token(key)}", error.instance[key]),
            "property not allowed (additionalProperties: false)",
        )
        for key in extra
    ]


def _type_text(value: Any) -> str:
    return " or ".join(value) if isinstance(value, list) else str(value)


def _expected(error: ValidationError) -> str:
    """What the schema wanted, in words."""
    keyword, value = error.validator, error.validator_value
    if keyword == "type":
        return _type_text(value)
    if keyword == "enum":
        return "one of " + ", ".join(json.dumps(v) for v in value)
    words = {
        "const": "exactly {}",
        "pattern": "a string matching {}",
        "format": "a valid {}",
        "minimum": ">= {}",
        "maximum": "<= {}",
        "exclusiveMinimum": "> {}",
        "exclusiveMaximum": "< {}",
        "multipleOf": "a multiple of {}",
        "minLength": "at least {} characters",
        "maxLength": "at most {} characters",
        "minItems": "at least {} items",
        "maxItems": "at most {} items",
        "minProperties": "at least {} properties",
        "maxProperties": "at most {} properties",
    }
    if keyword in words:
        shown = value if keyword == "pattern" else json.dumps(value)
        return cut(words[keyword].format(shown))
    if keyword == "uniqueItems":
        return "unique items"
    if keyword == "oneOf":
        return "exactly one of the oneOf schemas to match"
    if keyword is None or keyword is False:
        return "nothing (the schema is false)"
    return cut(f"{keyword}: {preview(value)}")

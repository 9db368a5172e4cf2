"""Check one unit (a body, a HAR entry, or a problem standing in for one) into a result."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .._spec._load import LoadedSpec, escape_pointer_token, iter_pointer
from .._spec._refs import check_refs
from .._spec._walk import index_spec as lint_index
from ._fast import FirstLook
from ._finding import Finding, Result, Severity, clean_result
from ._har import Exchange, HarError, parse_entry
from ._inputs import Body, Broken, HarEntry, Unit, Unreadable
from ._issue import Issue
from ._json import NotJson, Parsed, parse_json
from ._models import ModelLayer
from ._operations import Match, Parameter, SpecError, index_spec, is_json_media
from ._redact import (
    REDACTED,
    is_secret_name,
    one_line,
    redact_url,
    show_message,
    show_text,
    show_value,
)

if TYPE_CHECKING:
    from ._schema import SchemaLayer
    from ._unknown import UnknownFields

__all__ = ["Checker", "Options"]

# OpenAPI: header parameters with these names are ignored (content negotiation, auth).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,3999})")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,300})(?:\.[0-9]{1,300})?(?:[eE][-+]?[0-9]{1,3})?")


@dataclass(frozen=True)
class Options:
    """What to check and how; picklable, so worker processes can build their own checker.

    ``operation`` and ``status`` name the response that JSON and JSON Lines bodies are;
    with HAR, ``operation`` keeps only that operation's entries ("" keeps all).
    ``bindings`` is the import package whose models form the model layer, loaded from
    the project's output directory ``output`` when that directory holds it ("": as installed).
    """

    spec: str
    operation: str
    status: str
    strict: bool
    servers: tuple[str, ...] = ()
    bindings: str = "generated"
    output: str = ""


@dataclass(frozen=True)
class _Where:
    """What every finding about one payload shares: input, operation, status."""

    label: str
    operation: str = ""
    status: str = ""

    def finding(
        self,
        pointer: str,
        severity: Severity,
        rule: str,
        message: str,
        *,
        expected: str = "",
        found: str = "",
        keyword: str = "",
        layers: tuple[str, ...] = (),
    ) -> Finding:
        return Finding(
            self.label,
            self.operation,
            self.status,
            pointer,
            severity,
            rule,
            expected,
            found,
            message,
            keyword,
            layers,
        )

    def result(self, findings: list[Finding]) -> Result:
        return Result(self.label, self.operation, self.status, tuple(findings))

    def skipped(self, reason: str, detail: str) -> Result:
        # The detail quotes the request (its method, path or Location): one line of it.
        return Result(
            self.label, self.operation, self.status, skipped=reason, detail=one_line(detail)
        )


class Checker:
    """Checks units against one spec: the JSON Schema layer and, if usable, the model layer."""

    def __init__(self, spec: LoadedSpec, options: Options, models: ModelLayer | None) -> None:
        """Raises :class:`SpecError` when the spec cannot be checked against."""
        _refuse_broken_refs(spec)
        self.options = options
        self.index = index_spec(spec, options.servers)
        self.spec = spec
        self.first_look = FirstLook(spec)
        self.models = models
        #: Whether a payload the first look passes skips the model layer where the
        #: model is proven to take it (see ``_covers``); off, every payload is structured.
        self.prove_models = True
        # (operation, status) -> (response key, body schema pointer): looked up once.
        self._body_targets: dict[tuple[str, str], tuple[str, str]] = {}
        # (operation, response key, schema) -> whether the model is proven to take
        # every payload the first look passes.
        self._proven: dict[tuple[str, str, str], bool] = {}

    @cached_property
    def schemas(self) -> SchemaLayer:
        """The JSON Schema layer, built on first use: most payloads pass the first look,
        and a run where all do never imports jsonschema."""
        from ._schema import SchemaLayer

        return SchemaLayer(self.spec, self.first_look)

    @cached_property
    def unknown(self) -> UnknownFields:
        """The walk for fields the spec does not declare, built on first use."""
        from ._unknown import UnknownFields

        return UnknownFields(self.spec, self.first_look)

    def check(self, unit: Unit) -> Result:
        """All findings for one unit."""
        if isinstance(unit, Unreadable):
            return Result(unit.label, unreadable=unit.reason)
        if isinstance(unit, Broken):
            where = _Where(unit.label)
            if unit.body:
                where = _Where(unit.label, self.options.operation, self.options.status)
            return where.result([where.finding("", "error", unit.rule, unit.message)])
        if isinstance(unit, Body):
            return self._body_unit(unit)
        return self._entry(unit)

    def _drift(self) -> Severity:
        """The severity of drift (open enums, unknown fields, undeclared statuses)."""
        return "error" if self.options.strict else "warning"

    def _body_unit(self, unit: Body) -> Result:
        """A JSON or JSON Lines body, checked as the response the command line names."""
        return self.body(
            unit.label, unit.raw, unit.parsed, self.options.operation, self.options.status
        )

    def body(
        self, label: str, raw: bytes, parsed: Parsed | None, operation_id: str, status: str
    ) -> Result:
        """One response body checked as ``operation_id``'s response for ``status``.

        The caller checked first that the operation declares a JSON body for the status
        (:meth:`body_schema_problem`).
        """
        target = self._body_targets.get((operation_id, status))
        if target is None:
            response = self.index.operations[operation_id].response_for(status)
            schema = response.json_schema() if response is not None else None
            if response is None or schema is None:
                raise ValueError("the operation and status are checked first")
            target = self._body_targets[operation_id, status] = (response.key, schema)
        where = _Where(label, operation_id, status)
        findings = self._body(where, *target, raw, parsed)
        return where.result(findings) if findings else clean_result(label, operation_id, status)

    def warm(self) -> None:
        """Build now what checking the options' bodies builds on first use (the first
        look, the model's structuring code, the proof): worker processes forked after
        this inherit it instead of each building their own."""
        operation, status = self.options.operation, self.options.status
        if not operation or self.body_schema_problem(operation, status):
            return
        response = self.index.operations[operation].response_for(status)
        schema = response.json_schema() if response is not None else None
        if response is None or schema is None:
            return
        self.first_look.clean(schema, None)
        self._model_proven(operation, response.key, schema)
        model = self.models.model_for(operation, response.key) if self.models else None
        if self.models is not None and model is not None:
            self.models.errors(model, None)

    def body_schema_problem(self, operation_id: str, status: str) -> str:
        """Why bodies cannot be checked as ``operation_id`` ``status`` ("" when they can)."""
        operations = self.index.operations
        operation = operations.get(operation_id)
        if operation is None:
            return (
                f"--operation {operation_id}: not in the spec "
                f"(known: {', '.join(sorted(operations))})"
            )
        response = operation.response_for(status)
        if response is None:
            return (
                f"--status {status}: {operation_id} declares no such response "
                f"(declared: {', '.join(operation.responses)})"
            )
        if response.json_schema() is None:
            return f"--status {status}: {operation_id} declares no JSON body schema for it"
        return ""

    def _entry(self, unit: HarEntry) -> Result:
        """A HAR entry: match its operation, then check request and response."""
        try:
            exchange = parse_entry(unit.entry)
        except HarError as exc:
            where = _Where(unit.label)
            finding = where.finding(
                exc.pointer, "error", "not-har", str(exc), expected="a HAR 1.2 entry"
            )
            return where.result([finding])
        if exchange.status == 0:
            return _Where(unit.label).skipped("no response", "status 0: no answer was recorded")
        match = self.index.match(exchange.method, exchange.url)
        if isinstance(match, tuple):
            return _Where(unit.label).skipped(*match)
        operation = match.operation
        where = _Where(unit.label, operation.id, str(exchange.status))
        if self.options.operation and operation.id != self.options.operation:
            return where.skipped("other operation", f"not {self.options.operation}")
        response = operation.response_for(where.status)
        # A redirect that only `default` covers is transport (http to https, a moved
        # host), not the operation's answer: the entry it leads to is checked instead.
        if 300 <= exchange.status < 400 and not operation.declares(where.status):
            location = exchange.response_header("location")
            target = redact_url(location[0]) if location else "(no Location header)"
            return where.skipped("redirect", f"{where.status} to {target}")
        findings = self._request(where, exchange, match)
        if response is None:
            findings.append(
                where.finding(
                    "",
                    self._drift(),
                    "undeclared-status",
                    "status the spec does not declare",
                    expected=f"one of {', '.join(operation.responses)}",
                    found=where.status,
                )
            )
        else:
            findings += self._response(where, response.key, exchange)
        return where.result(findings)

    def _response(self, where: _Where, key: str, exchange: Exchange) -> list[Finding]:
        """Content type and body of a response whose status the spec declares."""
        response = self.index.operations[where.operation].responses[key]
        content_type = exchange.content_type
        if not response.media:
            # No content declared: the spec leaves the body unspecified (e.g. Veryfront's
            # undocumented error bodies), so there is nothing to hold it to.
            return []
        schema = response.schema_for(content_type)
        if schema is None:
            message = "content type the spec does not declare for this status"
            declared = ", ".join(response.media)
            found = content_type or "(none)"
            return [
                where.finding("", "error", "content-type", message, expected=declared, found=found)
            ]
        if not schema or not is_json_media(content_type):
            return []
        try:
            body = exchange.body()
        except HarError as exc:
            return [where.finding(exc.pointer, "error", "not-har", str(exc), expected="base64")]
        if body is None:
            message = "the HAR holds no response body; it was not checked"
            return [
                where.finding(
                    "", "warning", "no-body", message, expected="a JSON body", found="(absent)"
                )
            ]
        return self._body(where, key, schema, body)

    def _request(self, where: _Where, exchange: Exchange, match: Match) -> list[Finding]:
        """Path, query and header parameters (cookies are not checked)."""
        query: dict[str, list[str]] = {}
        for name, value in parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        findings = []
        for parameter in match.operation.parameters:
            if parameter.location == "path":
                given = (
                    [match.path_values[parameter.name]]
                    if parameter.name in match.path_values
                    else []
                )
            elif parameter.location == "query":
                given = query.get(parameter.name, [])
            elif parameter.location == "header" and parameter.name.lower() not in _IGNORED_HEADERS:
                given = exchange.request_header(parameter.name)
            else:
                continue
            pointer = f"/{parameter.location}/{escape_pointer_token(parameter.name)}"
            if not given:
                if parameter.required:
                    message = "required request parameter missing"
                    expected = f"a {parameter.location} parameter {parameter.name}"
                    findings.append(
                        where.finding(
                            pointer,
                            "error",
                            "request-param",
                            message,
                            expected=expected,
                            found="(missing)",
                        )
                    )
                continue
            if not parameter.schema:
                continue
            secret = is_secret_name(parameter.name)
            for issue in self.schemas.issues(parameter.schema, _read_parameter(parameter, given)):
                findings.append(
                    self._from_issue(
                        where,
                        issue,
                        pointer + issue.pointer,
                        rule="request-param" if issue.rule == "schema" else issue.rule,
                        found=REDACTED if secret else issue.found,
                    )
                )
        return findings

    def _body(
        self, where: _Where, key: str, schema: str, raw: bytes, parsed: Parsed | None = None
    ) -> list[Finding]:
        """Both layers on one response body (``parsed``, when it was parsed already)."""
        try:
            parsed = parsed or parse_json(raw)
        except NotJson as exc:
            shown = show_text(raw[:200].decode("utf-8", "replace"))
            return [
                where.finding("", "error", exc.rule, str(exc), expected=exc.expected, found=shown)
            ]
        findings = [
            where.finding(
                pointer,
                "warning",
                "duplicate-key",
                "key repeated; the last value wins",
                expected="each key once",
                found=show_value(pointer, pointer.rsplit("/", 1)[-1]),
            )
            for pointer in parsed.duplicate_keys
        ]
        try:
            # Most payloads are clean: jsonschema-rs says so in microseconds, and the
            # Python layers, which word findings, look only at the others.
            if self.first_look.clean(schema, parsed.value):
                # No schema finding to merge with: the model layer's are all there is,
                # and there are none where the model takes whatever the first look passes.
                if not self._model_proven(where.operation, key, schema):
                    findings += self._models(where, key, parsed.value, [])
            else:
                issues = self.schemas.issues(schema, parsed.value) + self._unknown(
                    schema, parsed.value
                )
                seen = [self._from_issue(where, issue, issue.pointer) for issue in issues]
                findings += _one_per_fault(seen, self._models(where, key, parsed.value, issues))
        except RecursionError:
            findings.append(where.finding("", "error", "too-deep", "nested too deeply to check"))
        return findings

    def _model_proven(self, operation: str, key: str, schema: str) -> bool:
        """Whether the model layer takes every payload the first look of ``schema``
        passes (so that it has nothing to say about them); decided once."""
        proven = self._proven.get((operation, key, schema))
        if proven is None:
            proven = self._proven[operation, key, schema] = self._prove(operation, key, schema)
        return proven and self.prove_models

    def _prove(self, operation: str, key: str, schema: str) -> bool:
        models = self.models
        model = models.model_for(operation, key) if models else None
        rewritten = self.first_look.rewritten(schema)
        if models is None or model is None or rewritten is None:
            return False
        from ._covers import ModelProof, same_runtime

        if not same_runtime(self.options.bindings):
            return False
        return ModelProof(self.options.bindings, models.converter).covers(*rewritten, model)

    def _unknown(self, schema: str, value: Any) -> list[Issue]:
        """Fields the spec does not declare, as soft issues."""
        return [
            Issue(
                pointer,
                "unknown-field",
                "",
                "only the properties the spec declares",
                show_value(pointer, found),
                "field not in the spec",
                soft=True,
            )
            for pointer, found in self.unknown.find(schema, value).items()
        ]

    def _models(self, where: _Where, key: str, value: Any, issues: list[Issue]) -> list[Finding]:
        """The model layer, and whether it agrees with the schema layer."""
        model = self.models.model_for(where.operation, key) if self.models else None
        if self.models is None or model is None:
            return []
        errors = self.models.errors(model, value)
        hard = [issue for issue in issues if not issue.soft]
        if not (errors or hard):
            return []
        expected = f"a value {model.__name__} accepts"
        if errors and hard:
            return [
                where.finding(
                    e.pointer,
                    "error",
                    "model",
                    show_message(e.pointer, e.message),
                    expected=expected,
                    found=_shown_at(value, e.pointer),
                    layers=("model",),
                )
                for e in errors
            ]
        if errors:
            prefix = "the schema accepts it but the model rejects it (a generator bug): "
            return [
                where.finding(
                    e.pointer,
                    "error",
                    "layer-disagreement",
                    prefix + show_message(e.pointer, e.message),
                    expected=expected,
                    found=_shown_at(value, e.pointer),
                    layers=("model",),
                )
                for e in errors
            ]
        message = f"the schema rejects it but {model.__name__} accepts it (a generator bug)"
        first = hard[0]
        return [
            where.finding(
                first.pointer,
                "error",
                "layer-disagreement",
                message,
                expected=first.expected,
                found=first.found,
                layers=("schema",),
            )
        ]

    def _from_issue(
        self, where: _Where, issue: Issue, pointer: str, *, rule: str = "", found: str = ""
    ) -> Finding:
        return where.finding(
            pointer,
            self._drift() if issue.soft else "error",
            rule or issue.rule,
            issue.message,
            expected=issue.expected,
            found=found or issue.found,
            keyword=issue.keyword,
            layers=("schema",),
        )


def _one_per_fault(schema: list[Finding], model: list[Finding]) -> list[Finding]:
    """The schema layer's findings, then the model layer's, one finding per fault.

    A model finding at a pointer where the schema layer found an error too is the same
    fault seen twice: the schema finding (worded after the spec) stays, saying that both
    layers saw it.
    """
    first_error: dict[str, int] = {}
    for index, finding in enumerate(schema):
        if finding.severity == "error" and finding.rule != "unknown-field":
            first_error.setdefault(finding.pointer, index)
    merged = list(schema)
    rest: list[Finding] = []
    for finding in model:
        index = first_error.get(finding.pointer, -1) if finding.rule == "model" else -1
        if index < 0:
            rest.append(finding)
        else:
            merged[index] = replace(merged[index], layers=("schema", "model"))
    return merged + rest


def _refuse_broken_refs(spec: LoadedSpec) -> None:
    """Refuse what lint's ``$ref`` rules find: a reference that is remote or resolves to
    nothing, or a cycle (``A: {$ref: A}`` would let every payload pass)."""
    problems = sorted(check_refs(spec, lint_index(spec)))
    if problems:
        more = f" (and {len(problems) - 1} more: see specbind lint)" if len(problems) > 1 else ""
        raise SpecError(f"{problems[0]}{more}")


def _read_parameter(parameter: Parameter, given: list[str]) -> Any:
    """A parameter's text as the JSON value its schema expects (``"7"`` → 7 for integers)."""
    if "array" in parameter.types:
        items = given if parameter.location == "query" else given[0].split(",")
        return [_read_text(item, parameter.item_types) for item in items]
    return _read_text(given[0], parameter.types)


def _read_text(text: str, types: frozenset[str]) -> Any:
    if "integer" in types and _INTEGER.fullmatch(text):
        return int(text)
    if "number" in types and _NUMBER.fullmatch(text):
        number = float(text)
        if math.isfinite(number):
            return int(text) if _INTEGER.fullmatch(text) else number
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    return text


def _shown_at(value: Any, pointer: str) -> str:
    """The value at a pointer as findings show it, or ``(missing)``."""
    try:
        for token in iter_pointer(pointer):
            value = value[int(token)] if isinstance(value, list) else value[token]
    except (KeyError, IndexError, ValueError, TypeError):
        return "(missing)"
    return show_value(pointer, value)

"""Classify every change between two specs: servers, security, operations, parameters,
statuses, response bodies and examples."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .._spec._load import LoadedSpec
from .._spec._walk import METHODS
from ._change import Change, Recorder
from ._parameters import ParameterDiff, parameters_of
from ._schemas import ResponseSchemas
from ._shape import At, mapping, resolve

__all__ = ["diff_specs"]

_JSON_MEDIA = re.compile(r"application/(?:[\w.+-]+\+)?json", re.IGNORECASE)

#: One way to authenticate: every (scheme, scopes) it needs at once.
Alternative = frozenset[tuple[str, tuple[str, ...]]]


def diff_specs(old: LoadedSpec, new: LoadedSpec) -> list[Change]:
    """Every classified change from ``old`` to ``new``, most severe first."""
    record = Recorder(new)
    _SpecDiff(old, new, record).run()
    return record.changes()


@dataclass(frozen=True)
class _Operation:
    """An operation, and the path item that holds it (for shared parameters)."""

    method: str
    path: str
    at: At
    item: At

    @property
    def operation_id(self) -> str | None:
        value = self.at.fields.get("operationId")
        return value if isinstance(value, str) else None

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def named(self) -> str:
        return f"{self.label} ({self.operation_id or 'no operationId'})"


def _operations(spec: LoadedSpec) -> dict[tuple[str, str], _Operation]:
    found = {}
    paths = At("/paths", spec.data.get("paths"))
    for path in paths.fields:
        item = resolve(spec, paths.at(path))
        for method in METHODS:
            if isinstance(item.fields.get(method), dict):
                found[(method, path)] = _Operation(method, path, item.at(method), item)
    return found


class _SpecDiff:
    def __init__(self, old: LoadedSpec, new: LoadedSpec, record: Recorder) -> None:
        self.old = old
        self.new = new
        self.record = record
        self.schemas = ResponseSchemas(old, new, record)
        self.parameters = ParameterDiff(old, new, record)

    def run(self) -> None:
        self.servers()
        self.security_schemes()
        self.operations()

    def servers(self) -> None:
        before, after = _server_urls(self.old), _server_urls(self.new)
        if before[:1] != after[:1]:
            self.record.add(
                "server-changed",
                "/servers/0/url" if before else None,
                "/servers/0/url" if after else None,
                f"the default server changed: {_first(before)} → {_first(after)} "
                "(the Client's DEFAULT_BASE_URL)",
                anchor="/servers",
            )
        for index, url in enumerate(before):
            if index and url not in after:
                message = f"the server {url} was removed"
                self.record.add(
                    "server-changed", f"/servers/{index}/url", None, message, anchor="/servers"
                )
        for index, url in enumerate(after):
            if index and url not in before:
                message = f"the server {url} was added"
                self.record.add("server-added", None, f"/servers/{index}/url", message)

    def security_schemes(self) -> None:
        before = At("/components", self.old.data.get("components")).at("securitySchemes")
        after = At("/components", self.new.data.get("components")).at("securitySchemes")
        for name, scheme in before.fields.items():
            if name not in after.fields:
                self.record.add(
                    "security-changed",
                    before.at(name).pointer,
                    None,
                    f"the security scheme {name} was removed: its credentials no longer work",
                    anchor=after.pointer,
                )
                continue
            was, now = _essence(scheme), _essence(after.fields[name])
            changed = sorted(key for key in set(was) | set(now) if was.get(key) != now.get(key))
            if changed:
                self.record.add(
                    "security-changed",
                    before.at(name).pointer,
                    after.at(name).pointer,
                    f"the security scheme {name} changed its {', '.join(changed)}",
                )
        for name in after.fields:
            if name not in before.fields:
                message = f"the security scheme {name} was added"
                self.record.add("security-added", None, after.at(name).pointer, message)

    def operations(self) -> None:
        before, after = _operations(self.old), _operations(self.new)
        # An operationId found at another method or path moved there.
        moved_to = {
            op.operation_id: op
            for key, op in after.items()
            if key not in before and op.operation_id is not None
        }
        matched: set[tuple[str, str]] = set()
        for key, was in before.items():
            now = after.get(key)
            if now is not None:
                matched.add(key)
                self.operation(was, now)
                continue
            target = moved_to.get(was.operation_id or "")
            if target is not None:
                matched.add((target.method, target.path))
                self.record.add(
                    "operation-moved",
                    was.at.pointer,
                    target.at.pointer,
                    f"{was.operation_id} moved from {was.label} to {target.label}: "
                    "clients built from OLD call the old address",
                )
                self.operation(was, target)
                continue
            message = f"{was.named} was removed"
            self.record.add("operation-removed", was.at.pointer, None, message, anchor="/paths")
        for key, now in after.items():
            if key not in matched:
                self.record.add("operation-added", None, now.at.pointer, f"{now.named} was added")

    def operation(self, was: _Operation, now: _Operation) -> None:
        if was.operation_id != now.operation_id and was.path == now.path:
            self.record.add(
                "operation-renamed",
                was.at.at("operationId").pointer,
                now.at.at("operationId").pointer,
                f"{now.label}: operationId {was.operation_id} → {now.operation_id}: "
                "the client method is renamed",
                anchor=now.at.pointer,
            )
        self.parameters.operation(
            now.label,
            parameters_of(self.old, was.item, was.at),
            parameters_of(self.new, now.item, now.at),
            now.at.pointer,
        )
        self.schemas.description(now.label, was.at, now.at)
        self.security(was, now)
        self.responses(was, now)

    def security(self, was: _Operation, now: _Operation) -> None:
        old_pointer, before = _requirements(self.old, was)
        new_pointer, after = _requirements(self.new, now)
        # A requirement written once at the top is one change, not one per operation.
        label = now.label if new_pointer != "/security" else "the API"
        lost = sorted(_show(alternative) for alternative in before - after)
        gained = sorted(_show(alternative) for alternative in after - before)
        if lost:
            self.record.add(
                "security-changed",
                old_pointer,
                new_pointer,
                f"{label} no longer accepts {' or '.join(lost)}",
                anchor=now.at.pointer,
            )
        if gained:
            self.record.add(
                "security-added",
                old_pointer,
                new_pointer,
                f"{label} also accepts {' or '.join(gained)}",
                anchor=now.at.pointer,
            )

    def responses(self, was: _Operation, now: _Operation) -> None:
        before, after = was.at.at("responses"), now.at.at("responses")
        for status in before.fields:
            if status not in after.fields:
                self.record.add(
                    "status-removed",
                    before.at(status).pointer,
                    None,
                    f"{now.label}: the {status} response is no longer documented",
                    anchor=after.pointer,
                )
        for status in after.fields:
            if status in before.fields:
                self.response(
                    f"{now.label} {status}",
                    resolve(self.old, before.at(status)),
                    resolve(self.new, after.at(status)),
                )
                continue
            covered = _covered_by(status, before.fields)
            self.record.add(
                "status-documented",
                None,
                after.at(status).pointer,
                f"{now.label}: the {status} response is now documented"
                + (f" (before, {covered} covered it)" if covered else ""),
            )

    def response(self, label: str, old: At, new: At) -> None:
        self.schemas.description(f"the {label} response", old, new)
        old_body, new_body = _json_schema(old), _json_schema(new)
        if old_body is not None and new_body is not None:
            self.schemas.value(f"the {label} body", old_body, new_body)
        elif old_body is not None:
            self.record.add(
                "property-type-changed",
                old_body.pointer,
                None,
                f"the {label} response no longer has a JSON body",
                anchor=new.pointer,
            )
        elif new_body is not None:
            message = f"the {label} response now documents a JSON body"
            self.record.add("status-documented", None, new_body.pointer, message)
        old_content, new_content = old.at("content"), new.at("content")
        for media_type in new_content.fields:
            if media_type in old_content.fields:
                self.examples(
                    f"the {label} {media_type} response",
                    old_content.at(media_type),
                    new_content.at(media_type),
                )

    def examples(self, label: str, old: At, new: At) -> None:
        before = mapping(old.fields.get("examples"))
        for name in mapping(new.fields.get("examples")):
            if name not in before:
                message = f"{label} has a new example {name!r}"
                self.record.add("example-added", None, new.at("examples", name).pointer, message)
        if "example" in new.fields and "example" not in old.fields:
            message = f"{label} has a new example"
            self.record.add("example-added", None, new.at("example").pointer, message)


def _server_urls(spec: LoadedSpec) -> list[str]:
    servers = spec.data.get("servers")
    if not isinstance(servers, list):
        return []
    return [str(mapping(server).get("url", "")) for server in servers]


def _first(urls: list[str]) -> str:
    return urls[0] if urls else "(none)"


def _essence(scheme: Any) -> dict[str, Any]:
    """What a security scheme asks a client for: its fields but description and extensions."""
    return {
        key: value
        for key, value in mapping(scheme).items()
        if key != "description" and not key.startswith("x-")
    }


def _requirements(spec: LoadedSpec, operation: _Operation) -> tuple[str | None, set[Alternative]]:
    """Where an operation's security requirement is written, and its alternatives."""
    if "security" in operation.at.fields:
        written: At | None = operation.at.at("security")
    elif "security" in spec.data:
        written = At("/security", spec.data["security"])
    else:
        written = None
    listed = written.node if written is not None and isinstance(written.node, list) else []
    alternatives = {
        frozenset(
            (str(name), tuple(sorted(map(str, scopes))) if isinstance(scopes, list) else ())
            for name, scopes in mapping(requirement).items()
        )
        for requirement in listed
    }
    return (written.pointer if written is not None else None), alternatives


def _show(alternative: Alternative) -> str:
    if not alternative:
        return "no credentials"
    return " + ".join(
        name + (f" ({', '.join(scopes)})" if scopes else "") for name, scopes in sorted(alternative)
    )


def _covered_by(status: str, responses: dict[str, Any]) -> str | None:
    """Which OLD entry answered for a status NEW now documents: its range, or default."""
    if status[:1].isdigit() and f"{status[0]}XX" in responses:
        return f"{status[0]}XX"
    return "default" if "default" in responses else None


def _json_schema(response: At) -> At | None:
    """The schema of the response's first JSON media type that has one."""
    content = response.at("content")
    for media_type, media in content.fields.items():
        if _JSON_MEDIA.fullmatch(media_type) and "schema" in mapping(media):
            return content.at(media_type, "schema")
    return None

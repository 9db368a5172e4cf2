"""Lint rules for ``x-specbind-waiters``: every declared waiter can run as written.

- ``waiter``: the declaration's shape: known keys only, a GET operation with a 2xx JSON
  response, a snake_case name used once in the spec, acceptors with a valid ``state``
  and exactly one test (a field test, an ``all`` of them, or an HTTP ``status``), and
  at least one ``success`` acceptor;
- ``waiter-poll``: the polling policy's numbers;
- ``waiter-path``: every ``path`` names fields of the response schema (lists where an
  ``all_items`` or ``any_items`` test says so);
- ``waiter-value``: every expected value is in the field's enum, or has its type.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Iterator
from typing import Any

from .._spec._extensions import WAITERS_KEY
from .._spec._load import LoadedSpec
from .._spec._problems import Problem
from .._spec._walk import SpecIndex, child, follow

__all__ = ["check_waiters"]

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_WAITER_KEYS = frozenset({"description", "poll", "acceptors"})
_POLL_KEYS = ("delay", "growth", "max_delay", "jitter")
_POLL_DEFAULTS = {"delay": 1.0, "growth": 1.5, "max_delay": 30.0, "jitter": 0.1}
_STATES = ("success", "failure", "retry")
_TEST_KEYS = frozenset({"path", "equals", "any_of", "all_items", "any_items", "all"})
_MATCHERS = ("equals", "any_of", "all_items", "any_items")
_ACCEPTOR_KEYS = frozenset({"state", "description", "status"}) | _TEST_KEYS
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
    "array": (list,),
    "object": (dict,),
}


def check_waiters(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[waiter], [waiter-poll], [waiter-path] and [waiter-value]."""
    names: dict[str, str] = {}
    for operation in sorted(index.operations, key=lambda found: spec.locate(found.pointer)):
        if WAITERS_KEY not in operation.node:
            continue
        checker = _Checker(spec, operation.pointer, operation.node, operation.label)
        yield from checker.run(names)


class _Checker:
    def __init__(self, spec: LoadedSpec, pointer: str, operation: dict[str, Any], label: str):
        self.spec = spec
        self.pointer = pointer
        self.operation = operation
        self.label = label
        self.at = child(pointer, WAITERS_KEY)

    def problem(self, pointer: str, rule: str, message: str) -> Problem:
        line, column = self.spec.locate(pointer)
        return Problem(self.spec.path, line, column, rule, message)

    def run(self, names: dict[str, str]) -> Iterator[Problem]:
        waiters = self.operation[WAITERS_KEY]
        if not isinstance(waiters, dict) or not waiters:
            yield self.problem(self.at, "waiter", f"{WAITERS_KEY} must map waiter names to waiters")
            return
        if not self.pointer.endswith("/get"):
            yield self.problem(
                self.at, "waiter", f"waiters poll: declare them on a GET, not {self.label}"
            )
        schema = self.response_schema()
        if schema is None:
            yield self.problem(
                self.at, "waiter", f"{self.label} has no 2xx JSON response schema to wait on"
            )
        for name, waiter in waiters.items():
            at = child(self.at, name)
            if not _NAME.fullmatch(name) or keyword.iskeyword(name):
                yield self.problem(
                    at, "waiter", f"waiter name {name!r} must be snake_case (wait_for_{name})"
                )
            elif name in names:
                yield self.problem(
                    at, "waiter", f"waiter {name!r} is already declared on {names[name]}"
                )
            names.setdefault(name, self.label)
            if not isinstance(waiter, dict):
                yield self.problem(at, "waiter", f"waiter {name!r} must be a mapping")
                continue
            yield from self.unknown_keys(at, waiter, _WAITER_KEYS, f"waiter {name!r}")
            if "description" in waiter and not isinstance(waiter["description"], str):
                yield self.problem(child(at, "description"), "waiter", "description must be text")
            if "poll" in waiter:
                yield from self.poll(child(at, "poll"), waiter["poll"])
            yield from self.acceptors(at, name, waiter.get("acceptors"), schema)

    def response_schema(self) -> tuple[str, dict[str, Any]] | None:
        responses = self.operation.get("responses")
        if not isinstance(responses, dict):
            return None
        for status, response in sorted(responses.items()):
            if not str(status).startswith("2"):
                continue
            found = follow(self.spec, child(child(self.pointer, "responses"), status), response)
            if found is None or not isinstance(found[1], dict):
                continue
            content = found[1].get("content")
            media = content.get("application/json") if isinstance(content, dict) else None
            if isinstance(media, dict) and "schema" in media:
                at = child(child(child(found[0], "content"), "application/json"), "schema")
                return self.deref(at, media["schema"])
        return None

    def deref(self, pointer: str, schema: Any) -> tuple[str, dict[str, Any]] | None:
        """The schema itself: ``$ref``s followed, a nullable ``anyOf`` reduced to its other."""
        found = follow(self.spec, pointer, schema)
        if found is None or not isinstance(found[1], dict):
            return None
        pointer, node = found
        options = node.get("anyOf", node.get("oneOf"))
        if isinstance(options, list):
            others = [
                (child(child(pointer, "anyOf" if "anyOf" in node else "oneOf"), i), option)
                for i, option in enumerate(options)
                if not (isinstance(option, dict) and option.get("type") == "null")
            ]
            if len(others) == 1:
                return self.deref(*others[0])
        return pointer, node

    def unknown_keys(
        self, at: str, node: dict[str, Any], known: frozenset[str], what: str
    ) -> Iterator[Problem]:
        for key in node:
            if key not in known:
                yield self.problem(
                    child(at, key),
                    "waiter",
                    f"{what}: unknown key {key!r} (known: {', '.join(sorted(known))})",
                )

    def poll(self, at: str, poll: Any) -> Iterator[Problem]:
        if not isinstance(poll, dict):
            yield self.problem(
                at, "waiter-poll", f"poll must map {', '.join(_POLL_KEYS)} to numbers"
            )
            return
        yield from self.unknown_keys(at, poll, frozenset(_POLL_KEYS), "poll")
        values = dict(_POLL_DEFAULTS)
        for key in _POLL_KEYS:
            value = poll.get(key, values[key])
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
            ):
                yield self.problem(
                    child(at, key), "waiter-poll", f"poll {key} must be a number, not {value!r}"
                )
                return
            values[key] = float(value)
        bounds = (
            ("delay", values["delay"] > 0, "must be more than 0 seconds"),
            ("growth", values["growth"] >= 1, "must be at least 1"),
            ("max_delay", values["max_delay"] >= values["delay"], "must be at least delay"),
            ("jitter", 0 <= values["jitter"] < 1, "must be a fraction from 0 up to (not) 1"),
        )
        for key, ok, message in bounds:
            if not ok:
                shown = poll.get(key, values[key])
                yield self.problem(child(at, key), "waiter-poll", f"poll {key} {shown!r} {message}")

    def acceptors(
        self, at: str, name: str, acceptors: Any, schema: tuple[str, dict[str, Any]] | None
    ) -> Iterator[Problem]:
        if not isinstance(acceptors, list) or not acceptors:
            yield self.problem(at, "waiter", f"waiter {name!r} needs a list of acceptors")
            return
        if not any(isinstance(a, dict) and a.get("state") == "success" for a in acceptors):
            yield self.problem(
                child(at, "acceptors"), "waiter", f"waiter {name!r} has no success acceptor"
            )
        for number, acceptor in enumerate(acceptors):
            where = child(child(at, "acceptors"), number)
            if not isinstance(acceptor, dict):
                yield self.problem(where, "waiter", "an acceptor must be a mapping")
                continue
            yield from self.unknown_keys(where, acceptor, _ACCEPTOR_KEYS, "acceptor")
            state = acceptor.get("state")
            if state not in _STATES:
                yield self.problem(
                    child(where, "state") if "state" in acceptor else where,
                    "waiter",
                    f"acceptor state is {state!r}; it must be one of {', '.join(_STATES)}",
                )
            test = {key: value for key, value in acceptor.items() if key in _TEST_KEYS}
            if "status" in acceptor:
                yield from self.status(where, acceptor, state, test)
            elif not test:
                yield self.problem(where, "waiter", "an acceptor needs a test: path, all or status")
            elif schema is not None:
                yield from self.test(where, test, schema, top=True, root="the response")

    def status(
        self, where: str, acceptor: dict[str, Any], state: Any, test: dict[str, Any]
    ) -> Iterator[Problem]:
        status = acceptor["status"]
        at = child(where, "status")
        if test:
            yield self.problem(at, "waiter", "an acceptor tests a status or the body, not both")
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            yield self.problem(at, "waiter", f"status {status!r} is not an HTTP status code")
        elif 200 <= status < 300:
            yield self.problem(at, "waiter", "a 2xx answer is tested by its body, not its status")
        if state == "success":
            yield self.problem(
                at, "waiter", "a status acceptor can say failure or retry: success needs a body"
            )

    def test(
        self,
        at: str,
        test: Any,
        schema: tuple[str, dict[str, Any]],
        *,
        root: str,
        top: bool = False,
    ) -> Iterator[Problem]:
        """Problems of one test of the value ``schema`` describes (``root`` names it)."""
        if not isinstance(test, dict):
            yield self.problem(at, "waiter", "a test must be a mapping")
            return
        if not top:
            yield from self.unknown_keys(at, test, _TEST_KEYS, "test")
        if "all" in test:
            parts = test["all"]
            if len([key for key in test if key in _TEST_KEYS]) > 1:
                yield self.problem(
                    child(at, "all"), "waiter", "all: takes no path or matcher beside it"
                )
            if not isinstance(parts, list) or not parts:
                yield self.problem(child(at, "all"), "waiter", "all: needs a list of tests")
                return
            for number, part in enumerate(parts):
                yield from self.test(child(child(at, "all"), number), part, schema, root=root)
            return
        matchers = [key for key in _MATCHERS if key in test]
        if len(matchers) != 1:
            yield self.problem(
                at,
                "waiter",
                f"a test needs exactly one of {', '.join(_MATCHERS)}, not {len(matchers)}",
            )
            return
        path = test.get("path", "")
        if not isinstance(path, str) or (root == "the response" and not path):
            yield self.problem(at, "waiter-path", f"path must be dotted field names, not {path!r}")
            return
        field = self.field(child(at, "path") if path else at, path, schema, root)
        if isinstance(field, Problem):
            yield field
            return
        matcher = matchers[0]
        value_at = child(at, matcher)
        if matcher == "equals":
            yield from self.value(value_at, test["equals"], field, path)
        elif matcher == "any_of":
            values = test["any_of"]
            if not isinstance(values, list) or not values:
                yield self.problem(value_at, "waiter", "any_of needs a list of values")
                return
            for number, value in enumerate(values):
                yield from self.value(child(value_at, number), value, field, path)
        else:
            field_pointer, field_schema = field
            if "array" not in _types(field_schema):
                yield self.problem(
                    value_at, "waiter-path", f"{matcher} needs a list, and {path!r} is not one"
                )
                return
            items = self.deref(child(field_pointer, "items"), field_schema.get("items", {}))
            if items is not None:
                yield from self.test(value_at, test[matcher], items, root="the item")

    def field(
        self, at: str, path: str, schema: tuple[str, dict[str, Any]], root: str
    ) -> tuple[str, dict[str, Any]] | Problem:
        """The schema of ``path`` under ``schema``, or the problem with the path."""
        pointer, node = schema
        walked: list[str] = []
        for name in path.split(".") if path else ():
            properties = node.get("properties")
            if not isinstance(properties, dict) or name not in properties:
                where = ".".join(walked) or root
                known = ", ".join(sorted(properties)) if isinstance(properties, dict) else "none"
                return self.problem(
                    at, "waiter-path", f"{where} has no field {name!r} (fields: {known})"
                )
            found = self.deref(child(child(pointer, "properties"), name), properties[name])
            if found is None:
                return self.problem(at, "waiter-path", f"cannot resolve the schema of {path!r}")
            pointer, node = found
            walked.append(name)
        return pointer, node

    def value(
        self, at: str, value: Any, field: tuple[str, dict[str, Any]], path: str
    ) -> Iterator[Problem]:
        _, schema = field
        shown = path or "the item"
        enum = schema.get("enum")
        types = _types(schema)
        if isinstance(enum, list):
            if value not in enum or (value is None) != (None in enum):
                listed = ", ".join(map(repr, enum))
                yield self.problem(
                    at, "waiter-value", f"{value!r} is not a value of {shown} ({listed})"
                )
        elif types and not any(
            isinstance(value, _JSON_TYPES.get(kind, ()))
            and not (isinstance(value, bool) and kind in ("integer", "number"))
            for kind in types
        ):
            yield self.problem(
                at, "waiter-value", f"{value!r} is not of the type of {shown} ({', '.join(types)})"
            )


def _types(schema: dict[str, Any]) -> list[str]:
    kinds = schema.get("type")
    if isinstance(kinds, str):
        return [kinds]
    return [kind for kind in kinds if isinstance(kind, str)] if isinstance(kinds, list) else []

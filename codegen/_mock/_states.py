"""Job states made from a waiter's acceptors: a body no final acceptor matches, and bodies
that the success, failure or cancel acceptor matches first, each valid for the schema.

Bodies are judged by the runtime's own acceptors (``specbind.runtime._waiters``), run on
the JSON seen through small attrs classes that carry the wire names, as a generated
model does. A state is found among the spec's examples first; failing that, an example
is changed to satisfy the acceptor (``equals`` and ``any_of`` set the value at the path;
``all_items`` and ``any_items`` change the items, taking one from another example when
the list is empty), and kept only when the schema and the acceptors agree.
"""

from __future__ import annotations

import copy
import functools
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import attrs

from .._spec._extensions import WAITERS_KEY
from .._validate._operations import Operation
from ..runtime._waiters import Acceptor, WaiterSpec
from ._api import Answer, MockError
from ._bodies import Bodies

__all__ = ["JobStates", "as_model", "decides"]

_GENERATED_BASES = 8


@dataclass(frozen=True)
class JobStates:
    """What one job answers: before its outcome (``pending``), and at each end. A final
    state is a body, or the status of a ``status`` acceptor (``int``); ``failure`` and
    ``canceled`` are ``None`` for a waiter without a failure acceptor."""

    waiter: WaiterSpec
    pending: Any
    success: Any
    failure: Any | None
    canceled: Any | None


def waiter_of(bodies: Bodies, operation: Operation, name: str) -> WaiterSpec:
    """The waiter ``name`` declared on ``operation``. Raises :class:`MockError`."""
    declared = bodies.api.node(operation).get(WAITERS_KEY) or {}
    if name not in declared:
        known = ", ".join(sorted(declared)) or "none"
        raise MockError(f"{operation.id} declares no waiter {name!r} (declared: {known})")
    return WaiterSpec.from_spec(name, declared[name])


def make_states(
    bodies: Bodies, operation: Operation, waiter: WaiterSpec, params: Mapping[str, str]
) -> JobStates:
    """The states of a job of ``operation`` whose parameters are ``params``."""
    answer = bodies.api.answer(operation, bodies.api.success_status(operation))
    if answer is None or not answer.schema:
        raise MockError(f"{operation.id} has no success body to wait on")
    bases = [_fit(bodies, answer, body, params) for body in _bases(bodies, operation, answer)]
    final = [a for a in waiter.acceptors if a.state in ("success", "failure")]
    pending = next(
        (body for body in bases if (decides(waiter, body) or _RETRY).state == "retry"), None
    )
    if pending is None:
        raise MockError(f"no body of {operation.id} is left undecided by waiter {waiter.name!r}")
    success = next(a for a in waiter.acceptors if a.state == "success")
    failures = [a for a in final if a.state == "failure"]
    canceled = next((a for a in failures if _mentions_cancel(a)), failures[0] if failures else None)
    return JobStates(
        waiter=waiter,
        pending=pending,
        success=_ending(bodies, answer, waiter, success, bases=bases),
        failure=_ending(bodies, answer, waiter, failures[0], bases=bases) if failures else None,
        canceled=(
            _ending(bodies, answer, waiter, canceled, bases=bases, prefer="cancel")
            if canceled
            else None
        ),
    )


_RETRY = Acceptor(state="retry")


def decides(waiter: WaiterSpec, body: Any) -> Acceptor | None:
    """The first acceptor with a test that matches ``body`` (JSON), as the waiter sees it."""
    model = as_model(body)
    return next((a for a in waiter.acceptors if a.matches(model)), None)


def as_model(value: Any) -> Any:
    """JSON seen as attrs objects whose fields carry their wire names, as models do."""
    if isinstance(value, dict):
        cls = _class_for(tuple(value))
        return cls(*(as_model(item) for item in value.values()))
    if isinstance(value, list):
        return [as_model(item) for item in value]
    return value


@functools.cache
def _class_for(keys: tuple[str, ...]) -> type:
    fields = {f"f{i}": attrs.field(metadata={"wire": key}) for i, key in enumerate(keys)}
    return attrs.make_class("Body", fields, frozen=True)


def _bases(bodies: Bodies, operation: Operation, answer: Answer) -> Iterator[Any]:
    yield from (copy.deepcopy(value) for value in answer.examples.values())
    for draw in range(_GENERATED_BASES):
        value = bodies.generated(answer.schema, f"{operation.id}/job/{draw}")
        if value is not None:
            yield value


def _fit(bodies: Bodies, answer: Answer, body: Any, params: Mapping[str, str]) -> Any:
    """``body`` with its id set from the job's parameters, where the schema allows."""
    if not isinstance(body, dict):
        return body
    for name, value in params.items():
        key = name if name in body else "id" if name == "id" or name.endswith("_id") else None
        if key is None or key not in body:
            continue
        for candidate in (value, _canonical_uuid(value)):
            changed = {**body, key: candidate}
            if candidate is not None and bodies.valid(answer.schema, changed):
                body = changed
                break
    return body


def _canonical_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value.removeprefix("urn:uuid:")))
    except ValueError:
        return None


def _mentions_cancel(acceptor: Acceptor) -> bool:
    return "cancel" in repr(acceptor.test).lower() or "cancel" in acceptor.description.lower()


def _ending(
    bodies: Bodies,
    answer: Answer,
    waiter: WaiterSpec,
    acceptor: Acceptor,
    *,
    bases: list[Any],
    prefer: str = "",
) -> Any:
    """A body ``acceptor`` decides (valid, every other field as in a real answer), or the
    status of a ``status`` acceptor."""
    if acceptor.status is not None:
        return acceptor.status
    assert acceptor.test is not None
    for body in bases:
        if decides(waiter, body) is acceptor and (not prefer or prefer in repr(body).lower()):
            return body
    for body in bases:
        changed = _apply(acceptor.test, copy.deepcopy(body), bases, prefer)
        if (
            changed is not None
            and bodies.valid(answer.schema, changed)
            and decides(waiter, changed) is acceptor
        ):
            return changed
    raise MockError(f"waiter {waiter.name!r}: no valid body satisfies its {acceptor}")


def _apply(test: Mapping[str, Any], body: Any, bases: list[Any], prefer: str) -> Any:
    """``body`` changed so that ``test`` holds, or ``None`` when that cannot be done."""
    if "all" in test:
        for part in test["all"]:
            body = _apply(part, body, bases, prefer) if body is not None else None
        return body
    path = [p for p in str(test.get("path", "")).split(".") if p]
    if "equals" in test:
        return _set(body, path, test["equals"])
    if "any_of" in test:
        choices = list(test["any_of"])
        chosen = next((c for c in choices if prefer and prefer in str(c).lower()), choices[0])
        return _set(body, path, chosen)
    item_test = test.get("all_items", test.get("any_items"))
    if not isinstance(item_test, dict):
        return None
    items = _get(body, path)
    if not isinstance(items, list) or not items:
        items = next(
            (copy.deepcopy(found[:1]) for b in bases if isinstance(found := _get(b, path), list)
             and found),
            None,
        )  # fmt: skip
        if items is None:
            return None
    changed = [_apply(item_test, item, bases, prefer) for item in items]
    if "any_items" in test:
        changed = changed[:1] + items[1:]
    if any(item is None for item in changed):
        return None
    return _set(body, path, changed)


def _get(body: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    return body


def _set(body: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    if not isinstance(body, dict):
        return None
    inner = _set(body.get(path[0], {}), path[1:], value)
    return None if inner is None else {**body, path[0]: inner}

"""Waiters: poll an operation until its answer says the job is done, within a deadline.

A waiter is declared in the spec (``x-specbind-waiters``) as a polling policy and ordered
acceptors; the generated ``wait_for_NAME`` and ``iter_NAME`` methods hand them to
``poll_until`` with a ``fetch`` that makes one request with a given time budget.

The rules, precisely:

- Acceptors are tried in order on each answer; the first that matches decides:
  ``success`` ends the wait with the model, ``failure`` raises ``WaiterFailed``,
  ``retry`` polls again. An answer no acceptor matches polls again.
- The deadline is a promise, kept as Smithy's waiter rules keep it: every request
  gets the time left as its whole-call deadline, and no sleep runs past it. When the
  next full delay would pass the deadline, one last poll is made instead, timed to
  finish by the deadline: it starts twice the slowest poll so far (at least
  ``LAST_POLL_RESERVE`` seconds) before it. When not even the slowest poll so far
  would fit in the time left, or an answer's ``Retry-After`` asks for longer, the wait
  gives up with ``WaiterTimeout`` at once rather than at the deadline.
- Connection errors, request timeouts and 429, 502, 503 and 504 answers poll again,
  after the larger of the policy's next delay and the answer's ``Retry-After``. Any
  other ``ApiError`` ends the wait at once (raised as it is), unless a ``status``
  acceptor matches it. A server that cannot be reached at all (its name does not
  resolve, or it refuses the connection) before any answer has come ends the wait at
  once with that ``TransportError``: there is no job to wait for at that address. Once
  an answer has come, the same is polled through, as a server restarting.
- A value of an open enum that the spec does not list, in a field the acceptors look
  at, is not terminal: the wait goes on, and says so once (a WARNING record and the
  ``note`` of that poll's ``WaitUpdate``).
"""

from __future__ import annotations

import enum
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import Any, Generic, TypeVar

import attrs

from ._enums import is_known
from ._errors import ApiError, DeadlineExceeded, SpecbindError, TransportError
from ._unset import UNSET

__all__ = [
    "LAST_POLL_RESERVE",
    "Acceptor",
    "PollPolicy",
    "WaitUpdate",
    "WaiterFailed",
    "WaiterSpec",
    "WaiterTimeout",
    "last",
    "poll_until",
]

_T = TypeVar("_T")
_RETRIED_STATUSES = frozenset({429, 502, 503, 504})
_STATES = ("success", "failure", "retry")
#: The least time kept for the last poll before the deadline, in seconds.
LAST_POLL_RESERVE = 0.05


@attrs.frozen
class PollPolicy:
    """How often to poll: the n-th sleep (from 0) is ``min(max_delay, delay * growth**n)``,
    shortened by a random fraction of at most ``jitter`` (0 to 1) of it."""

    delay: float = 1.0
    growth: float = 1.5
    max_delay: float = 30.0
    jitter: float = 0.1

    def __attrs_post_init__(self) -> None:
        if not (self.delay > 0 and self.growth >= 1 and self.max_delay >= self.delay):
            raise ValueError("a poll policy needs delay > 0, growth >= 1, max_delay >= delay")
        if not 0 <= self.jitter < 1:
            raise ValueError("a poll policy's jitter is a fraction from 0 up to 1")

    def sleep(self, poll: int, draw: float) -> float:
        """The sleep after poll number ``poll`` (from 0), for a random ``draw`` in [0, 1)."""
        base = min(self.max_delay, self.delay * self.growth ** min(poll, 1000))
        return base * (1 - self.jitter * draw)


@attrs.frozen
class Acceptor:
    """One declared acceptor: ``state`` when its ``test`` (spec data) or ``status`` matches."""

    state: str
    test: Mapping[str, Any] | None = None
    status: int | None = None
    description: str = ""

    def matches(self, model: object) -> bool:
        return self.test is not None and _matches(self.test, model)

    def paths(self) -> Iterator[tuple[str, ...]]:
        """Every field path (wire names) the test looks at, from the model."""
        if self.test is not None:
            yield from _paths(self.test, ())

    def __str__(self) -> str:
        what = f"status {self.status}" if self.status is not None else _show(self.test)
        return f"{self.state} acceptor ({self.description or what})"


@attrs.frozen
class WaiterSpec:
    """A waiter as declared: its name, polling policy and ordered acceptors."""

    name: str
    policy: PollPolicy
    acceptors: tuple[Acceptor, ...]

    def paths(self) -> list[tuple[str, ...]]:
        """Every field path the acceptors look at, once each, in order."""
        return list(dict.fromkeys(path for a in self.acceptors for path in a.paths() if path))

    @classmethod
    def from_spec(cls, name: str, data: Mapping[str, Any]) -> WaiterSpec:
        """Build from the (linted) ``x-specbind-waiters`` entry ``name``."""
        acceptors = []
        for item in data["acceptors"]:
            test = {key: value for key, value in item.items() if key not in _ACCEPTOR_KEYS}
            acceptors.append(
                Acceptor(
                    state=item["state"],
                    test=test or None,
                    status=item.get("status"),
                    description=item.get("description", ""),
                )
            )
        return cls(name=name, policy=PollPolicy(**data.get("poll", {})), acceptors=tuple(acceptors))


_ACCEPTOR_KEYS = frozenset({"state", "status", "description"})


@attrs.frozen
class WaitUpdate(Generic[_T]):
    """One poll: the model it got (``None`` after an answer that is retried), the
    number of requests so far, the seconds since the wait began, a ``note`` when
    something is worth saying (an unlisted state, a retried error), and the values the
    acceptors look at (``{"state": "started"}``), by dotted wire path."""

    model: _T | None
    attempt: int
    elapsed: float
    note: str | None = None
    observed: Mapping[str, object] = attrs.field(factory=dict)


class WaiterFailed(SpecbindError):
    """The job reached a failure state: ``model`` is the last answer (``None`` when an
    error status matched), ``acceptor`` the acceptor that matched, and ``observed`` the
    values the acceptors look at in that answer, by dotted wire path."""

    def __init__(
        self,
        *,
        waiter: str,
        model: object,
        acceptor: Acceptor,
        attempts: int,
        observed: Mapping[str, object] | None = None,
    ) -> None:
        self.waiter = waiter
        self.model = model
        self.acceptor = acceptor
        self.attempts = attempts
        self.observed = dict(observed or {})
        super().__init__(
            f"waiter {waiter!r} failed after {attempts} polls: {acceptor} matched"
            + _last_seen(self.observed)
        )


class WaiterTimeout(SpecbindError):
    """The deadline passed first: ``model`` is the last answer (``None`` if none came),
    and ``observed`` the values the acceptors looked at in it, by dotted wire path."""

    def __init__(
        self,
        *,
        waiter: str,
        model: object,
        attempts: int,
        elapsed: float,
        timeout: float,
        observed: Mapping[str, object] | None = None,
    ) -> None:
        self.waiter = waiter
        self.model = model
        self.attempts = attempts
        self.elapsed = elapsed
        self.timeout = timeout
        self.observed = dict(observed or {})
        super().__init__(
            f"waiter {waiter!r} timed out: no final state in {attempts} polls "
            f"over {elapsed:.1f} s of its {timeout:g} s" + _last_seen(self.observed)
        )


def _last_seen(observed: Mapping[str, object]) -> str:
    if not observed:
        return ""
    shown = ", ".join(f"{path}={value!r}" for path, value in observed.items())
    return f"; last seen: {shown}"


def poll_until(
    fetch: Callable[[float], _T],
    waiter: WaiterSpec,
    *,
    timeout: float,
    policy: PollPolicy | None = None,
    on_update: Callable[[WaitUpdate[_T]], None] | None = None,
    logger: logging.Logger,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    draw: Callable[[], float] = random.random,
) -> Iterator[_T]:
    """Yield each model ``fetch(seconds_left)`` returns until an acceptor ends the wait.

    Ends after yielding the model a ``success`` acceptor matched; raises
    ``WaiterFailed``, ``WaiterTimeout``, or an ``ApiError`` that ends the wait.
    """
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    policy = policy or waiter.policy
    started = clock()
    deadline = started + timeout
    attempts = 0
    model: _T | None = None
    observed: dict[str, object] = {}
    noted: set[str] = set()
    slowest = 0.0  # the longest one poll has taken so far
    answered = last_poll_made = False

    def give_up() -> WaiterTimeout:
        return WaiterTimeout(
            waiter=waiter.name,
            model=model,
            attempts=attempts,
            elapsed=clock() - started,
            timeout=timeout,
            observed=observed,
        )

    while True:
        left = deadline - clock()
        if left <= 0:
            raise give_up()
        attempts += 1
        wait_at_least = 0.0
        began = clock()
        try:
            answer = fetch(left)
        except DeadlineExceeded as error:
            raise give_up() from error
        except (ApiError, TransportError) as error:
            slowest = max(slowest, clock() - began)
            wait_at_least, why = _polled_through(error, waiter, attempts, observed, answered)
            answered = isinstance(error, ApiError) or answered
            _report(on_update, WaitUpdate(None, attempts, clock() - started, why))
        else:
            slowest = max(slowest, clock() - began)
            model, answered = answer, True
            matched = next((a for a in waiter.acceptors if a.matches(answer)), None)
            note = None if matched is not None else _unlisted(waiter, answer, noted)
            if note is not None:
                logger.warning("waiter %r: %s", waiter.name, note)
            observed = {".".join(path): _shown(_value(answer, path)) for path in waiter.paths()}
            _report(on_update, WaitUpdate(answer, attempts, clock() - started, note, observed))
            yield answer
            if matched is not None and matched.state == "success":
                return
            if matched is not None and matched.state == "failure":
                raise WaiterFailed(
                    waiter=waiter.name,
                    model=answer,
                    acceptor=matched,
                    attempts=attempts,
                    observed=observed,
                )
        planned = _next_sleep(
            max(policy.sleep(attempts - 1, draw()), wait_at_least),
            deadline - clock(),
            wait_at_least=wait_at_least,
            slowest=slowest,
            last_poll_made=last_poll_made,
        )
        if planned is None:
            raise give_up()
        pause, last_poll = planned
        last_poll_made = last_poll_made or last_poll
        sleep(pause)


def _next_sleep(
    pause: float, left: float, *, wait_at_least: float, slowest: float, last_poll_made: bool
) -> tuple[float, bool] | None:
    """The sleep before the next poll and whether that poll is the last one, or ``None``
    when the wait should give up now.

    When the full ``pause`` would pass the deadline, one last poll is made, late enough to
    finish by the deadline, unless it was made already, the server asked for longer than
    is ``left`` (``wait_at_least``), or not even the slowest poll so far would fit.
    """
    if pause < left:
        return pause, False
    if last_poll_made or wait_at_least >= left or slowest >= left:
        return None
    return left - min(left, max(2 * slowest, LAST_POLL_RESERVE)), True


def _polled_through(
    error: ApiError | TransportError,
    waiter: WaiterSpec,
    attempts: int,
    observed: Mapping[str, object],
    answered: bool,
) -> tuple[float, str]:
    """For an error worth polling through: the least sleep before the next poll, and a
    note. Raises the error itself (an unreachable server before any answer has come, or
    an error answer no acceptor expects), or ``WaiterFailed`` when a status acceptor
    says so (with ``observed``, the values of the last answer that had a body)."""
    if isinstance(error, TransportError) and error.unreachable and not answered:
        raise error
    if isinstance(error, TransportError):
        return 0.0, f"no answer ({error.reason}); polling again"
    acceptor = next((a for a in waiter.acceptors if a.status == error.status), None)
    if acceptor is not None and acceptor.state == "failure":
        raise WaiterFailed(
            waiter=waiter.name,
            model=None,
            acceptor=acceptor,
            attempts=attempts,
            observed=observed,
        ) from error
    if acceptor is None and error.status not in _RETRIED_STATUSES:
        raise error
    return _retry_after(error.headers.get("Retry-After")), f"got {error.status}; polling again"


def last(models: Iterator[_T]) -> _T:
    """The last model of a finished wait (``poll_until`` raises unless it ends in success)."""
    return deque(models, maxlen=1)[0]


def _report(on_update: Callable[[WaitUpdate[_T]], None] | None, update: WaitUpdate[_T]) -> None:
    if on_update is not None:
        on_update(update)


def _retry_after(value: str | None) -> float:
    """Seconds a Retry-After header asks for (seconds or an HTTP date); 0 if unreadable."""
    if not value:
        return 0.0
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, when.timestamp() - time.time())


def _value(model: object, path: Sequence[str]) -> object:
    """The value at ``path`` (wire names) in ``model``; ``UNSET`` where it is missing."""
    value = model
    for wire in path:
        attribute = _attribute(type(value), wire)
        if attribute is None:
            return UNSET
        value = getattr(value, attribute, UNSET)
    return value


_ATTRIBUTES: dict[tuple[type, str], str | None] = {}


def _attribute(cls: type, wire: str) -> str | None:
    """The attrs attribute of ``cls`` whose wire name is ``wire``."""
    key = (cls, wire)
    if key not in _ATTRIBUTES:
        fields = attrs.fields(cls) if attrs.has(cls) else ()
        _ATTRIBUTES[key] = next((f.name for f in fields if f.metadata.get("wire") == wire), None)
    return _ATTRIBUTES[key]


def _path(test: Mapping[str, Any]) -> tuple[str, ...]:
    path = test.get("path")
    return tuple(path.split(".")) if isinstance(path, str) and path else ()


def _matches(test: Mapping[str, Any], model: object) -> bool:
    """Whether ``model`` passes one test of the spec (see the README for the grammar)."""
    if "all" in test:
        return all(_matches(part, model) for part in test["all"])
    value = _value(model, _path(test))
    if "equals" in test:
        return _same(value, test["equals"])
    if "any_of" in test:
        return any(_same(value, expected) for expected in test["any_of"])
    if "all_items" in test or "any_items" in test:
        if not isinstance(value, (list, tuple)):
            return False
        quantifier = all if "all_items" in test else any
        item_test = test.get("all_items", test.get("any_items"))
        return quantifier(_matches(item_test, item) for item in value)
    return False


def _same(value: object, expected: object) -> bool:
    """JSON equality: ``True`` is not ``1``, and an enum member equals its wire value."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool) or isinstance(expected, bool):
        return value is expected
    return bool(value == expected)


def _paths(test: Mapping[str, Any], prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if "all" in test:
        for part in test["all"]:
            yield from _paths(part, prefix)
        return
    yield prefix + _path(test)


def _unlisted(waiter: WaiterSpec, model: object, noted: set[str]) -> str | None:
    """A note on an open enum's unlisted value the acceptors look at, once per value."""
    for path in waiter.paths():
        value = _value(model, path)
        if isinstance(value, enum.Enum) and not is_known(value):
            shown = f"{'.'.join(path)} = {value.value!r}"
            if shown not in noted:
                noted.add(shown)
                return f"{shown} is not a value the spec lists; still waiting"
    return None


def _shown(value: object) -> object:
    """A value as JSON shows it: an enum member as its wire value."""
    return value.value if isinstance(value, enum.Enum) else value


def _show(test: Mapping[str, Any] | None) -> str:
    return "" if test is None else " ".join(f"{key}={value!r}" for key, value in test.items())

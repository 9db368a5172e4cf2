"""Jobs the mock plays: which requests are a job's polls, and what each poll is answered.

A job answers its pending state until its outcome is due, then the outcome's state for
good: ``after`` answered polls (an ``int``), or ``after`` seconds from its first poll
(a ``float``). ``never`` stays pending. A cancel moves it to its canceled state at once.
A poll listed in ``faults`` is answered with its fault instead: a delay before the
answer (the poll still counts), or a 429 or 503 with ``Retry-After``, or a dropped
connection (neither counts as an answer).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._states import JobStates

__all__ = ["OUTCOMES", "Fault", "Job", "Reply", "same_value"]

OUTCOMES = ("success", "failure", "never")


@dataclass(frozen=True)
class Fault:
    """Misbehaviour on one poll of a job (``poll`` counts the job's requests from 1)."""

    poll: int
    delay: float = 0.0
    status: int | None = None
    retry_after: int | None = None
    drop: bool = False


@dataclass(frozen=True)
class Reply:
    """How to answer one request: a body value or a documented status, and the faults."""

    status: str
    value: Any = None
    use_value: bool = False
    example: str = ""  # the named example a Prefer header asked for
    generate: bool = False  # a body from the schema (Prefer: dynamic=true)
    delay: float = 0.0
    drop: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)


class Job:
    """One job: the parameters that name it, its states, and how far it has gone.

    ``polls`` counts its requests, ``answered`` those answered with a state, and
    ``canceled`` says whether a cancel came. Thread-safe: the mock answers in threads.
    """

    def __init__(
        self,
        *,
        operation: str,
        params: Mapping[str, str],
        outcome: str,
        after: int | float,
        faults: Sequence[Fault],
        states: JobStates,
        success_status: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.operation = operation
        self.params = dict(params)
        self.outcome = outcome
        self.after = after
        self.faults = {fault.poll: fault for fault in faults}
        self.states = states
        self.success_status = success_status
        self.polls = 0
        self.answered = 0
        self.canceled = False
        self._first_poll: float | None = None
        self._clock = clock
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"Job({self.operation} {self.params}, outcome={self.outcome!r}, "
            f"after={self.after!r}, polls={self.polls})"
        )

    def names(self, values: Mapping[str, str]) -> bool:
        """Whether a request whose parameters are ``values`` is about this job."""
        return all(
            name in values and same_value(values[name], wanted)
            for name, wanted in self.params.items()
        )

    def cancel(self) -> Any:
        """Move the job to its canceled state; return that state."""
        with self._lock:
            self.canceled = True
            return self.states.canceled

    def poll(self) -> Reply:
        """Count one request and say how to answer it."""
        with self._lock:
            self.polls += 1
            now = self._clock()
            if self._first_poll is None:
                self._first_poll = now
            fault = self.faults.get(self.polls)
            if fault is not None and (fault.drop or fault.status is not None):
                return _fault_reply(fault)
            state = self._state(now)
            self.answered += 1
        delay = fault.delay if fault is not None else 0.0
        if isinstance(state, int):
            return Reply(str(state), delay=delay)
        return Reply(self.success_status, state, use_value=True, delay=delay)

    def _state(self, now: float) -> Any:
        if self.canceled and self.states.canceled is not None:
            return self.states.canceled
        if self.outcome == "never":
            return self.states.pending
        due = (
            self.answered >= self.after
            if isinstance(self.after, int)
            else now - (self._first_poll or now) >= self.after
        )
        if not due:
            return self.states.pending
        return self.states.success if self.outcome == "success" else self.states.failure


def _fault_reply(fault: Fault) -> Reply:
    if fault.drop:
        return Reply("", drop=True, delay=fault.delay)
    headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
    return Reply(str(fault.status), delay=fault.delay, headers=headers)


def same_value(given: str, wanted: str) -> bool:
    """Parameter values compare as text, and UUIDs in any form the spec allows as UUIDs."""
    if given == wanted:
        return True
    try:
        return uuid.UUID(given.removeprefix("urn:uuid:")) == uuid.UUID(
            wanted.removeprefix("urn:uuid:")
        )
    except ValueError:
        return False

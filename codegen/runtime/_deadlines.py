"""Whole-call deadlines: a watchdog that shuts a call's socket down when its time is up.

Socket timeouts bound each wait for data, not a call: a server that sends one byte a
second never trips them. So each call with a deadline is ``arm``-ed here; the socket it
uses is ``attach``-ed to its guard as soon as it is known (by ``DeadlineHTTPConnection``
when the request is sent, or from the response otherwise), and one daemon thread shuts
that socket down at the deadline, which ends any read blocked on it.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import os
import socket
import threading
import time
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection

__all__ = ["DeadlineHTTPConnection", "DeadlineHTTPSConnection", "Guard", "arm"]

# Disarmed guards stay in the heap until they come due; past this many (and more than
# half the heap) the heap is rebuilt, so a busy client's heap stays as small as its
# calls in flight.
_COMPACT_AFTER = 64
_local = threading.local()


class Guard:
    """The deadline of one attempt and, once known, the socket to shut down at it."""

    __slots__ = ("_sock", "active", "deadline", "fired")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.active = True
        self.fired = False
        self._sock: socket.socket | None = None

    def attach(self, sock: socket.socket | None) -> None:
        """Shut ``sock`` down at the deadline (at once if it has passed)."""
        with _WATCHDOG.lock:
            self._sock = sock
            fire_now = self.fired
        if fire_now:
            _shut(sock)

    def disarm(self) -> None:
        """The attempt is over: leave its socket alone."""
        _WATCHDOG.disarm(self)
        _local.guard = None

    def take_socket(self) -> socket.socket | None:
        """The attached socket, detached (the watchdog's lock is held)."""
        sock, self._sock = self._sock, None
        return sock


def arm(deadline: float) -> Guard:
    """A guard for an attempt that must end by ``deadline`` (``time.monotonic()`` time).

    Until it is disarmed, it is also the current thread's guard: the one that
    ``DeadlineHTTPConnection`` attaches its socket to.
    """
    guard = Guard(deadline)
    _local.guard = guard
    if math.isfinite(deadline):
        _WATCHDOG.add(guard)
    return guard


class _Watchdog:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._wake = threading.Condition(self.lock)
        self._heap: list[tuple[float, int, Guard]] = []
        self._order = itertools.count()
        self._stale = 0
        self._thread: threading.Thread | None = None
        # When the watchdog thread will next wake by itself: a guard due later needs
        # no wake-up call, which spares a thread switch on every request.
        self._wakes_at = math.inf

    def add(self, guard: Guard) -> None:
        with self.lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="specbind-deadlines", daemon=True
                )
                self._thread.start()
            heapq.heappush(self._heap, (guard.deadline, next(self._order), guard))
            if guard.deadline < self._wakes_at:
                self._wakes_at = guard.deadline
                self._wake.notify()

    def disarm(self, guard: Guard) -> None:
        with self.lock:
            if not guard.active:
                return
            guard.active = False
            guard.take_socket()
            if not math.isfinite(guard.deadline):
                return
            self._stale += 1
            if self._stale > _COMPACT_AFTER and self._stale * 2 > len(self._heap):
                self._heap = [entry for entry in self._heap if entry[2].active]
                heapq.heapify(self._heap)
                self._stale = 0

    def _run(self) -> None:
        while True:
            with self.lock:
                sock = self._next_due()
            _shut(sock)

    def _next_due(self) -> socket.socket | None:
        """Wait (holding the lock) for the next guard to come due; fire it."""
        while True:
            if not self._heap:
                self._wakes_at = math.inf
                self._wake.wait()
                continue
            deadline, _order, guard = self._heap[0]
            if not guard.active:
                heapq.heappop(self._heap)
                self._stale = max(0, self._stale - 1)
                continue
            left = deadline - time.monotonic()
            if left > 0:
                self._wakes_at = deadline
                self._wake.wait(left)
                continue
            heapq.heappop(self._heap)
            guard.active = False
            guard.fired = True
            return guard.take_socket()

    def after_fork(self) -> None:
        # The child has no watchdog thread and no calls in flight.
        self.lock = threading.Lock()
        self._wake = threading.Condition(self.lock)
        self._heap = []
        self._stale = 0
        self._thread = None
        self._wakes_at = math.inf


def _shut(sock: socket.socket | None) -> None:
    if sock is not None:
        # The peer may be gone already: then the read has ended anyway.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCHDOG.after_fork)


def _attach_current(sock: socket.socket | None) -> None:
    guard: Guard | None = getattr(_local, "guard", None)
    if guard is not None:
        guard.attach(sock)


class _Watched:
    """Attaches the socket to the current guard once the request is sent.

    That covers the wait for the status line and headers, before any response
    object exists to hand the socket over.
    """

    sock: Any

    def request(self, *args: Any, **kwargs: Any) -> None:
        super().request(*args, **kwargs)  # type: ignore[misc]
        _attach_current(self.sock)


class DeadlineHTTPConnection(_Watched, HTTPConnection):
    """An HTTP connection watched from the moment its request is sent."""


class DeadlineHTTPSConnection(_Watched, HTTPSConnection):
    """An HTTPS connection watched from the moment its request is sent."""

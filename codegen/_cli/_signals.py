"""Serving until told to stop: SIGINT and SIGTERM end ``specbind mock`` and ``record``."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["serve_until_stopped", "stop_signals"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stop_signals() -> Iterator[threading.Event]:
    """An event that SIGINT or SIGTERM sets; the previous handlers come back on exit."""
    stop = threading.Event()

    def on_signal(number: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in _SIGNALS}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve_until_stopped(stop: threading.Event) -> None:
    """Wait for ``stop``, waking twice a second (a signal handler runs between waits)."""
    while not stop.wait(0.5):
        pass

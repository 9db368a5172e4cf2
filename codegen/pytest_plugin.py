"""specbind's pytest plugin: fixtures that start ``specbind mock`` for a spec.

Installed with specbind (entry point ``pytest11``), so the fixtures need no import::

    def test_waits_for_the_job(specbind_mock):
        mock = specbind_mock("prunner")
        mock.add_job("getJobDetail", {"id": JOB_ID}, waiter="job", outcome="success", after=2)
        with Client(base_url=mock.url, token="t") as client:
            assert client.wait_for_job(id=JOB_ID, poll=PollPolicy(delay=0.01)).completed

``specbind_mock`` starts mocks that stop when the test ends; ``specbind_mock_session``
starts mocks that serve the whole session. Each call starts a mock on a free port of
127.0.0.1: ``specbind_mock(spec, seed=None, scenario=None)``, where ``spec`` is a spec
name or path and ``scenario`` a scenario file, and returns the
:class:`specbind.mock.MockServer` (its ``url``, ``add_job`` and ``exchanges``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .mock import MockServer

__all__ = ["MockFactory", "specbind_mock", "specbind_mock_session"]

#: ``factory(spec, seed=None, scenario=None)`` starts a mock and returns it.
MockFactory = Callable[..., "MockServer"]


def _mocks() -> Iterator[MockFactory]:
    started: list[MockServer] = []

    def start(
        spec: str | os.PathLike[str],
        *,
        seed: int | None = None,
        scenario: str | os.PathLike[str] | None = None,
    ) -> MockServer:
        from .mock import MockServer, load_scenario

        server = MockServer(spec, seed=seed)
        if scenario is not None:
            load_scenario(server, scenario)
        started.append(server.start())
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def specbind_mock() -> Iterator[MockFactory]:
    """Start mocks of specs for one test: ``specbind_mock("prunner")``."""
    yield from _mocks()


@pytest.fixture(scope="session")
def specbind_mock_session() -> Iterator[MockFactory]:
    """Start mocks of specs that serve the whole test session."""
    yield from _mocks()

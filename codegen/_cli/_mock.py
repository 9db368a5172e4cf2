"""``specbind mock``: serve a mock of one spec until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._spec._config import Config
from ._exits import EXIT_OK, EXIT_USAGE
from ._signals import serve_until_stopped, stop_signals

__all__ = ["add_mock_parser", "run_mock"]

_HELP = """\
Serve a mock of one spec's API over HTTP, on 127.0.0.1 unless --host says otherwise.
Every operation is answered as the spec documents it: credentials, parameters and
headers are checked (a missing credential gets the spec's 401, a malformed parameter
its 400, an id of no job its 404), and bodies come from the spec's examples, or are
generated from its schemas with --seed. A client picks a documented status or example
per request with a Prefer header: `Prefer: code=404` or `Prefer: example=slow_queued`.

A scenario file lists jobs the mock plays, driven by the spec's waiters:
  jobs:
    - operation: getJobDetail
      params: {id: 11111111-1111-4111-8111-000000000001}
      waiter: job
      outcome: success        # success | failure | never
      after: 3                # answered polls before the outcome, or a duration: 2.5s
      faults:                 # optional: a poll (from 1) that misbehaves
        - {poll: 2, status: 503, retry_after: 1}
        - {poll: 3, drop: true}
        - {poll: 4, delay: 0.5}

The first line on stdout is the address:
  specbind mock: serving SPEC on http://127.0.0.1:PORT
SIGINT or SIGTERM stops it (exit 0). Exit 2: bad arguments, spec or scenario.
"""


def add_mock_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add the ``mock`` subcommand to the ``specbind`` parser, and return it."""
    mock = commands.add_parser(
        "mock",
        help="serve a mock of a spec's API, with jobs driven by its waiters",
        description=_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mock.add_argument("--spec", required=True, metavar="NAME|PATH", help="the spec to serve")
    mock.add_argument("--host", default="127.0.0.1", help="the address to bind (127.0.0.1)")
    mock.add_argument(
        "--port", type=int, default=0, metavar="N", help="the port (default 0: a free one)"
    )
    mock.add_argument("--scenario", type=Path, metavar="FILE", help="jobs to play (YAML)")
    mock.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="generate bodies from the schemas with this seed, instead of the examples",
    )
    return mock


def run_mock(args: argparse.Namespace, config: Config) -> int:
    """Serve until SIGINT or SIGTERM; 0 then, 2 when the mock cannot be set up."""
    from .._mock._api import MockError, resolve_spec
    from .._mock._scenario import load_scenario
    from .._mock._server import MockServer

    with stop_signals() as stop:
        try:
            spec = resolve_spec(args.spec, config.project)
            server = MockServer(
                spec, host=args.host, port=args.port, seed=args.seed, keep_exchanges=False
            )
            if args.scenario is not None:
                load_scenario(server, args.scenario)
            server.start()
        except MockError as exc:
            print(f"specbind mock: {exc}", file=sys.stderr)
            return EXIT_USAGE
        try:
            print(f"specbind mock: serving {server.spec.name} on {server.url}", flush=True)
            serve_until_stopped(stop)
        finally:
            server.stop()
    return EXIT_OK

"""``specbind record``: a proxy that checks traffic against a spec and writes a HAR."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from .._spec._config import Config
from ._exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ._signals import serve_until_stopped, stop_signals

__all__ = ["add_record_parser", "run_record"]

_HELP = """\
Forward requests to --upstream and the answers back unchanged (status, headers and
body bytes, streamed), checking each exchange against the spec as it passes and
writing it to a HAR file, with credentials scrubbed: headers, query parameters and
cookies that the spec's security schemes name or that look like credentials, and JSON
body fields marked writeOnly or format: password or named like credentials. Findings
are printed as `specbind validate` prints them, and the drift summary at the end. An
upstream that gives no answer gets the client a 502; the proxy goes on.

The first line on stdout is the address:
  specbind record: forwarding http://127.0.0.1:PORT to URL, writing OUT.har
SIGINT or SIGTERM stops it: exit 0 when every exchange was valid, 1 otherwise, 2 on
bad arguments. `specbind validate --spec SPEC --server URL OUT.har` checks the HAR again.
"""


def add_record_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add the ``record`` subcommand to the ``specbind`` parser, and return it."""
    record = commands.add_parser(
        "record",
        help="forward traffic to an API, checking it and writing a scrubbed HAR",
        description=_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    record.add_argument("--spec", required=True, metavar="NAME|PATH", help="the spec to check")
    record.add_argument("--upstream", required=True, metavar="URL", help="where to forward")
    record.add_argument(
        "--listen",
        default="127.0.0.1:0",
        metavar="HOST:PORT",
        help="the address to listen on (default 127.0.0.1:0, a free port)",
    )
    record.add_argument("--har", required=True, type=Path, metavar="OUT", help="the HAR to write")
    return record


def run_record(args: argparse.Namespace, config: Config) -> int:
    """Forward until SIGINT or SIGTERM; then print the summary and drift."""
    from .._mock._api import MockError, resolve_spec
    from .._mock._record import RecordingProxy
    from .._validate._drift import Drift
    from .._validate._finding import Result
    from .._validate._report import RunInfo, Summary, make_report

    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit() or not args.upstream.startswith(("http://", "https://")):
        print("specbind record: --listen HOST:PORT and an http(s) --upstream URL", file=sys.stderr)
        return EXIT_USAGE
    with stop_signals() as stop:
        try:
            spec = resolve_spec(args.spec, config.project)
            info = RunInfo(spec.name, spec.path, spec.sha256, strict=False, notes=())
            report = make_report("text", sys.stdout, info, colour=False)
            summary, drift = Summary(), Drift()
            lock = threading.Lock()

            def on_result(result: Result) -> None:
                with lock:
                    report.add(result)
                    summary.add(result)
                    drift.add(result)
                    sys.stdout.flush()

            proxy = RecordingProxy(
                spec, args.upstream, args.har, host=host, port=int(port), on_result=on_result
            ).start()
        except (MockError, OSError) as exc:
            print(f"specbind record: {exc}", file=sys.stderr)
            return EXIT_USAGE
        try:
            print(
                f"specbind record: forwarding {proxy.url} to {args.upstream}, writing {args.har}",
                flush=True,
            )
            serve_until_stopped(stop)
        finally:
            proxy.stop()
    with lock:
        report.finish(summary, drift)
    return EXIT_FINDINGS if summary.invalid or summary.unreadable else EXIT_OK

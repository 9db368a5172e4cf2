"""``specbind validate``: its arguments, and running it from them."""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
import warnings
from typing import TextIO

from .._spec._config import Config
from .._validate._drift import Drift
from .._validate._finding import CleanLines
from .._validate._report import FORMATS, RunInfo, Summary, make_report
from .._validate._run import AUTO_MIN_BYTES, RunError, auto_jobs
from .._validate._validator import ModelLayerWarning, Validator, ValidatorError, checked_inputs
from ._arguments import whole_number
from ._exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ._shown import shown_path

__all__ = ["add_validate_parser", "run_validate"]


_HELP = """\
Check captured traffic against a spec, offline. Each INPUT is a JSON file (one response
body), a JSON Lines file (one body per line; blank lines skipped) or a HAR 1.2 file
(a browser or proxy export); the kind is detected from the content. `-` reads standard
input. An INPUT may also be a glob or an fsspec URL (s3://, gs://, memory://, file://;
needs specbind[dask]).

JSON and JSON Lines bodies are checked as the response --operation and --status name
(--operation may be left out when the spec has a single operation). In a HAR, each entry
is matched to its operation by method, path (after the server's base path) and status;
its request parameters, response status, content type and body are checked. Entries for
other hosts, undocumented paths and redirects are listed as skipped. --operation then
keeps only that operation's entries.

Every body is checked twice: against the spec's JSON Schema (OpenAPI 3.1, formats
checked), and by strict structuring into the generated models ({package}.<spec name>,
installed, when it was generated from this very spec; the package is [tool.specbind]
package). The two must agree; a disagreement is reported as a generator bug
(layer-disagreement).

Values an open enum (x-specbind-enum: open) does not list, fields the spec does not
declare and undeclared statuses are warnings: the vendor drifted. --strict makes them
errors. A drift summary per operation ends the report.

Each finding names the input (FILE, FILE:LINE for JSON Lines, FILE#entry N METHOD URL
for HAR with N counted from 0), the operation and status, the JSON pointer, what was
expected and what was found. Credentials are never shown: the value of a credential-named
key (token, api_key, password, pw, bearer, cookie...) at any depth, anything after such a
name in a body that is not JSON, and the user info, fragment and credential-named query
values of URLs are redacted. Payloads nested deeper than 512 arrays and objects are
reported as too-deep and not checked. A spec whose $refs lint refuses (unresolved,
remote, cyclic) is refused.

exit status: 0 every payload valid (warnings allowed), 1 some payload invalid,
2 bad arguments or an input that cannot be read (the other inputs are still checked).

examples:
  specbind validate --spec prunner tests/fixtures/prunner/*.json
  specbind validate --spec veryfront --operation getJob --status 200 captured.jsonl
  specbind validate --spec vectara --strict --format junit trace.har > report.xml
  specbind validate --spec specs/veryfront.yaml --jobs 4 --format json big.jsonl
  specbind validate --spec prunner --engine dask --scheduler tcp://10.0.0.5:8786 \\
      's3://captures/2026-11-29/*.jsonl'
  curl -s "$URL" | specbind validate --spec prunner -
"""


def add_validate_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], config: Config
) -> argparse.ArgumentParser:
    """Add the ``validate`` command to the ``specbind`` parser, and return it."""
    parser = commands.add_parser(
        "validate",
        help="check captured JSON, JSON Lines and HAR traffic against a spec",
        description=_HELP.format(package=config.package),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--spec",
        required=True,
        metavar="NAME|PATH",
        help=f"a spec name (in {shown_path(config.specs)}/, else one specbind ships) or a path",
    )
    parser.add_argument(
        "--operation",
        metavar="OPID",
        default="",
        help="the operationId that JSON and JSON Lines bodies answer; with HAR, a filter",
    )
    parser.add_argument(
        "--status",
        metavar="CODE",
        default="200",
        help="the response status of JSON and JSON Lines bodies: 200, 4XX, default (default: 200)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for people (default), one json document, or junit XML for CI",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="make drift an error: open-enum values, unknown fields, undeclared statuses",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default="auto",
        metavar="N|auto",
        help=(
            "check in N processes; the output is the same as with one. auto (the default): "
            f"one per CPU, at most 8, when the input files total {AUTO_MIN_BYTES // 2**20} MiB "
            "or more, else one, and one when worker processes cannot be started"
        ),
    )
    parser.add_argument(
        "--engine",
        choices=("processes", "dask"),
        default="processes",
        help=(
            "processes (the default): --jobs local processes; dask: on a Dask cluster, "
            "JSON Lines files cut into byte ranges (needs specbind[dask]); the output is "
            "the same"
        ),
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help=(
            "with --engine dask, the scheduler of an existing cluster (tcp://host:8786); "
            "default: a local cluster of one worker process per CPU"
        ),
    )
    parser.add_argument(
        "--server",
        action="append",
        default=[],
        metavar="URL",
        help="also accept HAR entries for this server URL (e.g. a self-hosted Prunner); repeatable",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files to check; - is stdin")
    return parser


def _jobs(text: str) -> int | str:
    if text == "auto":
        return text
    return whole_number(text, alternative="auto")


def run_validate(args: argparse.Namespace, config: Config) -> int:
    """Run ``specbind validate`` from parsed arguments; return the exit status."""
    # A report must never die on an unprintable character in a file name or payload.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if args.scheduler and args.engine != "dask":
        print("specbind validate: error: --scheduler needs --engine dask", file=sys.stderr)
        return EXIT_USAGE
    try:
        with warnings.catch_warnings():
            # The report says it, in its notes.
            warnings.simplefilter("ignore", ModelLayerWarning)
            validator = Validator(
                args.spec,
                operation=args.operation,
                status=args.status,
                strict=args.strict,
                servers=args.server,
                project=config.project,
            )
        validator.require_operation(args.inputs)
    except ValidatorError as exc:
        print(f"specbind validate: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    spec = validator.spec
    info = RunInfo(spec.name, validator.spec_path, spec.sha256, args.strict, validator.notes)
    return _report(validator, args, info)


def _report(validator: Validator, args: argparse.Namespace, info: RunInfo) -> int:
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    report = make_report(args.format, sys.stdout, info, colour)
    summary = Summary()
    drift = Drift()
    progress = _Progress(sys.stderr)
    try:
        auto = args.jobs == "auto"
        jobs = auto_jobs(args.inputs) if auto else args.jobs
        # An explicit --jobs N is obeyed or refused; auto settles for one process.
        fallback = functools.partial(_say, progress) if auto else None
        checked = checked_inputs(
            validator,
            args.inputs,
            jobs=jobs,
            engine=args.engine,
            scheduler=args.scheduler,
            fallback=fallback,
        )
        for result in checked:
            if isinstance(result, CleanLines):
                # Runs of clean lines of a large file, counted without a result each.
                summary.add_clean(len(result.numbers))
                report.add_clean(result)
                progress.update(summary)
                continue
            if result.findings or result.skipped or result.unreadable:
                # Lines are about to be printed: take the progress line off first.
                progress.clear()
            if result.unreadable:
                print(
                    f"specbind validate: cannot read {result.input}: {result.unreadable}",
                    file=sys.stderr,
                )
            summary.add(result)
            drift.add(result)
            report.add(result)
            progress.update(summary)
    except (RunError, ValidatorError) as exc:
        progress.clear()
        print(f"specbind validate: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    progress.clear()
    report.finish(summary, drift)
    sys.stdout.flush()
    if summary.unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if summary.invalid else EXIT_OK


def _say(progress: _Progress, note: str) -> None:
    progress.clear()
    print(f"specbind validate: note: {note}", file=sys.stderr)


class _Progress:
    """A one-line progress count on a terminal's stderr, once a run takes over a second."""

    _DELAY = 1.0
    _EVERY = 0.1

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, summary: Summary) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < self._DELAY or now - self.last < self._EVERY:
            return
        self.last = now
        self.shown = True
        skipped = sum(summary.skipped.values())
        self.stream.write(
            f"\rchecked {summary.checked:,} ({summary.invalid:,} invalid, {skipped:,} skipped)"
        )
        self.stream.flush()

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

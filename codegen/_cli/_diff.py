"""``specbind diff``: its arguments, and running it from them."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .._diff._change import RULES, SEVERITIES
from .._diff._report import FAIL_ON, FORMATS, DiffReport, render_json, render_text
from .._spec._config import Config
from .._spec._find import SpecNotFound, find_spec
from .._spec._load import LoadedSpec, LoadError
from ._exits import EXIT_USAGE

if TYPE_CHECKING:
    from .._diff._api_diff import ApiEffect
    from .._diff._fixtures import FixtureReport

__all__ = ["add_diff_parser", "run_diff"]

_STATUS = re.compile(r"[1-5](?:[0-9][0-9]|XX)|default", re.IGNORECASE)

_HELP = """\
Show what a spec change breaks, before the bindings are regenerated. OLD and NEW are
spec files, or REV:path read from git (HEAD:specs/vectara.yaml, main~3:specs/prunner.yaml).
A spec's name (prunner) is its file in the project's specs directory. With OLD alone,
the working copy of that file is compared with its version at HEAD.

Every change is classified, for a client that reads the responses and sends the
requests, and shown with its JSON pointer in OLD and in NEW and its line in NEW:

{rules}
A removed property and an added one of the same type in the same object are reported
as one property-renamed, when that pairing is the only one possible.

The Python API effect lists the public names of the generated package (model classes
and attributes, enum members, Client methods and parameters, error classes) that
appear, disappear or change type; both versions are generated in memory to find them,
which takes a few seconds (--no-api skips it). With --fixtures, every capture found
(JSON, JSON Lines and HAR files) is checked against OLD and NEW with the JSON Schema
layer of `specbind validate`, and those whose verdict changes are listed.

exit status: 1 when a change at or above --fail-on exists, 0 otherwise, 2 on bad input
(a missing file, an unknown revision, a spec that does not load).

examples:
  specbind diff specs/vectara.yaml
  specbind diff vectara --no-api
  specbind diff HEAD~1:specs/vectara.yaml specs/vectara.yaml --format markdown
  specbind diff old.yaml new.yaml --fail-on warning --no-api
  specbind diff specs/prunner.yaml --fixtures tests/fixtures/prunner
"""


def _rules_help() -> str:
    lines = []
    for severity in SEVERITIES:
        lines.append(f"  {severity}:")
        lines += [
            f"    {rule:<31}{meaning}"
            for rule, (level, meaning) in RULES.items()
            if level == severity
        ]
    return "\n".join(lines) + "\n"


def add_diff_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add the ``diff`` command to the ``specbind`` parser, and return it."""
    parser = commands.add_parser(
        "diff",
        help="classify what changed between two versions of a spec",
        description=_HELP.format(rules=_rules_help()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "old", metavar="OLD", help="the spec before: a file, a spec's name, or REV:path"
    )
    parser.add_argument(
        "new",
        metavar="NEW",
        nargs="?",
        help="the spec after: a file, a spec's name, or REV:path (default: OLD's working "
        "copy, OLD from HEAD)",
    )
    parser.add_argument(
        "--fixtures",
        nargs="+",
        action="extend",
        default=[],
        metavar="PATH",
        help="capture files, or directories searched for them; list verdicts that change "
        "(give it after OLD and NEW)",
    )
    parser.add_argument(
        "--operation",
        metavar="OPID",
        default="",
        help="the operationId that JSON and JSON Lines captures answer (default: the only one)",
    )
    parser.add_argument(
        "--status",
        metavar="CODE",
        default="200",
        help="the status of JSON and JSON Lines captures: 200, 4XX, default (default: 200)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for people (default), one json document, or markdown for a pull request",
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="breaking",
        help="exit 1 when a change at or above this severity exists (default: breaking)",
    )
    parser.add_argument(
        "--no-api",
        action="store_true",
        help="skip the Python API effect (generating both versions takes a few seconds)",
    )
    return parser


class _BadInput(Exception):
    """Wrong arguments, or input that cannot be used; ``str()`` says which and why."""


def run_diff(args: argparse.Namespace, config: Config) -> int:
    """Run ``specbind diff`` from parsed arguments; return the exit status."""
    # Imported here, not at the top: every command imports this module for its parser.
    from .._diff._markdown import render_markdown
    from .._diff._schema_diff import diff_specs
    from .._diff._source import SourceError

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        if not _STATUS.fullmatch(args.status):
            raise _BadInput(f"--status {args.status}: not a status (e.g. 200, 4XX, default)")
        status = args.status.upper() if args.status.lower().endswith("xx") else args.status
        old, new = _specs(_named(args.old, config), args.new and _named(args.new, config))
        changes = diff_specs(old, new)
        api = None if args.no_api else _api_effect(old, new)
        fixtures = _fixtures(old, new, args.fixtures, args.operation, status)
    except (_BadInput, LoadError, SourceError, SpecNotFound) as exc:
        print(f"specbind diff: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report = DiffReport(
        old.path,
        new.path,
        old.sha256,
        new.sha256,
        tuple(changes),
        api,
        fixtures,
        args.fail_on,
    )
    render = {"json": render_json, "markdown": render_markdown}.get(args.format, render_text)
    sys.stdout.write(render(report))
    sys.stdout.flush()
    return report.exit_status


# The API effect and the captures are imported only when asked for: they load the
# generator, the linter and the validator, seconds a --no-api run does not need.


def _api_effect(old: LoadedSpec, new: LoadedSpec) -> ApiEffect:
    from .._diff._api_diff import api_effect

    return api_effect(old, new)


def _fixtures(
    old: LoadedSpec, new: LoadedSpec, paths: list[str], operation: str, status: str
) -> FixtureReport | None:
    if not paths:
        return None
    from .._diff._fixtures import FixtureError, compare_fixtures

    try:
        return compare_fixtures(old, new, paths, operation, status)
    except FixtureError as exc:
        raise _BadInput(str(exc)) from None


def _named(argument: str, config: Config) -> str:
    """OLD or NEW with a spec's name made its path; files and ``REV:path`` as given."""
    if ":" in argument and not Path(argument).exists():
        return argument  # REV:path, read from git
    return str(find_spec(argument, config.specs))


def _specs(old: str, new: str | None) -> tuple[LoadedSpec, LoadedSpec]:
    """OLD and NEW; with OLD alone, its committed version and its working copy."""
    from .._diff._source import read_committed, read_spec

    if new is not None:
        return read_spec(old), read_spec(new)
    if ":" in old and not Path(old).exists():
        raise _BadInput(f"{old}: a git revision needs NEW as well")
    working = read_spec(old)
    return read_committed(old), working

"""The ``specbind`` command line: argument parsing and dispatch to the stages."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ._exits import EXIT_OK

__all__ = ["main"]

_DESCRIPTION = """\
specbind turns the hand-written OpenAPI specs in specs/ into typed Python bindings
(generated/) and uses the same specs to check captured traffic offline.

exit status: 0 clean, 1 problems found, 2 bad arguments or unreadable input.
"""

_LINT_HELP = """\
Check OpenAPI specs with openapi-spec-validator, then with specbind's own rules
(operationIds, response schemas, examples, $refs, path parameters, open or closed
enums, additionalProperties on responses), and with style rules that warn (info
contact, operation tags: what Spectral's oas ruleset checks). Every problem is
printed as FILE:LINE:COL: RULE: MESSAGE, a warning as FILE:LINE:COL: RULE: warning:
MESSAGE. Exit 0 when there is no error (warnings allowed unless --strict), 1 on
errors, 2 when a spec cannot be loaded.
"""

_GENERATE_HELP = """\
Lint every spec in specs/, then compile each into generated/<name>/: attrs models
(through datamodel-code-generator), a cattrs converter and a urllib3 client, with
the runtime they share and a pyproject.toml, so that `pip install ./generated`
installs the bindings (needing only attrs, cattrs and urllib3).
The output is byte-identical on every run and machine. With --check, nothing is
written: the output is regenerated in a temporary directory and compared, and a
unified diff is printed when generated/ is stale.

[tool.specbind] in the project's pyproject.toml sets the specs directory (specs),
the output directory (output), the import package (package) and the distribution
name (distribution); --output, --package and --distribution override them.

The models datamodel-code-generator makes of a spec, and ruff's output for each file,
are cached, keyed by everything that decides them (tool versions and configuration,
templates, the whole input), so what did not change is not made again. The cache is in
$SPECBIND_CACHE_DIR, else $XDG_CACHE_HOME/specbind, else ~/.cache/specbind; it only
ever saves time, and --no-cache skips it.
"""


#: Commands whose arguments are parsed without importing validate's, diff's and wait's modules
#: (about 0.1 s of cattrs, multiprocessing and the validation stack).
_LIGHT_COMMANDS = frozenset({"lint", "generate"})


def _build_parser(*, light: bool = False) -> argparse.ArgumentParser:
    """The whole command line; ``light`` leaves out the other commands, for lint and generate."""
    parser = argparse.ArgumentParser(
        prog="specbind",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    lint = commands.add_parser(
        "lint",
        help="check specs for problems",
        description=_LINT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lint.add_argument(
        "specs",
        nargs="*",
        metavar="SPEC",
        type=Path,
        help="spec files to check (default: every specs/*.yaml under --project)",
    )
    lint.add_argument(
        "--strict", action="store_true", help="warnings fail too (exit 1), as errors do"
    )
    _add_project_option(lint)

    generate = commands.add_parser(
        "generate",
        help="compile specs into generated/",
        description=_GENERATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a unified diff when generated/ is stale",
    )
    generate.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="the bindings' project directory (default: [tool.specbind] output, or generated)",
    )
    generate.add_argument(
        "--package",
        metavar="NAME",
        help="their import package (default: [tool.specbind] package, or generated)",
    )
    generate.add_argument(
        "--distribution",
        metavar="NAME",
        help="their distribution name (default: [tool.specbind] distribution, or from --package)",
    )
    generate.add_argument(
        "--no-cache",
        action="store_true",
        help="make every file afresh, neither reading nor writing the cache",
    )
    _add_project_option(generate)
    if light:
        return parser

    from ._validate import add_validate_parser

    add_validate_parser(commands)

    from ._diff import add_diff_parser

    add_diff_parser(commands)

    from ._wait import add_wait_parser

    _add_project_option(add_wait_parser(commands))

    from ._mock import add_mock_parser

    _add_project_option(add_mock_parser(commands))

    from ._record import add_record_parser

    _add_project_option(add_record_parser(commands))
    return parser


def _add_project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="the project directory holding specs/ and generated/ (default: .)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``specbind`` command and return its exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    light = bool(arguments) and arguments[0] in _LIGHT_COMMANDS
    args = _build_parser(light=light).parse_args(arguments)
    try:
        if args.command == "lint":
            from ._lint import run_lint

            return run_lint(args.specs, args.project, strict=args.strict)
        if args.command == "generate":
            from .._generate._cache import default_cache_dir
            from .._generate._run import run_generate
            from .._lint import lint_spec

            return run_generate(
                args.project,
                check=args.check,
                cache_dir=None if args.no_cache else default_cache_dir(),
                output=args.output,
                package=args.package,
                distribution=args.distribution,
                gate=lint_spec,
            )
        if args.command == "wait":
            from ._wait import run_wait

            return run_wait(args)
        if args.command == "mock":
            from ._mock import run_mock

            return run_mock(args)
        if args.command == "record":
            from ._record import run_record

            return run_record(args)
        if args.command == "diff":
            from ._diff import run_diff

            return run_diff(args)
        from ._validate import run_validate

        return run_validate(args)
    except KeyboardInterrupt:
        print("specbind: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `specbind validate ... | head`): not our error.
        sys.stderr.close()
        return EXIT_OK

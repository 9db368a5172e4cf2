"""The ``specbind`` command line: argument parsing and dispatch to the stages."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .._spec._config import Config, ConfigError, load_config
from ._arguments import whole_number
from ._exits import EXIT_OK, EXIT_USAGE
from ._shown import shown_path

if TYPE_CHECKING:
    from .._spec._load import LoadedSpec
    from .._spec._problems import Problem

__all__ = ["main"]

_DESCRIPTION = """\
specbind turns the OpenAPI specs in {specs}/ into typed Python bindings ({output}/,
import package {package}) and uses the same specs to check captured traffic offline.

The project is the directory --project names; without it, the nearest of the current
directory and its parents whose pyproject.toml has a [tool.specbind] table (else the
current directory). Its [tool.specbind] names the specs, the output and the package.

exit status: 0 clean, 1 problems found, 2 bad arguments, unreadable input or an internal
error (--debug, or SPECBIND_DEBUG=1, prints its traceback).
"""

_LINT_HELP = """\
Check OpenAPI specs with openapi-spec-validator, then with specbind's own rules
(operationIds, response schemas, examples, $refs, path parameters, open or closed
enums, additionalProperties on responses), and with style rules that warn (info
contact, operation tags: what Spectral's oas ruleset checks). Every problem is
printed as FILE:LINE:COL: RULE: MESSAGE, a warning as FILE:LINE:COL: RULE: warning:
MESSAGE. Exit 0 when there is no error (warnings allowed unless --strict, or
[tool.specbind] strict = true), 1 on errors, 2 when a spec cannot be loaded.
[tool.specbind] quiet = ["RULE", ...] leaves those warning rules unsaid.

A SPEC is a file, or a spec's name in {specs}/ (else one specbind ships); with none,
every spec in {specs}/ is checked.
"""

_GENERATE_HELP = """\
Lint every spec in {specs}/, then compile each into {output}/<name>/: attrs models
(through datamodel-code-generator), a cattrs converter and a urllib3 client, with
the runtime they share and a pyproject.toml, so that `pip install {output}`
installs the import package {package} (needing only attrs, cattrs and urllib3).
The output is byte-identical on every run and machine. With --check, nothing is
written: the output is regenerated in a temporary directory and compared, and a
unified diff is printed when {output}/ is stale.

[tool.specbind] in the project's pyproject.toml sets the specs directory (specs),
the output directory (output), the import package (package), the distribution
name (distribution) and its version (version; default: the specs' info.version with
a local segment from their hash, so that every spec change makes a new version);
--output, --package and --distribution override them.

The models datamodel-code-generator makes of a spec, and ruff's output for each file,
are cached, keyed by everything that decides them (tool versions and configuration,
templates, the whole input), so what did not change is not made again. The cache is in
$SPECBIND_CACHE_DIR, else $XDG_CACHE_HOME/specbind, else ~/.cache/specbind; it only
ever saves time, and --no-cache skips it.

A large spec's models (component schemas of more than 128 KB as JSON) are made in
chunks by worker processes, one per processor and at most 4 by default: each holds
one chunk at a time, and the output is the same whatever their number. --jobs 1 takes
the least memory in all; more take less time.
"""


#: Commands whose arguments are parsed without importing validate's, diff's and wait's modules
#: (about 0.1 s of cattrs, multiprocessing and the validation stack).
_LIGHT_COMMANDS = frozenset({"lint", "generate"})
#: What help names when the project's configuration cannot be read.
_DEFAULTS = Config(Path(), Path("specs"), Path("generated"), "generated", "generated")


def _build_parser(config: Config, *, light: bool = False) -> argparse.ArgumentParser:
    """The whole command line, its help naming ``config``'s directories; ``light`` leaves
    out the other commands, for lint and generate."""
    names = {
        "specs": shown_path(config.specs),
        "output": shown_path(config.output),
        "package": config.package,
    }
    parser = argparse.ArgumentParser(
        prog="specbind",
        description=_DESCRIPTION.format(**names),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    lint = commands.add_parser(
        "lint",
        help="check specs for problems",
        description=_LINT_HELP.format(**names),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lint.add_argument(
        "specs",
        nargs="*",
        metavar="SPEC",
        help=f"spec files or names to check (default: every spec in {names['specs']}/)",
    )
    lint.add_argument(
        "--spec",
        action="append",
        default=[],
        dest="named",
        metavar="NAME|PATH",
        help="a spec to check, by name or path, as a SPEC (repeatable)",
    )
    lint.add_argument(
        "--strict",
        action="store_true",
        help="warnings fail too (exit 1), as errors do ([tool.specbind] strict = true)",
    )
    add_common_options(lint)

    generate = commands.add_parser(
        "generate",
        help=f"compile the specs into {names['output']}/",
        description=_GENERATE_HELP.format(**names),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    generate.add_argument(
        "--check",
        action="store_true",
        help=f"write nothing; exit 1 with a unified diff when {names['output']}/ is stale",
    )
    generate.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help=f"the bindings' project directory (default: {names['output']})",
    )
    generate.add_argument(
        "--package",
        metavar="NAME",
        help=f"their import package (default: {names['package']})",
    )
    generate.add_argument(
        "--distribution",
        metavar="NAME",
        help=f"their distribution name (default: {config.distribution}, or from --package)",
    )
    generate.add_argument(
        "--no-cache",
        action="store_true",
        help="make every file afresh, neither reading nor writing the cache",
    )
    generate.add_argument(
        "--jobs",
        type=whole_number,
        metavar="N",
        help="at most N worker processes make a large spec's models (default: one per "
        "processor, at most 4); the output is the same",
    )
    add_common_options(generate)
    if light:
        return parser

    from ._validate import add_validate_parser

    add_common_options(add_validate_parser(commands, config))

    from ._diff import add_diff_parser

    add_common_options(add_diff_parser(commands))

    from ._wait import add_wait_parser

    add_common_options(add_wait_parser(commands, config))

    from ._mock import add_mock_parser

    add_common_options(add_mock_parser(commands))

    from ._record import add_record_parser

    add_common_options(add_record_parser(commands))
    return parser


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """``--project`` and ``--debug``, which every command takes."""
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="DIR",
        help="the project directory, whose pyproject.toml's [tool.specbind] is read "
        "(default: the nearest of . and its parents that has one, else .)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="print the traceback of an internal error (also: SPECBIND_DEBUG=1)",
    )


class _Version(argparse.Action):
    """``--version``, as argparse's own, but the version is looked up only when asked for:
    reading the installed package's metadata costs every other command tens of ms."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings,
            dest=argparse.SUPPRESS,
            default=argparse.SUPPRESS,
            nargs=0,
            help="show program's version number and exit",
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"specbind {_version()}")
        parser.exit()


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("specbind")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _project(arguments: Sequence[str]) -> Path | None:
    """``--project`` as given, read before the rest so that help can name its directories."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--project", type=Path, default=None)
    project: Path | None = early.parse_known_args(arguments)[0].project
    return project


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``specbind`` command and return its exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in arguments or os.environ.get("SPECBIND_DEBUG", "") not in ("", "0")
    command = arguments[0] if arguments and not arguments[0].startswith("-") else ""
    prefix = f"specbind {command}" if command else "specbind"
    try:
        return _run(arguments)
    except KeyboardInterrupt:
        print("specbind: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `specbind validate ... | head`): not our error.
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # a bug still gets one clear line, and a traceback on demand
        if debug:
            traceback.print_exc()
        hint = "" if debug else " (--debug shows where)"
        print(
            f"{prefix}: internal error ({type(exc).__name__}: {exc}); this is a specbind "
            f"bug, please report it with the input that caused it{hint}",
            file=sys.stderr,
        )
        return EXIT_USAGE


def _lint_gate(spec: LoadedSpec) -> Iterable[Problem]:
    """lint's rules, imported only where generate runs them: in the process that builds
    the compile views, so that the one rendering the models never holds lint's imports."""
    from .._lint import lint_spec

    return lint_spec(spec)


def _run(arguments: list[str]) -> int:
    project = _project(arguments)
    try:
        config = load_config(project)
    except ConfigError as exc:
        config = None
        problem = str(exc)
    light = bool(arguments) and arguments[0] in _LIGHT_COMMANDS
    args = _build_parser(config or _DEFAULTS, light=light).parse_args(arguments)
    if config is None:
        # Only now: `--help` and `--version` work in a project whose config is broken.
        print(f"specbind {args.command}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "lint":
        from ._lint import run_lint

        return run_lint([*args.specs, *args.named], config, strict=args.strict)
    if args.command == "generate":
        from .._generate._cache import default_cache_dir
        from .._generate._run import run_generate

        return run_generate(
            config.project,
            check=args.check,
            cache_dir=None if args.no_cache else default_cache_dir(),
            output=args.output,
            package=args.package,
            distribution=args.distribution,
            gate=_lint_gate,
            jobs=args.jobs,
        )
    if args.command == "wait":
        from ._wait import run_wait

        return run_wait(args, config)
    if args.command == "diff":
        from ._diff import run_diff

        return run_diff(args, config)
    if args.command == "mock":
        from ._mock import run_mock

        return run_mock(args, config)
    if args.command == "record":
        from ._record import run_record

        return run_record(args, config)
    from ._validate import run_validate

    return run_validate(args, config)

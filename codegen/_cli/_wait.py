"""``specbind wait``: run a spec's waiter from a shell script, through the generated client."""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import math
import os
import sys
import time
from typing import Any

from .._generate._names import snake_case
from .._spec._bindings import prefer_output_package
from .._spec._config import Config
from .._spec._files import package_name
from .._spec._find import SpecNotFound, find_spec
from ._exits import EXIT_USAGE
from ._shown import shown_path

__all__ = ["EXIT_ERROR", "EXIT_TIMEOUT", "add_wait_parser", "run_wait"]

EXIT_SUCCESS = 0
EXIT_FAILURE = 1
#: The deadline passed before the job reached a final state.
EXIT_TIMEOUT = 3
#: The wait could not go on: an error answer no acceptor expects, no answer, a bad body.
EXIT_ERROR = 4

_HELP = """\
Poll an operation until the job it reports is finished, with a waiter the spec
declares (x-specbind-waiters), through the generated bindings: the package {package}
in the project's output directory {output}/ when it is there (made by `specbind
generate`), else the package {package} installed in this environment.

The credential is read from an environment variable, never from the command line:
  export PRUNNER_TOKEN=...   # e.g. from your CI's secret store
  specbind wait --spec prunner --waiter job --base-url http://127.0.0.1:9009 \\
      --param id=52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8 --token-env PRUNNER_TOKEN

Errors on the way (no answer, 429, 502, 503, 504) are polled through, honouring
Retry-After; no request runs past --timeout. On a terminal, a progress line is
shown on stderr.

exit status:
  0  the job reached a success state
  1  the job reached a failure state
  2  bad arguments (unknown spec, waiter or parameter; credential variable unset)
  3  --timeout passed before a final state
  4  the wait could not go on: an error answer (such as 404), no answer, a bad body
"""


def add_wait_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], config: Config
) -> argparse.ArgumentParser:
    """Add the ``wait`` subcommand to the ``specbind`` parser, and return it."""
    wait = commands.add_parser(
        "wait",
        help="wait for a job to finish (a spec's waiter)",
        description=_HELP.format(package=config.package, output=shown_path(config.output)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    wait.add_argument(
        "--spec",
        required=True,
        metavar="NAME|PATH",
        help=f"the spec, by name (in {shown_path(config.specs)}/, else one specbind ships, "
        "e.g. prunner) or path",
    )
    wait.add_argument(
        "--waiter", required=True, metavar="NAME", help="the waiter, e.g. job (wait_for_job)"
    )
    wait.add_argument(
        "--base-url", metavar="URL", help="the API's address (default: the spec's server)"
    )
    wait.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter of the polled operation, by its name in the spec or in Python "
        "(repeat for each)",
    )
    wait.add_argument(
        "--timeout",
        type=_seconds,
        default=600.0,
        metavar="S",
        help="give up after S seconds in all (default: 600)",
    )
    wait.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one summary line; json: the final answer as JSON (default: text)",
    )
    wait.add_argument(
        "--token-env",
        metavar="VAR",
        help="the environment variable holding the bearer token",
    )
    wait.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="the environment variable holding the API key (APIs that take one)",
    )
    return wait


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number of seconds")
    return value


class _Usage(Exception):
    """A bad argument: exit 2 with this one-line message."""


def run_wait(args: argparse.Namespace, config: Config) -> int:
    """Run ``specbind wait``; returns the exit status."""
    try:
        package, client, method, params = _prepare(args, config)
    except _Usage as usage:
        print(f"specbind wait: {usage}", file=sys.stderr)
        return EXIT_USAGE
    progress = _Progress(args.waiter) if sys.stderr.isatty() else None
    started = time.monotonic()
    with client:
        try:
            model = method(
                **params,
                timeout=args.timeout,
                on_update=progress.show if progress else _say_notes,
            )
        # The waiter's errors say how many polls and seconds, and what was last seen.
        except package.WaiterFailed as failed:
            outcome, status, model = str(failed), EXIT_FAILURE, failed.model
        except package.WaiterTimeout as timed_out:
            outcome, status, model = str(timed_out), EXIT_TIMEOUT, timed_out.model
        except package.SpecbindError as error:
            if progress:
                progress.end()
            print(f"specbind wait: {_one_line(str(error))}", file=sys.stderr)
            return EXIT_ERROR
        else:
            outcome = f"success after {time.monotonic() - started:.1f} s"
            status = EXIT_SUCCESS
    if progress:
        progress.end()
    if args.format == "json":
        if model is not None:
            print(json.dumps(package.converter.unstructure(model), indent=2, default=str))
    else:
        print(f"{args.spec} {args.waiter}: {outcome}")
    if status != EXIT_SUCCESS and args.format == "json":
        print(f"specbind wait: {_one_line(outcome)}", file=sys.stderr)
    return status


def _prepare(args: argparse.Namespace, config: Config) -> tuple[Any, Any, Any, dict[str, Any]]:
    """The generated package, a client, its ``wait_for_`` method and the parameters."""
    package = _import(config, args.spec)
    credentials = {}
    for option, keyword in ((args.token_env, "token"), (args.api_key_env, "api_key")):
        if option is None:
            continue
        if keyword not in inspect.signature(package.Client).parameters:
            raise _Usage(f"the {args.spec} client takes no {keyword.replace('_', ' ')}")
        value = os.environ.get(option)
        if not value:
            raise _Usage(f"the environment variable {option} is not set or empty")
        credentials[keyword] = value
    options: dict[str, Any] = dict(credentials)
    if args.base_url is not None:
        options["base_url"] = args.base_url
    try:
        client = package.Client(**options)
    except ValueError as error:
        raise _Usage(_one_line(str(error))) from None
    waiters = sorted(
        name.removeprefix("wait_for_") for name in dir(client) if name.startswith("wait_for_")
    )
    if args.waiter not in waiters:
        client.close()
        known = ", ".join(waiters) or "none"
        raise _Usage(f"spec {args.spec!r} declares no waiter {args.waiter!r} (waiters: {known})")
    method = getattr(client, f"wait_for_{args.waiter}")
    try:
        params = _params(method, args.param)
    except _Usage:
        client.close()
        raise
    return package, client, method, params


def _import(config: Config, reference: str) -> Any:
    """The bindings of the spec ``reference`` names: ``<package>.<name>``, from the
    project's output directory when it holds them, else as installed."""
    try:
        name = package_name(find_spec(reference, config.specs))
    except SpecNotFound as exc:
        raise _Usage(str(exc)) from None
    output = config.output
    prefer_output_package(config.package, output)
    try:
        return importlib.import_module(f"{config.package}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in (config.package, f"{config.package}.{name}"):
            raise  # the bindings themselves import something missing: not "not generated"
        raise _Usage(
            f"no bindings for spec {name!r}: neither {shown_path(output)}/{name}/ nor an "
            f"installed {config.package}.{name} (run specbind generate)"
        ) from None


def _params(method: Any, pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as keyword arguments of ``method``, numbers where it wants them."""
    accepted = {
        name: parameter
        for name, parameter in inspect.signature(method).parameters.items()
        if name not in ("timeout", "poll", "on_update", "clock", "sleep")
    }
    params: dict[str, Any] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        name = snake_case(key) if key else ""
        if not equals or name not in accepted:
            known = ", ".join(accepted) or "none"
            raise _Usage(f"--param {pair!r}: expected KEY=VALUE with KEY one of {known}")
        annotation = str(accepted[name].annotation)
        if annotation.split(" |", maxsplit=1)[0] == "int":
            try:
                params[name] = int(value)
            except ValueError:
                raise _Usage(f"--param {key}: {value!r} is not an integer") from None
        else:
            params[name] = value
    missing = [
        name
        for name, parameter in accepted.items()
        if parameter.default is inspect.Parameter.empty and name not in params
    ]
    if missing:
        raise _Usage(f"missing --param for {', '.join(missing)}")
    return params


def _say_notes(update: Any) -> None:
    if update.note:
        print(f"specbind wait: poll {update.attempt}: {_one_line(update.note)}", file=sys.stderr)


class _Progress:
    """One line on a terminal's stderr, rewritten after every poll."""

    def __init__(self, waiter: str) -> None:
        self.waiter = waiter

    def show(self, update: Any) -> None:
        seen = " ".join(f"{path}={value}" for path, value in update.observed.items())
        what = _one_line(update.note or seen or "waiting")
        line = f"{self.waiter}: poll {update.attempt}, {update.elapsed:.0f} s: {what}"
        sys.stderr.write("\r\x1b[K" + line[:200])
        sys.stderr.flush()

    def end(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def _one_line(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())

"""``specbind lint``: lint spec files and print every problem, one line each."""

from __future__ import annotations

import io
import sys

from .._lint import lint_spec
from .._spec._config import Config
from .._spec._files import SpecFilesError, find_specs
from .._spec._find import SpecNotFound, find_spec
from .._spec._load import LoadError, load_spec
from ._exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

__all__ = ["run_lint"]


def run_lint(references: list[str], config: Config, *, strict: bool = False) -> int:
    """Lint the specs ``references`` name (files or names; default: every spec in the
    project's specs directory); return the exit status.

    Problems go to stdout as ``file:line:col: rule: message``, a spec at a time, in order;
    warnings of the rules ``config.quiet`` lists are left out. The summary goes to stderr.
    0: no error (warnings allowed unless ``strict`` or ``config.strict``); 1: errors, or
    warnings when strict; 2: a spec could not be found or loaded.
    """
    strict = strict or config.strict
    try:
        if references:
            specs = [find_spec(reference, config.specs) for reference in references]
        else:
            folder = config.specs
            specs = list(find_specs(folder).values()) if folder.is_dir() else []
    except (SpecNotFound, SpecFilesError) as exc:
        print(f"specbind lint: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not specs:
        print(
            f"specbind lint: no specs to check: {config.specs.absolute()} holds no "
            "*.yaml, *.yml or *.json spec; name spec files, or run it in the project "
            "directory",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A spec may hold any character; an output that cannot encode one still gets the line.
        sys.stdout.reconfigure(errors="backslashreplace")
    errors = _Tally()
    warnings = _Tally()
    unreadable = quieted = 0
    for path in specs:
        try:
            spec = load_spec(path)
        except LoadError as error:
            print(error)
            unreadable += 1
            continue
        every = lint_spec(spec)
        found = [p for p in every if p.is_error or p.rule not in config.quiet]
        quieted += len(every) - len(found)
        for problem in found:
            print(problem)
        errors.add(sum(problem.is_error for problem in found))
        warnings.add(sum(not problem.is_error for problem in found))
    summary = _summary(len(specs), errors, warnings, unreadable)
    if quieted:
        summary += f" ({_count(quieted, 'warning')} quieted by [tool.specbind] quiet)"
    print(summary, file=sys.stderr)
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if errors.count or (strict and warnings.count) else EXIT_OK


class _Tally:
    """How many findings of one kind, in how many specs."""

    def __init__(self) -> None:
        self.count = 0
        self.specs = 0

    def add(self, count: int) -> None:
        self.count += count
        self.specs += bool(count)


def _summary(total: int, errors: _Tally, warnings: _Tally, unreadable: int) -> str:
    """One line such as ``specbind lint: 3 problems in 1 of 3 specs``."""
    parts = []
    for tally, noun in ((errors, "problem"), (warnings, "warning")):
        if tally.count:
            parts.append(f"{_count(tally.count, noun)} in {tally.specs} of {_count(total, 'spec')}")
    if unreadable:
        parts.append(f"{unreadable} of {_count(total, 'spec')} could not be loaded")
    if not parts:
        parts.append(f"{_count(total, 'spec')} clean")
    return "specbind lint: " + "; ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

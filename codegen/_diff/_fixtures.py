"""Check stored captures against OLD and NEW with validate's checker; list verdict flips."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._spec._load import LoadedSpec
from .._validate._check import Checker, Options
from .._validate._finding import Result
from .._validate._inputs import Body, Broken, Unit, UnreadableInput, open_input
from .._validate._operations import SpecError

__all__ = ["FixtureError", "FixtureReport", "Flip", "Verdict", "compare_fixtures"]

#: The files a fixture directory is searched for (JSON, JSON Lines, HAR).
_SUFFIXES = (".json", ".jsonl", ".ndjson", ".har")


class FixtureError(Exception):
    """A ``--fixtures`` path or a spec the checker cannot use; ``str()`` is one line."""


@dataclass(frozen=True)
class Verdict:
    """valid, invalid, skipped, unreadable or "not checked", and the first reason why."""

    outcome: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.outcome} ({self.detail})" if self.detail else self.outcome


@dataclass(frozen=True)
class Flip:
    """A capture (a file, a JSON Lines line or a HAR entry) judged differently by NEW."""

    input: str
    old: Verdict
    new: Verdict


@dataclass(frozen=True)
class FixtureReport:
    """How many captures were checked, in how many files, and which verdicts flipped."""

    files: int
    captures: int
    flips: tuple[Flip, ...]


@dataclass(frozen=True)
class _Side:
    """One spec's checker, and why JSON bodies cannot be checked against it ("" if they can)."""

    checker: Checker
    no_bodies: str

    def verdict(self, unit: Unit) -> Verdict:
        if self.no_bodies and (isinstance(unit, Body) or (isinstance(unit, Broken) and unit.body)):
            return Verdict("not checked", self.no_bodies)
        return _verdict(self.checker.check(unit))


def compare_fixtures(
    old: LoadedSpec, new: LoadedSpec, paths: Sequence[str], operation: str, status: str
) -> FixtureReport:
    """Check every capture under ``paths`` against both specs.

    JSON and JSON Lines bodies are the ``status`` response of ``operation`` (which may be
    left empty when a spec has one operation); HAR entries find their own operation.
    Only the JSON Schema layer judges: the generated models belong to neither version.
    """
    files = list(_captures(paths))
    sides = (_side(old, operation, status), _side(new, operation, status))
    known = {name for side in sides for name in side.checker.index.operations}
    if operation and operation not in known:
        raise FixtureError(
            f"--operation {operation}: in neither spec (known: {', '.join(sorted(known))})"
        )
    flips = []
    captures = 0
    for file in files:
        for unit in _units(str(file)):
            captures += 1
            before, after = (side.verdict(unit) for side in sides)
            if before.outcome != after.outcome:
                flips.append(Flip(unit.label, before, after))
    return FixtureReport(len(files), captures, tuple(flips))


def _captures(paths: Sequence[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(
                found
                for found in path.rglob("*")
                if found.suffix.lower() in _SUFFIXES and found.is_file()
            )
        elif path.is_file():
            yield path
        else:
            raise FixtureError(f"--fixtures {name}: no such file or directory")


def _units(name: str) -> Iterator[Unit]:
    try:
        opened = open_input(name)
    except UnreadableInput as exc:
        raise FixtureError(f"--fixtures {name}: {exc}") from None
    with opened:
        yield from opened.units()


def _side(spec: LoadedSpec, operation: str, status: str) -> _Side:
    try:
        checker = Checker(spec, Options(spec.path, "", status, strict=False), None)
    except SpecError as exc:
        raise FixtureError(f"cannot check captures: {exc}") from None
    operations = checker.index.operations
    name = operation or (next(iter(operations)) if len(operations) == 1 else "")
    found = operations.get(name)
    if not name:
        reason = f"a JSON body needs --operation ({spec.path} has {', '.join(sorted(operations))})"
    elif found is None:
        reason = f"{spec.path} has no operation {name}"
    else:
        response = found.response_for(status)
        reason = ""
        if response is None:
            reason = f"{name} declares no {status} response in {spec.path}"
        elif response.json_schema() is None:
            reason = f"{name} {status} has no JSON body schema in {spec.path}"
    if not reason:
        checker.options = Options(spec.path, name, status, strict=False)
    return _Side(checker, reason)


def _verdict(result: Result) -> Verdict:
    outcome = result.outcome
    if outcome == "invalid":
        first = next(f for f in result.findings if f.severity == "error")
        return Verdict(outcome, f"{first.pointer or '(root)'}: {first.message}")
    if outcome == "skipped":
        return Verdict(outcome, result.skipped)
    if outcome == "unreadable":
        return Verdict(outcome, result.unreadable)
    return Verdict(outcome)

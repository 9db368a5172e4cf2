"""What one check of one payload found: findings and results (values come from ``_redact``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Literal, NamedTuple

__all__ = [
    "Checked",
    "CleanLines",
    "Finding",
    "Outcome",
    "Result",
    "Severity",
    "ValidatorError",
    "clean_result",
]

Severity = Literal["error", "warning"]
Outcome = Literal["valid", "invalid", "skipped", "unreadable"]


class ValidatorError(Exception):
    """The check cannot be made as asked (a bad spec, operation or status, a body with
    no operation, a missing extra). ``str()`` is one line, as the command prints it."""


@dataclass(frozen=True)
class Finding:
    """One problem in one payload.

    ``keyword`` is the JSON Schema keyword behind a schema finding (``type``, ``enum``,
    ``required``...); the drift summary groups findings by it. ``layers`` names the
    checks that saw the fault: ``schema`` (JSON Schema), ``model`` (the generated
    models), both, or none for a payload that could not be read as JSON at all.
    """

    input: str
    operation: str
    status: str
    pointer: str
    severity: Severity
    rule: str
    expected: str
    found: str
    message: str
    keyword: str = ""
    layers: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The finding as JSON-ready data (``layers`` as a list)."""
        data = asdict(self)
        data["layers"] = list(self.layers)
        return data


@dataclass(frozen=True)
class Result:
    """Everything found in one payload (a JSON body, a JSON Lines line or a HAR entry).

    ``skipped`` is the reason it was not checked (e.g. ``other host``); ``unreadable``
    says why an input could not be read at all. Both are empty for a checked payload.
    """

    input: str
    operation: str = ""
    status: str = ""
    findings: tuple[Finding, ...] = ()
    skipped: str = ""
    unreadable: str = ""
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready data, as ``--format json`` writes it."""
        return {
            "input": self.input,
            "operation": self.operation,
            "status": self.status,
            "outcome": self.outcome,
            "skipped": self.skipped,
            "unreadable": self.unreadable,
            "detail": self.detail,
            "findings": [finding.to_json() for finding in self.findings],
        }

    @property
    def outcome(self) -> Outcome:
        """valid, invalid (any error), skipped or unreadable."""
        if self.unreadable:
            return "unreadable"
        if self.skipped:
            return "skipped"
        if any(finding.severity == "error" for finding in self.findings):
            return "invalid"
        return "valid"


def clean_result(label: str, operation: str, status: str) -> Result:
    """``Result(label, operation, status)``: the result of a body with nothing found.

    Most bodies are clean, and a frozen dataclass sets its fields one call at a time:
    this fills the same fields at once (equal, and pickled alike, to the other's).
    """
    result = object.__new__(Result)
    fields = result.__dict__
    fields.update(_CLEAN)
    fields["input"] = label
    fields["operation"] = operation
    fields["status"] = status
    return result


#: A clean result's fields, in the order a ``Result`` has them (its pickle keeps it).
_CLEAN = {
    "input": "",
    "operation": "",
    "status": "",
    "findings": (),
    "skipped": "",
    "unreadable": "",
    "detail": "",
}


class CleanLines(NamedTuple):
    """Consecutive lines of a JSON Lines file whose bodies had nothing found: lines
    ``after + number`` for each number in ``numbers``. A report that prints only findings
    counts them without a result for each."""

    name: str
    after: int
    numbers: range
    operation: str
    status: str

    def results(self) -> Iterator[Result]:
        """The result of each line, as :func:`clean_result` makes it."""
        name, after, operation, status = self.name, self.after, self.operation, self.status
        for number in self.numbers:
            yield clean_result(f"{name}:{after + number}", operation, status)


#: What checking inputs gives, in order: a payload's result, or a run of clean lines.
Checked = Result | CleanLines

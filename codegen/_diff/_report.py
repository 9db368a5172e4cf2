"""The result of one diff, and how it reads as text for people or as one JSON document."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ._change import SEVERITIES, Change, Severity, at_or_above

if TYPE_CHECKING:
    # Types only: their modules load the generator and the validator.
    from ._api_diff import ApiChange, ApiEffect
    from ._fixtures import FixtureReport

__all__ = [
    "FAIL_ON",
    "FORMATS",
    "DiffReport",
    "api_line",
    "printable",
    "render_json",
    "render_text",
]

FORMATS = ("text", "json", "markdown")
FailOn = Literal["breaking", "warning", "never"]
FAIL_ON: tuple[FailOn, ...] = ("breaking", "warning", "never")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class DiffReport:
    """Everything one ``specbind diff`` found; ``api`` and ``fixtures`` are None when not asked."""

    old: str
    new: str
    old_sha256: str
    new_sha256: str
    changes: tuple[Change, ...]
    api: ApiEffect | None
    fixtures: FixtureReport | None
    fail_on: FailOn

    def count(self, severity: Severity) -> int:
        """How many changes have this severity."""
        return sum(change.severity == severity for change in self.changes)

    @property
    def exit_status(self) -> int:
        """1 when a change is at or above ``fail_on``, else 0."""
        if self.fail_on == "never":
            return 0
        threshold: Severity = self.fail_on
        return int(any(at_or_above(change.severity, threshold) for change in self.changes))

    def summary(self) -> str:
        """One line: counts by severity, the API names, the flips, and the verdict."""
        parts = [", ".join(f"{self.count(severity)} {severity}" for severity in SEVERITIES)]
        if self.api is not None:
            parts.append(
                "Python API not compared"
                if self.api.note
                else f"{_plural(len(self.api.changes), 'Python API name')} changed"
            )
        if self.fixtures is not None:
            parts.append(
                f"{len(self.fixtures.flips)} of {_plural(self.fixtures.captures, 'capture')} "
                "changed verdict"
            )
        if self.fail_on == "never":
            parts.append("--fail-on never")
        else:
            verdict = "fails" if self.exit_status else "passes"
            parts.append(f"{verdict} --fail-on {self.fail_on}")
        return "; ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def printable(text: str) -> str:
    """Escape control characters, so that spec text cannot drive a terminal."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def api_line(change: ApiChange) -> str:
    """``+ name: type``, ``- name: type`` or ``~ name: old → new``."""
    if change.kind == "changed":
        return f"~ {change.name}{_joined(change.old or '')} → {change.new}"
    mark = "+" if change.kind == "added" else "-"
    return f"{mark} {change.name}{_joined(change.new or change.old or '')}"


def _joined(shown: str) -> str:
    # `X = 'value'` and `f() -> T` read as Python; anything else is `name: type`.
    return f" {shown}" if shown.startswith(("=", "->")) else f": {shown}"


def render_text(report: DiffReport) -> str:
    """The report for people: changes by severity, the API effect, flips, a summary line."""
    lines = [f"specbind diff: {report.old} → {report.new}", ""]
    if not report.changes:
        lines += ["no changes to the contract", ""]
    for severity in SEVERITIES:
        changes = [change for change in report.changes if change.severity == severity]
        if not changes:
            continue
        lines.append(f"{severity} ({len(changes)})")
        for change in changes:
            lines.append(f"  {change.location}: {change.rule}: {change.message}")
            old, new = change.old_pointer or "(absent)", change.new_pointer or "(absent)"
            lines.append(f"      old {old}  new {new}")
        lines.append("")
    if report.api is not None:
        lines += _api_text(report.api)
    if report.fixtures is not None:
        lines += _fixtures_text(report.fixtures)
    lines.append(f"summary: {report.summary()}")
    return printable("\n".join(lines)) + "\n"


def _api_text(api: ApiEffect) -> list[str]:
    if api.note:
        return [f"Python API effect: {api.note}", ""]
    if not api.changes:
        return ["Python API effect: none", ""]
    lines = [f"Python API effect ({_plural(len(api.changes), 'name')})"]
    lines += [f"  {api_line(change)}" for change in api.changes]
    return [*lines, ""]


def _fixtures_text(fixtures: FixtureReport) -> list[str]:
    head = (
        f"captures whose verdict changes ({len(fixtures.flips)} of "
        f"{_plural(fixtures.captures, 'capture')} in {_plural(fixtures.files, 'file')})"
    )
    if not fixtures.flips:
        return [f"{head}: none", ""]
    lines = [head]
    lines += [f"  {flip.input}: {flip.old} → {flip.new}" for flip in fixtures.flips]
    return [*lines, ""]


def render_json(report: DiffReport) -> str:
    """One JSON document with every change, the API effect, the flips and the summary."""
    document: dict[str, Any] = {
        "old": {"spec": report.old, "sha256": report.old_sha256},
        "new": {"spec": report.new, "sha256": report.new_sha256},
        "changes": [
            {
                "severity": change.severity,
                "rule": change.rule,
                "message": change.message,
                "old_pointer": change.old_pointer,
                "new_pointer": change.new_pointer,
                "location": change.location,
                "line": change.line,
            }
            for change in report.changes
        ],
        "api": None
        if report.api is None
        else {
            "note": report.api.note or None,
            "changes": [
                {"kind": c.kind, "name": c.name, "old": c.old, "new": c.new}
                for c in report.api.changes
            ],
        },
        "fixtures": None
        if report.fixtures is None
        else {
            "files": report.fixtures.files,
            "captures": report.fixtures.captures,
            "flips": [
                {
                    "input": flip.input,
                    "old": {"outcome": flip.old.outcome, "detail": flip.old.detail},
                    "new": {"outcome": flip.new.outcome, "detail": flip.new.detail},
                }
                for flip in report.fixtures.flips
            ],
        },
        "summary": {
            **{severity: report.count(severity) for severity in SEVERITIES},
            "api_changes": None
            if report.api is None or report.api.note
            else len(report.api.changes),
            "fixture_flips": None if report.fixtures is None else len(report.fixtures.flips),
        },
        "fail_on": report.fail_on,
        "exit_status": report.exit_status,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

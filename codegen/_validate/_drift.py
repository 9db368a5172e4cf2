"""The drift summary: what the traffic shows that the spec lacks, per operation.

This is what a maintainer reads before editing a spec: fields the spec does not declare,
enum values it does not list, values that were null where the spec says not nullable,
and statuses it does not declare, each with a count and the first place it was seen.
(A required field that is missing is the traffic's fault, not the spec's: it is a
finding, not drift.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ._finding import Finding, Result

__all__ = ["DRIFT_KINDS", "Drift"]

#: The kinds of drift, in the order they are reported.
DRIFT_KINDS = (
    "unknown fields",
    "enum values",
    "unexpected null",
    "undeclared statuses",
)


@dataclass
class _Seen:
    count: int
    example: str


class Drift:
    """Counts drift across results, keyed by operation, kind, pointer and value.

    Two summaries merge (``a.merge(b)`` or ``a + b``) into the summary of both runs, ``a``
    taken as the earlier: counts add up, and the first place seen is ``a``'s when both saw
    it. So the parts of a distributed run add up to what one process counts.
    """

    def __init__(self, results: Iterable[Result] = ()) -> None:
        self._seen: dict[str, dict[str, dict[tuple[str, str], _Seen]]] = {}
        for result in results:
            self.add(result)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Drift) and self.as_dict() == other.as_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable: counts grow

    def __add__(self, other: Drift) -> Drift:
        return self.merge(other)

    def merge(self, other: Drift) -> Drift:
        """A new summary of this run followed by ``other``; neither is changed."""
        merged = Drift()
        for source in (self, other):
            for operation, kinds in source._seen.items():
                for kind, by_key in kinds.items():
                    into = merged._seen.setdefault(operation, {}).setdefault(kind, {})
                    for key, seen in by_key.items():
                        if key in into:
                            into[key].count += seen.count
                        else:
                            into[key] = _Seen(seen.count, seen.example)
        return merged

    def add(self, result: Result) -> None:
        """Count the drift in one result's findings."""
        for finding in result.findings:
            found = _classify(finding)
            if found is None or not finding.operation:
                continue
            kind, key = found
            by_key = self._seen.setdefault(finding.operation, {}).setdefault(kind, {})
            seen = by_key.get(key)
            if seen is None:
                where = f"{finding.input} {finding.pointer}".rstrip()
                by_key[key] = _Seen(1, where)
            else:
                seen.count += 1

    def as_dict(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """``{operation: {kind: [{pointer, value, count, example}]}}``, sorted."""
        return {
            operation: {
                kind: [
                    # Kinds keyed by pointer alone (unknown fields) have no value to give.
                    {"pointer": pointer}
                    | ({"value": value} if value else {})
                    | {"count": seen.count, "example": seen.example}
                    for (pointer, value), seen in sorted(kinds[kind].items())
                ]
                for kind in DRIFT_KINDS
                if kind in kinds
            }
            for operation, kinds in sorted(self._seen.items())
        }

    def lines(self) -> list[str]:
        """The summary as indented text lines (empty when there is no drift)."""
        lines = []
        for operation, kinds in self.as_dict().items():
            lines.append(f"  {operation}:")
            for kind, entries in kinds.items():
                for entry in entries:
                    what = " ".join(p for p in (entry["pointer"], entry.get("value", "")) if p)
                    lines.append(
                        f"    {kind}: {what}: seen {entry['count']}x, first at {entry['example']}"
                    )
        return lines


def _classify(finding: Finding) -> tuple[str, tuple[str, str]] | None:
    """Which kind of drift a finding shows, and its key (a pointer with ``*`` for indexes)."""
    pointer = _general(finding.pointer)
    if finding.rule == "undeclared-status":
        return ("undeclared statuses", ("", finding.status))
    if finding.rule == "unknown-field" or finding.keyword == "additionalProperties":
        return ("unknown fields", (pointer, ""))
    if finding.keyword == "enum":
        return ("enum values", (pointer, finding.found))
    if finding.keyword == "type" and finding.found == "null":
        return ("unexpected null", (pointer, ""))
    return None


def _general(pointer: str) -> str:
    """``/tasks/3/name`` → ``/tasks/*/name``: one entry for every array element."""
    return "/".join("*" if token.isdigit() else token for token in pointer.split("/"))

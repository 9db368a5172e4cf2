"""The shape of one classified spec change, and the rule table that fixes its severity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .._spec._load import LoadedSpec

__all__ = ["RULES", "SEVERITIES", "Change", "Recorder", "Severity", "at_or_above"]

Severity = Literal["breaking", "warning", "info"]
#: Most severe first: the order of report sections and of ``--fail-on`` thresholds.
SEVERITIES: tuple[Severity, ...] = ("breaking", "warning", "info")

#: Every rule, with its severity and what it means, for a client that reads responses
#: and sends requests. The severity belongs to the rule, never to one change.
RULES: dict[str, tuple[Severity, str]] = {
    "operation-removed": ("breaking", "an operation (method and path) is gone"),
    "operation-moved": ("breaking", "an operationId now lives at another method or path"),
    "operation-renamed": ("breaking", "an operationId changed: the client method is renamed"),
    "property-removed": ("breaking", "a response property is gone"),
    "property-renamed": ("breaking", "a response property was replaced by one of its type"),
    "property-type-changed": ("breaking", "a response value has another type or format"),
    "property-nullable": ("breaking", "a response property may now be null"),
    "property-not-required": ("breaking", "a response property may now be missing"),
    "closed-enum-value-added": ("breaking", "a closed response enum gained a value"),
    "enum-value-removed": ("breaking", "an enum lost a value (and its Python member)"),
    "enum-closed": ("breaking", "an open response enum became closed"),
    "required-parameter-added": ("breaking", "a request parameter is new, or newly, required"),
    "parameter-tightened": ("breaking", "a request parameter's type, pattern or range tightened"),
    "parameter-removed": ("breaking", "a request parameter is gone"),
    "status-removed": ("breaking", "a documented response status is gone"),
    "security-changed": ("breaking", "a security scheme or requirement changed or is gone"),
    "server-changed": ("breaking", "the default server changed, or a server is gone"),
    "open-enum-value-added": ("warning", "an open enum gained a value"),
    "status-documented": ("warning", "a status (or its JSON body) is newly documented"),
    "constraint-description-changed": (
        "warning",
        "a description changed what it says about a constraint",
    ),
    "property-required": ("warning", "a response property is now required"),
    "required-property-added": ("warning", "a new response property is required"),
    "property-not-nullable": ("warning", "a response property may no longer be null"),
    "property-added": ("info", "a new optional response property"),
    "operation-added": ("info", "a new operation"),
    "parameter-added": ("info", "a new optional request parameter"),
    "parameter-loosened": ("info", "a request parameter accepts more than before"),
    "enum-opened": ("info", "a closed enum became open"),
    "example-added": ("info", "a new example"),
    "security-added": ("info", "a new security scheme or alternative"),
    "server-added": ("info", "a new server besides the default one"),
}


def at_or_above(severity: Severity, threshold: Severity) -> bool:
    """Whether ``severity`` is ``threshold`` or more severe."""
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


@dataclass(frozen=True)
class Change:
    """One classified change: its rule, where it is in OLD and NEW, and what it means.

    A pointer is None on the side where the changed thing does not exist; ``line`` is
    in NEW, at the changed node or, for something removed, at what held it.
    """

    rule: str
    old_pointer: str | None
    new_pointer: str | None
    path: str
    line: int
    message: str

    @property
    def severity(self) -> Severity:
        """The rule's severity."""
        return RULES[self.rule][0]

    @property
    def location(self) -> str:
        """``file:line`` in NEW."""
        return f"{self.path}:{self.line}"


class Recorder:
    """Collects changes against NEW, once each: a shared component is reached from many
    operations, but a change to it is one change."""

    def __init__(self, new: LoadedSpec) -> None:
        self.new = new
        self._changes: dict[tuple[str, str | None, str | None], Change] = {}

    def add(
        self,
        rule: str,
        old_pointer: str | None,
        new_pointer: str | None,
        message: str,
        *,
        anchor: str = "",
    ) -> None:
        """Record a change; ``anchor`` is the NEW node to point at when ``new_pointer`` is None."""
        if rule not in RULES:
            raise KeyError(f"unknown diff rule {rule!r}")
        key = (rule, old_pointer, new_pointer)
        if key in self._changes:
            return
        line, _ = self.new.locate(new_pointer if new_pointer is not None else anchor)
        self._changes[key] = Change(rule, old_pointer, new_pointer, self.new.path, line, message)

    def changes(self) -> list[Change]:
        """Every change, most severe first, then in NEW's order."""
        return sorted(
            self._changes.values(),
            key=lambda c: (
                SEVERITIES.index(c.severity),
                c.line,
                c.rule,
                c.new_pointer or "",
                c.old_pointer or "",
            ),
        )

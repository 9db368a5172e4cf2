"""What the schema layer finds, before it is tied to an input (no jsonschema needed here)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Issue"]


@dataclass(frozen=True)
class Issue:
    """One problem the schema layer found, before it is tied to an input.

    ``soft`` issues (a value an open enum does not list, a field the spec lacks) are
    warnings unless ``--strict``.
    """

    pointer: str
    rule: str
    keyword: str
    expected: str
    found: str
    message: str
    soft: bool = False

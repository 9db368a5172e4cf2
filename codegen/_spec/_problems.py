"""The one shape every finding about a spec takes: ``file:line:col: rule: message``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem"]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a spec file, at a 1-based line and column.

    ``severity`` is ``"error"``, or ``"warning"`` for a style rule: a warning is shown
    as ``file:line:col: rule: warning: message`` and fails ``specbind lint`` only with
    ``--strict``.
    """

    path: str
    line: int
    column: int
    rule: str
    message: str
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        """Whether this problem stops generate (every problem but a warning)."""
        return self.severity != "warning"

    def __str__(self) -> str:
        shown = self.message if self.is_error else f"warning: {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.rule}: {shown}"

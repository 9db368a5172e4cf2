"""The marker for a field that was absent from the JSON, as opposed to ``null``."""

from __future__ import annotations

import enum
from typing import Final, Literal

__all__ = ["UNSET", "Unset"]


class Unset(enum.Enum):
    """The type of :data:`UNSET`; a one-member enum so type checkers can narrow on it."""

    UNSET = enum.auto()

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


#: The value of an optional field whose key was absent from the JSON.
UNSET: Final = Unset.UNSET

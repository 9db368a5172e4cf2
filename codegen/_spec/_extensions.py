"""The specbind extensions a spec may carry, by the key they are written under."""

from __future__ import annotations

__all__ = ["ENUM_KEY", "WAITERS_KEY"]

#: The operation extension that declares waiters (see ``_lint._waiters``).
WAITERS_KEY = "x-specbind-waiters"
#: The schema extension that says whether an enum is ``open`` or ``closed``.
ENUM_KEY = "x-specbind-enum"

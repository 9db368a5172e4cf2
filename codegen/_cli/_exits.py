"""The exit statuses every ``specbind`` command shares."""

from __future__ import annotations

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE"]

#: Nothing wrong was found.
EXIT_OK = 0
#: Problems or invalid payloads were found.
EXIT_FINDINGS = 1
#: Bad arguments, or an input or spec that cannot be read.
EXIT_USAGE = 2

"""The exit statuses every ``specbind`` command shares (a module of its own, so that the
command modules need not import the dispatcher that imports them)."""

__all__ = ["EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

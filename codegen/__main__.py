"""``python -m specbind``: the same as the ``specbind`` command."""

from ._cli import main

raise SystemExit(main())

"""``python -m codegen``: the same as the ``specbind`` command."""

from codegen._cli import main

raise SystemExit(main())

"""``python -m specbind``: the same as the ``specbind`` command."""

from ._cli import main

# Guarded: worker processes started by "spawn" (Dask's, multiprocessing's) import this
# module again, and must not run the command.
if __name__ == "__main__":
    raise SystemExit(main())

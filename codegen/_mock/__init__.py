"""``specbind mock`` and ``specbind record``: a mock server for one spec, with jobs
driven by the spec's waiters, and a recording proxy that checks traffic against it.

The public names are in :mod:`specbind.mock`. This package imports nothing itself, so
that the mock's command loads neither the proxy nor the validator it checks with.
"""

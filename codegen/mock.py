"""The mock server's public names: ``from specbind.mock import MockServer``."""

from ._mock import Fault, Job, MockError, MockServer, load_scenario

__all__ = ["Fault", "Job", "MockError", "MockServer", "load_scenario"]

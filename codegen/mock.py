"""The mock server's and the recording proxy's public names:
``from specbind.mock import MockServer, RecordingProxy``."""

from ._mock import Fault, Job, MockError, MockServer, RecordingProxy, load_scenario

__all__ = ["Fault", "Job", "MockError", "MockServer", "RecordingProxy", "load_scenario"]

"""The mock server's and the recording proxy's public names:
``from specbind.mock import MockServer, RecordingProxy``."""

from ._mock._api import MockError
from ._mock._jobs import Fault, Job
from ._mock._record import RecordingProxy
from ._mock._scenario import load_scenario
from ._mock._server import MockServer

__all__ = ["Fault", "Job", "MockError", "MockServer", "RecordingProxy", "load_scenario"]

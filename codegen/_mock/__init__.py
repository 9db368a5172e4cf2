"""``specbind mock``: a mock server for one spec, with jobs driven by the spec's waiters.

```python
from specbind.mock import MockServer

with MockServer("prunner") as mock:
    mock.add_job("getJobDetail", {"id": JOB_ID}, waiter="job", outcome="success", after=2)
    client = Client(base_url=mock.url, token="t")
```
"""

from ._api import MockError
from ._jobs import Fault, Job
from ._record import RecordingProxy
from ._scenario import load_scenario
from ._server import MockServer

__all__ = ["Fault", "Job", "MockError", "MockServer", "RecordingProxy", "load_scenario"]

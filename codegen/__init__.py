"""specbind's toolkit: load, lint and compile OpenAPI specs, and check captured traffic.

The names below are the public API; every module behind them is private. Checking
traffic from Python::

    from specbind import Validator

    validator = Validator("prunner", strict=True)
    result = validator.check_body(b'{"id": "..."}', operation="getJobDetail", status=200)
    for finding in result.findings:
        print(finding.pointer, finding.severity, finding.message)
"""

from ._cli import main
from ._spec._load import LoadedSpec, LoadError, load_spec
from ._spec._problems import Problem
from ._validate._drift import Drift
from ._validate._finding import Finding, Result
from ._validate._validator import ModelLayerWarning, Validator, ValidatorError

__all__ = [
    "Drift",
    "Finding",
    "LoadError",
    "LoadedSpec",
    "ModelLayerWarning",
    "Problem",
    "Result",
    "Validator",
    "ValidatorError",
    "load_spec",
    "main",
]

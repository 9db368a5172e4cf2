"""specbind's toolkit: load, lint and compile OpenAPI specs, and check captured traffic.

The names below are the public API; every module behind them is private. Checking
traffic from Python::

    from specbind import Validator

    validator = Validator("prunner", strict=True)
    result = validator.check_body(b'{"id": "..."}', operation="getJobDetail", status=200)
    for finding in result.findings:
        print(finding.pointer, finding.severity, finding.message)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Each public name by the private module that defines it, imported on first use (PEP 562):
# `specbind mock` and `specbind wait` start without loading the validator and its schemas.
_HOMES = {
    "main": "._cli",
    "LoadedSpec": "._spec._load",
    "LoadError": "._spec._load",
    "load_spec": "._spec._load",
    "Problem": "._spec._problems",
    "Drift": "._validate._drift",
    "Finding": "._validate._finding",
    "Result": "._validate._finding",
    "ModelLayerWarning": "._validate._validator",
    "Validator": "._validate._validator",
    "ValidatorError": "._validate._validator",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])

"""The generator and formatter versions, pinned once, in pyproject.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

__all__ = ["PinError", "ToolVersions", "tool_versions"]

_GENERATOR = "datamodel-code-generator"
_FORMATTER = "ruff"


class PinError(Exception):
    """An installed tool differs from its pin, so the output would not be reproducible."""


@dataclass(frozen=True)
class ToolVersions:
    """The versions written into every generated file's header."""

    specbind: str
    generator: str
    formatter: str


def _pinned(requirements: list[str], name: str) -> str:
    for requirement in requirements:
        match = re.fullmatch(
            rf"{re.escape(name)}\s*==\s*([\w.]+)", requirement.split(";")[0].strip()
        )
        if match:
            return match.group(1)
    raise PinError(f"specbind does not pin {name} with == in pyproject.toml")


def tool_versions() -> ToolVersions:
    """Return the pinned versions, after checking that exactly those are installed."""
    try:
        requirements = metadata.requires("specbind") or []
        specbind = metadata.version("specbind")
    except metadata.PackageNotFoundError:
        raise PinError("specbind is not installed; run `pip install -e .` first") from None
    versions = {}
    for name in (_GENERATOR, _FORMATTER):
        wanted = _pinned(requirements, name)
        try:
            found = metadata.version(name)
        except metadata.PackageNotFoundError:
            found = "none"
        if found != wanted:
            raise PinError(
                f"generate needs {name}=={wanted} (pinned in pyproject.toml) for byte-identical "
                f"output, but {found} is installed; run `pip install -e .`"
            )
        versions[name] = wanted
    return ToolVersions(specbind, versions[_GENERATOR], versions[_FORMATTER])

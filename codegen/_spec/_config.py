"""Where a project keeps its specs and bindings: ``[tool.specbind]`` in its pyproject.toml.

Every key is optional; the defaults are this repository's layout::

    [tool.specbind]
    specs = "specs"                      # the *.yaml specs, relative to the project
    output = "generated"                 # the bindings' project directory
    package = "generated"                # their import name
    distribution = "specbind-bindings"   # their distribution name (default: package)

``specbind generate --output DIR --package NAME`` overrides them for one run; a
package named on the command line also names the distribution unless
``--distribution`` is given as well.
"""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

__all__ = ["SHIPPED_SPECS", "Config", "ConfigError", "load_config"]

_DEFAULT_PACKAGE = "generated"
_KEYS = ("specs", "output", "package", "distribution")
# PEP 508 names, as the packaging specification writes them.
_DISTRIBUTION = re.compile(r"[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]")


def _shipped_specs() -> Path:
    # Installed, the specs sit inside the package (specbind/specs, mapped from specs/ in
    # pyproject.toml); run from a checkout, they are the top-level specs/ beside codegen/.
    here = Path(__file__).resolve().parent.parent
    installed = here / "specs"
    return installed if installed.is_dir() else here.parent / "specs"


#: The specs specbind maintains and ships, found by name outside any project.
SHIPPED_SPECS = _shipped_specs()


class ConfigError(Exception):
    """``[tool.specbind]`` or a command-line override is unusable; the message says why."""


@dataclass(frozen=True)
class Config:
    """The resolved names and directories of one project's bindings."""

    specs: Path
    output: Path
    package: str
    distribution: str


def load_config(
    project: Path,
    *,
    output: Path | None = None,
    package: str | None = None,
    distribution: str | None = None,
) -> Config:
    """Read ``project/pyproject.toml`` (if any) and apply the command-line overrides."""
    table = _table(project / "pyproject.toml")
    chosen_package = package or _string(table, "package") or _DEFAULT_PACKAGE
    if not chosen_package.isidentifier() or keyword.iskeyword(chosen_package):
        raise ConfigError(f"package {chosen_package!r}: not a Python package name")
    # A package named for one run is a different distribution from the configured one.
    configured = None if package else _string(table, "distribution")
    chosen_distribution = distribution or configured or chosen_package.replace("_", "-")
    if not _DISTRIBUTION.fullmatch(chosen_distribution):
        raise ConfigError(f"distribution {chosen_distribution!r}: not a distribution name")
    return Config(
        specs=project / (_string(table, "specs") or "specs"),
        output=output
        if output is not None
        else project / (_string(table, "output") or "generated"),
        package=chosen_package,
        distribution=chosen_distribution,
    )


def _table(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    table = data.get("tool", {}).get("specbind", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.specbind] must be a table")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(
            f"{path}: [tool.specbind] has unknown key(s) {', '.join(unknown)} "
            f"(known: {', '.join(_KEYS)})"
        )
    for key, value in table.items():
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{path}: [tool.specbind] {key} must be a non-empty string")
    return table


def _string(table: dict[str, Any], key: str) -> str | None:
    value = table.get(key)
    return value if isinstance(value, str) else None

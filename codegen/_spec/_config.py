"""Where a project keeps its specs and bindings: ``[tool.specbind]`` in its pyproject.toml.

Every key is optional; the defaults are this repository's layout::

    [tool.specbind]
    specs = "specs"                      # the specs (*.yaml, *.yml, *.json)
    output = "generated"                 # the bindings' project directory
    package = "generated"                # their import name
    distribution = "specbind-bindings"   # their distribution name (default: package)
    version = "1.4.0"                    # their version (default: from the specs, see below)
    strict = false                       # true: lint warnings fail, as `specbind lint --strict`
    quiet = ["info-contact"]             # warning rules lint does not show

``specbind generate --output DIR --package NAME`` overrides them for one run; a
package named on the command line also names the distribution unless
``--distribution`` is given as well.

Every command finds the project as pytest and ruff find theirs: ``--project DIR`` names
it; without it, the current directory and then each of its parents is looked at, and the
first holding a ``pyproject.toml`` with a ``[tool.specbind]`` table is the project.
When none has one, the current directory is the project, with every default.
"""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._version import VersionError, normalise_version

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

__all__ = ["SHIPPED_SPECS", "Config", "ConfigError", "find_project", "load_config"]

_DEFAULT_PACKAGE = "generated"
_STRINGS = ("specs", "output", "package", "distribution", "version")
_KEYS = (*_STRINGS, "strict", "quiet")
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
    """The resolved names and directories of one project's bindings, and its lint policy."""

    project: Path
    specs: Path
    output: Path
    package: str
    distribution: str
    #: The bindings' distribution version; None: made from the specs by generate.
    version: str | None = None
    #: Lint warnings fail, as errors do.
    strict: bool = False
    #: The warning rules lint leaves unsaid.
    quiet: frozenset[str] = frozenset()


def find_project(start: Path | None = None) -> Path:
    """The project directory of ``start`` (default: the current directory): the nearest of
    it and its parents whose pyproject.toml has a ``[tool.specbind]`` table, else ``start``.

    A pyproject.toml that cannot be read or parsed stops the search with a ConfigError:
    it might be the one that was meant.
    """
    start = Path() if start is None else start
    for directory in (start.absolute(), *start.absolute().parents):
        path = directory / "pyproject.toml"
        if path.is_file() and "specbind" in _document(path).get("tool", {}):
            # Shown as the user would write it: relative when it is the start itself.
            return start if directory == start.absolute() else directory
    return start


def load_config(
    project: Path | None = None,
    *,
    output: Path | None = None,
    package: str | None = None,
    distribution: str | None = None,
) -> Config:
    """Read the project's ``[tool.specbind]`` (the project found by :func:`find_project`
    when ``project`` is None) and apply the command-line overrides."""
    project = find_project() if project is None else project
    table = _table(project / "pyproject.toml")
    chosen_package = package or table.get("package") or _DEFAULT_PACKAGE
    if not chosen_package.isidentifier() or keyword.iskeyword(chosen_package):
        raise ConfigError(f"package {chosen_package!r}: not a Python package name")
    # A package named for one run is a different distribution from the configured one.
    configured = None if package else table.get("distribution")
    chosen_distribution = distribution or configured or chosen_package.replace("_", "-")
    if not _DISTRIBUTION.fullmatch(chosen_distribution):
        raise ConfigError(f"distribution {chosen_distribution!r}: not a distribution name")
    return Config(
        project=project,
        specs=project / table.get("specs", "specs"),
        output=output if output is not None else project / table.get("output", "generated"),
        package=chosen_package,
        distribution=chosen_distribution,
        version=table.get("version"),
        strict=table.get("strict", False),
        quiet=frozenset(table.get("quiet", ())),
    )


def _document(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: [tool] must be a table")
    return document


def _table(path: Path) -> dict[str, Any]:
    """``[tool.specbind]`` of ``path``, every value checked to have its key's type."""
    table = _document(path).get("tool", {}).get("specbind", {})
    where = f"{path}: [tool.specbind]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(
            f"{where} has unknown key(s) {', '.join(unknown)} (known: {', '.join(_KEYS)})"
        )
    for key in _STRINGS:
        if key in table and (not isinstance(table[key], str) or not table[key]):
            raise ConfigError(f"{where} {key} must be a non-empty string, not {table[key]!r}")
    if not isinstance(table.get("strict", False), bool):
        raise ConfigError(f"{where} strict must be true or false, not {table['strict']!r}")
    quiet = table.get("quiet", [])
    if not isinstance(quiet, list) or not all(isinstance(r, str) and r for r in quiet):
        raise ConfigError(
            f'{where} quiet must be a list of rule names, such as ["info-contact"], not {quiet!r}'
        )
    if "version" in table:
        try:
            table["version"] = normalise_version(table["version"])
        except VersionError as exc:
            raise ConfigError(f"{where} version: {exc}") from None
    return table

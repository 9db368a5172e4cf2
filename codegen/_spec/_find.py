"""``--spec NAME|PATH``: the one rule by which every command finds the spec it is given.

A reference is a path when it names an existing file, has a spec file's extension
(``.yaml``, ``.yml``, ``.json``) or holds a path separator; a path is taken relative to the
current directory, as a shell user means it. Anything else is a name: the package name
(:func:`~._files.package_name`) of a spec in the project's specs directory, else of one
specbind ships. So ``prunner``, ``specs/prunner.yaml`` and, in a project with
``train-travel.yaml``, both ``train_travel`` and ``train-travel`` find a spec.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._config import SHIPPED_SPECS
from ._files import SPEC_SUFFIXES, SpecFilesError, find_specs, package_name

__all__ = ["SpecNotFound", "find_spec", "is_path"]


class SpecNotFound(Exception):
    """No spec answers to the reference; ``str()`` says what was looked at and what is known."""


def is_path(reference: str) -> bool:
    """Whether ``reference`` is read as a path rather than a spec name."""
    return (
        reference.lower().endswith(SPEC_SUFFIXES)
        or os.sep in reference
        or "/" in reference
        or Path(reference).is_file()
    )


def find_spec(reference: str, specs: Path) -> Path:
    """The spec file ``reference`` names: a path (returned as it is, even when there is no
    such file), or a name in the specs directory ``specs``, then among the specs specbind
    ships (:data:`SHIPPED_SPECS`)."""
    if is_path(reference):
        # Not looked at here: the loader says why a path cannot be read, at the path.
        return Path(reference)
    name = package_name(reference)
    known: set[str] = set()
    for directory in (specs, SHIPPED_SPECS):
        found = _specs_in(directory)
        if name in found:
            return found[name]
        known |= set(found)
    listed = ", ".join(sorted(known)) or "none"
    raise SpecNotFound(
        f"--spec {reference}: no spec of that name in {specs}, nor shipped with specbind "
        f"(known: {listed})"
    )


def _specs_in(directory: Path) -> dict[str, Path]:
    if not directory.is_dir():
        return {}
    try:
        return find_specs(directory)
    except SpecFilesError as exc:
        raise SpecNotFound(str(exc)) from None

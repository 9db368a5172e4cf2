"""Which files in a specs directory are specs, and the package name each one gets.

A spec file is any ``*.yaml``, ``*.yml`` or ``*.json`` directly in the directory. Its
package name comes from the file name by one rule, :func:`package_name`:

- drop the extension (``.yaml``, ``.yml``, ``.json``);
- take accents off letters (``é`` is ``e``), lower-case it, and turn every run of
  characters other than ``a-z`` and ``0-9`` into one ``_``, trimming ``_`` at both ends;
- a name that is empty or starts with a digit gets a ``spec_`` prefix, and a Python
  keyword a ``_`` suffix.

So ``train-travel.yaml`` is ``train_travel``, ``openapi.v2.json`` is ``openapi_v2`` and
``3dsecure.yml`` is ``spec_3dsecure``. Two files that give one name are refused, naming
both, rather than one silently replacing the other.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from pathlib import Path, PurePosixPath

__all__ = ["SPEC_SUFFIXES", "SpecFilesError", "find_specs", "package_name", "shown_path"]

#: The file extensions a spec may have, in the order a directory listing names them.
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_NOT_NAME = re.compile(r"[^a-z0-9]+")


class SpecFilesError(Exception):
    """The specs directory cannot be read, or two files give one package name."""


def package_name(path: str | Path) -> str:
    """The package name of a spec file, by the rule in this module's docstring."""
    stem = Path(path).name
    for suffix in SPEC_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    bare = "".join(c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))
    name = _NOT_NAME.sub("_", bare.lower()).strip("_")
    if not name or name[0].isdigit():
        name = f"spec_{name}".rstrip("_")
    if keyword.iskeyword(name):
        name += "_"
    return name


def shown_path(path: str | Path) -> str:
    """A spec file as generated code names it: its directory's name and its own.

    That is its path in the project (``specs/train-travel.yaml``) for specs kept directly
    in the project's specs directory, the same wherever the command runs from.
    """
    written = Path(path)
    return PurePosixPath(written.parent.name, written.name).as_posix()


def find_specs(directory: Path) -> dict[str, Path]:
    """Every spec file in ``directory`` by package name, sorted by name.

    Raises :class:`SpecFilesError` when the directory cannot be listed or two files
    give one package name.
    """
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        raise SpecFilesError(f"{directory}: cannot list it ({exc.strerror or exc})") from None
    found: dict[str, Path] = {}
    for path in entries:
        if not path.name.lower().endswith(SPEC_SUFFIXES) or not path.is_file():
            continue
        name = package_name(path)
        if name in found:
            raise SpecFilesError(
                f"{found[name]} and {path} both give the package name {name!r}; rename one of them"
            )
        found[name] = path
    return dict(sorted(found.items()))

"""Read a spec from a file, or from git as ``REV:path``, and name it as it was given."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from .._spec._load import LoadedSpec, LoadError, load_spec

__all__ = ["SourceError", "read_committed", "read_spec"]


class SourceError(Exception):
    """A spec that cannot be read from git; ``str()`` is one line."""


def read_spec(argument: str) -> LoadedSpec:
    """Load OLD or NEW: an existing file, else ``REV:path`` read from git.

    Raises :class:`LoadError` (a file that cannot be read or parsed) or
    :class:`SourceError` (git cannot give the file).
    """
    if ":" in argument and not Path(argument).exists():
        return _from_git(argument, argument, Path.cwd())
    return load_spec(argument)


def read_committed(path: str, revision: str = "HEAD") -> LoadedSpec:
    """Load the committed version of a working-copy file, named ``REV:path``."""
    where = Path(path)
    # `REV:./name` is resolved by git relative to the directory it runs in, so the
    # file's own directory finds it wherever the repository root is.
    return _from_git(f"{revision}:{path}", f"{revision}:./{where.name}", where.parent)


def _from_git(shown: str, object_name: str, directory: Path) -> LoadedSpec:
    if object_name.startswith("-"):
        raise SourceError(f"{shown}: not a revision and path (it starts with '-')")
    if not directory.is_dir():
        raise SourceError(f"{shown}: no such directory {str(directory)!r}")
    # Messages are matched and shown as git writes them in English.
    environment = {**os.environ, "LC_ALL": "C"}
    try:
        done = subprocess.run(  # noqa: S603 -- fixed command; the object name is one argument
            ["git", "cat-file", "blob", object_name],  # noqa: S607 -- git from PATH, as a user runs it
            cwd=directory,
            capture_output=True,
            env=environment,
            check=False,
        )
    except OSError as exc:
        raise SourceError(f"{shown}: cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[0].removeprefix("fatal: ") if lines else f"exit status {done.returncode}"
        if reason.endswith(": bad file"):
            reason = "it names a directory, not a file"
        raise SourceError(f"{shown}: git cannot read it: {reason}")
    name = PurePosixPath(object_name.partition(":")[2]).name or "spec.yaml"
    with tempfile.TemporaryDirectory(prefix="specbind-diff-") as scratch:
        # Loaded from a file named like the original, so the spec keeps its name.
        copy = Path(scratch) / name
        copy.write_bytes(done.stdout)
        try:
            spec = load_spec(copy)
        except LoadError as exc:
            raise LoadError(shown, exc.message, exc.line, exc.column) from None
    return replace(spec, path=shown)

"""Format stage: ruff (pinned in pyproject.toml) formats and tidies generated source."""

from __future__ import annotations

import functools
import subprocess
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from ruff import find_ruff_bin

from ._cache import Cache

__all__ = ["FormatError", "format_sources"]

_CONFIG = Path(__file__).parent.parent / "ruff_generated.toml"
#: The two passes, in order; every file of a run goes through each in one ruff process.
_PASSES = (
    ("check", "--fix", "--exit-zero", "--quiet", "--no-cache"),
    ("format", "--quiet", "--no-cache"),
)


class FormatError(Exception):
    """ruff rejected generated source: a generator bug, reported with ruff's message."""


@functools.cache
def _identity() -> str:
    """Everything besides a file's path and source that decides what ruff makes of it:
    its version, its configuration and the passes we run."""
    passes = "\n".join(" ".join(arguments) for arguments in _PASSES)
    config = _CONFIG.read_text(encoding="utf-8")
    return f"ruff {metadata.version('ruff')}\n{passes}\n{config}"


def format_sources(sources: Mapping[str, str], cache: Cache | None = None) -> dict[str, str]:
    """Return each source after ``ruff check --fix`` and ``ruff format``.

    ``sources`` maps a path relative to the project (``generated/prunner/client.py``)
    to its source. What ``cache`` holds for a path and source is reused; the rest is
    formatted, each pass once over all those files, and stored in ``cache``.
    """
    keys = {path: Cache.key(_identity(), path, source) for path, source in sources.items()}
    done: dict[str, str] = {}
    if cache is not None:
        for relative, key in keys.items():
            cached = cache.get(key)
            if cached is not None:
                done[relative] = cached
    missing = {relative: source for relative, source in sources.items() if relative not in done}
    for relative, text in _format_all(missing).items():
        if cache is not None:
            cache.put(keys[relative], text)
        done[relative] = text
    return {relative: done[relative] for relative in sources}


def _format_all(sources: Mapping[str, str]) -> dict[str, str]:
    """Format every source; the files are written under their paths into a scratch
    directory and each pass runs once over all of them, not once per file."""
    if not sources:
        return {}
    with tempfile.TemporaryDirectory(prefix="specbind-format-") as scratch:
        root = Path(scratch)
        paths = {relative: root / relative for relative in sources}
        for relative, path in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(sources[relative], encoding="utf-8", newline="\n")
        for arguments in _PASSES:
            _run_ruff(arguments, root, sorted(paths))
        return {relative: path.read_text(encoding="utf-8") for relative, path in paths.items()}


def _run_ruff(arguments: tuple[str, ...], root: Path, relatives: list[str]) -> None:
    """Run one ruff pass over ``relatives`` (paths under ``root``), editing them in place.

    It runs in ``root``, which holds nothing but the files: ruff counts the
    directories of its working directory as first-party modules when it sorts
    imports, so the output (and the cache of it) must not depend on where
    ``specbind generate`` was started.
    """
    command = [str(find_ruff_bin()), *arguments, "--config", str(_CONFIG), *relatives]
    done = subprocess.run(  # noqa: S603 - a fixed command on files we wrote
        command, cwd=root, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if done.returncode != 0:
        reason = done.stderr.strip() or done.stdout.strip()
        raise FormatError(f"ruff {arguments[0]} failed: {reason}")

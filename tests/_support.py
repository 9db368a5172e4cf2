"""Paths and helpers shared by the tests (imported as ``_support``: tests/ is on sys.path)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from specbind import LoadedSpec

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SPEC_NAMES = ("veryfront", "prunner", "vectara")


def iter_response_examples(spec: LoadedSpec) -> Iterator[tuple[str, str, str, Any]]:
    """Yield (operationId, status, example name, value) for every JSON response example."""
    for item in spec.data["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for status, response in operation.get("responses", {}).items():
                for media_type, media in response.get("content", {}).items():
                    if "json" not in media_type:
                        continue
                    for name, example in media.get("examples", {}).items():
                        yield operation["operationId"], str(status), name, example["value"]


def fresh_copy(target: Path) -> Path:
    """Copy what a fresh clone of the repository holds (with uncommitted changes) to ``target``:
    tracked and untracked files, nothing git ignores (no build artefacts, no caches)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    for relative in filter(None, listed.split("\0")):
        if (ROOT / relative).is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / relative, target / relative)
    return target

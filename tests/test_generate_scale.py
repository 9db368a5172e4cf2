"""`specbind generate` on large specs: memory stays a small, linear cost of the schema count."""

from __future__ import annotations

import ast
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from _support import ROOT
from _synthetic_spec import write_project

#: 400 schemas took 0.5 GB before the fix (it grew with the square of the count, 1.7 GB
#: for 800); 130 MB after it.
SCHEMAS = 400
ADDRESS_SPACE = 512 * 1024 * 1024


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@pytest.mark.slow
def test_a_spec_of_many_schemas_generates_within_a_memory_cap(tmp_path: Path) -> None:
    write_project(tmp_path, SCHEMAS)
    done = subprocess.run(
        [sys.executable, "-m", "specbind", "generate", "--project", str(tmp_path)],
        # ruff reserves address space per thread, one thread per CPU: the cap is for us.
        env={**os.environ, "RAYON_NUM_THREADS": "2"},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        preexec_fn=_cap_memory,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    models = (tmp_path / "generated" / "synthetic" / "models.py").read_text(encoding="utf-8")
    classes = [node for node in ast.parse(models).body if isinstance(node, ast.ClassDef)]
    assert len(classes) == SCHEMAS

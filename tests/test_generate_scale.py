"""`specbind generate` on large specs: memory stays a small, linear cost of the schema count."""

from __future__ import annotations

import ast
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from _measure import measure
from _support import ROOT
from _synthetic_spec import write_project
from bench_generate import GENERATOR_ALONE, TARGET_PEAK_AGAINST_GENERATOR_ALONE

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


@pytest.mark.slow
def test_generate_peaks_near_the_model_generator_alone(tmp_path: Path) -> None:
    spec = write_project(tmp_path / "project", 2000, operations=500)
    ours = measure(
        [
            sys.executable,
            "-m",
            "specbind",
            "generate",
            "--no-cache",
            "--project",
            str(spec.parent.parent),
        ],
        tmp_path / "generate.log",
    )
    script = tmp_path / "generator_alone.py"
    script.write_text(GENERATOR_ALONE, encoding="utf-8")
    alone = measure([sys.executable, str(script), str(spec)], tmp_path / "alone.log")
    assert ours.status == 0, (tmp_path / "generate.log").read_text()[-2000:]
    assert alone.status == 0, (tmp_path / "alone.log").read_text()[-2000:]
    ratio = ours.maxrss_kib / alone.maxrss_kib
    assert ratio <= TARGET_PEAK_AGAINST_GENERATOR_ALONE, (
        f"generate peaked at {ours.maxrss_kib // 1024} MB, {ratio:.2f} times "
        f"datamodel-code-generator's {alone.maxrss_kib // 1024} MB alone"
    )

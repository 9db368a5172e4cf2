"""A wheel rebuilt after a spec change replaces the installed one with a plain `pip install`:
the bindings' version follows the spec (``info.version`` plus a hash of the specs)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _support import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.packaging]

CONFIG = """\
[tool.specbind]
specs = "apis"
output = "acme_out"
package = "acme"
distribution = "acme-jobs"
"""


def _ok(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def test_a_rebuilt_wheel_replaces_the_old_one(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    (project / "apis").mkdir(parents=True)
    spec = project / "apis" / "prunner.yaml"
    shutil.copy(ROOT / "specs" / "prunner.yaml", spec)
    (project / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    venv = tmp_path / "venv"
    _ok(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def build_and_install(number: int) -> str:
        _ok(sys.executable, "-m", "specbind", "generate", cwd=project)
        wheels = tmp_path / f"wheels{number}"
        _ok(*pip, "wheel", "--quiet", "--no-deps", "-w", wheels, project / "acme_out", cwd=tmp_path)
        (wheel,) = wheels.glob("acme_jobs-*.whl")
        # A plain install: no --upgrade, no --force-reinstall.
        _ok(*pip, "--python", python, "install", "--quiet", wheel, cwd=tmp_path)
        return _ok(
            python,
            "-c",
            "import importlib.metadata as m, acme.prunner as p\n"
            "print(m.version('acme-jobs'), p.SPEC_SHA256)",
            cwd=elsewhere,
        )

    first_version, first_sha = build_and_install(1).split()
    assert first_version.startswith("1.0.0+g")
    assert first_sha == hashlib.sha256(spec.read_bytes()).hexdigest()

    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace("title: Prunner job detail API (specbind)", "title: Acme's Prunner"),
        encoding="utf-8",
    )
    second_version, second_sha = build_and_install(2).split()
    assert second_sha == hashlib.sha256(spec.read_bytes()).hexdigest() != first_sha
    assert second_version.startswith("1.0.0+g")
    assert second_version != first_version

"""specbind's pre-commit hooks, used by another repository as pre-commit users wire them in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _support import ROOT, fresh_copy

pytestmark = [pytest.mark.slow, pytest.mark.packaging]

_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **_GIT_IDENTITY},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _commit_all(repository: Path) -> str:
    if not (repository / ".git").exists():
        _git("init", "--quiet", cwd=repository)
    _git("add", "--all", cwd=repository)
    _git("commit", "--quiet", "--no-verify", "--message", "snapshot", cwd=repository)
    return _git("rev-parse", "HEAD", cwd=repository)


def _pre_commit(repository: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repository,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, **_GIT_IDENTITY, "PRE_COMMIT_HOME": str(home)},
    )


def test_the_hooks_pass_on_clean_specs_and_fail_on_a_broken_one(tmp_path: Path) -> None:
    hooks = fresh_copy(tmp_path / "specbind")
    rev = _commit_all(hooks)
    user = tmp_path / "user"
    shutil.copytree(ROOT / "specs", user / "specs")
    shutil.copytree(
        ROOT / "generated", user / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    (user / "pyproject.toml").write_text(
        # The version as this repository sets it, so that its generated/ is what it wants.
        '[tool.specbind]\ndistribution = "specbind-bindings"\nversion = "0.1.0"\n',
        encoding="utf-8",
    )
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks}\n  rev: {rev}\n  hooks:\n"
        "  - id: specbind-lint\n  - id: specbind-generate-check\n",
        encoding="utf-8",
    )
    _commit_all(user)
    home = tmp_path / "pre-commit-home"

    clean = _pre_commit(user, home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.count("Passed") == 2, clean.stdout

    spec = user / "specs" / "prunner.yaml"
    spec.write_text(
        spec.read_text("utf-8").replace("x-specbind-enum: closed", "x-specbind-enum: maybe"),
        "utf-8",
    )
    _commit_all(user)
    broken = _pre_commit(user, home)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert broken.stdout.count("Failed") == 2, broken.stdout
    assert "enum-open-closed" in broken.stdout

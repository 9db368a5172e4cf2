"""`specbind wait` in a user's project: it finds the bindings generated under the
project's own package name and output directory, from any subdirectory, with --spec
by name or by path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _server import Exchange, TestServer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok_pr0ject-w41t"
CONFIG = """\
[tool.specbind]
specs = "apis"
output = "bindings"
package = "acme"
"""


def _specbind(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "specbind", *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose bindings are the package ``acme`` in ``bindings/``, generated."""
    project = tmp_path_factory.mktemp("acme")
    (project / "apis").mkdir()
    shutil.copy(ROOT / "specs" / "vectara.yaml", project / "apis" / "vectara.yaml")
    (project / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    (project / "src").mkdir()
    done = _specbind("generate", cwd=project)
    assert done.returncode == 0, done.stderr
    return project


def _completed(exchange: Exchange) -> None:
    exchange.json(200, {"id": "job_7", "state": "completed"})


@pytest.mark.parametrize("spec", ["vectara", "../apis/vectara.yaml"])
def test_wait_uses_the_projects_own_bindings(acme: Path, server: TestServer, spec: str) -> None:
    server.serve(_completed)
    done = _specbind(
        "wait", "--spec", spec, "--waiter", "job", "--base-url", server.url,
        "--param", "job_id=job_7", "--token-env", "ACME_TOKEN",
        cwd=acme / "src", ACME_TOKEN=TOKEN,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{spec} job: success after ")
    (request,) = server.requests
    assert request.target == "/v2/jobs/job_7"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_without_the_bindings_it_says_where_it_looked(acme: Path, tmp_path: Path) -> None:
    project = tmp_path / "bare"
    shutil.copytree(acme / "apis", project / "apis")
    (project / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    done = _specbind("wait", "--spec", "vectara", "--waiter", "job", cwd=project)
    assert done.returncode == 2
    assert done.stderr == (
        "specbind wait: no bindings for spec 'vectara': neither bindings/vectara/ nor an "
        "installed acme.vectara (run specbind generate)\n"
    )

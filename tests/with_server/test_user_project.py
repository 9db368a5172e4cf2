"""specbind in a user's own project, end to end: a hand-written job API (tests/fixtures/ops/
jobs.yaml) in a project with its own ``[tool.specbind]``, linted, generated, built into a
wheel, installed into a clean environment and used from another directory against a real
127.0.0.1 server; then changed, regenerated and reinstalled with a plain ``pip install``;
then ``specbind wait`` and ``specbind validate`` through that project's package."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _server import Exchange, Script, TestServer
from _support import FIXTURES

pytestmark = [pytest.mark.slow, pytest.mark.packaging]

CONFIG = """\
[tool.specbind]
specs = "apis"
output = "jobsapi"
package = "jobsapi"
distribution = "jobs-api"
"""
TOKEN, USER, PASSWORD, KEY = "tok_us3r-pr0ject", "ada", "s3cret", "k3y_in_query"
ARTIFACT = bytes(range(256)) * 1024  # 256 KiB, read back in chunks
LOG = "step 1: fetched\nstep 2: built \u2713\n"
JOB = {"id": "j1", "name": "build", "state": "queued"}

# A new operation, inserted before readLog; nothing else in the spec changes.
RETRY = """\
  /jobs/{jobId}/retry:
    parameters:
      - $ref: '#/components/parameters/JobId'
    post:
      operationId: retryJob
      tags: [jobs]
      summary: Retry a job.
      responses:
        '202':
          description: Retry accepted.
          x-specbind-why-no-schema: Accepted, with no body.
"""

USE = """
import json, sys
import jobsapi.jobs as api
with api.Client(base_url=sys.argv[1], token={token!r}, username={user!r},
                password={password!r}, api_key={key!r}) as client:
    job = client.create_job(api.models.JobRequest(name="build", priority=3))
    log = client.read_log("j1")
    with client.download_artifact_stream("j1", "out.bin") as stream:
        chunks = [len(chunk) for chunk in stream]
    cancelled = client.cancel_job("j1")
    deleted = client.delete_job("j1")
print(json.dumps({{
    "job": [type(job).__module__, job.id, job.name, str(job.state.value)],
    "log": log, "chunks": chunks, "cancelled": cancelled, "deleted": deleted,
}}))
"""


def _run(*command: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _ok(*command: str | Path, cwd: Path, **env: str) -> str:
    done = _run(*command, cwd=cwd, **env)
    assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done.stdout


def _jobs_api(exchange: Exchange) -> None:
    """The job API as the calls of USE expect it, by method and path."""
    method, path = exchange.request.method, exchange.request.target.split("?")[0]
    if (method, path) == ("POST", "/jobs"):
        exchange.json(201, JOB, headers=[("Location", "/jobs/j1")])
    elif (method, path) == ("GET", "/jobs/j1/log"):
        exchange.reply(200, LOG.encode(), content_type="text/plain; charset=utf-8")
    elif (method, path) == ("GET", "/jobs/j1/artifacts/out.bin"):
        exchange.reply(200, ARTIFACT, content_type="application/octet-stream")
    elif (method, path) == ("POST", "/jobs/j1/cancel"):
        exchange.reply(202, content_type=None)
    elif (method, path) == ("DELETE", "/jobs/j1"):
        exchange.reply(204, content_type=None)
    else:
        exchange.json(404, {"message": f"no {method} {path}"})


def test_a_user_project_from_spec_to_installed_client(tmp_path: Path, server: TestServer) -> None:
    project = tmp_path / "workshop"
    (project / "apis").mkdir(parents=True)
    spec = project / "apis" / "jobs.yaml"
    spec.write_bytes((FIXTURES / "ops" / "jobs.yaml").read_bytes())
    (project / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    specbind = (sys.executable, "-m", "specbind")
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    _ok(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    wheels = tmp_path / "wheels"  # every wheel built, and the runtime's dependencies

    def generate_and_install() -> str:
        linted = _run(*specbind, "lint", cwd=project)
        assert linted.returncode == 0, linted.stdout + linted.stderr
        assert "1 spec clean" in linted.stderr
        _ok(*specbind, "generate", cwd=project)
        _ok(*pip, "wheel", "--quiet", "-w", wheels, "--find-links", wheels, project / "jobsapi",
            cwd=tmp_path)  # fmt: skip
        (wheel,) = (path for path in wheels.glob("jobs_api-*.whl") if path.name not in seen)
        seen.add(wheel.name)
        # A plain install: no --upgrade, no --force-reinstall, and no index.
        _ok(*pip, "--python", python, "install", "--quiet", "--no-index", "--find-links", wheels,
            wheel, cwd=tmp_path)  # fmt: skip
        return _ok(python, "-c", "import importlib.metadata as m; print(m.version('jobs-api'))",
                   cwd=elsewhere).strip()  # fmt: skip

    seen: set[str] = set()
    first_version = generate_and_install()
    assert first_version.startswith("2.1.0+g")

    # The installed client, used from another directory, against a real server.
    server.serve(_jobs_api)
    script = USE.format(token=TOKEN, user=USER, password=PASSWORD, key=KEY)
    used = json.loads(_ok(python, "-c", script, server.url, cwd=elsewhere))
    assert used["job"] == ["jobsapi.jobs.models", "j1", "build", "queued"]
    assert used["log"] == LOG
    assert sum(used["chunks"]) == len(ARTIFACT)
    assert max(used["chunks"]) < len(ARTIFACT)  # streamed, not read whole
    assert used["cancelled"] is None
    assert used["deleted"] is None
    basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    wire = [
        (sent.method, sent.target, sent.headers.get("authorization")) for sent in server.requests
    ]
    assert wire == [
        ("POST", "/jobs", f"Bearer {TOKEN}"),
        ("GET", "/jobs/j1/log", f"Bearer {TOKEN}"),
        ("GET", "/jobs/j1/artifacts/out.bin", f"Bearer {TOKEN}"),
        ("POST", f"/jobs/j1/cancel?key={KEY}", None),
        ("DELETE", "/jobs/j1", basic),
    ]
    create = server.requests[0]
    assert create.headers["content-type"] == "application/json"
    assert json.loads(create.body) == {"name": "build", "priority": 3}

    # The spec changes: one more operation. Regenerated, rebuilt, reinstalled plainly.
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("  /jobs/{jobId}/log:\n", RETRY + "  /jobs/{jobId}/log:\n"))
    second_version = generate_and_install()
    assert second_version.startswith("2.1.0+g")
    assert second_version != first_version
    new_code = "import jobsapi.jobs as api; api.Client.retry_job; print(api.__file__)"
    where = _ok(python, "-c", new_code, cwd=elsewhere)
    assert Path(where.strip()).is_relative_to(venv)

    # specbind wait, from another directory, through the project's package.
    def job_in(state: str) -> Script:
        return lambda exchange: exchange.json(200, {**JOB, "state": state})

    server.serve(job_in("queued"), job_in("running"), job_in("succeeded"))
    before = len(server.requests)
    done = _run(
        *specbind, "wait", "--project", project, "--spec", "jobs", "--waiter", "job_done",
        "--base-url", server.url, "--param", "jobId=j1", "--token-env", "JOBS_TOKEN",
        cwd=elsewhere, JOBS_TOKEN=TOKEN,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("jobs job_done: success after ")
    polls = server.requests[before:]
    assert [(p.method, p.target, p.headers["authorization"]) for p in polls] == [
        ("GET", "/jobs/j1", f"Bearer {TOKEN}")
    ] * 3

    # specbind validate, with a body of getJob that breaks the model and one that fits it.
    bad, good = elsewhere / "bad.json", elsewhere / "good.json"
    bad.write_text(json.dumps({**JOB, "id": 7}), encoding="utf-8")
    good.write_text(json.dumps(JOB), encoding="utf-8")
    for body, status in ((bad, 1), (good, 0)):
        done = _run(
            *specbind, "validate", "--project", project, "--spec", "jobs",
            "--operation", "getJob", body, cwd=elsewhere,
        )  # fmt: skip
        assert done.returncode == status, done.stdout + done.stderr
        assert "model layer skipped" not in done.stdout + done.stderr
        assert ("bad.json: error: getJob 200 /id: " in done.stdout) == (body == bad)

"""Every code block of the README runs, exactly as written.

The ```python blocks run in a scratch directory holding the capture files they name, with
a Prunner server of our own on 127.0.0.1:9009, the address the README gives; the blocks
about the bindings run in order in one namespace, as a reader pastes them into one
interpreter. The pytest example runs under pytest, with a ``client`` fixture of the
kind the README says a user writes. The ```sh blocks that need nothing but specbind run
in bash; those that install packages or reach other hosts are listed in ``NOT_RUN`` with
the reason, and every block must be either run or listed.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from _support import FIXTURES, ROOT, iter_response_examples
from specbind import load_spec

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```$", README, re.MULTILINE | re.DOTALL)
PYTHON = [code for language, code in BLOCKS if language == "python"]
SHELL = [code for language, code in BLOCKS if language == "sh"]
YAML = [code for language, code in BLOCKS if language == "yaml"]

PORT = 9009  # the README's base URL
TOKEN = "readme-token-7f3a"
JOB_ID = "52a5cb79-7556-4c52-8e6f-dd6aaf1bc4c8"
JOB = (FIXTURES / "prunner" / "detail_simple_done.json").read_bytes()

#: Shell blocks that are not run, by a line each holds, with the reason.
NOT_RUN = {
    "python -m pip install nox==2026.10.20": "installs nox, then runs every session",
    "python -m pip install ./generated -e .": "installs the toolkit into the environment",
    'python -m pip install "specbind-bindings @': "installs the bindings into the environment",
    "pip install 'specbind[dask]'": "installs dask, and reads s3:// and a remote scheduler",
}

#: The python blocks each test runs, by a line each holds.
BINDINGS = (
    "from generated.prunner import ApiError, Client, UNSET",
    "deadline=20.0) as client:",
    "from generated.prunner import Client, WaiterFailed, WaiterTimeout",
)
VALIDATOR = "from specbind import Drift, Validator"
PYTEST = "from specbind.testing import assert_valid_response"
WAIT = "if specbind wait --spec prunner"
VALIDATE = "specbind validate --spec prunner --operation getJobDetail responses.jsonl"
MOCK_PYTEST = "def test_my_code_waits_for_the_job(specbind_mock):"
MOCK = "specbind mock --spec prunner --port 9009 --scenario jobs.yaml"
RECORD = "specbind record --spec prunner --upstream http://127.0.0.1:9009"
CAPTURE = "specbind validate --spec prunner --server http://127.0.0.1:9009 capture.har"
SCENARIO = "  - operation: getJobDetail"


def _block(blocks: list[str], line: str) -> str:
    (found,) = [code for code in blocks if line in code]
    return found


def test_every_block_is_run_or_listed_with_a_reason() -> None:
    run_python = [*BINDINGS, VALIDATOR, PYTEST, MOCK_PYTEST]
    assert sorted(PYTHON) == sorted(_block(PYTHON, line) for line in run_python)
    run_shell = [WAIT, VALIDATE, MOCK, RECORD, CAPTURE, *NOT_RUN]
    assert sorted(SHELL) == sorted(_block(SHELL, line) for line in run_shell)


class _Prunner(BaseHTTPRequestHandler):
    """GET /job/detail?id=JOB_ID with the bearer token: a finished job; else 404 or 401."""

    seen: list[str] = []  # noqa: RUF012 -- one server at a time, under the port's lock

    def do_GET(self) -> None:
        self.seen.append(self.path)
        url = urlsplit(self.path)
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._answer(401, b'{"error": "unauthorized"}')
        elif url.path == "/job/detail" and parse_qs(url.query) == {"id": [JOB_ID]}:
            self._answer(200, JOB)
        else:
            self._answer(404, b'{"error": "job not found"}')

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def _port_9009() -> Iterator[None]:
    # One port for every process that runs this module (xdist workers, other checkouts):
    # they take turns.
    lock = Path(tempfile.gettempdir()) / f"specbind-readme-{PORT}.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


@pytest.fixture
def prunner() -> Iterator[list[str]]:
    """The server on 127.0.0.1:9009; the requests it answered. Per test: the port's lock is
    per open file, so a module-wide server would lock out the mock test in this process."""
    with _port_9009():
        server = ThreadingHTTPServer(("127.0.0.1", PORT), _Prunner)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield _Prunner.seen
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def _har_entry(url: str, body: str) -> dict[str, object]:
    har = json.loads((FIXTURES / "validate" / "five_operations.har").read_text("utf-8"))
    entry = copy.deepcopy(har["log"]["entries"][0])
    query = parse_qs(urlsplit(url).query)
    entry["request"]["url"] = url
    entry["request"]["queryString"] = [
        {"name": name, "value": value} for name, values in query.items() for value in values
    ]
    entry["response"]["content"]["text"] = body
    entry["response"]["content"]["size"] = entry["response"]["bodySize"] = len(body)
    return {"log": {**har["log"], "entries": [entry]}}


def _example(spec: str, operation: str) -> str:
    examples = iter_response_examples(load_spec(ROOT / "specs" / f"{spec}.yaml"))
    value = next(v for op, status, _, v in examples if (op, status) == (operation, "200"))
    return json.dumps(value)


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding the files the README's examples read, as the current one."""
    prunner_url = f"http://localhost:9009/job/detail?id={JOB_ID}"
    files = {
        "job.json": JOB.decode(),
        "body.json": _example("veryfront", "getJob"),
        "day.jsonl": "\n".join(json.dumps(json.loads(JOB)) for _ in range(3)) + "\n",
        "responses.jsonl": json.dumps(json.loads(JOB)) + "\n",
        "prunner.har": json.dumps(_har_entry(prunner_url, JOB.decode())),
        "captures/monday.har": json.dumps(_har_entry(prunner_url, JOB.decode())),
        "trace.har": json.dumps(
            _har_entry("https://api.vectara.io/v2/jobs/job_7", _example("vectara", "getJob"))
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _environment() -> dict[str, str]:
    # `specbind` is the one installed beside this Python, as for a user of this environment.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, "PRUNNER_TOKEN": TOKEN, "JOB_ID": JOB_ID}


def test_the_bindings_blocks_run_against_a_server(
    prunner: list[str],
    scratch: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PRUNNER_TOKEN", TOKEN)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for line in BINDINGS:
        exec(compile(_block(PYTHON, line), "README.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "hello done -1" in printed  # the first block's loop over the tasks
    assert "True False False" in printed  # the last block's iter_job
    assert prunner.count(f"/job/detail?id={JOB_ID}") >= 4


def test_the_validator_block_runs(scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {"__name__": "__readme__"}
    exec(compile(_block(PYTHON, VALIDATOR), "README.md", "exec"), namespace)
    assert namespace["result"].outcome == "valid"  # type: ignore[attr-defined]
    assert len(namespace["results"]) == 4  # type: ignore[arg-type]  # 3 lines and 1 entry
    assert all(r.outcome == "valid" for r in namespace["results"])  # type: ignore[attr-defined]


def test_the_pytest_example_passes_under_pytest(prunner: list[str], scratch: Path) -> None:
    (scratch / "test_example.py").write_text(_block(PYTHON, PYTEST), encoding="utf-8")
    (scratch / "conftest.py").write_text(
        "import os\n\nimport pytest\nfrom generated.prunner import Client\n\n\n"
        "@pytest.fixture\ndef client():\n"
        "    with Client(base_url='http://127.0.0.1:9009', token=os.environ['PRUNNER_TOKEN'])"
        " as client:\n        yield client\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"],
        cwd=scratch,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_the_wait_script_runs_against_a_server(prunner: list[str], scratch: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", _block(SHELL, WAIT)],
        cwd=scratch,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "job done\n"
    assert json.loads((scratch / "job.json").read_text("utf-8")) == json.loads(JOB)
    assert TOKEN not in done.stderr


def test_the_validate_commands_run(scratch: Path) -> None:
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", _block(SHELL, VALIDATE)],
        cwd=scratch,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((scratch / "report.json").read_text("utf-8"))
    assert report["summary"]["invalid"] == 0, report


def test_the_mock_pytest_example_passes_under_pytest(scratch: Path) -> None:
    (scratch / "test_mock_example.py").write_text(_block(PYTHON, MOCK_PYTEST), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mock_example.py"],
        cwd=scratch,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def _started(block: str, scratch: Path) -> subprocess.Popen[str]:
    """A shell block that serves until it is interrupted, after its first line."""
    process = subprocess.Popen(
        ["bash", "-c", block],
        cwd=scratch,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the interrupt reaches specbind, not only bash
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    expected = next(line[2:] for line in block.splitlines() if line.startswith("# "))
    assert first == expected + "\n", (first, process.stderr.read() if not first else "")
    return process


def _interrupted(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def test_the_mock_record_and_capture_blocks_run_in_turn(scratch: Path) -> None:
    """The mock serves the README's scenario, record captures a client's calls through it,
    and the capture checked again gets the live check's verdict."""
    from generated.prunner import Client

    (scratch / "jobs.yaml").write_text(_block(YAML, SCENARIO), encoding="utf-8")
    job_id = "11111111-1111-4111-8111-000000000001"
    with _port_9009():
        mock = _started(_block(SHELL, MOCK), scratch)
        try:
            record = _started(_block(SHELL, RECORD), scratch)
            try:
                with Client(base_url="http://127.0.0.1:9010", token="t") as client:
                    assert client.get_job_detail(id=job_id).id.hex == job_id.replace("-", "")
                    assert client.get_job_detail_with_response(id=job_id).status == 200
            finally:
                recorded, _, record_err = _interrupted(record)
        finally:
            assert _interrupted(mock)[0] == 0
    assert recorded in (0, 1), record_err
    har = json.loads((scratch / "capture.har").read_text("utf-8"))
    assert len(har["log"]["entries"]) >= 2
    assert "Bearer t" not in json.dumps(har)
    again = subprocess.run(
        ["bash", "-c", _block(SHELL, CAPTURE)],
        cwd=scratch,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == recorded, again.stdout + again.stderr + record_err

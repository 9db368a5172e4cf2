"""`specbind validate --engine dask`, on a real `distributed.LocalCluster` (worker processes
on 127.0.0.1), against what `--jobs 1` prints byte for byte.

One cluster of two workers serves the whole module; the command reaches it with
`--scheduler`. S3 is a real protocol: moto's standalone server on 127.0.0.1, read with
s3fs by the command and by the workers (no mock inside any process).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from _support import FIXTURES, ROOT
from distributed import Client
from moto.server import ThreadedMotoServer
from specbind import Result, Validator
from specbind._validate import _dask
from specbind._validate._dask import local_cluster

HERE = FIXTURES / "validate"
PRUNNER = FIXTURES / "prunner"
BUCKET = "captures"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1; its endpoint is in the environment of every process
    started from here on (the cluster's workers and the command)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    saved = dict(os.environ)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint,
            "FSSPEC_S3_ENDPOINT_URL": endpoint,
        }
    )
    try:
        yield endpoint
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()


@pytest.fixture(scope="module")
def client(s3: str) -> Iterator[Client]:
    del s3  # started first: the workers inherit its endpoint
    with local_cluster(2) as cluster, Client(cluster) as connected:
        yield connected


def validate(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "specbind", "validate", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout


_RUNS = [
    ("--spec", "prunner", HERE / "prunner_jobs.jsonl", *sorted(PRUNNER.glob("*.json"))),
    ("--spec", "prunner", "--strict", "--format", "json", HERE / "prunner_jobs.jsonl"),
    ("--spec", "veryfront", HERE / "five_operations.har", HERE / "bad_requests.har"),
    ("--spec", "vectara", "--format", "junit", HERE / "five_operations.har"),
    ("--spec", "prunner", HERE / "prunner_jobs.jsonl", HERE / "missing.jsonl", HERE),
]


@pytest.mark.parametrize("args", _RUNS, ids=range(len(_RUNS)))
def test_the_fixtures_report_the_same_on_dask(client: Client, args: tuple[str, ...]) -> None:
    expected = validate("--jobs", "1", *args)
    # Ranges of 100 bytes: every line of the JSON Lines fixture is a range of its own.
    ranges = {"SPECBIND_DASK_RANGE_BYTES": "100"}
    assert (
        validate("--engine", "dask", "--scheduler", client.scheduler.address, *args, env=ranges)
        == expected
    )


def _big(path: Path, lines: int) -> Path:
    """A JSON Lines capture of small Prunner jobs: every 997th broken, blank lines between."""
    job = json.loads((PRUNNER / "detail_failing_with_on_error.json").read_text())
    job["tasks"] = job["tasks"][:1]
    with path.open("w") as out:
        for number in range(lines):
            if number % 997 == 0:
                out.write('{"id": 7}\n')
            elif number % 101 == 0:
                out.write("\n  \n")
            else:
                job["user"] = f"user{number}"
                out.write(json.dumps(job) + "\n")
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _big(tmp_path_factory.mktemp("big") / "jobs.jsonl", 100_000)


def test_a_large_input_split_into_many_ranges_reports_the_same(client: Client, big: Path) -> None:
    args = ("--spec", "prunner", "--format", "json", big)
    expected = validate("--jobs", "1", *args)
    assert expected[0] == 1
    # About 200 ranges of 256 KiB.
    ranges = {"SPECBIND_DASK_RANGE_BYTES": str(256 * 1024)}
    assert (
        validate("--engine", "dask", "--scheduler", client.scheduler.address, *args, env=ranges)
        == expected
    )


def test_the_library_survives_a_worker_killed_mid_run(client: Client, big: Path) -> None:
    validator = Validator("prunner")
    expected = list(validator.check_inputs([big]))
    results = validator.check_inputs([big], engine="dask", scheduler=client, range_bytes=64 * 1024)
    got = [next(results)]
    # The first range is back; the others are queued or running. Kill a worker outright.
    victim = next(iter(client.run(os.getpid).values()))
    os.kill(victim, signal.SIGKILL)
    got += results
    assert got == expected
    client.wait_for_workers(2, timeout=60)


def test_a_range_that_cannot_be_read_is_reported_once(
    client: Client, big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if the file went between the look at its size and its reading: each worker
    that cannot read its range says why, the first says it, and nothing more of that
    file is reported; the inputs after it still are."""
    gone = tmp_path / "gone.jsonl"
    size = 4 * 1024
    nominal = [_dask._Range(str(gone), at, at + 1024, size) for at in range(0, size, 1024)]
    monkeypatch.setattr(_dask, "_plan", lambda validator, names, size: [nominal, str(big)])
    validator = Validator("prunner")
    results = list(validator.check_inputs([gone], engine="dask", scheduler=client))
    missing = "read failed: No such file or directory"
    assert results[0] == Result(str(gone), unreadable=missing)
    assert results[1:] == list(validator.check_inputs([big]))


def test_inputs_on_s3_report_the_same(client: Client, tmp_path: Path) -> None:
    storage = boto3.client("s3")
    storage.create_bucket(Bucket=BUCKET)
    for path in (HERE / "prunner_jobs.jsonl", HERE / "five_operations.har"):
        storage.upload_file(str(path), BUCKET, f"day/{path.name}")
    urls = (f"s3://{BUCKET}/day/*.jsonl", f"s3://{BUCKET}/day/five_operations.har")
    local = validate(
        "--jobs",
        "1",
        "--spec",
        "prunner",
        HERE / "prunner_jobs.jsonl",
        HERE / "five_operations.har",
    )
    code, remote = validate("--jobs", "1", "--spec", "prunner", *urls)
    assert (code, remote.replace(f"s3://{BUCKET}/day/", f"{HERE}/")) == local
    ranges = {"SPECBIND_DASK_RANGE_BYTES": "300"}
    on_dask = validate(
        "--engine",
        "dask",
        "--scheduler",
        client.scheduler.address,
        "--spec",
        "prunner",
        *urls,
        env=ranges,
    )
    assert on_dask == (code, remote)


def test_without_the_extra_dask_exits_2_saying_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "distributed").mkdir()
    (tmp_path / "distributed" / "__init__.py").write_text("raise ImportError('not installed')\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "specbind",
            "validate",
            "--spec",
            "prunner",
            "--engine",
            "dask",
            HERE / "prunner_jobs.jsonl",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "specbind validate: error: --engine dask needs dask.distributed and fsspec: "
        "pip install 'specbind[dask]'\n"
    )

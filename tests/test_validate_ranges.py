"""`--jobs N` reads a large local JSON Lines file in ranges, one per worker task: the
results are those of one process, in the same order, line numbers and all."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from _support import FIXTURES
from hypothesis import given
from hypothesis import strategies as st
from specbind._validate import _finding, _inputs, _run
from specbind._validate._validator import Validator

HERE = FIXTURES / "validate"


def _capture(path: Path, *, ending: bytes = b"\n") -> Path:
    """Many lines, clean and not, blank lines and CRLF among them, no end of line last."""
    lines = (HERE / "prunner_jobs.jsonl").read_bytes().splitlines()
    broken = json.loads(lines[0]) | {"completed": "no", "surprise": 1}
    extra = [json.dumps(broken).encode(), b"{not json", b"", b"   ", b'{"id": 1, "id": 2}']
    out = []
    for index in range(300):
        out.append(lines[index % len(lines)] + (b"\r" if index % 7 == 0 else b""))
        if index % 13 == 0:
            out.append(extra[index % len(extra)])
    path.write_bytes(ending.join(out))
    return path


@pytest.mark.parametrize(
    ("range_bytes", "longest"), [(1, None), (700, None), (700, 500), (4096, None), (1 << 20, 400)]
)
def test_ranges_give_the_results_of_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, range_bytes: int, longest: int | None
) -> None:
    """``longest``: lines longer than this are reported unread (as past 16 MiB), and
    a range may end inside one."""
    monkeypatch.setattr(_run, "_RANGE_BYTES", range_bytes)
    if longest is not None:
        monkeypatch.setattr(_inputs, "MAX_LINE_BYTES", longest)
    capture = _capture(tmp_path / "capture.jsonl")
    small = tmp_path / "small.jsonl"
    small.write_bytes((HERE / "prunner_jobs.jsonl").read_bytes()[:4000].rsplit(b"\n", 1)[0])
    validator = Validator("prunner", operation="getJobDetail")
    names = [str(capture), str(small), str(capture), str(tmp_path / "missing.jsonl")]
    one = list(validator.check_inputs(names, jobs=1))
    assert sum(1 for result in one if result.outcome == "invalid") >= 20
    unread = [r for r in one if any(f.rule == "line-too-long" for f in r.findings)]
    assert bool(unread) == (longest is not None), unread[:1]
    assert list(validator.check_inputs(names, jobs=2)) == one


def test_only_large_local_json_lines_files_are_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_run, "_RANGE_BYTES", 2000)
    capture = _capture(tmp_path / "capture.jsonl")
    har = HERE / "five_operations.har"
    checker = Validator("prunner", operation="getJobDetail")._loaded.checker
    parts = _run._plan(checker, [str(har), str(capture), "-", str(capture)])
    assert parts == [
        [str(har)],
        (str(capture), capture.stat().st_size),
        ["-"],
        (str(capture), capture.stat().st_size),
    ]
    assert _run._plan(checker, [str(HERE / "prunner_jobs.jsonl")]) == [
        [str(HERE / "prunner_jobs.jsonl")]
    ]


def test_a_file_that_cannot_be_read_in_a_range_is_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that cannot read its range says why, once; nothing more of that file
    is reported, and the inputs after it still are."""
    monkeypatch.setattr(_run, "_RANGE_BYTES", 2000)
    capture = _capture(tmp_path / "capture.jsonl")
    gone = tmp_path / "gone.jsonl"
    validator = Validator("prunner", operation="getJobDetail")
    # As if the file were removed between the look at its size and its reading.
    lost = [(str(gone), 5 * 2000), (str(capture), capture.stat().st_size)]
    monkeypatch.setattr(_run, "_plan", lambda checker, names: lost)
    results = list(validator.check_inputs([str(gone), str(capture)], jobs=2))
    missing = "read failed: No such file or directory"
    assert results[0] == _finding.Result(str(gone), unreadable=missing)
    assert [result.input for result in results[1:]] == [
        result.input for result in validator.check_inputs([str(capture)], jobs=1)
    ]


@given(
    label=st.text(max_size=40),
    operation=st.text(max_size=20),
    status=st.sampled_from(["", "200", "4XX", "default"]),
)
def test_a_clean_result_is_a_result_with_nothing_found(
    label: str, operation: str, status: str
) -> None:
    made = _finding.clean_result(label, operation, status)
    plain = _finding.Result(label, operation, status)
    assert made == plain
    assert made.outcome == "valid"
    assert pickle.dumps(made) == pickle.dumps(plain)

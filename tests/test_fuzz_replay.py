"""Replay every input the fuzzer kept (tests/fixtures/fuzz/<target>/) as a user meets it.

Command fixtures run ``python -m specbind`` on the file; decode fixtures run the client
call in ``python -m tests.fuzz --replay``. Each is a subprocess under a timeout and a
memory cap, and must keep its target's invariant (see tests/fuzz/targets.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bounded import run_bounded
from fuzz.targets import FIXTURES, ROOT, TARGETS, check_output

FIXTURE_FILES = sorted(path for path in FIXTURES.glob("*/*") if path.is_file())


def test_every_fixture_belongs_to_a_target() -> None:
    assert {path.parent.name for path in FIXTURE_FILES} == set(TARGETS)


@pytest.mark.parametrize(
    "fixture", FIXTURE_FILES, ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_a_fuzzed_input_keeps_the_invariant(fixture: Path) -> None:
    target = TARGETS[fixture.parent.name]
    if target.argv is None:
        done = run_bounded("--replay", fixture, cwd=ROOT, module="tests.fuzz")
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
    else:
        done = run_bounded(*target.argv(fixture), cwd=ROOT)
        check_output(done.returncode, done.stdout + done.stderr)

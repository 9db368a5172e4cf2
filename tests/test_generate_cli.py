"""`specbind generate` as a user runs it: deterministic output, drift check, clear failures."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _specbind(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's specs and committed output."""
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    shutil.copytree(
        ROOT / "generated", tmp_path / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def test_committed_output_is_up_to_date() -> None:
    done = _specbind("generate", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""
    assert "up to date" in done.stderr


@pytest.mark.parametrize("check", [[], ["--check"]])
def test_outside_a_project_it_says_where_it_looked(tmp_path: Path, check: list[str]) -> None:
    done = _specbind("generate", *check, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr == (
        f"specbind generate: {tmp_path / 'specs'} holds no *.yaml spec; run it in the "
        "project directory (the one holding specs/ and generated/) or pass --project\n"
    )
    assert not (tmp_path / "generated").exists()


def test_a_spec_change_is_caught_with_a_diff_then_regenerated(project: Path) -> None:
    spec = project / "specs" / "vectara.yaml"
    text = spec.read_text(encoding="utf-8")
    marker = "        - aborted\n"
    assert marker in text
    spec.write_text(text.replace(marker, marker + "        - paused\n"), encoding="utf-8")

    stale = _specbind("generate", "--check", "--project", str(project))
    assert stale.returncode == 1, stale.stderr
    assert "--- a/generated/vectara/models.py" in stale.stdout
    assert '+    PAUSED = "paused"' in stale.stdout
    assert "stale" in stale.stderr

    assert _specbind("generate", "--project", str(project)).returncode == 0
    fresh = _specbind("generate", "--check", "--project", str(project))
    assert fresh.returncode == 0, fresh.stdout
    assert 'PAUSED = "paused"' in (project / "generated" / "vectara" / "models.py").read_text()


def test_generating_twice_gives_identical_bytes(project: Path) -> None:
    assert _specbind("generate", "--project", str(project)).returncode == 0
    first = {p: p.read_bytes() for p in sorted((project / "generated").rglob("*.py"))}
    assert _specbind("generate", "--project", str(project)).returncode == 0
    second = {p: p.read_bytes() for p in sorted((project / "generated").rglob("*.py"))}
    assert first == second
    committed = {
        p.relative_to(ROOT): p.read_bytes() for p in sorted((ROOT / "generated").rglob("*.py"))
    }
    assert {p.relative_to(project): b for p, b in first.items()} == committed


def test_a_spec_with_lint_problems_is_not_compiled(project: Path) -> None:
    spec = project / "specs" / "prunner.yaml"
    spec.write_text(
        spec.read_text().replace("operationId: getJobDetail", "x-no-id: true"), encoding="utf-8"
    )
    before = (project / "generated" / "prunner" / "client.py").read_bytes()
    done = _specbind("generate", "--project", str(project))
    assert done.returncode == 2
    assert "operation-id" in done.stderr
    assert "Traceback" not in done.stderr
    assert (project / "generated" / "prunner" / "client.py").read_bytes() == before


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "        state:\n          $ref: '#/components/schemas/JobState'\n",
            "        state:\n          type: string\n          x-specbind-enum: closed\n"
            "          enum: [unknown, queued, started, completed, failed,\n"
            "                 failed_will_retry, aborted]\n",
            "an enum is written inline at #/components/schemas/Job/properties/state",
        ),
        (
            "                $ref: '#/components/schemas/Job'\n",
            "                type: object\n",
            "getJob has no 2xx JSON response whose schema is a $ref",
        ),
    ],
    ids=["inline-enum", "inline-response-schema"],
)
def test_shapes_the_generator_does_not_support_are_refused_clearly(
    project: Path, old: str, new: str, expected: str
) -> None:
    spec = project / "specs" / "vectara.yaml"
    text = spec.read_text(encoding="utf-8")
    assert old in text
    spec.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = _specbind("generate", "--project", str(project))
    assert done.returncode == 2, done.stderr
    assert "vectara.yaml:" in done.stderr
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_broken_yaml_is_one_clear_line(project: Path) -> None:
    (project / "specs" / "prunner.yaml").write_text("openapi: [3.1\n", encoding="utf-8")
    done = _specbind("generate", "--project", str(project))
    assert done.returncode == 2
    assert "prunner.yaml:" in done.stderr
    assert "Traceback" not in done.stderr


def test_every_generated_file_has_the_header() -> None:
    for path in sorted((ROOT / "generated").rglob("*.py")):
        head = path.read_text(encoding="utf-8").splitlines()[:4]
        assert head[0].startswith("# Generated by specbind from "), path
        assert any("Regenerate with `nox -s generate`" in line for line in head), path
        assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}", "\n".join(head)), path


def test_help_explains_the_commands() -> None:
    done = _specbind("generate", "--help")
    assert done.returncode == 0
    assert "--check" in done.stdout
    assert "unified diff" in done.stdout


def test_the_last_check_compiles_not_only_parses() -> None:
    # ast.parse accepts a duplicate argument; only compiling finds it.
    from codegen._generate import _verify_python
    from codegen._ir import CompileError

    _verify_python("api/ok.py", "def f(a, b):\n    return a\n")
    with pytest.raises(CompileError, match=r"^generated/api/client\.py:1: compile: .*duplicate"):
        _verify_python("api/client.py", "def f(a, a):\n    return a\n")

"""`specbind generate` as a user runs it: deterministic output, drift check, clear failures."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from _support import ROOT


def specbind(
    *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None, start: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m specbind ARGS``, or with ``start``, ``python -c START ARGS``."""
    command = [sys.executable, "-c", start] if start else [sys.executable, "-m", "specbind"]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


def test_committed_output_is_up_to_date() -> None:
    done = specbind("generate", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""
    assert "up to date" in done.stderr


@pytest.mark.parametrize("check", [[], ["--check"]])
def test_outside_a_project_it_says_where_it_looked(tmp_path: Path, check: list[str]) -> None:
    done = specbind("generate", *check, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr == (
        f"specbind generate: {tmp_path / 'specs'} holds no *.yaml, *.yml or *.json spec; "
        "run it in the project (a directory whose pyproject.toml has [tool.specbind], or any "
        "directory below it) or pass --project\n"
    )
    assert not (tmp_path / "generated").exists()


def test_a_spec_change_is_caught_with_a_diff_then_regenerated(project: Path) -> None:
    spec = project / "specs" / "vectara.yaml"
    text = spec.read_text(encoding="utf-8")
    marker = "        - aborted\n"
    assert marker in text
    spec.write_text(text.replace(marker, marker + "        - paused\n"), encoding="utf-8")

    stale = specbind("generate", "--check", "--project", str(project))
    assert stale.returncode == 1, stale.stderr
    assert "--- a/generated/vectara/models.py" in stale.stdout
    assert '+    PAUSED = "paused"' in stale.stdout
    assert "stale" in stale.stderr

    assert specbind("generate", "--project", str(project)).returncode == 0
    fresh = specbind("generate", "--check", "--project", str(project))
    assert fresh.returncode == 0, fresh.stdout
    assert 'PAUSED = "paused"' in (project / "generated" / "vectara" / "models.py").read_text()


def test_generating_twice_gives_identical_bytes(project: Path) -> None:
    assert specbind("generate", "--project", str(project)).returncode == 0
    first = {p: p.read_bytes() for p in sorted((project / "generated").rglob("*.py"))}
    assert specbind("generate", "--project", str(project)).returncode == 0
    second = {p: p.read_bytes() for p in sorted((project / "generated").rglob("*.py"))}
    assert first == second
    committed = {
        p.relative_to(ROOT): p.read_bytes() for p in sorted((ROOT / "generated").rglob("*.py"))
    }
    assert {p.relative_to(project): b for p, b in first.items()} == committed


def test_a_spec_with_lint_problems_is_not_compiled(project: Path) -> None:
    spec = project / "specs" / "prunner.yaml"
    spec.write_text(
        spec.read_text().replace("x-specbind-enum: closed", "x-specbind-enum: maybe"),
        encoding="utf-8",
    )
    before = (project / "generated" / "prunner" / "client.py").read_bytes()
    done = specbind("generate", "--project", str(project))
    assert done.returncode == 2
    assert "enum-open-closed" in done.stderr
    assert "Traceback" not in done.stderr
    assert (project / "generated" / "prunner" / "client.py").read_bytes() == before


def test_style_warnings_do_not_stop_generate(project: Path) -> None:
    spec = project / "specs" / "prunner.yaml"
    text = spec.read_text(encoding="utf-8")
    for written in ("  contact:\n", "      tags:\n        - jobs\n"):
        assert written in text
    text = text.replace("  contact:\n", "  x-contact:\n")
    spec.write_text(text.replace("      tags:\n        - jobs\n", ""), encoding="utf-8")
    lint = specbind("lint", "--project", str(project))
    assert [line.split(": ")[1] for line in lint.stdout.splitlines()] == [
        "info-contact",
        "operation-tags",
    ]
    assert lint.returncode == 0
    done = specbind("generate", "--project", str(project))
    assert done.returncode == 0, done.stderr
    assert "operation-tags" not in done.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    JobState:\n      type: string\n",
            "    Loop:\n      type: [object, string]\n      properties:\n        next:\n"
            "          $ref: '#/components/schemas/Loop'\n    JobState:\n      type: string\n",
            "compilable: this schema contains itself with no array or map on the way",
        ),
    ],
    ids=["alias-cycle"],
)
def test_shapes_the_generator_does_not_support_are_refused_clearly(
    project: Path, old: str, new: str, expected: str
) -> None:
    spec = project / "specs" / "vectara.yaml"
    text = spec.read_text(encoding="utf-8")
    assert old in text
    # Without its waiter, whose paths lint would find missing first: these shapes are
    # for the compile stage to refuse.
    waiters = text.index("      x-specbind-waiters:")
    text = text[:waiters] + text[text.index("      parameters:", waiters) :]
    spec.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = specbind("generate", "--project", str(project))
    assert done.returncode == 2, done.stderr
    assert "vectara.yaml:" in done.stderr
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_broken_yaml_is_one_clear_line(project: Path) -> None:
    (project / "specs" / "prunner.yaml").write_text("openapi: [3.1\n", encoding="utf-8")
    done = specbind("generate", "--project", str(project))
    assert done.returncode == 2
    assert "prunner.yaml:" in done.stderr
    assert "Traceback" not in done.stderr


def test_every_generated_file_has_the_header() -> None:
    for path in sorted((ROOT / "generated").rglob("*.py")):
        head = path.read_text(encoding="utf-8").splitlines()[:4]
        assert head[0].startswith("# Generated by specbind from "), path
        assert any("Regenerate with `specbind generate`" in line for line in head), path
        assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}", "\n".join(head)), path


def test_help_explains_the_commands() -> None:
    done = specbind("generate", "--help")
    assert done.returncode == 0
    assert "--check" in done.stdout
    assert "unified diff" in done.stdout
    assert "--jobs N" in done.stdout


@pytest.mark.parametrize(
    ("jobs", "said"), [("0", "0 is not 1 or more"), ("two", "'two' is not a whole number")]
)
def test_jobs_is_a_number_of_workers(jobs: str, said: str) -> None:
    done = specbind("generate", "--check", "--jobs", jobs)
    assert done.returncode == 2
    assert f"argument --jobs: {said}" in done.stderr


def test_one_job_gives_the_committed_output() -> None:
    # The three specs are made in one run: --jobs changes nothing (the chunks' own tests
    # run a large spec with one worker and with several).
    done = specbind("generate", "--check", "--jobs", "1")
    assert done.returncode == 0, done.stdout + done.stderr


def _configure(project: Path, table: str) -> None:
    (project / "pyproject.toml").write_text(f"[tool.specbind]\n{table}", encoding="utf-8")


def test_the_package_and_output_are_the_users_choice(project: Path) -> None:
    _configure(project, 'output = "bindings"\npackage = "acme_jobs"\n')
    done = specbind("generate", "--project", str(project))
    assert done.returncode == 0, done.stderr
    output = project / "bindings"
    written = sum(1 for path in output.rglob("*") if path.is_file())
    assert f"wrote {written} files to bindings/" in done.stderr
    assert 'name = "acme-jobs"' in (output / "pyproject.toml").read_text("utf-8").replace("'", '"')
    # Every module imports its own runtime relative to its package: nothing names a package.
    for path in output.rglob("*.py"):
        text = path.read_text("utf-8")
        assert "import generated" not in text, path
        assert "from generated" not in text, path
        assert "acme_jobs" not in text or path.name == "client.py", path
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import acme_jobs.prunner, acme_jobs.vectara, acme_jobs.veryfront\n"
        "tops = {n.split('.')[0] for n in sys.modules}\n"
        "print(sorted(tops & {'generated', 'specbind', 'codegen'}))"
    )
    (project / "renamed").mkdir()
    shutil.copytree(output, project / "renamed" / "acme_jobs")
    imported = subprocess.run(
        [sys.executable, "-c", script, str(project / "renamed")],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=120,
        check=False,
    )
    assert (imported.returncode, imported.stdout) == (0, "[]\n"), imported.stderr
    check = specbind("generate", "--check", "--project", str(project))
    assert check.returncode == 0, check.stdout + check.stderr
    # The command line overrides the configuration for one run; the package names the
    # distribution unless --distribution does.
    other = project / "other"
    done = specbind(
        "generate", "--project", str(project), "--output", str(other), "--package", "acme_two"
    )
    assert done.returncode == 0, done.stderr
    assert "name = 'acme-two'" in (other / "pyproject.toml").read_text("utf-8")
    assert "logger_name='acme_two.prunner'" in (other / "prunner" / "client.py").read_text(
        "utf-8"
    ).replace('"', "'")


@pytest.mark.parametrize(
    ("table", "arguments", "message"),
    [
        ('package = "acme-jobs"\n', [], "package 'acme-jobs': not a Python package name"),
        ("package = 3\n", [], "[tool.specbind] package must be a non-empty string"),
        ('outptu = "x"\n', [], "[tool.specbind] has unknown key(s) outptu"),
        ("", ["--package", "class"], "package 'class': not a Python package name"),
        ("", ["--distribution=-x-"], "distribution '-x-': not a distribution name"),
        ("[[[", [], "not valid TOML"),
    ],
)
def test_a_bad_configuration_is_one_clear_line(
    project: Path, table: str, arguments: list[str], message: str
) -> None:
    _configure(project, table)
    done = specbind("generate", "--check", "--project", str(project), *arguments)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert message in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr


def test_a_directory_specbind_did_not_write_is_not_replaced(project: Path) -> None:
    mine = project / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    done = specbind("generate", "--project", str(project), "--output", str(mine))
    assert done.returncode == 2
    assert "refusing to replace it" in done.stderr
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_the_output_does_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    # ruff sorts an import as first-party when the working directory holds a package
    # of that name; generate must give the same bytes wherever it is started.
    for name in ("attrs", "urllib3"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    # Started as a user's installed command is: the working directory not on sys.path.
    done = specbind(
        *("generate", "--check", "--no-cache", "--project", str(ROOT)),
        cwd=tmp_path,
        start="import sys; sys.path.pop(0); from specbind._cli import main; sys.exit(main())",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr


def test_the_last_check_compiles_not_only_parses() -> None:
    # ast.parse accepts a duplicate argument; only compiling finds it.
    from specbind._generate._ir import CompileError
    from specbind._generate._verify import verify_python

    verify_python("generated/api/ok.py", "def f(a, b):\n    return a\n")
    with pytest.raises(CompileError, match=r"^generated/api/client\.py:1: compile: .*duplicate"):
        verify_python("generated/api/client.py", "def f(a, a):\n    return a\n")

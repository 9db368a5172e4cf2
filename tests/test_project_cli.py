"""Every command in a user's own project: [tool.specbind] found from a subdirectory or
named by --project, --spec by name or path, --version, --debug, quiet and strict.

Each runs ``python -m specbind`` in a subprocess, in a scratch project whose names are
not this repository's: specs in ``apis/``, bindings in ``acme_out/`` as package ``acme``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from _support import FIXTURES, ROOT

JOB = FIXTURES / "prunner" / "detail_simple_done.json"
CONFIG = """\
[project]
name = "someone-elses-app"

[tool.specbind]
specs = "apis"
output = "acme_out"
package = "acme"
distribution = "acme-jobs"
"""


def specbind(
    *args: str | Path, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "specbind", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    """A project with the Prunner spec as apis/prunner.yaml, and a deep subdirectory."""
    project = tmp_path / "acme"
    (project / "apis").mkdir(parents=True)
    shutil.copy(ROOT / "specs" / "prunner.yaml", project / "apis" / "prunner.yaml")
    (project / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    (project / "src" / "deep").mkdir(parents=True)
    return project


def test_version_names_the_installed_toolkit(tmp_path: Path) -> None:
    from importlib import metadata

    done = specbind("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"specbind {metadata.version('specbind')}\n")


def test_every_command_takes_project_and_debug(tmp_path: Path) -> None:
    for command in ("lint", "generate", "validate", "diff", "wait"):
        done = specbind(command, "--help", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "--project DIR" in done.stdout, command
        assert "--debug" in done.stdout, command


def test_help_names_the_projects_own_directories(acme: Path) -> None:
    top = specbind("--help", cwd=acme / "src" / "deep")
    assert "OpenAPI specs in ../../apis/" in top.stdout
    assert "(../../acme_out/," in top.stdout
    assert "import package acme)" in top.stdout
    generate = specbind("generate", "--help", cwd=acme)
    assert "compile each into acme_out/<name>/" in generate.stdout
    assert "generated/" not in generate.stdout
    wait = specbind("wait", "--help", cwd=acme)
    assert "the package acme" in " ".join(wait.stdout.split())
    assert "generated/" not in wait.stdout


def test_from_a_subdirectory_lint_generate_validate_and_diff_use_the_project(
    acme: Path,
) -> None:
    deep = acme / "src" / "deep"
    lint = specbind("lint", cwd=deep)
    assert (lint.returncode, lint.stderr) == (0, "specbind lint: 1 spec clean\n")

    generate = specbind("generate", cwd=deep)
    assert generate.returncode == 0, generate.stderr
    assert "wrote" in generate.stderr
    assert "acme_out/" in generate.stderr
    client = (acme / "acme_out" / "prunner" / "client.py").read_text(encoding="utf-8")
    assert "# Regenerate with `specbind generate`.\n" in client
    assert "nox" not in client
    assert not (deep / "generated").exists()
    assert not (acme / "generated").exists()
    check = specbind("generate", "--check", cwd=deep)
    assert check.returncode == 0, check.stdout + check.stderr

    validate = specbind("validate", "--spec", "prunner", JOB, cwd=deep)
    assert validate.returncode == 0, validate.stdout + validate.stderr

    changed = acme / "changed.yaml"
    text = (acme / "apis" / "prunner.yaml").read_text(encoding="utf-8")
    changed.write_text(text.replace("version: 1.0.0", "version: 1.1.0"), encoding="utf-8")
    diff = specbind("diff", "prunner", changed, "--no-api", cwd=deep)
    assert diff.returncode == 0, diff.stderr
    assert "apis/prunner.yaml" in diff.stdout


def test_project_names_the_project_from_anywhere(acme: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert specbind("lint", "--project", acme, cwd=elsewhere).returncode == 0
    generate = specbind("generate", "--project", acme, cwd=elsewhere)
    assert generate.returncode == 0, generate.stderr
    assert (acme / "acme_out" / "pyproject.toml").is_file()
    assert not (elsewhere / "acme_out").exists()
    validate = specbind("validate", "--project", acme, "--spec", "prunner", JOB, cwd=elsewhere)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    diff = specbind("diff", "--project", acme, "prunner", "prunner", "--no-api", cwd=elsewhere)
    assert diff.returncode == 0, diff.stderr


@pytest.mark.parametrize("how", ["name", "path", "file name"])
def test_spec_by_name_or_path_in_lint_validate_and_diff(acme: Path, how: str) -> None:
    # A spec whose file name is not its package name: train-travel.yaml is train_travel.
    shutil.move(acme / "apis" / "prunner.yaml", acme / "apis" / "job-runner.yaml")
    reference = {
        "name": "job_runner",
        "path": "apis/job-runner.yaml",
        "file name": "job-runner",
    }[how]
    lint = specbind("lint", "--spec", reference, cwd=acme)
    assert (lint.returncode, lint.stderr) == (0, "specbind lint: 1 spec clean\n")
    positional = specbind("lint", reference, cwd=acme)
    assert positional.returncode == 0, positional.stderr
    validate = specbind("validate", "--spec", reference, JOB, cwd=acme)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    diff = specbind("diff", reference, reference, "--no-api", cwd=acme)
    assert diff.returncode == 0, diff.stderr


def test_an_unknown_spec_name_is_one_line_naming_what_is_known(acme: Path) -> None:
    for command in (["lint", "--spec"], ["validate", "--spec"], ["diff"]):
        done = specbind(
            *command, "nosuch", *(["x.json"] if "validate" in command else []), cwd=acme
        )
        assert done.returncode == 2, command
        assert "--spec nosuch: no spec of that name" in done.stderr, done.stderr
        assert "known: prunner, vectara, veryfront" in done.stderr
        assert "Traceback" not in done.stderr


def test_shipped_specs_are_found_by_name_outside_any_project(tmp_path: Path) -> None:
    done = specbind("lint", "--spec", "vectara", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "specbind lint: 1 spec clean\n")


def test_without_a_specbind_table_the_current_directory_is_the_project(tmp_path: Path) -> None:
    # A pyproject.toml without [tool.specbind] above does not claim the directory.
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "sub" / "specs").mkdir(parents=True)
    shutil.copy(ROOT / "specs" / "prunner.yaml", tmp_path / "sub" / "specs")
    done = specbind("lint", cwd=tmp_path / "sub")
    assert (done.returncode, done.stderr) == (0, "specbind lint: 1 spec clean\n")
    above = specbind("lint", cwd=tmp_path)
    assert above.returncode == 2
    assert f"{tmp_path / 'specs'} holds no *.yaml" in above.stderr


NO_CONTACT = (ROOT / "specs" / "prunner.yaml").read_text(encoding="utf-8")
NO_CONTACT = re.sub(r"  contact:\n(    .*\n)+", "", NO_CONTACT, count=1)


@pytest.mark.parametrize(
    ("settings", "status", "shown"),
    [
        ("", 0, True),
        ("strict = true", 1, True),
        ("strict = false", 0, True),
        ('quiet = ["info-contact"]', 0, False),
        ('strict = true\nquiet = ["info-contact", "operation-tags"]', 0, False),
    ],
)
def test_quiet_and_strict_in_the_config(
    acme: Path, settings: str, status: int, shown: bool
) -> None:
    assert "contact:" not in NO_CONTACT.split("servers:")[0]
    (acme / "apis" / "prunner.yaml").write_text(NO_CONTACT, encoding="utf-8")
    (acme / "pyproject.toml").write_text(f"{CONFIG}{settings}\n", encoding="utf-8")
    done = specbind("lint", cwd=acme / "src")
    assert done.returncode == status, done.stdout + done.stderr
    assert ("info-contact: warning:" in done.stdout) is shown
    if not shown:
        assert done.stdout == ""
        assert "1 warning quieted by [tool.specbind] quiet" in done.stderr


def test_quiet_never_hides_an_error(acme: Path) -> None:
    spec = acme / "apis" / "prunner.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        re.sub(r"#/components/schemas/\w+", "#/components/schemas/Nope", text, count=1),
        encoding="utf-8",
    )
    loud = specbind("lint", cwd=acme)
    assert loud.returncode == 1, loud.stderr
    errors = [line for line in loud.stdout.splitlines() if ": warning: " not in line]
    assert errors
    rules = sorted({line.split(": ")[1] for line in loud.stdout.splitlines()})
    listed = ", ".join(f'"{rule}"' for rule in rules)
    (acme / "pyproject.toml").write_text(f"{CONFIG}quiet = [{listed}]\n", encoding="utf-8")
    quiet = specbind("lint", cwd=acme)
    assert (quiet.returncode, quiet.stdout.splitlines()) == (1, errors)


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ('strict = "yes"', "strict must be true or false, not 'yes'"),
        ('quiet = "info-contact"', "quiet must be a list of rule names"),
        ("quiet = [1]", "quiet must be a list of rule names"),
        ("version = 3", "version must be a non-empty string, not 3"),
        ('version = "one"', "version: 'one' is not a PEP 440 version"),
        ("colour = true", "has unknown key(s) colour"),
    ],
)
def test_config_values_of_the_wrong_type_are_one_clear_line(
    acme: Path, settings: str, says: str
) -> None:
    (acme / "pyproject.toml").write_text(f"{CONFIG}{settings}\n", encoding="utf-8")
    done = specbind("lint", cwd=acme / "src")
    assert done.returncode == 2, done.stderr
    assert (
        done.stderr
        == f"specbind lint: {acme / 'pyproject.toml'}: [tool.specbind] {says}"
        + (done.stderr.split(says, 1)[1])
    )
    assert done.stderr.count("\n") == 1, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["generate"],
        ["validate", "--spec", "prunner", str(JOB)],
        ["diff", "prunner"],
        ["wait", "--spec", "prunner", "--waiter", "job"],
    ],
)
def test_every_command_reads_the_config(acme: Path, args: list[str]) -> None:
    (acme / "pyproject.toml").write_text(f'{CONFIG}strict = "yes"\n', encoding="utf-8")
    done = specbind(*args, cwd=acme / "src")
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        f"specbind {args[0]}: {acme / 'pyproject.toml'}: [tool.specbind] strict must be true "
        "or false, not 'yes'\n"
    )


def test_help_and_version_work_in_a_project_whose_config_is_broken(acme: Path) -> None:
    (acme / "pyproject.toml").write_text(f'{CONFIG}strict = "yes"\n', encoding="utf-8")
    assert specbind("--version", cwd=acme).returncode == 0
    assert specbind("lint", "--help", cwd=acme).returncode == 0


def _corrupt_bindings(acme: Path) -> None:
    """An output directory holding bindings that fail as specbind never writes them."""
    assert specbind("generate", cwd=acme).returncode == 0
    init = acme / "acme_out" / "prunner" / "__init__.py"
    init.write_text(
        init.read_text(encoding="utf-8") + "\nraise RuntimeError('corrupted by hand')\n",
        encoding="utf-8",
    )


WAIT = ("wait", "--spec", "prunner", "--waiter", "job", "--param", "id=x")


def test_an_internal_error_is_one_line_without_debug(acme: Path) -> None:
    _corrupt_bindings(acme)
    done = specbind(*WAIT, cwd=acme / "src", env={"SPECBIND_DEBUG": ""})
    assert done.returncode == 2
    assert done.stderr == (
        "specbind wait: internal error (RuntimeError: corrupted by hand); this is a specbind "
        "bug, please report it with the input that caused it (--debug shows where)\n"
    )


@pytest.mark.parametrize("how", ["--debug", "SPECBIND_DEBUG=1"])
def test_debug_prints_the_traceback_of_an_internal_error(acme: Path, how: str) -> None:
    _corrupt_bindings(acme)
    flag = ["--debug"] if how == "--debug" else []
    env = {"SPECBIND_DEBUG": "1"} if how != "--debug" else {"SPECBIND_DEBUG": ""}
    done = specbind(*WAIT, *flag, cwd=acme / "src", env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("Traceback (most recent call last):\n")
    assert 'acme_out/prunner/__init__.py", line' in done.stderr
    assert done.stderr.endswith(
        "specbind wait: internal error (RuntimeError: corrupted by hand); this is a specbind "
        "bug, please report it with the input that caused it\n"
    )


def test_an_unwritable_output_is_one_clear_line(acme: Path) -> None:
    # A file where the output's parent directory should be: no permission can allow it.
    (acme / "blocked").write_text("", encoding="utf-8")
    done = specbind("generate", "--output", acme / "blocked" / "out", cwd=acme)
    assert done.returncode == 2
    assert re.fullmatch(
        r"(specbind generate: .*\n)*specbind generate: cannot write .*\n", done.stderr
    )
    assert "Traceback" not in done.stderr


def test_the_bindings_version_follows_the_spec(acme: Path) -> None:
    def version() -> str:
        assert specbind("generate", cwd=acme).returncode == 0
        text = (acme / "acme_out" / "pyproject.toml").read_text(encoding="utf-8")
        found = re.search(r"^version = '(.*)'$", text, re.MULTILINE)
        assert found is not None
        return found.group(1)

    first = version()
    assert re.fullmatch(r"1\.0\.0\+g[0-9a-f]{12}", first), first
    spec = acme / "apis" / "prunner.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("version: 1.0.0", "version: v2.0-RC1"), encoding="utf-8")
    second = version()
    assert re.fullmatch(r"2\.0rc1\+g[0-9a-f]{12}", second), second
    spec.write_text(text + "\n# a comment changes the hash, not info.version\n", encoding="utf-8")
    third = version()
    assert third.startswith("1.0.0+g")
    assert third != first
    spec.write_text(text.replace("version: 1.0.0", "version: not a version"), encoding="utf-8")
    assert re.fullmatch(r"0\+g[0-9a-f]{12}", version())
    (acme / "pyproject.toml").write_text(f'{CONFIG}version = "3.1-beta.2"\n', encoding="utf-8")
    assert version() == "3.1b2"

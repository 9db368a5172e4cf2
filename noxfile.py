"""The sessions that drive specbind: lint, typecheck, tests, generate, check, bench."""

from __future__ import annotations

import os
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
ROOT = Path(__file__).parent

nox.options.sessions = ["lint", "typecheck", "check", "tests"]
nox.options.reuse_existing_virtualenvs = True
nox.needs_version = ">=2025.5.1"


def _put_pyenv_pythons_on_path() -> None:
    # On machines where pyenv holds several Pythons but only one is on PATH, make
    # every supported one findable, so `nox -s tests` runs on all four everywhere.
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if not root.is_dir():
        return
    found = []
    for version in PYTHONS:
        candidates = sorted(root.glob(f"{version}.*/bin"), reverse=True)
        if candidates:
            found.append(str(candidates[0]))
    os.environ["PATH"] = os.pathsep.join([*found, os.environ.get("PATH", "")])


_put_pyenv_pythons_on_path()


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and specbind lint on the specs."""
    session.install("-e", ".")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("specbind", "lint")


@nox.session(python="3.11")
def typecheck(session: nox.Session) -> None:
    """mypy --strict (flags listed in pyproject.toml) on codegen/ and generated/."""
    session.install("-e", ".[test]")
    session.run("mypy")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite, on every supported Python."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(python="3.11")
def generate(session: nox.Session) -> None:
    """Lint the specs, then regenerate generated/."""
    session.install("-e", ".")
    session.run("specbind", "lint")
    session.run("specbind", "generate")


@nox.session(python="3.11")
def check(session: nox.Session) -> None:
    """Regenerate into a temporary directory; fail with a diff if generated/ is stale."""
    session.install("-e", ".")
    session.run("specbind", "generate", "--check")


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks, each reported as a ratio against baselines measured in the same run."""
    session.install("-e", ".[bench]")
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        session.run("python", str(script), *session.posargs)

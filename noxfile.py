"""The sessions that drive specbind: lint, typecheck, tests, packaging, lowest, generate,
check, bench, fuzz."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
ROOT = Path(__file__).parent

nox.options.sessions = ["lint", "typecheck", "check", "lowest", "tests"]
nox.options.reuse_existing_virtualenvs = True
# A session whose Python is missing fails rather than being skipped: the README's
# commands must not report success having done nothing.
nox.options.error_on_missing_interpreters = True
nox.needs_version = ">=2025.5.1"

# The toolkit (editable, from codegen/) and the bindings it ships specs for (from the
# generated project, installed as a user installs it: not editable).
BINDINGS = "./generated"
# The lowest versions the bindings' dependency ranges allow (generated/pyproject.toml).
# The lower bounds of the bindings' ranges, and of their optional `fast` extra.
LOWEST = ["attrs==23.1.0", "cattrs==24.1.0", "urllib3==2.7.0", "msgspec==0.18.0"]
# bench_import's and bench_corpus's peer, with what the package it generates imports, and
# the stubs mypy --strict needs to check that package (bench_corpus).
PEER = [
    "openapi-python-client==0.29.1",
    "python-dateutil==2.9.0.post0",
    "types-python-dateutil==2.9.0.20261104",
]
_CHECK_VERSIONS = """
import sys
from importlib.metadata import version
found = [f"{name}=={version(name)}" for name in (pin.split("==")[0] for pin in sys.argv[1:])]
if found != sys.argv[1:]:
    sys.exit(f"wanted {sys.argv[1:]}, found {found}")
"""
# The tests of the bindings alone: models, converters, runtime and clients.
BINDINGS_TESTS = [
    "tests/test_models.py",
    "tests/test_models_properties.py",
    "tests/test_runtime_fast_paths.py",
    "tests/test_runtime_json.py",
    "tests/with_server",
]


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
    """ruff check, ruff format --check, and specbind lint --strict on the specs (warnings fail)."""
    session.install(BINDINGS, "-e", ".")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("specbind", "lint", "--strict")


@nox.session(python="3.11")
def typecheck(session: nox.Session) -> None:
    """mypy --strict (flags listed in pyproject.toml) on codegen/ and generated/."""
    session.install(BINDINGS, "-e", ".[test]")
    session.run("mypy")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite: all of it on 3.11, all but the slow and packaging tests elsewhere.

    The slow tests (large inputs, mypy over generated projects, worker clusters) and the
    packaging tests (wheels installed into fresh environments, pre-commit on a scratch
    repository) check properties that do not depend on the Python that runs them, so
    they run once, in the 3.11 session; every other test runs on every Python.
    """
    session.install(BINDINGS, "-e", ".[test]")
    default = [] if session.python == "3.11" else ["-m", "not slow and not packaging"]
    # Every core (pytest-xdist): CI's machine has two.
    session.run("pytest", "-n", "auto", *(session.posargs or default))


@nox.session(python="3.11")
def packaging(session: nox.Session) -> None:
    """Wheels, fresh environments and pre-commit hooks, as users install them (slow: once)."""
    session.install(BINDINGS, "-e", ".[test]")
    session.run("pytest", "-m", "packaging", *session.posargs)


@nox.session(python="3.10")
def lowest(session: nox.Session) -> None:
    """The bindings' tests with the lowest attrs, cattrs, urllib3 and msgspec their ranges allow."""
    session.install(BINDINGS, "-e", ".[test]")
    # After the toolkit, so that its resolution cannot raise them again.
    session.install(*LOWEST)
    # Exactly those, whatever else the test tools would rather have (nox wants attrs>=24.1).
    session.run("python", "-c", _CHECK_VERSIONS, *LOWEST)
    session.run("pytest", "-n", "auto", *(session.posargs or BINDINGS_TESTS))


@nox.session(python="3.11")
def generate(session: nox.Session) -> None:
    """Lint the specs, show what each spec changed since HEAD breaks, then regenerate."""
    session.install(BINDINGS, "-e", ".")
    session.run("specbind", "lint")
    # Show what each spec changed since the last commit breaks, before the bindings move
    # with it. Without git or a HEAD there is nothing to compare with: say so, go on.
    try:
        found = subprocess.run(
            ["git", "diff", "--name-only", "--relative", "HEAD", "--", "specs/"],  # noqa: S607 (PATH)
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        found = subprocess.CompletedProcess([], 1, "", f"cannot run git: {exc.strerror}")
    if found.returncode != 0:
        reason = (found.stderr.strip().splitlines() or ["git failed"])[0]
        session.log(f"note: not comparing the specs with HEAD: {reason}")
    else:
        for spec in found.stdout.splitlines():
            if spec.endswith(".yaml") and (ROOT / spec).is_file():
                # Exit 2 (e.g. the HEAD version does not load) must not stop regenerating.
                session.run("specbind", "diff", spec, "--fail-on", "never", success_codes=[0, 2])
    session.run("specbind", "generate")


@nox.session(python="3.11")
def check(session: nox.Session) -> None:
    """Regenerate into a temporary directory; fail with a diff if generated/ is stale."""
    session.install(BINDINGS, "-e", ".")
    session.run("specbind", "generate", "--check")


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks, each reported as a ratio against baselines measured in the same run.

    ``nox -s bench -- validate models`` runs only the benchmarks named (``bench_NAME.py``).
    """
    # The test extra for mypy, which bench_corpus runs over every tool's output.
    session.install(BINDINGS, "-e", ".[bench,dask,test]")
    # openapi-python-client, the peer of bench_import, in an environment of its own: its
    # requirements (ruff, pydantic) differ from the toolkit's pins.
    peer = Path(session.create_tmp()) / "openapi-python-client"
    session.run("python", "-m", "venv", "--clear", str(peer))
    session.run(
        str(peer / "bin" / "python"), "-m", "pip", "install", "--quiet", *PEER, external=True
    )
    tool = str(peer / "bin" / "openapi-python-client")
    started = time.time()
    known = {script.stem.removeprefix("bench_"): script for script in ROOT.glob("bench/bench_*.py")}
    unknown = sorted(set(session.posargs) - set(known))
    if unknown:
        names = ", ".join(sorted(known))
        session.error(f"no such benchmark: {', '.join(unknown)} (known: {names})")
    scripts = [known[name] for name in sorted(set(session.posargs) or known)]
    for script in scripts:
        # A missed target or a failure shows in the report below, which fails the
        # session: every benchmark runs first.
        session.run(
            "python", str(script), env={"OPENAPI_PYTHON_CLIENT": tool}, success_codes=[0, 1]
        )
    names = [script.stem.removeprefix("bench_") for script in scripts]
    session.run("python", "bench/report.py", "--since", str(started), "--expect", *names)


@nox.session(python="3.11")
def fuzz(session: nox.Session) -> None:
    """Fuzz validate, lint and the clients' decoding for a set time (not run by default).

    ``nox -s fuzz -- SECONDS`` (else $SPECBIND_FUZZ_SECONDS, else 300). An input that
    breaks an invariant is saved under tests/fixtures/fuzz/, where the tests replay it.
    """
    session.install(BINDINGS, "-e", ".[test]")
    seconds = ["--seconds", session.posargs[0]] if session.posargs else []
    session.run("python", "-m", "tests.fuzz", *seconds, env={"PYTHONPATH": str(ROOT)})

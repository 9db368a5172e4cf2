"""The toolkit and the bindings as users install them: wheels built from a fresh copy of
the repository, installed (never editable) into new virtual environments, used from a
directory outside the repository.

Building the wheels and the environments is slow, so it is done once per session
(``installs``), from wheels downloaded once: the environments install with
``--no-index --find-links``.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _server import Exchange, TestServer
from _support import FIXTURES, SPEC_NAMES, fresh_copy

pytestmark = [pytest.mark.slow, pytest.mark.packaging]

_JOB = json.loads((FIXTURES / "prunner" / "detail_simple_done.json").read_text("utf-8"))
_RUNTIME_ONLY = {"attrs", "cattrs", "urllib3"}


def _run(
    *command: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )


def _ok(*command: str | Path, cwd: Path) -> str:
    done = _run(*command, cwd=cwd)
    assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done.stdout


@dataclasses.dataclass(frozen=True)
class Installs:
    """The wheels, and one environment per way of installing them."""

    source: Path  # a fresh copy of the repository (what `git ls-files` lists)
    wheels: Path  # the two wheels and every dependency, for --no-index installs
    bindings_wheel: Path
    runtime: Path  # the bindings' wheel alone
    toolkit: Path  # the toolkit's wheel (it brings the bindings)
    scratch: Path  # a directory outside the repository, to run things in

    def python(self, venv: Path) -> Path:
        return venv / "bin" / "python"

    def install(self, venv: Path, *requirements: str | Path) -> None:
        # The environments have no pip of their own: what they hold is what was installed.
        _ok(sys.executable, "-m", "venv", "--without-pip", venv, cwd=self.scratch)
        _ok(
            sys.executable, "-m", "pip", "--disable-pip-version-check", "--python",
            self.python(venv), "install", "--quiet", "--no-index", "--find-links", self.wheels,
            *requirements, cwd=self.scratch,
        )  # fmt: skip

    def distributions(self, venv: Path) -> set[str]:
        listed = _ok(
            self.python(venv),
            "-c",
            "import importlib.metadata as m\n"
            "for d in m.distributions(): print(d.metadata['Name'].lower().replace('_', '-'))",
            cwd=self.scratch,
        )
        return set(listed.split())


@pytest.fixture(scope="session")
def installs(tmp_path_factory: pytest.TempPathFactory) -> Installs:
    base = tmp_path_factory.mktemp("installs")
    source = fresh_copy(base / "source")
    wheels = base / "wheels"
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    _ok(*pip, "wheel", "--quiet", "--no-deps", "-w", wheels, source / "generated", source, cwd=base)
    (bindings_wheel,) = wheels.glob("specbind_bindings-*.whl")
    (toolkit_wheel,) = wheels.glob("specbind-*.whl")
    # Every dependency, and the bindings' build backend (to install a generated project).
    _ok(
        *pip, "download", "--quiet", "-d", wheels, "--find-links", wheels, toolkit_wheel,
        "hatchling>=1.26", cwd=base,
    )  # fmt: skip
    scratch = base / "elsewhere"
    scratch.mkdir()
    found = Installs(source, wheels, bindings_wheel, base / "runtime", base / "toolkit", scratch)
    found.install(found.runtime, bindings_wheel)
    found.install(found.toolkit, toolkit_wheel)
    return found


_CLOSURE = """
import importlib.metadata as m, re, sys
seen, todo = set(), sys.argv[1:]
while todo:
    name = todo.pop()
    if name in seen:
        continue
    try:
        requires = m.requires(name) or []
    except m.PackageNotFoundError:
        continue  # its marker left it out (exceptiongroup on Python 3.11+)
    seen.add(name)
    # Every requirement but an extra's.
    todo += [
        re.match(r"[A-Za-z0-9._-]+", line).group().lower().replace("_", "-")
        for line in requires
        if "extra ==" not in line
    ]
print(" ".join(sorted(seen)))
"""


def test_the_bindings_install_alone(installs: Installs) -> None:
    python = installs.python(installs.runtime)
    installed = installs.distributions(installs.runtime)
    needed = set(_ok(python, "-c", _CLOSURE, "specbind-bindings", cwd=installs.scratch).split())
    assert needed > _RUNTIME_ONLY
    assert "specbind" not in installed
    # Nothing but the bindings, attrs, cattrs, urllib3 and what they require.
    assert installed == needed
    for name in SPEC_NAMES:
        _ok(python, "-c", f"import generated.{name} as p; p.Client; p.models", cwd=installs.scratch)
    # The wheel holds the package and its typing marker, nothing of the toolkit.
    listed = _ok(python, "-m", "zipfile", "-l", installs.bindings_wheel, cwd=installs.scratch)
    tops = {line.split("/")[0] for line in listed.splitlines()[1:]}
    assert tops == {"generated", installs.bindings_wheel.name.split("-py3")[0] + ".dist-info"}
    assert "generated/py.typed " in listed


def _prunner_job(exchange: Exchange) -> None:
    exchange.json(200, _JOB)


_USE_BOTH = """
import sys
import {package}.prunner, {package}.vectara, {package}.veryfront
with {package}.prunner.Client(base_url=sys.argv[1], token="t0ken") as client:
    job = client.get_job_detail(id={job_id!r})
print(type(job).__module__, job.pipeline, len(job.tasks))
print(" ".join(sorted({{n.split(".")[0] for n in sys.modules}} & {names!r})))
"""


def _use(installs: Installs, venv: Path, package: str, url: str) -> list[str]:
    script = _USE_BOTH.format(
        package=package,
        job_id=_JOB["id"],
        names={"generated", "acme_jobs", "specbind", "codegen"},
    )
    return _ok(installs.python(venv), "-c", script, url, cwd=installs.scratch).splitlines()


def test_the_installed_bindings_call_a_real_server(installs: Installs, server: TestServer) -> None:
    server.serve(_prunner_job)
    module, pipeline, tasks = _use(installs, installs.runtime, "generated", server.url)[0].split()
    assert (module, pipeline, int(tasks)) == (
        "generated.prunner.models",
        _JOB["pipeline"],
        len(_JOB["tasks"]),
    )
    assert server.requests[0].headers["authorization"] == "Bearer t0ken"


def test_the_installed_toolkit_works_outside_the_repository(installs: Installs) -> None:
    specbind = installs.toolkit / "bin" / "specbind"
    project = installs.scratch / "project"
    for part in ("specs", "generated"):
        shutil.copytree(installs.source / part, project / part)
    shutil.copy(installs.source / "pyproject.toml", project / "pyproject.toml")

    check = _run(specbind, "generate", "--check", cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "up to date" in check.stderr

    vectara = installs.scratch / "vectara_2026_07"
    shutil.copytree(FIXTURES / "diff" / "vectara_2026_07", vectara)
    diff = _run(
        specbind, "diff", "old.yaml", "new.yaml", "--fixtures", "captures",
        "--operation", "getJob", cwd=vectara,
    )  # fmt: skip
    assert diff.returncode == 1, diff.stderr
    assert diff.stdout == (vectara / "expected.txt").read_text(encoding="utf-8")

    body = installs.scratch / "job.json"
    body.write_text(json.dumps(_JOB), encoding="utf-8")
    validate = _run(specbind, "validate", "--spec", "prunner", body, cwd=installs.scratch)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "model layer skipped" not in validate.stdout + validate.stderr

    as_module = _run(installs.python(installs.toolkit), "-m", "specbind", "--help", cwd=project)
    assert as_module.returncode == 0, as_module.stderr
    installed = installs.distributions(installs.toolkit)
    assert {"specbind", "specbind-bindings"} <= installed
    top = _ok(
        installs.python(installs.toolkit),
        "-c",
        "import importlib.util as u; print([n for n in ('codegen', 'specbind', 'generated') "
        "if u.find_spec(n)])",
        cwd=installs.scratch,
    )
    assert top.strip() == "['specbind', 'generated']"


@pytest.fixture(scope="session")
def acme_jobs(installs: Installs) -> Path:
    """The three specs generated as package acme_jobs into a directory of its own."""
    output = installs.scratch / "acme"
    done = _run(
        installs.toolkit / "bin" / "specbind", "generate", "--project", installs.source,
        "--output", output, "--package", "acme_jobs", cwd=installs.scratch,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return output


def test_two_generated_packages_live_side_by_side(
    installs: Installs, acme_jobs: Path, server: TestServer
) -> None:
    assert 'name = "acme-jobs"' in (acme_jobs / "pyproject.toml").read_text("utf-8").replace(
        "'", '"'
    )
    both = installs.scratch / "both"
    installs.install(both, installs.bindings_wheel, acme_jobs)
    server.serve(_prunner_job)
    for package in ("acme_jobs", "generated"):
        first, loaded = _use(installs, both, package, server.url)
        assert first.startswith(f"{package}.prunner.models ")
        assert loaded == package  # neither the other package nor the toolkit
    script = (
        "import sys, acme_jobs.prunner as a, generated.prunner as g\n"
        "assert a.converter is not g.converter\n"
        "assert sys.modules['acme_jobs._runtime'] is not sys.modules['generated._runtime']\n"
        f"job = a.converter.structure({_JOB!r}, a.models.Job)\n"
        f"assert g.converter.structure({_JOB!r}, g.models.Job).id == job.id\n"
        "print(type(job).__module__)"
    )
    assert _ok(installs.python(both), "-c", script, cwd=installs.scratch).strip() == (
        "acme_jobs.prunner.models"
    )
    assert not (acme_jobs / "build").exists()
    assert not list(acme_jobs.glob("*.egg-info"))

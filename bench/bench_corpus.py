"""The real-world corpus (tests/corpus/) through specbind and its peers, side by side.

For each document, in a scratch directory, each tool in a subprocess with a time limit:

- **specbind**: ``specbind lint`` then ``specbind generate`` in a user project holding the
  document as published (as tests/test_corpus.py does);
- **openapi-python-client** (pinned in noxfile.py, in an environment of its own, found as
  $OPENAPI_PYTHON_CLIENT or on PATH): ``generate --path DOCUMENT``;
- **datamodel-code-generator** (models only, pydantic v2): ``datamodel-codegen``.

Each output is then imported, module by module (the peer's with its own Python), and
checked with ``mypy --strict``; the operations with a method are counted (specbind: client
methods with a ``_with_response`` twin; openapi-python-client: ``api`` modules with a
``sync_detailed``). Wall time and peak RSS are those of the generate step (specbind: lint
and generate together), reported for the three largest documents; there, each of
specbind's steps (``lint``, and ``generate``, which lints again before it compiles) is
also set against openapi-python-client's ``generate`` as ratios of wall time and of peak
RSS, the ``targets`` of the results (below 1.0: specbind takes less). specbind runs with an
empty cache. Peak RSS is the largest of a step's processes (``ru_maxrss`` of its children;
ruff's included); specbind generate's own two never add up much: while its child process
loads, lints and builds the compile views, the parent waits at the size of its imports
(~30 MB).

``--only NAME`` limits the run to some documents, ``--tools`` to some tools, ``--no-mypy``
skips mypy. Results go to bench/results/corpus.json; the table is printed as Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from _corpus import PROBE, Document, documents, write_project
from _measure import measure

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "corpus.json"
TOOLS = ("specbind", "openapi-python-client", "datamodel-code-generator")
LARGEST = 3

#: Imports every module of a package and prints how many ``api`` modules of it have a
#: ``sync_detailed`` function (openapi-python-client writes one module per operation).
PEER_PROBE = """
import importlib, json, pkgutil, sys
root = importlib.import_module(sys.argv[1])
modules, methods = [root.__name__], 0
for info in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
    module = importlib.import_module(info.name)
    modules.append(info.name)
    methods += ".api." in info.name and hasattr(module, "sync_detailed")
print(json.dumps({"modules": modules, "methods": methods}))
"""


@dataclass
class Step:
    """One measured command: wall and CPU seconds, peak RSS."""

    seconds: float
    cpu_seconds: float
    maxrss_kib: int


@dataclass
class Outcome:
    """What one tool made of one document."""

    generates: bool = False
    imports: bool | None = None
    mypy_clean: bool | None = None
    methods: int | None = None
    seconds: float = 0.0
    maxrss_kib: int = 0
    problem: str = ""
    #: Each step that ran to the end, by name (specbind: lint, generate; peers: generate).
    steps: dict[str, Step] = field(default_factory=dict)


@dataclass
class Row:
    document: str
    size: int
    operations: int
    valid: bool  # openapi-spec-validator accepts it (the manifest says)
    outcomes: dict[str, Outcome] = field(default_factory=dict)


def _reason(text: str) -> str:
    """Why a step failed: a traceback's exception, else its first line that is no warning."""
    if "Traceback" in text:
        return _last_line(text)
    lines = [line for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "warning" not in line.lower()]
    return (errors or lines or [""])[0][:300]


def _last_line(text: str) -> str:
    """The last line of a traceback: the exception."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _timed(
    command: list[str],
    log: Path,
    limit: int,
    outcome: Outcome,
    step: str,
    *,
    env: Mapping[str, str] | None = None,
    measured_if_failed: bool = False,
) -> bool:
    """Run one step with a time limit; add its time and peak RSS to ``outcome``.

    With ``measured_if_failed``, a step that exits non-zero (but not by the time limit)
    still records its time and peak RSS: it ran to its end.
    """
    found = measure(["timeout", str(limit), *command], log, env)
    outcome.seconds += found.seconds
    outcome.maxrss_kib = max(outcome.maxrss_kib, found.maxrss_kib)
    if found.status == 0 or (measured_if_failed and found.status != 124):
        outcome.steps[step] = Step(found.seconds, found.cpu_seconds, found.maxrss_kib)
    if found.status != 0:
        reason = "timed out" if found.status == 124 else f"exit {found.status}"
        outcome.problem = f"{reason}: {_reason(log.read_text(errors='replace'))}"
        return False
    return True


def _check(command: list[str], cwd: Path, limit: int) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(  # noqa: S603 -- our own tools and interpreters
            command, cwd=cwd, capture_output=True, text=True, timeout=limit, check=False
        )
    except subprocess.TimeoutExpired:
        return None


def _probe(
    python: str, probe: str, args: list[str], cwd: Path, *, limit: int, outcome: Outcome
) -> dict[str, object] | None:
    """Run a probe script in ``cwd``; its JSON answer, or None (the reason in ``outcome``)."""
    done = _check([python, "-c", probe, *args], cwd, limit)
    outcome.imports = done is not None and done.returncode == 0
    if done is None or done.returncode != 0:
        outcome.problem = "import: " + (_last_line(done.stderr) if done else "timed out")
        return None
    found: dict[str, object] = json.loads(done.stdout)
    return found


def _mypy(target: list[str], cwd: Path, limit: int, outcome: Outcome, python: str) -> None:
    done = _check(
        [
            sys.executable, "-m", "mypy", "--strict", "--no-incremental",
            "--python-executable", python, *target,
        ],
        cwd,
        limit,
    )  # fmt: skip
    if done is None:
        outcome.problem = "mypy timed out"
    else:
        outcome.mypy_clean = done.returncode == 0


def _specbind(document: Document, work: Path, limit: int, mypy: bool) -> Outcome:
    outcome = Outcome()
    project = work / "project"
    package, spec = write_project(project, document)
    # An empty cache: generate makes every file, as its peers do (a warm cache would
    # skip datamodel-code-generator and ruff).
    cold = {"SPECBIND_CACHE_DIR": str(work / "specbind-cache")}
    for step in ("lint", "generate"):
        command = [sys.executable, "-m", "specbind", step, "--project", str(project)]
        if not _timed(command, work / f"specbind-{step}.log", limit, outcome, step, env=cold):
            return outcome
    outcome.generates = True
    found = _probe(sys.executable, PROBE, [package, spec], project, limit=limit, outcome=outcome)
    if found is None:
        return outcome
    methods = found["methods"]
    outcome.methods = len(methods) if isinstance(methods, list) else 0
    if mypy:
        _mypy(["-p", package], project, limit, outcome, sys.executable)
    return outcome


def _peer_tool() -> str | None:
    return os.environ.get("OPENAPI_PYTHON_CLIENT") or shutil.which("openapi-python-client")


def _openapi_python_client(document: Document, work: Path, limit: int, mypy: bool) -> Outcome:
    outcome = Outcome()
    tool = _peer_tool()
    if tool is None:
        outcome.problem = "not installed"
        return outcome
    spec = work / document.name
    spec.write_bytes(document.published())
    output = work / "peer"
    command = [tool, "generate", "--path", str(spec), "--output-path", str(output), "--overwrite"]
    # It exits 1 when ruff, its last step, cannot parse what it wrote; the package is
    # there all the same, and is then probed like any other.
    _timed(command, work / "peer.log", limit, outcome, "generate", measured_if_failed=True)
    if not output.is_dir():
        outcome.steps.pop("generate", None)  # it refused the document: nothing to compare
        return outcome
    package = next((p.name for p in sorted(output.iterdir()) if (p / "__init__.py").is_file()), "")
    if not package:
        outcome.problem = "no package in its output"
        return outcome
    outcome.generates = True
    # Its package runs where the tool is installed (httpx, attrs and dateutil are there).
    python = str(Path(tool).resolve().parent / "python")
    found = _probe(python, PEER_PROBE, [package], output, limit=limit, outcome=outcome)
    if found is None:
        return outcome
    methods = found["methods"]
    outcome.methods = methods if isinstance(methods, int) else 0
    if mypy:
        _mypy(["-p", package], output, limit, outcome, python)
    return outcome


def _datamodel_code_generator(document: Document, work: Path, limit: int, mypy: bool) -> Outcome:
    outcome = Outcome()
    spec = work / document.name
    spec.write_bytes(document.published())
    output = work / "dcg"
    output.mkdir()
    command = [
        sys.executable, "-m", "datamodel_code_generator", "--input", str(spec),
        "--input-file-type", "openapi", "--output", str(output / "models.py"),
        "--output-model-type", "pydantic_v2.BaseModel",
    ]  # fmt: skip
    if not _timed(command, work / "dcg.log", limit, outcome, "generate"):
        return outcome
    outcome.generates = True
    done = _check([sys.executable, "-c", "import models"], output, limit)
    outcome.imports = done is not None and done.returncode == 0
    if not outcome.imports:
        outcome.problem = "import: " + (_last_line(done.stderr) if done else "timed out")
    elif mypy:
        _mypy([str(output / "models.py")], output, limit, outcome, sys.executable)
    return outcome


RUNNERS: dict[str, Callable[[Document, Path, int, bool], Outcome]] = {
    "specbind": _specbind,
    "openapi-python-client": _openapi_python_client,
    "datamodel-code-generator": _datamodel_code_generator,
}


def _table(rows: Sequence[Row], tools: Sequence[str]) -> str:
    total_ops = sum(row.operations for row in rows)
    valid = sum(row.valid for row in rows)
    lines = [
        f"| tool ({len(rows)} documents, {valid} valid; {total_ops} operations) "
        "| generates | imports | mypy --strict clean | operations with a method |",
        "| --- | --- | --- | --- | --- |",
    ]
    for tool in tools:
        outcomes = [row.outcomes[tool] for row in rows]
        methods = sum(
            min(outcome.methods or 0, row.operations)
            for row, outcome in zip(rows, outcomes, strict=True)
        )
        complete = sum(
            outcome.imports is True and outcome.methods == row.operations
            for row, outcome in zip(rows, outcomes, strict=True)
        )
        has_methods = tool != "datamodel-code-generator"
        lines.append(
            f"| {tool} | {sum(o.generates for o in outcomes)} | "
            f"{sum(o.imports is True for o in outcomes)} | "
            f"{sum(o.mypy_clean is True for o in outcomes)} | "
            + (f"{methods} ({complete} documents complete)" if has_methods else "n/a (models)")
            + " |"
        )
    largest = _largest(rows)
    lines += ["", "| document | size | " + " | ".join(tools) + " |"]
    lines.append("| --- | --- |" + " --- |" * len(tools))
    for row in largest:
        cells = [
            f"{row.outcomes[tool].seconds:.1f} s, {row.outcomes[tool].maxrss_kib // 1024} MB"
            + ("" if row.outcomes[tool].generates else " (failed)")
            for tool in tools
        ]
        lines.append(f"| {row.document} | {row.size / 1e6:.1f} MB | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _largest(rows: Sequence[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: row.size, reverse=True)[:LARGEST]


def _targets(rows: Sequence[Row]) -> list[dict[str, object]]:
    """specbind's lint and generate against openapi-python-client's generate, in time and
    peak RSS, on the largest documents both tools generate."""
    targets: list[dict[str, object]] = []
    for row in _largest(rows):
        ours = row.outcomes.get("specbind")
        peer = row.outcomes.get("openapi-python-client")
        if ours is None or peer is None or "generate" not in peer.steps:
            continue
        theirs = peer.steps["generate"]
        for step, mine in ours.steps.items():
            for measured, unit in (("seconds", "wall time"), ("maxrss_kib", "peak RSS")):
                ratio = getattr(mine, measured) / max(getattr(theirs, measured), 1e-9)
                targets.append(
                    {
                        "what": f"specbind {step}, {row.document}: {unit}",
                        "baseline": f"openapi-python-client generate, {unit}",
                        "ratio": round(ratio, 3),
                        "target": f"< 1.0 ({unit} against the baseline)",
                        "met": ratio < 1.0,
                    }
                )
    return targets


def _steps(rows: Sequence[Row]) -> str:
    """Each step of each tool on the largest documents: wall time, CPU time, peak RSS."""
    lines = [
        "| document | tool | step | wall | CPU | peak RSS |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in _largest(rows):
        for tool, outcome in row.outcomes.items():
            for step, found in outcome.steps.items():
                lines.append(
                    f"| {row.document} | {tool} | {step} | {found.seconds:.1f} s | "
                    f"{found.cpu_seconds:.1f} s | {found.maxrss_kib // 1024} MB |"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="documents to run")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--timeout", type=int, default=600, help="seconds per step")
    parser.add_argument("--no-mypy", dest="mypy", action="store_false")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the JSON file to write")
    args = parser.parse_args(argv)
    chosen = [d for d in documents() if not args.only or d.name in args.only]
    rows = []
    started = time.perf_counter()
    for document in chosen:
        row = Row(document.name, document.size, document.operations, document.valid)
        for tool in args.tools:
            with tempfile.TemporaryDirectory(prefix="bench-corpus-") as scratch:
                row.outcomes[tool] = RUNNERS[tool](document, Path(scratch), args.timeout, args.mypy)
            outcome = row.outcomes[tool]
            print(
                f"{document.name:36} {tool:25} generates={outcome.generates!s:5} "
                f"imports={outcome.imports!s:5} mypy={outcome.mypy_clean!s:5} "
                f"methods={outcome.methods}/{document.operations} {outcome.seconds:6.1f}s "
                f"{outcome.maxrss_kib // 1024:5} MB {outcome.problem[:120]}",
                flush=True,
            )
        rows.append(row)
        # After each document: a long run stopped early keeps the rows it has.
        _write(args.results, rows, args.tools)
    print(f"\n{_table(rows, args.tools)}\n\n{_steps(rows)}\n")
    for target in _targets(rows):
        print(f"{target['what']}: {target['ratio']:.2f} of {target['baseline']}")
    print(f"\n({time.perf_counter() - started:.0f} s in all)")
    return 0


def _write(results: Path, rows: Sequence[Row], tools: Sequence[str]) -> None:
    results.parent.mkdir(parents=True, exist_ok=True)
    found = {
        "rows": [asdict(row) for row in rows],
        "table": _table(rows, tools),
        "steps": _steps(rows),
        "targets": _targets(rows),
    }
    results.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())

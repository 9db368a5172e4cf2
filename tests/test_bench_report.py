"""bench/report.py: one table of every benchmark's targets, failing on a miss or a gap."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPORT = Path(__file__).parent.parent / "bench" / "report.py"


def _write(folder: Path, name: str, targets: list[dict[str, object]], *, age: float = 0) -> None:
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"benchmark": name, "targets": targets}))
    if age:
        stamp = time.time() - age
        os.utime(path, (stamp, stamp))


def _report(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPORT), "--results", str(folder), *arguments],
        capture_output=True,
        text=True,
        check=False,
    )


def _verdicts(output: str) -> dict[str, str]:
    """The verdict of each row, by its ``what``."""
    rows = [line.split() for line in output.splitlines() if line.startswith("models ")]
    return {row[1]: row[-1] for row in rows if len(row) > 2}


def _target(what: str, met: bool | None) -> dict[str, object]:
    return {"what": what, "baseline": "peer", "ratio": 0.5, "target": "<= 1.0", "met": met}


def test_met_and_reported_figures_pass(tmp_path: Path) -> None:
    _write(tmp_path, "models", [_target("lenient", True), _target("msgspec", None)])
    done = _report(tmp_path, "--expect", "models")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _verdicts(done.stdout) == {"lenient": "met", "msgspec": "reported"}
    assert "2 of 2 figures met or reported; 0 missed" in done.stdout


def test_a_missed_target_fails_the_report(tmp_path: Path) -> None:
    _write(tmp_path, "models", [_target("lenient", True), _target("strict", False)])
    done = _report(tmp_path)
    assert done.returncode == 1
    assert _verdicts(done.stdout) == {"lenient": "met", "strict": "MISSED"}
    assert "1 of 2 figures met or reported; 1 missed" in done.stdout


def test_an_expected_benchmark_without_fresh_results_fails(tmp_path: Path) -> None:
    # An old result is never shown as this run's: it is named as missing.
    _write(tmp_path, "models", [_target("lenient", True)], age=3600)
    done = _report(tmp_path, "--since", str(time.time() - 60), "--expect", "models", "regex")
    assert done.returncode == 1
    assert "lenient" not in done.stdout
    assert "models         no targets written in this run" in done.stdout
    assert "regex          no targets written in this run" in done.stdout


def test_every_benchmark_reads_its_command_line_before_it_measures() -> None:
    """`python bench/bench_X.py --help` prints the benchmark's docstring instead of
    running it: each script parses its arguments with argparse before anything else,
    in its main block or at the top of its ``main``. (The benchmarks' own imports,
    pydantic among them, are not in the test extra, so this reads the scripts rather
    than running them.)"""
    scripts = sorted(REPORT.parent.glob("bench_*.py"))
    assert len(scripts) >= 10
    for script in scripts:
        tree = ast.parse(script.read_text(encoding="utf-8"))
        block = next(
            node
            for node in tree.body
            if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
        )
        first = ast.unparse(block.body[0])
        if "command_line(__doc__" in first:
            continue
        assert first.replace("raise SystemExit(", "").startswith("main()"), script.name
        main = next(
            node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "main"
        )
        opening = "\n".join(ast.unparse(statement) for statement in main.body[:8])
        assert "ArgumentParser(description=__doc__" in opening, script.name
        assert ".parse_args(" in opening, script.name

"""Import time of the generated Prunner bindings, with ``python -X importtime``, same run.

Each round starts fresh interpreters and reads ``-X importtime``'s cumulative figures:

- **baseline**: ``import attrs, cattrs, urllib3``, the libraries the bindings need;
- **added**: what ``import generated.prunner`` (Client and models) costs on top of them,
  in the same interpreter, after the baseline (the issue's target: at most 30 ms);
- **whole**: everything ``import generated.prunner`` imports, from a bare interpreter,
  against the package openapi-python-client generates from the same spec (its Client
  and models), when ``openapi-python-client`` is installed (``nox -s bench`` installs
  it in an environment of its own; it generates offline, from the spec file).

Figures are medians over the rounds. Results go to bench/results/import.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import target

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "import.json"
SPEC = ROOT / "specs" / "prunner.yaml"
TARGET_MS = 30.0
BASELINE = ("attrs", "cattrs", "urllib3")
_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _imports(python: str, code: str, cwd: Path) -> list[tuple[str, int]]:
    """The top-level imports ``code`` makes, each with its cumulative microseconds."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [python, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
    )
    found = []
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if match and match.group(3) == " ":  # one space: imported at the top level
            found.append((match.group(4), int(match.group(2))))
    return found


def _after_startup(python: str, code: str, cwd: Path, startup: set[str]) -> list[tuple[str, int]]:
    return [(name, us) for name, us in _imports(python, code, cwd) if name not in startup]


def _ours(python: str, cwd: Path, startup: set[str]) -> tuple[float, float, float]:
    """(baseline, added, whole) in ms for one round of the generated bindings."""
    code = (
        "import attrs, cattrs, urllib3\n"
        "import generated.prunner\n"
        "generated.prunner.Client, generated.prunner.models.Job"
    )
    found = _after_startup(python, code, cwd, startup)
    baseline = sum(us for name, us in found if name.split(".")[0] in BASELINE)
    added = sum(us for name, us in found if name.split(".")[0] not in BASELINE)
    alone = _after_startup(python, "import generated.prunner", cwd, startup)
    return baseline / 1000, added / 1000, sum(us for _, us in alone) / 1000


def _peer(python: str, root: Path, startup: set[str]) -> float | None:
    """One round of the whole import of openapi-python-client's package, in ms."""
    package = next((p.name for p in root.iterdir() if (p / "__init__.py").is_file()), None)
    if package is None:
        return None
    code = f"import {package}\nfrom {package} import Client, models\nClient, models"
    return sum(us for _, us in _after_startup(python, code, root, startup)) / 1000


def _generate_peer(work: Path) -> tuple[Path, str] | None:
    """Generate openapi-python-client's Prunner package offline; (project dir, its python)."""
    tool = os.environ.get("OPENAPI_PYTHON_CLIENT") or shutil.which("openapi-python-client")
    if tool is None:
        return None
    output = work / "peer"
    done = subprocess.run(  # noqa: S603 - the tool found above, on our own spec
        [tool, "generate", "--path", str(SPEC), "--output-path", str(output), "--overwrite"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0 or not output.is_dir():
        print(f"openapi-python-client failed: {done.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    # Its package runs where the tool is installed (httpx, attrs and dateutil are there).
    python = str(Path(tool).resolve().parent / "python")
    return output, python if Path(python).exists() else sys.executable


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        # Outside the repository: the installed bindings, never generated/ in the tree.
        work = Path(scratch)
        startup = {name for name, _ in _imports(python, "pass", work)}
        peer = _generate_peer(work)
        rounds = [_ours(python, work, startup) for _ in range(args.rounds)]
        peer_rounds = []
        if peer is not None:
            peer_startup = {name for name, _ in _imports(peer[1], "pass", work)}
            peer_rounds = [_peer(peer[1], peer[0], peer_startup) for _ in range(args.rounds)]
    baseline, added, whole = (statistics.median(column) for column in zip(*rounds, strict=True))
    result: dict[str, object] = {
        "python": platform.python_version(),
        "rounds": args.rounds,
        "baseline_ms": round(baseline, 1),
        "added_ms": round(added, 1),
        "whole_ms": round(whole, 1),
        "target_added_ms": TARGET_MS,
    }
    print(f"import attrs, cattrs, urllib3 (baseline): {baseline:6.1f} ms")
    print(f"import generated.prunner, added on top:   {added:6.1f} ms (target <= {TARGET_MS:.0f})")
    print(f"import generated.prunner, whole:          {whole:6.1f} ms")
    targets = [
        target(
            "import generated.prunner, ms added",
            "none (absolute, on top of attrs, cattrs, urllib3)",
            added,
            f"<= {TARGET_MS:g} ms",
            added <= TARGET_MS,
        )
    ]
    measured = [figure for figure in peer_rounds if figure is not None]
    if measured:
        peer_whole = statistics.median(measured)
        result["peer_whole_ms"] = round(peer_whole, 1)
        print(f"openapi-python-client's package, whole:   {peer_whole:6.1f} ms")
        targets.append(
            target(
                "import generated.prunner, whole",
                "openapi-python-client's package, whole",
                whole / peer_whole,
                "reported",
                None,
            )
        )
    else:
        print("openapi-python-client: not installed here; its figure is left out")
    result["targets"] = targets
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if added <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())

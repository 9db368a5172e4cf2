"""One table of every benchmark's targets, read from bench/results/*.json.

Each benchmark writes its figures to ``bench/results/NAME.json`` with a ``targets`` list:
``{"what", "baseline", "ratio", "target", "met"}`` per figure, where ``ratio`` is the
figure against its baseline measured in the same run (or an absolute figure, when the
baseline says so) and ``met`` is ``true``, ``false`` or ``null`` for a figure that is
reported without a target. ``nox -s bench`` runs every benchmark, then this.

Only results written since ``--since`` (a Unix time; the session passes its start) are
read: a result left from an earlier run is named as missing, never shown as current.
Exits 1 when a target is missed or a benchmark wrote no results, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def _targets(path: Path) -> list[dict[str, Any]]:
    found: Any = json.loads(path.read_text(encoding="utf-8"))
    targets = found.get("targets") if isinstance(found, dict) else None
    return targets if isinstance(targets, list) else []


def _verdict(met: object) -> str:
    if met is None:
        return "reported"
    return "met" if met else "MISSED"


_WIDTHS = (13, 56, 56, 7, 44, 8)


def _row(cells: tuple[str, ...]) -> str:
    return "  ".join(f"{cell:<{width}}" for cell, width in zip(cells, _WIDTHS, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="the folder of results (bench/results)"
    )
    parser.add_argument(
        "--since", type=float, default=0.0, help="ignore results older than this Unix time"
    )
    parser.add_argument(
        "--expect",
        nargs="*",
        default=(),
        metavar="NAME",
        help="benchmarks that must have written results/NAME.json with targets",
    )
    options = parser.parse_args(argv)
    rows: list[tuple[str, dict[str, Any]]] = []
    missing = []
    for name in sorted({*options.expect, *(path.stem for path in options.results.glob("*.json"))}):
        path = options.results / f"{name}.json"
        fresh = path.is_file() and path.stat().st_mtime >= options.since
        targets = _targets(path) if fresh else []
        if not targets:
            if name in options.expect or fresh:
                missing.append(name)
            continue
        rows.extend((name, target) for target in targets)
    load = os.getloadavg()
    print(
        f"\nbenchmark targets (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"{os.cpu_count()} cores)"
    )
    print(_row(("benchmark", "what", "baseline", "ratio", "target", "verdict")))
    for name, target in rows:
        ratio = target.get("ratio")
        shown = f"{ratio:.2f}" if isinstance(ratio, (int, float)) else "?"
        cells = (name, target.get("what"), target.get("baseline"), shown, target.get("target"))
        print(_row((*map(str, cells), _verdict(target.get("met")))))
    for name in missing:
        print(f"{name:<13}  no targets written in this run")
    missed = [target for _, target in rows if target.get("met") is False]
    print(f"{len(rows) - len(missed)} of {len(rows)} figures met or reported; {len(missed)} missed")
    return 1 if missed or missing else 0


if __name__ == "__main__":
    sys.exit(main())

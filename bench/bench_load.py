"""Reading a spec's YAML: libyaml's C parser against ruamel's pure-Python one, same run.

``plain_document`` (what ``load_spec`` reads YAML with) takes its events from libyaml
when it can and reads with ruamel, the reference, otherwise (``_spec/_events.py``). This
times both readings of the largest YAML documents of the corpus (OpenAI's, 3.0 MB) and
of a synthetic spec (``_synthetic_spec``, about 3 MB), best of a few runs each,
alternated, and ``load_spec`` as a whole on each. Results go to bench/results/load.json.

    python bench/bench_load.py [RUNS]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _corpus import documents
from _measure import command_line, target
from _synthetic_spec import write_project
from specbind import load_spec
from specbind._spec._events import c_document, c_parser_version, ruamel_document

RESULTS = Path(__file__).parent / "results" / "load.json"
#: The corpus documents timed: the largest YAML ones.
NAMES = ("openai.yaml", "docker-engine.yaml", "temporal.yaml")


def _best(runs: int, work: Callable[[], Any]) -> float:
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        found.append(time.perf_counter() - started)
    return min(found)


def main(runs: int) -> dict[str, object]:
    assert c_parser_version(), "PyYAML without libyaml: there is no C reading to time"
    found: dict[str, Any] = {"runs": runs, "documents": {}, "targets": []}
    with tempfile.TemporaryDirectory() as scratch:
        paths = {}
        for document in documents():
            if document.name in NAMES:
                paths[document.name] = Path(scratch) / document.name
                paths[document.name].write_bytes(document.published())
        paths["synthetic.yaml"] = write_project(Path(scratch) / "project", 2000, operations=500)
        for name, path in paths.items():
            text = path.read_text(encoding="utf-8")
            assert repr(c_document(text)) == repr(ruamel_document(text)), name
            c_read = ruamel_read = 1e9
            for _ in range(runs):  # alternated, so that load on the machine hits both
                c_read = min(c_read, _best(1, lambda text=text: c_document(text)))
                ruamel_read = min(ruamel_read, _best(1, lambda text=text: ruamel_document(text)))
            whole = _best(runs, lambda path=path: load_spec(path))
            found["documents"][name] = {
                "bytes": len(text.encode("utf-8")),
                "libyaml_read_s": round(c_read, 3),
                "ruamel_read_s": round(ruamel_read, 3),
                "load_spec_s": round(whole, 3),
            }
            found["targets"].append(
                target(
                    f"YAML read of {name}, libyaml",
                    "ruamel's pure-Python read, same run",
                    c_read / ruamel_read,
                    "<= 0.25",
                    c_read / ruamel_read <= 0.25,
                )
            )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(found, indent=2) + "\n")
    return found


def _runs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("runs", type=int, nargs="?", default=3, help="runs of each reading")


if __name__ == "__main__":
    result = main(command_line(__doc__, _runs).runs)
    print(json.dumps(result, indent=2))
    sys.exit(0 if all(entry["met"] for entry in result["targets"]) else 1)

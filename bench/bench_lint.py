"""`specbind lint` on a vendor-sized spec, against openapi-spec-validator alone on it.

One run of each, in a subprocess as a user runs it (start-up and loading included): a
synthetic spec (``_synthetic_spec``) of 2,000 schemas and 500 operations with response
examples, about 3 MB, as large as the largest public documents. The baseline is
openapi-spec-validator alone (``validate`` on the same file, read by its own loader):
what any linter of OpenAPI has to do at least. Results go to bench/results/lint.json.

    python bench/bench_lint.py [SCHEMAS OPERATIONS]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from _measure import command_line, measure, target
from _synthetic_spec import write_project

RESULTS = Path(__file__).parent / "results" / "lint.json"
_VALIDATOR_ALONE = (
    "import sys; from openapi_spec_validator import validate; "
    "from openapi_spec_validator.readers import read_from_filename; "
    "validate(read_from_filename(sys.argv[1])[0])"
)


def main(schemas: int, operations: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        spec = write_project(work / "project", schemas, operations=operations)
        lint = measure([sys.executable, "-m", "specbind", "lint", str(spec)], work / "lint.txt")
        assert lint.status == 0, (work / "lint.txt").read_text()[-2000:]
        alone = measure([sys.executable, "-c", _VALIDATOR_ALONE, str(spec)], work / "osv.txt")
        assert alone.status == 0, (work / "osv.txt").read_text()[-2000:]
        found: dict[str, object] = {
            "schemas": schemas,
            "operations": operations,
            "spec_bytes": spec.stat().st_size,
            "lint": {"wall_s": round(lint.seconds, 2), "peak_rss_mib": lint.maxrss_kib // 1024},
            "openapi_spec_validator_alone": {
                "wall_s": round(alone.seconds, 2),
                "peak_rss_mib": alone.maxrss_kib // 1024,
            },
            "lint_x_validator_alone": round(lint.seconds / alone.seconds, 2),
            "targets": [
                target(
                    f"specbind lint, synthetic spec ({schemas:,} schemas), wall",
                    "openapi-spec-validator alone, same spec",
                    lint.seconds / alone.seconds,
                    "reported",
                    None,
                )
            ],
        }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(found, indent=2) + "\n")
    return found


def _sizes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("schemas", type=int, nargs="?", default=2000)
    parser.add_argument("operations", type=int, nargs="?", default=500)


if __name__ == "__main__":
    arguments = command_line(__doc__, _sizes)
    print(json.dumps(main(arguments.schemas, arguments.operations), indent=2))

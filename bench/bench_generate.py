"""`specbind generate`: wall time, CPU time and peak memory, on the three specs and at scale.

Every figure is one run of the command in a subprocess, as a user runs it (start-up
included), its peak RSS the largest of its processes (ruff's included). The cache lives in
a scratch directory, never the user's.

- **The three specs.** In interleaved rounds: ``generate --check`` with an empty cache
  (cold: it fills the cache), again with the filled cache (warm: nothing is formatted
  or handed to datamodel-code-generator again), ``generate --check --no-cache``, and
  ``generate`` writing a fresh ``generated/`` with the warm cache. Baseline in the same
  rounds: ``specbind lint`` alone on the same specs. Then each spec alone, in a project
  of its own: ``generate --no-cache``, then warm. Medians over the rounds.
- **At scale.** Lint-clean synthetic specs (``_synthetic_spec``) of 200, 400, 800 and
  2,000 schemas: ``generate --no-cache`` against two baselines on the same spec,
  ``specbind lint`` alone and datamodel-code-generator alone (its own dataclass output,
  our templates and formatting left out). Time and memory per schema show whether
  either grows faster than the spec.

Results go to bench/results/generate.json.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from _measure import ROOT, Measured, command_line, measure
from _synthetic_spec import write_project

RESULTS = Path(__file__).parent / "results" / "generate.json"
ROUNDS = 3
SCALES = (200, 400, 800, 2000)
SPECS = ("prunner", "vectara", "veryfront")
#: The issue's target for the three specs, in seconds of wall time.
TARGET_SECONDS = 3.0
#: generate's peak RSS (lint, the compile view, the models, ruff and the last compile
#: check, start-up included) against datamodel-code-generator's alone, reading the same
#: spec and writing its own dataclasses: 1.38 on the largest scale here (2,000 schemas).
#: tests/test_generate_scale.py holds generate to it on 2,000 schemas and 500 operations
#: (3.3 MB): 1.76 times (400 MB) before generate let the loaded document go and compiled
#: its output a piece at a time, 1.31 times (297 MB) after.
TARGET_PEAK_AGAINST_GENERATOR_ALONE = 1.5

GENERATOR_ALONE = textwrap.dedent(
    """
    import sys, warnings
    import datamodel_code_generator as dmcg
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from pathlib import Path
    warnings.simplefilter("ignore")
    output = dmcg.generate(
        Path(sys.argv[1]).read_text(),
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.DataclassesDataclass,
        formatters=[],
    )
    print(len(output))
    """
)


def specbind(*arguments: str | Path) -> list[str]:
    return [sys.executable, "-m", "specbind", *(str(argument) for argument in arguments)]


def run(command: list[str], work: Path, cache: Path, *, expect: int = 0) -> Measured:
    output = work / "output.txt"
    found = measure(command, output, env={"SPECBIND_CACHE_DIR": str(cache)})
    assert found.status == expect, output.read_text()[-3000:]
    return found


def figures(runs: list[Measured]) -> dict[str, float]:
    return {
        "wall_s": round(statistics.median(r.seconds for r in runs), 2),
        "cpu_s": round(statistics.median(r.cpu_seconds for r in runs), 2),
        "peak_rss_mib": round(max(r.maxrss_kib for r in runs) / 1024, 1),
    }


def project_of(work: Path, name: str, specs: tuple[str, ...]) -> Path:
    project = work / name
    (project / "specs").mkdir(parents=True)
    for spec in specs:
        shutil.copy(ROOT / "specs" / f"{spec}.yaml", project / "specs")
    return project


def three_specs(work: Path) -> dict[str, Any]:
    project = project_of(work, "three", SPECS)
    shutil.copytree(
        ROOT / "generated", project / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    # The repository's own [tool.specbind] (distribution name and pinned version), which
    # generated/ was made with.
    table = ROOT.joinpath("pyproject.toml").read_text(encoding="utf-8").split("[tool.specbind]")[1]
    own = table.split("\n[", 1)[0]
    (project / "pyproject.toml").write_text(f"[tool.specbind]{own}\n", encoding="utf-8")
    cache = work / "cache-three"
    kinds = ("check_cold", "check_warm", "check_no_cache", "write_warm", "lint_alone")
    runs: dict[str, list[Measured]] = {kind: [] for kind in kinds}
    for _ in range(ROUNDS):
        shutil.rmtree(cache, ignore_errors=True)
        check = specbind("generate", "--check", "--project", project)
        runs["check_cold"].append(run(check, work, cache))
        runs["check_warm"].append(run(check, work, cache))
        runs["check_no_cache"].append(run([*check, "--no-cache"], work, cache))
        shutil.rmtree(project / "generated")
        runs["write_warm"].append(run(specbind("generate", "--project", project), work, cache))
        runs["lint_alone"].append(run(specbind("lint", "--project", project), work, cache))
    per_spec: dict[str, dict[str, Any]] = {}
    for spec in SPECS:
        alone = project_of(work, spec, (spec,))
        spec_cache = work / f"cache-{spec}"
        cold, warm = [], []
        for _ in range(ROUNDS):
            shutil.rmtree(spec_cache, ignore_errors=True)
            cold.append(
                run(specbind("generate", "--no-cache", "--project", alone), work, spec_cache)
            )
            run(specbind("generate", "--project", alone), work, spec_cache)  # fills the cache
            warm.append(run(specbind("generate", "--project", alone), work, spec_cache))
        per_spec[spec] = {"no_cache": figures(cold), "warm_cache": figures(warm)}
    return {kind: figures(found) for kind, found in runs.items()} | {"per_spec": per_spec}


def at_scale(work: Path) -> dict[str, Any]:
    script = work / "generator_alone.py"
    script.write_text(GENERATOR_ALONE)
    scales: dict[str, Any] = {}
    for count in SCALES:
        project = work / f"synthetic-{count}"
        spec = write_project(project, count)
        cache = work / "cache-scale"
        generate = run(specbind("generate", "--no-cache", "--project", project), work, cache)
        lint = run(specbind("lint", "--project", project), work, cache)
        alone = run([sys.executable, str(script), str(spec)], work, cache)
        scales[str(count)] = {
            "spec_bytes": spec.stat().st_size,
            "generate": figures([generate]),
            "lint_alone": figures([lint]),
            "datamodel_code_generator_alone": figures([alone]),
            "generate_cpu_ms_per_schema": round(generate.cpu_seconds * 1000 / count, 2),
            "generate_x_lint_cpu": round(generate.cpu_seconds / lint.cpu_seconds, 2),
            "generate_x_generator_alone_cpu": round(generate.cpu_seconds / alone.cpu_seconds, 2),
        }
        shutil.rmtree(project)
    return scales


def show(found: dict[str, Any]) -> None:
    print(
        f"specbind generate, {found['python']}, {found['machine']}; load average "
        f"{found['load_average_at_end']:.2f} at the end; median of {ROUNDS} rounds"
    )
    three = found["three_specs"]
    rows = [
        ("generate --check, cold cache", three["check_cold"]),
        ("generate --check, warm cache", three["check_warm"]),
        ("generate --check --no-cache", three["check_no_cache"]),
        ("generate (writes generated/), warm cache", three["write_warm"]),
        ("lint alone (baseline)", three["lint_alone"]),
    ]
    rows += [
        (f"{spec} alone: generate --no-cache / warm", (both["no_cache"], both["warm_cache"]))
        for spec, both in three["per_spec"].items()
    ]
    print(f"{'the three specs':<46} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}")
    for name, figure in rows:
        if isinstance(figure, tuple):
            cold, warm = figure
            print(
                f"{name:<46} {cold['wall_s']:>4.2f}/{warm['wall_s']:<4.2f}"
                f"{cold['cpu_s']:>5.2f}/{warm['cpu_s']:<4.2f}{warm['peak_rss_mib']:>7.1f}"
            )
        else:
            print(
                f"{name:<46} {figure['wall_s']:>8.2f} {figure['cpu_s']:>8.2f} "
                f"{figure['peak_rss_mib']:>9.1f}"
            )
    cold = three["check_cold"]["wall_s"]
    verdict = "met" if cold <= TARGET_SECONDS else "MISSED"
    print(
        f"target: the three specs in at most {TARGET_SECONDS:g} s wall; "
        f"cold: {cold:.2f} s, {verdict}"
    )
    print(
        f"\n{'schemas':>7} {'KB':>6} | {'generate s':>10} {'MiB':>6} {'ms/schema':>9} | "
        f"{'lint s':>6} {'MiB':>6} | {'dmcg s':>6} {'MiB':>6} | {'gen/lint':>8} {'gen/dmcg':>8}"
    )
    for count, scale in found["at_scale"].items():
        generate, lint = scale["generate"], scale["lint_alone"]
        alone = scale["datamodel_code_generator_alone"]
        print(
            f"{int(count):>7,} {scale['spec_bytes'] // 1024:>6,} | {generate['cpu_s']:>10.2f} "
            f"{generate['peak_rss_mib']:>6.1f} {scale['generate_cpu_ms_per_schema']:>9.2f} | "
            f"{lint['cpu_s']:>6.2f} {lint['peak_rss_mib']:>6.1f} | {alone['cpu_s']:>6.2f} "
            f"{alone['peak_rss_mib']:>6.1f} | {scale['generate_x_lint_cpu']:>7.2f}x "
            f"{scale['generate_x_generator_alone_cpu']:>7.2f}x"
        )
    print("(seconds here are CPU seconds, every process of the command; wall times in the JSON)")


def targets(found: dict[str, Any]) -> list[dict[str, object]]:
    """The results' targets (one shape for every bench script; bench/report.py)."""
    cold = found["three_specs"]["check_cold"]["wall_s"]
    largest = max(found["at_scale"], key=int)
    scale = found["at_scale"][largest]
    peak = (
        scale["generate"]["peak_rss_mib"] / scale["datamodel_code_generator_alone"]["peak_rss_mib"]
    )
    return [
        {
            "what": "specbind generate --check, the three specs, cold cache: wall time",
            "baseline": f"{TARGET_SECONDS:g} s",
            "ratio": round(cold / TARGET_SECONDS, 3),
            "target": "<= 1.0 (wall time against the issue's 3 s)",
            "met": cold <= TARGET_SECONDS,
        },
        {
            "what": f"specbind generate --no-cache, {int(largest):,} synthetic schemas: peak RSS",
            "baseline": "datamodel-code-generator alone on the same spec, peak RSS",
            "ratio": round(peak, 3),
            "target": f"<= {TARGET_PEAK_AGAINST_GENERATOR_ALONE:g}",
            "met": peak <= TARGET_PEAK_AGAINST_GENERATOR_ALONE,
        },
    ]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="specbind-bench-") as temp:
        work = Path(temp)
        found = {
            "benchmark": "generate",
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "three_specs": three_specs(work),
            "at_scale": at_scale(work),
            "load_average_at_end": round(os.getloadavg()[0], 2),
        }
    found["targets"] = targets(found)
    show(found)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(found, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    command_line(__doc__)
    main()

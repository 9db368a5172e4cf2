"""Spec patterns on hostile values: every layer answers in time linear in the value.

Each layer runs in a child process with a timeout and a memory cap, as a user meets it:
``specbind validate``, the generated models under ``strict_converter``, and the client's
parameter check. Python's ``re`` took 66 s on the 32,000-character Vectara value and
hung on ``^(a+)+$``; it also let ``$`` match before a final newline, which ECMA-262
(and so every layer here) does not.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from _support import ROOT

#: Generous for a linear pass over 128 KB on a busy machine; the old code took minutes.
_TIMEOUT = 60
_MEMORY = 1 << 30


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY, _MEMORY))


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        preexec_fn=_cap_memory,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


def _validate(spec: str | Path, operation: str, path: Path) -> list[dict[str, Any]]:
    """Each result of ``specbind validate --format json`` on a JSON Lines file."""
    done = _run(
        "-m", "specbind", "validate", "--spec", str(spec), "--operation", operation,
        "--status", "200", "--format", "json", str(path),
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)["results"]
    return results


def _pattern_pointers(result: dict[str, Any]) -> set[str]:
    return {f["pointer"] for f in result["findings"] if f["keyword"] == "pattern"}


def _write_lines(path: Path, bodies: list[Any]) -> Path:
    path.write_text("".join(json.dumps(body) + "\n" for body in bodies))
    return path


@pytest.mark.parametrize("size", [32_000, 128_000])
def test_validate_checks_long_vectara_values_in_linear_time(tmp_path: Path, size: int) -> None:
    bodies = [
        {"id": "job_1", "corpus_keys": ["a" * size + "!"]},
        {"id": "job_" + "a" * size + "\n"},
        {"id": "job_" + "a" * size},
    ]
    results = _validate("vectara", "getJob", _write_lines(tmp_path / "jobs.jsonl", bodies))
    assert [r["outcome"] for r in results] == ["invalid", "invalid", "valid"]
    assert _pattern_pointers(results[0]) == {"/corpus_keys/0"}
    # `$` is the end of the value: a final newline is not a match.
    assert _pattern_pointers(results[1]) == {"/id"}


_HOSTILE_SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "hostile pattern", "version": "1"},
    "paths": {
        "/things/{name}": {
            "get": {
                "operationId": "getThing",
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^(a+)+$"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "A thing.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "name": {"type": "string", "pattern": "^(a+)+$"}
                                    },
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


def test_validate_checks_a_nested_quantifier_in_linear_time(tmp_path: Path) -> None:
    spec = tmp_path / "hostile.json"
    spec.write_text(json.dumps(_HOSTILE_SPEC))
    bodies = [{"name": "a" * 10_000 + "!"}, {"name": "a" * 10_000}, {"name": "a" * 10 + "\n"}]
    results = _validate(spec, "getThing", _write_lines(tmp_path / "things.jsonl", bodies))
    assert [r["outcome"] for r in results] == ["invalid", "valid", "invalid"]
    assert _pattern_pointers(results[0]) == _pattern_pointers(results[2]) == {"/name"}


#: A vendor's list of names, as Prefect's time zones: literal branches, and a few whose
#: unescaped `+` is a repeat (matched apart from the words, by the position automaton).
_ZONES = (
    "|".join(f"Region{i % 7}/City_{i}" for i in range(500))
    + "|"
    + "|".join(f"Etc/GMT+{n}" for n in range(13))
)


@pytest.mark.parametrize("size", [32_000, 128_000])
def test_validate_checks_a_long_list_of_names_in_linear_time(tmp_path: Path, size: int) -> None:
    spec = json.loads(json.dumps(_HOSTILE_SPEC))
    schema = spec["paths"]["/things/{name}"]["get"]["responses"]["200"]["content"]
    schema["application/json"]["schema"]["properties"]["name"]["pattern"] = _ZONES
    path = tmp_path / "zones.json"
    path.write_text(json.dumps(spec))
    unit = "Region1/Cit"
    bodies = [
        {"name": unit * (size // len(unit))},
        {"name": unit * (size // len(unit)) + "Region1/City_1"},
        {"name": "Etc/GM" + "T" * size + "1"},
    ]
    results = _validate(path, "getThing", _write_lines(tmp_path / "things.jsonl", bodies))
    assert [r["outcome"] for r in results] == ["invalid", "valid", "valid"]
    assert _pattern_pointers(results[0]) == {"/name"}


_MODELS_AND_CLIENT = textwrap.dedent(
    """
    import json, sys
    import attrs
    from generated._runtime import _checks, check_parameter
    from generated.vectara import Client, converter, strict_converter
    from generated.vectara.models import Job

    size = int(sys.argv[1])
    out = {}

    def outcome(call):
        try:
            call()
        except Exception as exc:
            return type(exc).__name__
        return "accepted"

    for name, body in [
        ("corpus_key", {"id": "job_1", "corpus_keys": ["a" * size + "!"]}),
        ("id_newline", {"id": "job_" + "a" * size + "\\n"}),
        ("id", {"id": "job_" + "a" * size}),
    ]:
        out["strict " + name] = outcome(lambda: strict_converter.structure(body, Job))
        out["lenient " + name] = outcome(lambda: converter.structure(body, Job))

    @attrs.frozen
    class Thing:
        name: str = attrs.field(validator=_checks.pattern("^(a+)+$"))

    out["model nested"] = outcome(lambda: Thing("a" * size + "!"))
    out["model nested ok"] = outcome(lambda: Thing("a" * size))

    client = Client(base_url="http://127.0.0.1:9")
    out["client newline"] = outcome(lambda: client.get_job("job_" + "a" * size + "\\n"))
    out["client separator"] = outcome(lambda: client.get_job("job_" + "a" * size + "\\u2028"))
    out["param nested"] = outcome(
        lambda: check_parameter("a" * size + "!", name="name", pattern="^(a+)+$")
    )
    out["param nested ok"] = outcome(
        lambda: check_parameter("a" * size, name="name", pattern="^(a+)+$")
    )
    print(json.dumps(out))
    """
)


@pytest.mark.parametrize("size", [32_000, 128_000])
def test_models_and_client_check_long_values_in_linear_time(size: int) -> None:
    done = _run("-c", _MODELS_AND_CLIENT, str(size))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "strict corpus_key": "ClassValidationError",
        "lenient corpus_key": "accepted",
        "strict id_newline": "ClassValidationError",
        "lenient id_newline": "accepted",
        "strict id": "accepted",
        "lenient id": "accepted",
        "model nested": "ConstraintViolation",
        "model nested ok": "accepted",
        "client newline": "InvalidParameterError",
        "client separator": "InvalidParameterError",
        "param nested": "InvalidParameterError",
        "param nested ok": "accepted",
    }

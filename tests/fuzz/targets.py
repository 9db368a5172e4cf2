"""What is fuzzed, and the invariant each input must keep.

Every target turns a fixture (the bytes of one input file) into a check. The command
targets run ``specbind`` on the file: in the fuzzing process itself for speed, or as a
subprocess when a fixture is replayed. Either way the invariant is the same: an exit
status of 0, 1 or 2, and no traceback or "internal error" in the output. The decode
target calls a generated client on a canned answer: the call returns a model or raises
the client's documented ``SpecbindError``, and the strict converter returns a model or
raises a cattrs validation error.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cattrs.errors import BaseValidationError
from hypothesis import strategies as st
from specbind import main

from . import strategies

__all__ = ["FIXTURES", "TARGETS", "Crash", "Target"]

ROOT = Path(__file__).parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "fuzz"
_EXIT_CODES = (0, 1, 2)


class Crash(AssertionError):
    """An input broke the invariant; ``str()`` says how."""


@dataclass(frozen=True)
class Target:
    """One thing to fuzz: how to draw an input, and the command or call that checks it."""

    name: str
    suffix: str
    inputs: st.SearchStrategy[bytes]
    #: The ``specbind`` arguments for an input file; None for the decode target.
    argv: Callable[[Path], list[str]] | None = None

    def check_in_process(self, path: Path) -> None:
        """Run the input in this process; raise :class:`Crash` if it breaks the invariant."""
        if self.argv is None:
            decode(path.read_bytes())
            return
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status: object = main(self.argv(path))
            except SystemExit as exc:
                status = exc.code
        check_output(status, out.getvalue() + err.getvalue())


def check_output(status: object, output: str) -> None:
    """The invariant of a command's run: a documented exit status, no crash in its words."""
    if status not in _EXIT_CODES:
        raise Crash(f"exit status {status!r}: {output[-500:]}")
    for sign in ("Traceback", "internal error"):
        if sign in output:
            raise Crash(f"{sign!r} in the output: {output[-500:]}")


def _validate(spec: str, *rest: str) -> Callable[[Path], list[str]]:
    def argv(path: Path) -> list[str]:
        return [
            "validate",
            "--spec",
            str(ROOT / "specs" / f"{spec}.yaml"),
            "--jobs",
            "1",
            *rest,
            str(path),
        ]

    return argv


def _lint(path: Path) -> list[str]:
    return ["lint", str(path)]


def decode(fixture: bytes) -> None:
    """Call a generated client on one canned answer; :class:`Crash` if it breaks."""
    answer = json.loads(fixture)
    api, method = answer["call"].split(".")
    package = importlib.import_module(f"generated.{api}")
    runtime = importlib.import_module("generated._runtime._http")
    headers = {} if answer["content_type"] is None else {"content-type": answer["content_type"]}
    body = base64.b64decode(answer["body"])
    raw = runtime.RawResponse(
        status=answer["status"], headers=headers, body=body, url="https://x.test/", elapsed=0.0
    )
    client = package.Client(base_url="https://x.test", token="t0ken")
    # The answer is canned: no server, no socket.
    client._transport.request = lambda *args, **kwargs: raw
    operation, arguments = _CALLS[answer["call"]]
    try:
        getattr(client, method)(**arguments)
    except package.SpecbindError:
        pass
    except Exception as exc:
        raise Crash(f"{answer['call']} raised {type(exc).__name__}: {exc}") from exc
    _strict(package, package.RESPONSE_MODELS[(operation, "200")], body)


_UUID = "00000000-0000-0000-0000-000000000000"
_VERYFRONT_JOB = {"project_reference": "p", "job_id": _UUID}
#: Each client call the decode target makes: its operationId and arguments.
_CALLS: dict[str, tuple[str, dict[str, str]]] = {
    "prunner.get_job_detail": ("getJobDetail", {"id": _UUID}),
    "vectara.get_job": ("getJob", {"job_id": "job_1"}),
    "veryfront.get_job": ("getJob", _VERYFRONT_JOB),
    "veryfront.get_job_batch": ("getJobBatch", {"project_reference": "p", "batch_id": _UUID}),
    "veryfront.cancel_job": ("cancelJob", _VERYFRONT_JOB),
}


def _strict(package: Any, model: type, body: bytes) -> None:
    """The strict converter on the same body, if it is JSON: a model or a validation error."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return
    try:
        package.strict_converter.structure(data, model)
    except BaseValidationError:
        pass
    except Exception as exc:
        raise Crash(f"strict_converter raised {type(exc).__name__}: {exc}") from exc


TARGETS = {
    target.name: target
    for target in (
        Target(
            "validate-json",
            ".json",
            strategies.json_bodies("vectara"),
            _validate("vectara", "--operation", "getJob", "--status", "200"),
        ),
        Target(
            "validate-jsonl",
            ".jsonl",
            strategies.json_lines("prunner"),
            _validate("prunner", "--operation", "getJobDetail", "--status", "200"),
        ),
        Target("validate-har", ".har", strategies.har_files("veryfront"), _validate("veryfront")),
        Target("lint", ".yaml", strategies.spec_texts(), _lint),
        Target(
            "decode",
            ".json",
            strategies.raw_responses(sorted(_CALLS)).map(
                lambda answer: json.dumps(answer).encode()
            ),
        ),
    )
}

"""The front of ``generate`` (load, gate, compile view) for each spec, in this process or
in a child process that hands the compile views back.

In a child, what the front leaves behind never adds to the peak of the stages after it:
the loaded documents, the gate's imports (lint brings openapi-spec-validator, jsonschema
and their dependencies, ~20 MB that stay once imported) and the heap pages both grew. The
child has exited before the models stage starts, so the two peaks never add up.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .._spec._load import LoadedSpec, load_spec
from .._spec._problems import Problem
from ._ir import Api, CompileError, build_api
from ._memory import kept_alive, release_memory

__all__ = ["Gate", "Stated", "build_views", "build_views_apart"]

#: What stands before compile: the problems of a loaded spec (the command line passes
#: lint's rules, so that generate never imports lint).
Gate = Callable[[LoadedSpec], Iterable[Problem]]
#: What the bindings' version is made from: each spec's name, sha256 and info.version.
Stated = tuple[str, str, str]


def build_views(paths: Sequence[Path], gate: Gate | None) -> tuple[list[Api], list[Stated]]:
    """Load each spec, pass it through ``gate`` and build its compile view.

    Raises :class:`LoadError`, or :class:`CompileError` (listing the errors ``gate`` finds).
    """
    apis: list[Api] = []
    stated: list[Stated] = []
    for path in paths:
        spec = load_spec(path)
        with kept_alive():
            problems = [problem for problem in (gate(spec) if gate else ()) if problem.is_error]
            if problems:
                listed = "\n".join(str(problem) for problem in problems)
                raise CompileError(
                    f"{listed}\nspecbind lint found {len(problems)} problem(s); fix them first"
                )
            apis.append(build_api(spec))
        stated.append((spec.name, spec.sha256, str(spec.data.get("info", {}).get("version", ""))))
        # The compile view is all the later stages read: the document as loaded (and
        # where each of its nodes was written) is let go before the next one loads.
        del spec, problems
        release_memory()
    return apis, stated


def build_views_apart(paths: Sequence[Path], gate: Gate | None) -> tuple[list[Api], list[Stated]]:
    """:func:`build_views` in a child process (``gate`` is passed by name, so it must be
    a module-level function); its errors are raised here, as they were raised there."""
    request = pickle.dumps((list(paths), gate), protocol=pickle.HIGHEST_PROTOCOL)
    # The child's stderr is ours: what it says reaches the user as it is said.
    # `-c` puts the working directory first on the child's path (as "", unless
    # PYTHONSAFEPATH is set), where a directory of the user's could stand in for one of
    # ours: it is taken out again.
    command = (
        'import sys; sys.path[:1] = [] if sys.path[:1] == [""] else sys.path[:1]; '
        f"from {__name__} import _child; sys.exit(_child())"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", command], input=request, stdout=subprocess.PIPE, check=False
    )
    if done.returncode != 0 or not done.stdout:
        raise RuntimeError(f"the process building the compile views exited {done.returncode}")
    answer: tuple[list[Api], list[Stated]] | BaseException = pickle.loads(done.stdout)  # noqa: S301 - our child's
    if isinstance(answer, BaseException):
        raise answer
    return answer


def _child() -> int:
    answer_to = sys.stdout.buffer
    # Only the answer goes to stdout: anything printed on the way goes to stderr.
    sys.stdout = sys.stderr
    paths, gate = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - our parent's
    answer: object
    try:
        answer = build_views(paths, gate)
    except KeyboardInterrupt:
        # The parent was interrupted too, and says so.
        return 130
    except Exception as exc:  # raised in the parent: a bug there still reads as a bug
        answer = exc
    try:
        pickled = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        pickled = pickle.dumps(RuntimeError(f"{type(answer).__name__}: {answer}"))
    answer_to.write(pickled)
    answer_to.flush()
    return 0

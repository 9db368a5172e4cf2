"""[compilable]: the shapes generate cannot compile, refused by lint first.

Generate hoists every inline shape into a component and compiles each component
to a class or type alias (see ``specbind._generate._hoist``). The few shapes no class
can express are refused there; this rule runs the same hoisting and the same
checks, so that lint and generate agree on every spec: what lint accepts, generate
compiles.
"""

from __future__ import annotations

from collections.abc import Iterator

from .._generate._hoist import HoistError, hoist, refusals
from .._spec._load import LoadedSpec
from .._spec._problems import Problem
from .._spec._walk import SpecIndex

__all__ = ["check_compilable"]

_RULE = "compilable"


def check_compilable(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[compilable]."""
    try:
        hoisted = hoist(spec)
    except HoistError as exc:
        yield _problem(spec, exc)
        return
    for refused in refusals(hoisted):
        yield _problem(hoisted, refused)
    # What the merge of an allOf read in a way it says (see ``_hoist``).
    yield from hoisted.load_warnings[len(spec.load_warnings) :]


def _problem(spec: LoadedSpec, refused: HoistError) -> Problem:
    line, column = spec.locate(refused.pointer)
    return Problem(spec.path, line, column, _RULE, refused.message)

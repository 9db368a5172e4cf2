"""The effect of a spec change on the generated Python API: names that appear, disappear
or change type, found by generating both versions and comparing what they define."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from .._generate._compile import Names, compile_project
from .._generate._format import FormatError
from .._generate._ir import CompileError
from .._generate._pins import PinError, ToolVersions, tool_versions
from .._lint import lint_spec
from .._spec._load import LoadedSpec
from ._surface import Surface, public_surface

__all__ = ["ApiChange", "ApiEffect", "api_effect"]

#: Both versions are generated under this one package name, so that nothing differs
#: between them but what the specs say.
_PACKAGE = "api"
_MAX_NOTE = 200


@dataclass(frozen=True)
class ApiChange:
    """One public name: ``added`` (only NEW has it), ``removed``, or ``changed`` type."""

    kind: Literal["added", "removed", "changed"]
    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ApiEffect:
    """The changed names, sorted; ``note`` says why they could not be computed, if so."""

    changes: tuple[ApiChange, ...] = ()
    note: str = ""


def api_effect(old: LoadedSpec, new: LoadedSpec) -> ApiEffect:
    """Generate both specs in memory and compare their public names."""
    for side, spec in (("OLD", old), ("NEW", new)):
        problems = [problem for problem in lint_spec(spec) if problem.is_error]
        if problems:
            return ApiEffect(
                note=f"not computed: {side} ({spec.path}) has {len(problems)} lint problem(s), "
                f"the first at line {problems[0].line}: {problems[0].rule}; run `specbind lint`"
            )
    try:
        versions = tool_versions()
    except PinError as exc:
        return ApiEffect(note=f"not computed: {exc}")
    surfaces = []
    for side, spec in (("OLD", old), ("NEW", new)):
        try:
            surfaces.append(_surface(spec, versions))
        except (CompileError, FormatError) as exc:
            return ApiEffect(note=f"not computed: generating {side} failed: {_one_line(exc)}")
        except Exception as exc:
            # The compile stage does not handle every lint-clean spec; the spec changes
            # are still worth reporting, so its failure is a note, not a traceback.
            return ApiEffect(
                note=f"not computed: generating {side} failed "
                f"({type(exc).__name__}: {_one_line(exc)}); this is a specbind bug"
            )
    return ApiEffect(_compare(*surfaces))


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= _MAX_NOTE else text[: _MAX_NOTE - 1] + "…"


def _surface(spec: LoadedSpec, versions: ToolVersions) -> Surface:
    renamed = replace(spec, path=f"{_PACKAGE}.yaml")
    files = compile_project(
        [renamed], versions, progress=lambda _: None, names=Names(_PACKAGE, _PACKAGE)
    )
    return public_surface(_PACKAGE, files)


def _compare(before: Surface, after: Surface) -> tuple[ApiChange, ...]:
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        kind: Literal["added", "removed", "changed"] = (
            "added" if old is None else "removed" if new is None else "changed"
        )
        changes.append(ApiChange(kind, name, old, new))
    return tuple(changes)

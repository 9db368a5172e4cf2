"""Compile stage: every generated file, rendered from the specs and formatted."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._spec._load import LoadedSpec
from ._cache import Cache
from ._chunks import Workers
from ._format import format_sources
from ._ir import Api, Operation, WaiterInfo, build_api
from ._memory import release_memory
from ._models import compile_models
from ._pins import ToolVersions
from ._render import render

__all__ = ["Names", "compile_apis", "compile_project"]

_RUNTIME = Path(__file__).parent.parent / "runtime"
_PACKAGE_TEMPLATES = ("__init__.py", "client.py", "converter.py", "errors.py", "types.py")
# Parameter constraints the client checks before sending (see runtime/_params.py).
_PARAMETER_CHECKS = ("pattern", "min_length", "max_length", "minimum", "maximum")


@dataclass(frozen=True)
class Names:
    """What the bindings are called: their import package and their distribution, and
    the distribution's version."""

    package: str
    distribution: str
    version: str = "0"


def compile_project(
    specs: Sequence[LoadedSpec],
    versions: ToolVersions,
    progress: Callable[[str], None],
    names: Names,
    cache: Cache | None = None,
) -> dict[str, str]:
    """Return {path under the output directory: content}: the bindings' project file,
    the runtime and every spec's package.

    Every source is rendered first, then all of them are formatted together. Models and
    formatted files that ``cache`` holds are not made again.
    """
    return compile_apis([build_api(spec) for spec in specs], versions, progress, names, cache)


def compile_apis(
    apis: Sequence[Api],
    versions: ToolVersions,
    progress: Callable[[str], None],
    names: Names,
    cache: Cache | None = None,
    *,
    workers: Workers | None = None,
) -> dict[str, str]:
    """:func:`compile_project` from the specs' compile views (see :func:`build_api`), so
    that a caller can let each loaded document go once its view is built. The models of
    a large spec are made in chunks by ``workers`` (see ``_chunks``), or by workers of
    their own."""
    sources: dict[str, str] = {}
    for module in sorted(_RUNTIME.glob("*.py")):
        header = _header(f"codegen/runtime/{module.name}", None, versions)
        sources[f"_runtime/{module.name}"] = render(
            "runtime.py.jinja2", header=header, source=module.read_text("utf-8")
        )
    top_header = _header("specs/*.yaml", None, versions)
    sources["__init__.py"] = render(
        "package/top.py.jinja2", header=top_header, apis=[api.name for api in apis]
    )
    for api in apis:
        started = time.monotonic()
        sources.update(_compile_api(api, versions, names, cache, progress, workers=workers))
        progress(f"compiled {api.spec_path} ({time.monotonic() - started:.1f} s)")
    release_memory()
    # ruff sees each file under the import package's name.
    formatted = format_sources(
        {f"{names.package}/{relative}": source for relative, source in sources.items()}, cache
    )
    files = {relative: formatted[f"{names.package}/{relative}"] for relative in sources}
    files["py.typed"] = ""
    # After the specs compiled: their names are checked to be identifiers by then.
    files["pyproject.toml"] = render(
        "package/pyproject.toml.jinja2",
        header=top_header,
        names=names,
        apis=[api.name for api in apis],
    )
    return files


def _compile_api(
    api: Api,
    versions: ToolVersions,
    names: Names,
    cache: Cache | None,
    progress: Callable[[str], None],
    *,
    workers: Workers | None,
) -> dict[str, str]:
    """The unformatted sources of one spec's package, keyed by path under the output."""
    header = _header(api.spec_path, api.spec_sha256, versions)
    sources = {"models.py": compile_models(api, header, cache, progress, workers=workers)}
    for name in _PACKAGE_TEMPLATES:
        sources[name] = render(
            f"package/{name}.jinja2",
            header=header,
            api=api,
            package=names.package,
            version=versions.specbind,
            operation_docs={op.operation_id: _operation_doc(op) for op in api.operations},
            waiter_docs={
                waiter.name: _waiter_doc(op, waiter)
                for op in api.operations
                for waiter in op.waiters
            },
            parameter_checks=_PARAMETER_CHECKS,
        )
    return {f"{api.name}/{name}": source for name, source in sources.items()}


def _header(source: str, sha256: str | None, versions: ToolVersions) -> str:
    return render("header.jinja2", source=source, sha256=sha256, versions=versions)


def _operation_doc(operation: Operation) -> str:
    """The docstring text of a client method: what it does, its arguments, what it raises."""
    lines = [(operation.summary or operation.operation_id).strip().rstrip(".") + "."]
    if operation.description and operation.description.strip() != operation.summary:
        lines += ["", operation.description.strip()]
    if operation.parameters:
        lines += ["", "Args:"]
        for parameter in operation.parameters:
            about = " ".join((parameter.description or "").split())
            if parameter.python_name != parameter.wire:
                # A renamed argument names what it is sent as.
                about = f"({parameter.location} {parameter.wire!r}) {about}".rstrip()
            lines.append(f"    {parameter.python_name}: {about or parameter.wire}")
    if operation.body:
        if not operation.parameters:
            lines += ["", "Args:"]
        about = " ".join((operation.body.description or "").split())
        lines.append(f"    body: ({operation.body.media_type}) {about}".rstrip())
    errors = [r for r in operation.responses if not r.is_success]
    lines += ["", "Raises:"]
    for response in errors:
        about = " ".join(response.description.split())
        lines.append(f"    ApiError: {response.status}: {about}")
    lines.append("    SpecbindError: the call failed before a documented answer arrived.")
    return "\n".join(lines)


def _waiter_doc(operation: Operation, waiter: WaiterInfo) -> str:
    """The docstring text of a ``wait_for_NAME`` method."""
    model = operation.success.model if operation.success else "answer"
    lines = [
        " ".join((waiter.description or f"Wait for {waiter.name}.").split()),
        "",
        f"Polls :meth:`{operation.method_name}` until an acceptor of the spec's waiter "
        f"{waiter.name!r} matches, and returns the final {model}. Errors on the way "
        "(no answer, 429, 502, 503, 504) poll again, honouring Retry-After.",
        "",
        "Args:",
    ]
    for parameter in operation.parameters:
        about = " ".join((parameter.description or parameter.wire).split())
        lines.append(f"    {parameter.python_name}: {about}")
    lines += [
        "    timeout: seconds to wait in all; no request runs past them.",
        "    poll: a PollPolicy to use instead of the spec's.",
        "    on_update: called with a WaitUpdate after every poll.",
        "    clock: the monotonic clock (for tests).",
        "    sleep: the sleep function (for tests).",
        "",
        "Raises:",
        "    WaiterFailed: a failure acceptor matched.",
        "    WaiterTimeout: the timeout passed before a final state.",
        "    ApiError: an error answer no acceptor expects, other than 429, 502, 503, 504.",
    ]
    return "\n".join(lines)

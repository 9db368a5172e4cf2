"""Compile stage: every generated file, rendered from the specs and formatted."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from codegen._format import format_source
from codegen._ir import Api, Operation, build_api
from codegen._load import LoadedSpec
from codegen._models import compile_models
from codegen._pins import ToolVersions
from codegen._render import render

__all__ = ["compile_project"]

_RUNTIME = Path(__file__).parent / "runtime"
_PACKAGE_TEMPLATES = ("__init__.py", "client.py", "converter.py", "errors.py", "types.py")
# Parameter constraints the client checks before sending (see runtime/_params.py).
_PARAMETER_CHECKS = ("pattern", "min_length", "max_length", "minimum", "maximum")


def compile_project(
    specs: Sequence[LoadedSpec], versions: ToolVersions, progress: Callable[[str], None]
) -> dict[str, str]:
    """Return {path under generated/: content} for the runtime and every spec."""
    files: dict[str, str] = {}
    for module in sorted(_RUNTIME.glob("*.py")):
        header = _header(f"codegen/runtime/{module.name}", None, versions)
        source = render("runtime.py.jinja2", header=header, source=module.read_text("utf-8"))
        files[f"_runtime/{module.name}"] = format_source(
            source, f"generated/_runtime/{module.name}"
        )
    top_header = _header("specs/*.yaml", None, versions)
    files["__init__.py"] = format_source(
        render("package/top.py.jinja2", header=top_header, apis=[spec.name for spec in specs]),
        "generated/__init__.py",
    )
    files["py.typed"] = ""
    for spec in specs:
        started = time.monotonic()
        api = build_api(spec)
        files.update(_compile_api(api, spec, versions))
        progress(f"compiled {spec.path} ({time.monotonic() - started:.1f} s)")
    return files


def _compile_api(api: Api, spec: LoadedSpec, versions: ToolVersions) -> dict[str, str]:
    header = _header(api.spec_path, api.spec_sha256, versions)
    sources = {"models.py": compile_models(api, spec.data, header)}
    for name in _PACKAGE_TEMPLATES:
        sources[name] = render(
            f"package/{name}.jinja2",
            header=header,
            api=api,
            version=versions.specbind,
            operation_docs={op.operation_id: _operation_doc(op) for op in api.operations},
            parameter_checks=_PARAMETER_CHECKS,
        )
    return {
        f"{api.name}/{name}": format_source(source, f"generated/{api.name}/{name}")
        for name, source in sources.items()
    }


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
    errors = [r for r in operation.responses if not r.is_success]
    lines += ["", "Raises:"]
    for response in errors:
        about = " ".join(response.description.split())
        lines.append(f"    ApiError: {response.status}: {about}")
    lines.append("    SpecbindError: the call failed before a documented answer arrived.")
    return "\n".join(lines)

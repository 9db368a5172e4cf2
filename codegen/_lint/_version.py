"""[openapi], for a document of a version specbind does not read: one problem, at once."""

from __future__ import annotations

from .._spec._load import LoadedSpec
from .._spec._problems import Problem

__all__ = ["check_version"]

RULE = "openapi"


def check_version(spec: LoadedSpec) -> Problem | None:
    """The one problem of a document of a version specbind does not read, else None."""
    if spec.source_version is not None:
        return None
    written = spec.as_written().data
    if "openapi" in written:
        version = written["openapi"]
        shown = repr(version) if isinstance(version, str) else f"{version!r} (not a string)"
        found, pointer = f"it says openapi: {shown}", "/openapi"
    elif "swagger" in written:
        version = written["swagger"]
        shown = repr(version) if isinstance(version, str) else f"{version!r} (not a string)"
        found, pointer = f"it says swagger: {shown}", "/swagger"
    else:
        found, pointer = "it has neither an openapi nor a swagger field", ""
    line, column = spec.locate(pointer)
    return Problem(
        spec.path,
        line,
        column,
        RULE,
        f"specbind reads OpenAPI 3.1.x, 3.0.0 to 3.0.4 and Swagger 2.0 (openapi: '3.1.0', "
        f"openapi: '3.0.3', swagger: '2.0'); {found}",
    )

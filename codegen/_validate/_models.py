"""The model layer: strict structuring of a payload into the generated attrs models.

``<package>.<spec name>`` (the package ``[tool.specbind]`` names, ``generated`` by
default) exports ``SPEC_SHA256``, ``RESPONSE_MODELS`` (operationId and
status key → model class) and ``strict_converter``; it is imported from the project's
output directory when that directory holds it, else as installed. The layer is used only when that
package imports and was generated from the very spec being checked. Where structuring
failed is read with the generated runtime's own ``error_locations``: it knows the
runtime's exceptions and the wire name of every attribute.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cattrs import Converter

from .._spec._bindings import prefer_output_package
from .._spec._load import LoadedSpec
from ._redact import cut

__all__ = ["Locate", "ModelError", "ModelLayer", "load_model_layer"]

#: ``error_locations``: a structuring error → ``(JSON pointer, message)`` pairs.
Locate = Callable[[BaseException], list[tuple[str, str]]]


@dataclass(frozen=True)
class ModelError:
    """One reason strict structuring refused a payload, at a JSON pointer."""

    pointer: str
    message: str


@dataclass(frozen=True)
class ModelLayer:
    """The models of one generated package, the converter that builds them, and how
    to find where a structuring error happened."""

    package: str
    models: Mapping[tuple[str, str], type]
    converter: Converter
    locate: Locate

    def model_for(self, operation: str, status_key: str) -> type | None:
        """The model class of a response, or None when the package has none."""
        return self.models.get((operation, status_key))

    def errors(self, model: type, value: Any) -> list[ModelError]:
        """Every reason structuring ``value`` into ``model`` fails; empty when it succeeds."""
        try:
            self.converter.structure(value, model)
        except RecursionError:
            return [ModelError("", "nested too deeply to structure")]
        except Exception as exc:
            # Generated code: whatever it raises is a finding about this payload.
            found = self.locate(exc) or [("", f"{type(exc).__name__}: {exc}")]
            return [ModelError(pointer, cut(message)) for pointer, message in found]
        return []


def load_model_layer(spec: LoadedSpec, bindings: str, output: str = "") -> ModelLayer | str:
    """The model layer for a spec in the import package ``bindings`` (from the project's
    output directory ``output`` when it holds the package), or why it cannot be used
    (one line)."""
    package = f"{bindings}.{spec.name}"
    runtime = f"{bindings}._runtime"
    stale = f"model layer skipped: {package} is stale or missing"
    if not spec.name.isidentifier():
        return f"{stale} ({spec.name!r} is not a package name)"
    try:
        if output:
            prefer_output_package(bindings, Path(output))
        module = importlib.import_module(package)
        locate = getattr(importlib.import_module(runtime), "error_locations", None)
    except ModuleNotFoundError:
        return f"{stale} (not generated)"
    except Exception as exc:
        # A broken generated package must not stop the schema layer.
        return f"{stale} (it fails to import: {type(exc).__name__}: {cut(str(exc))})"
    if getattr(module, "SPEC_SHA256", None) != spec.sha256:
        return f"{stale} (generated from another version of {spec.path})"
    models = getattr(module, "RESPONSE_MODELS", None)
    converter = getattr(module, "strict_converter", None)
    if not isinstance(models, Mapping) or not isinstance(converter, Converter):
        return f"{stale} (no RESPONSE_MODELS or strict_converter)"
    if not callable(locate):
        return f"{stale} ({runtime} has no error_locations)"
    return ModelLayer(package, models, converter, locate)

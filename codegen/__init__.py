"""specbind's toolkit: load, lint and compile OpenAPI specs, and check captured traffic."""

from ._cli import main
from ._load import LoadedSpec, LoadError, load_spec
from ._problems import Problem

__all__ = ["LoadError", "LoadedSpec", "Problem", "load_spec", "main"]

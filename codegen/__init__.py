"""specbind's toolkit: load, lint and compile OpenAPI specs, and check captured traffic."""

from codegen._cli import main
from codegen._load import LoadedSpec, LoadError, load_spec
from codegen._problems import Problem

__all__ = ["LoadError", "LoadedSpec", "Problem", "load_spec", "main"]

"""The real-world corpus in tests/corpus/: its manifest, each document's published bytes,
and the operations a document declares (for tests/test_corpus.py and bench/bench_corpus.py;
the tests import it as ``_corpus``: bench/ is on their sys.path)."""

from __future__ import annotations

import hashlib
import json
import lzma
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from specbind._spec._files import package_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

__all__ = [
    "CORPUS",
    "HTTP_METHODS",
    "PROBE",
    "Document",
    "count_operations",
    "documents",
    "parse",
    "write_project",
]

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
MANIFEST = CORPUS / "MANIFEST.toml"
#: The keys of a path item that are operations (OpenAPI 3.x and Swagger 2.0 alike).
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
#: What the manifest's ``expect`` says of a document specbind serves in full today.
GENERATES = "generates"


@dataclass(frozen=True)
class Document:
    """One document of the corpus, as its manifest entry describes it."""

    name: str  # the file name as published, extension included: specs/ holds it so
    file: str  # the file in tests/corpus/: the name, plus ``.xz`` when compressed
    sha256: str  # of the published (uncompressed) bytes
    size: int
    openapi: str
    operations: int
    valid: bool  # openapi-spec-validator accepts it
    expect: str  # "generates", or "fails: <why>" while specbind cannot serve it

    @property
    def generates(self) -> bool:
        return self.expect == GENERATES

    def published(self) -> bytes:
        """The document's bytes as published, checked against the manifest's sha256."""
        stored = (CORPUS / self.file).read_bytes()
        data = lzma.decompress(stored) if self.file.endswith(".xz") else stored
        digest = hashlib.sha256(data).hexdigest()
        if digest != self.sha256:
            raise ValueError(f"{self.file}: sha256 {digest}, the manifest says {self.sha256}")
        return data


def documents() -> list[Document]:
    """Every document of the manifest, in its order (sorted by name)."""
    entries = tomllib.loads(MANIFEST.read_text(encoding="utf-8"))["document"]
    return [
        Document(
            name=entry["name"],
            file=entry["file"],
            sha256=entry["sha256"],
            size=entry["size"],
            openapi=entry["openapi"],
            operations=entry["operations"],
            valid=entry["valid"],
            expect=entry["expect"],
        )
        for entry in entries
    ]


def parse(name: str, data: bytes) -> Any:
    """A published document as data: JSON by its extension, else YAML."""
    if name.endswith(".json"):
        return json.loads(data)
    return YAML(typ="safe", pure=True).load(data)


def count_operations(document: Any) -> int:
    """The operations a document declares: each HTTP method of each path item."""
    paths = document.get("paths") or {}
    return sum(1 for item in paths.values() for key in item if key in HTTP_METHODS)


def write_project(directory: Path, document: Document) -> tuple[str, str]:
    """A scratch user project holding one document as published, in ``directory``.

    Its ``[tool.specbind]`` names the bindings' package after the document
    (``github.json`` gives the package ``github_api``, its subpackage ``github``), written
    to a directory of that name in the project. Returns (package, subpackage).
    """
    spec = package_name(document.name)
    package = f"{spec}_api"
    (directory / "specs").mkdir(parents=True)
    (directory / "specs" / document.name).write_bytes(document.published())
    (directory / "pyproject.toml").write_text(
        f'[tool.specbind]\nspecs = "specs"\noutput = "{package}"\npackage = "{package}"\n',
        encoding="utf-8",
    )
    return package, spec


#: Run as ``python -c PROBE PACKAGE SUBPACKAGE`` from a generated project: imports every
#: module of the package and prints, as JSON, the modules and the client's operation
#: methods (each operation has a method and its ``_with_response`` twin; waiters have none).
PROBE = """
import importlib, json, pkgutil, sys
package, spec = sys.argv[1], sys.argv[2]
root = importlib.import_module(package)
modules = [root.__name__]
for info in pkgutil.walk_packages(root.__path__, package + "."):
    importlib.import_module(info.name)
    modules.append(info.name)
client = getattr(importlib.import_module(package + "." + spec), "Client", None)
names = set(dir(client)) if client is not None else set()
methods = sorted(n for n in names if not n.startswith("_") and n + "_with_response" in names)
print(json.dumps({"modules": modules, "methods": methods}))
"""

"""The real-world corpus: public OpenAPI documents, as their publishers ship them, through
``specbind lint`` and ``specbind generate`` in a scratch user project each.

For each document of tests/corpus/MANIFEST.toml: its package imports, module by module,
and its client has a method for every operation the document declares (counted here, from
the document). The manifest's ``expect`` records what specbind does with each document
today: a document it cannot serve yet is an ``xfail`` (strict) with the reason, so that the
test fails, and the manifest must be updated, as soon as a fix makes it generate.

Each generated package then passes ``mypy --strict`` (for Python 3.10, the oldest the
bindings support).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _corpus import CORPUS, PROBE, Document, count_operations, documents, parse, write_project

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

DOCUMENTS = documents()
#: Each document's manifest entry as written, by name: its provenance, which ``Document``
#: leaves out.
ENTRIES = {
    entry["name"]: entry
    for entry in tomllib.loads((CORPUS / "MANIFEST.toml").read_text(encoding="utf-8"))["document"]
}
#: The licences the corpus may ship documents under (issue 17: licence noted, redistributable).
LICENCES = frozenset({"Apache-2.0", "BSD-3-Clause", "MIT"})
#: Every key a manifest entry may have (tests/corpus/README.md says what each means).
KEYS = frozenset(
    {
        "name", "file", "repository", "commit", "tag", "path", "blob", "generated",
        "registry", "registry_path", "registry_licence", "upstream", "licence",
        "licence_file", "info_licence", "openapi", "size", "sha256", "operations", "why", "valid",
        "invalid", "expect",
    }
)  # fmt: skip
REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")
COMMIT = re.compile(r"[0-9a-f]{40}")
#: Generous: the largest documents (3-4 MB) on a shared 2-core machine.
TIMEOUT = 900


def _cases() -> list[Any]:
    """One case per document; those specbind cannot serve yet are strict xfails."""
    cases = []
    for document in DOCUMENTS:
        failing = pytest.mark.xfail(strict=True, reason=document.expect)
        marks = [] if document.generates else [failing]
        cases.append(pytest.param(document, id=document.name, marks=marks))
    return cases


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _generate(project: Path) -> None:
    """``specbind generate``, which lints first (warnings allowed: not ``--strict``) and
    stops at a lint error."""
    done = _run([sys.executable, "-m", "specbind", "generate"], project)
    assert done.returncode == 0, f"specbind generate:\n{done.stderr[-3000:]}"


def test_the_manifest_describes_every_document_and_nothing_else() -> None:
    assert len(DOCUMENTS) >= 40
    listed = {document.file for document in DOCUMENTS}
    present = {path.name for path in CORPUS.iterdir()} - {"MANIFEST.toml", "README.md"}
    assert present == listed
    assert len({document.name for document in DOCUMENTS}) == len(DOCUMENTS)
    for document in DOCUMENTS:
        assert document.expect == "generates" or document.expect.startswith("fails: "), document


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_each_document_is_the_published_bytes(document: Document) -> None:
    data = document.published()  # checks the sha256 of the uncompressed bytes
    assert len(data) == document.size


def _git_blob_id(data: bytes) -> str:
    """What ``git hash-object`` gives for a file of these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_each_document_names_its_repository_commit_and_path(document: Document) -> None:
    """A document is either the bytes of a repository file (``blob``: the git blob id of the
    published bytes, so ``git rev-parse COMMIT:PATH`` must print it), or says in
    ``generated`` how the published bytes come from the file named (then ``commit`` may give
    way to the release ``tag`` where no reachable source names the commit)."""
    entry = ENTRIES[document.name]
    assert set(entry) <= KEYS, set(entry) - KEYS
    assert REPOSITORY.fullmatch(entry["repository"]), entry["repository"]
    parts = entry["path"].split("/")
    assert all(part not in {"", ".", ".."} for part in parts), entry["path"]
    assert entry["licence"] in LICENCES, entry["licence"]
    assert ("blob" in entry) != ("generated" in entry), "one of blob and generated"
    if "registry" in entry or "generated" in entry:
        # The second source (a must where the bytes are not a repository file's): the
        # registry release and the path in it.
        assert entry["registry"]
        assert entry["registry_path"]
    if "blob" in entry:
        assert COMMIT.fullmatch(entry["commit"]), entry["commit"]
        assert entry["blob"] == _git_blob_id(document.published())  # checks the sha256 too
    else:
        assert entry["generated"].strip()
        if "commit" in entry:
            assert COMMIT.fullmatch(entry["commit"]), entry["commit"]
        else:
            assert entry["tag"].strip()


@pytest.mark.slow  # parsing the large YAML documents takes a while
@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_each_document_declares_the_version_and_operations_the_manifest_gives(
    document: Document,
) -> None:
    parsed = parse(document.name, document.published())
    assert str(parsed.get("openapi") or parsed.get("swagger")) == document.openapi
    assert count_operations(parsed) == document.operations


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache per test process: the stubs of attrs, cattrs and urllib3 are read once."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.mark.slow
@pytest.mark.parametrize("document", _cases())
def test_each_document_generates_imports_has_a_method_per_operation_and_passes_mypy_strict(
    document: Document, tmp_path: Path, mypy_cache: Path
) -> None:
    package, spec = write_project(tmp_path, document)
    _generate(tmp_path)
    done = _run([sys.executable, "-c", PROBE, package, spec], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert f"{package}.{spec}" in found["modules"]
    operations = count_operations(parse(document.name, document.published()))
    assert len(found["methods"]) == operations, found["methods"]
    # The oldest Python the bindings support; the scratch project has no mypy settings.
    mypy = [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10"]
    done = _run([*mypy, "--cache-dir", str(mypy_cache), "-p", package], tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]

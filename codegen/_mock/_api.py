"""What the mock reads from a spec: its operations, their credentials, parameters and
documented answers (statuses, media types, named examples, schemas)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._spec._config import ConfigError, load_config
from .._spec._find import SpecNotFound, find_spec
from .._spec._load import LoadedSpec, LoadError, load_spec
from .._validate._operations import Operation, SpecIndex, index_spec, is_json_media

__all__ = ["Answer", "Api", "Credential", "MockError", "resolve_spec"]


class MockError(Exception):
    """The mock cannot be set up as asked; ``str()`` is the one line to print."""


@dataclass(frozen=True)
class Credential:
    """One way a security scheme is sent: ``where`` is header, query or cookie."""

    where: str
    name: str
    prefix: str = ""  # "bearer " or "basic " for an Authorization header


@dataclass(frozen=True)
class Answer:
    """One documented answer: its media type (``""`` for none), the pointer of its schema
    (``""`` for none) and its named examples."""

    status: str
    media_type: str
    schema: str
    examples: Mapping[str, Any] = field(default_factory=dict)
    summaries: Mapping[str, str] = field(default_factory=dict)


def resolve_spec(name: str | os.PathLike[str], project: Path | None = None) -> LoadedSpec:
    """A spec path, or a name looked up in the specs directory of the ``project`` (default:
    the one found from the current directory), then among the specs specbind ships, as
    every command finds it. Raises :class:`MockError`."""
    try:
        return load_spec(find_spec(os.fspath(name), load_config(project).specs))
    except (SpecNotFound, LoadError, ConfigError) as exc:
        raise MockError(str(exc)) from None


class Api:
    """The operations of one spec, as the mock serves them."""

    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        # Any host and no base path: a client's base_url stands for the server URL.
        self.index: SpecIndex = index_spec(spec, ("/",))
        self.operations: dict[str, Operation] = self.index.operations

    def node(self, operation: Operation) -> dict[str, Any]:
        """The operation object of the spec."""
        node: dict[str, Any] = self.spec.data["paths"][operation.template][operation.method]
        return node

    def credentials(self, operation: Operation) -> list[list[Credential]]:
        """The alternatives of the operation's security, each a list of what to send;
        an empty alternative means no credential is needed."""
        security = self.node(operation).get("security", self.spec.data.get("security", []))
        schemes = self.spec.data.get("components", {}).get("securitySchemes", {})
        return [
            [_credential(self._deref(schemes.get(name, {}))) for name in requirement]
            for requirement in security
        ]

    def success_status(self, operation: Operation) -> str:
        """The lowest documented 2xx status (``200`` when none is written out)."""
        found = sorted(key for key in operation.responses if key.isdigit() and key[0] == "2")
        return found[0] if found else "200"

    def answer(self, operation: Operation, status: str) -> Answer | None:
        """The documented answer for a status (exact, range, then ``default``)."""
        response = operation.response_for(status)
        if response is None:
            return None
        raw = self.node(operation)["responses"][_raw_key(self.node(operation), response.key)]
        content = self._deref(raw).get("content") or {}
        media = next((m for m in content if is_json_media(m)), next(iter(content), ""))
        if not media:
            return Answer(status, "", "")
        entry = content[media] if isinstance(content[media], dict) else {}
        examples: dict[str, Any] = {}
        summaries: dict[str, str] = {}
        for name, written in (entry.get("examples") or {}).items():
            example = self._deref(written)
            if isinstance(example, dict) and "value" in example:
                examples[name] = example["value"]
                summaries[name] = str(example.get("summary", ""))
        if "example" in entry:
            examples.setdefault("example", entry["example"])
        schema = response.media.get(media.lower(), "")
        return Answer(status, media, schema, examples, summaries)

    def statuses(self, operation: Operation) -> Iterator[str]:
        """Every status the operation writes out (not ranges, not ``default``)."""
        yield from (key for key in operation.responses if key.isdigit())

    def _deref(self, node: Any) -> Any:
        for _ in range(32):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                break
            node = self.spec.resolve(node["$ref"])
        return node


def _raw_key(operation: dict[str, Any], key: str) -> str:
    """The responses key as written (``4xx`` where the index says ``4XX``)."""
    return next(str(raw) for raw in operation["responses"] if str(raw).upper() == key.upper())


def _credential(scheme: Any) -> Credential:
    scheme = scheme if isinstance(scheme, dict) else {}
    kind = scheme.get("type")
    if kind == "apiKey":
        return Credential(str(scheme.get("in", "header")), str(scheme.get("name", "")))
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        return Credential("header", "authorization", "basic ")
    if kind == "http" and str(scheme.get("scheme", "")).lower() != "bearer":
        return Credential("header", "authorization", f"{scheme.get('scheme', '')} ".lower())
    # http bearer, oauth2 and openIdConnect all send a bearer token.
    return Credential("header", "authorization", "bearer ")

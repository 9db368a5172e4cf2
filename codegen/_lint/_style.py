"""Style rules, reported as warnings: what Spectral's ``spectral:oas`` ruleset checks.

Our specs stay clean under Spectral's recommended ``oas`` rules without needing node in
CI: these rules check the same things, at ``file:line``. They do not change what is
generated, so they warn (``specbind lint`` exits 0 unless ``--strict``) and never stop
``specbind generate``.

- ``info-contact``: ``info`` has a ``contact`` object (Spectral's ``info-contact``);
- ``operation-tags``: every operation has a non-empty ``tags`` list, and each tag is
  declared in the top-level ``tags`` (Spectral's ``operation-tags`` and
  ``operation-tag-defined``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .._spec._load import LoadedSpec
from .._spec._problems import Problem
from .._spec._walk import SpecIndex, child

__all__ = ["check_info_contact", "check_operation_tags"]


def check_info_contact(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[info-contact]."""
    info = spec.data.get("info")
    # A missing or misshapen info is the openapi rule's to report.
    if isinstance(info, dict) and not (isinstance(info.get("contact"), dict) and info["contact"]):
        yield _warning(
            spec,
            "/info/contact" if "contact" in info else "/info",
            "info-contact",
            "info has no contact: say who answers for this API (name, url or email)",
        )


def check_operation_tags(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[operation-tags]."""
    declared = _declared_tags(spec.data.get("tags"))
    for operation in index.operations:
        tags = operation.node.get("tags")
        if not (isinstance(tags, list) and tags):
            at = child(operation.pointer, "tags") if "tags" in operation.node else operation.pointer
            message = (
                f"{operation.label} has no tags: list at least one, declared in the top-level tags"
            )
            yield _warning(spec, at, "operation-tags", message)
            continue
        for number, tag in enumerate(tags):
            if isinstance(tag, str) and tag not in declared:
                yield _warning(
                    spec,
                    child(child(operation.pointer, "tags"), number),
                    "operation-tags",
                    f"tag {tag!r} of {operation.label} is not declared in the top-level tags",
                )


def _declared_tags(tags: Any) -> frozenset[str]:
    if not isinstance(tags, list):
        return frozenset()
    return frozenset(
        tag["name"] for tag in tags if isinstance(tag, dict) and isinstance(tag.get("name"), str)
    )


def _warning(spec: LoadedSpec, pointer: str, rule: str, message: str) -> Problem:
    line, column = spec.locate(pointer)
    return Problem(spec.path, line, column, rule, message, severity="warning")

"""Read OpenAPI 3.0 and Swagger 2.0 documents as OpenAPI 3.1, remembering where each part
was written.

Every later stage (lint's own rules, generate, validate, diff) sees only 3.1; what a
message says about a converted node is located through a :class:`SourceMap` in the
document the user wrote.

Written here rather than taken from a library. The converters that exist either run
elsewhere (swagger2openapi and @scalar/openapi-upgrader are npm packages; prance converts
by posting the document to a web service) or are unmaintained single releases, and none
says where a converted node came from, which every message here must.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._convert_schema import upgrade_30
from ._convert_swagger import copy_plain, swagger_to_30

__all__ = ["Converted", "SourceMap", "convert", "source_version"]

#: The versions read, as their own schemas spell them.
_OPENAPI_31 = re.compile(r"3\.1\.\d+(-.+)?")
_OPENAPI_30 = re.compile(r"3\.0\.[0-4](-.+)?")
#: The version every converted document says it is.
TARGET = "3.1.0"


class SourceMap:
    """Maps a pointer of a converted document to the pointer it was written at.

    ``origins`` holds an entry only where the conversion moved a node; a pointer with no
    entry is found under its nearest ancestor that has one, keeping the rest of its path.
    ``then`` is the map of the stage before (2.0 goes through a 3.0 shape).
    """

    def __init__(self, origins: Mapping[str, str], then: SourceMap | None = None) -> None:
        self.origins = origins
        self.then = then

    def to_source(self, pointer: str) -> str:
        """The pointer in the written document that ``pointer`` was converted from."""
        prefix, rest = pointer, ""
        while True:
            found = self.origins.get(prefix)
            if found is not None:
                mapped = found + rest
                break
            if not prefix:
                mapped = pointer
                break
            prefix, _, last = prefix.rpartition("/")
            rest = f"/{last}{rest}"
        return self.then.to_source(mapped) if self.then is not None else mapped


@dataclass(frozen=True)
class Converted:
    """An OpenAPI 3.1 document, where its parts were written, and what to warn of."""

    data: dict[str, Any]
    source_map: SourceMap
    #: (pointer in the written document, message): what the conversion could not keep.
    warnings: tuple[tuple[str, str], ...] = ()


def source_version(document: Mapping[str, Any]) -> str | None:
    """``"3.1"``, ``"3.0"`` or ``"2.0"`` for a document specbind reads, else None."""
    openapi = document.get("openapi")
    if isinstance(openapi, str) and _OPENAPI_31.fullmatch(openapi):
        return "3.1"
    if isinstance(openapi, str) and _OPENAPI_30.fullmatch(openapi):
        return "3.0"
    if "openapi" not in document and document.get("swagger") == "2.0":
        return "2.0"
    return None


def convert(document: dict[str, Any], version: str) -> Converted:
    """The document of ``version`` (see :func:`source_version`) as OpenAPI 3.1.

    The document given is not changed; a 3.1 one is returned as it is.
    """
    if version == "3.1":
        return Converted(document, SourceMap({}))
    warnings: list[tuple[str, str]] = []
    if version == "2.0":
        shaped, origins = swagger_to_30(document, warnings)
        first = SourceMap(origins)
        swagger = True
    else:
        shaped, first, swagger = copy_plain(document), None, False
    origins = upgrade_30(shaped, swagger=swagger)
    shaped["openapi"] = TARGET
    return Converted(shaped, SourceMap(origins, first), tuple(warnings))

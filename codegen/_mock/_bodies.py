"""The bodies the mock sends: a documented example, or a value generated from the schema
and checked against it, encoded as the answer's media type says."""

from __future__ import annotations

import json
import random
from typing import Any

from .._validate._operations import Operation
from .._validate._schema import SchemaLayer
from ._api import Answer, Api
from ._values import ValueMaker

__all__ = ["Bodies", "encode"]

#: Draws tried before a generated value is given up for the spec's first example.
_ATTEMPTS = 25


class Bodies:
    """Chooses and makes bodies for one spec. Without a ``seed``, examples come first;
    with one, bodies are generated (the same seed gives the same bodies)."""

    def __init__(self, api: Api, seed: int | None) -> None:
        self.api = api
        self.seed = seed
        self.schemas = SchemaLayer(api.spec)
        self._maker = ValueMaker(api.spec)

    def value(
        self,
        operation: Operation,
        answer: Answer,
        *,
        example: str = "",
        draw: int = 0,
        generate: bool = False,
    ) -> Any:
        """The body value for ``answer``: the named ``example``; else, without a seed (and
        unless ``generate``), the example that fits the status best; else a value generated
        from the schema, or the first example when the schema gives none."""
        if example and example in answer.examples:
            return answer.examples[example]
        wants_generated = generate or self.seed is not None
        if answer.schema and (wants_generated or not answer.examples):
            value = self.generated(answer.schema, f"{operation.id}/{answer.status}/{draw}")
            if value is not None or not answer.examples:
                return value
        return answer.examples[_best_example(answer)] if answer.examples else None

    def generated(self, schema: str, salt: str) -> Any:
        """A value of the schema at pointer ``schema`` that passes it, drawn from the seed
        and ``salt``; ``None`` when no draw passes (no schema the specs use does that)."""
        node = self.api.spec.resolve(schema)
        for attempt in range(_ATTEMPTS):
            rng = random.Random(f"{self.seed or 0}/{salt}/{attempt}")  # noqa: S311 (test data)
            value = self._maker.make(node, rng)
            if not self.schemas.issues(schema, value):
                return value
        return None

    def valid(self, schema: str, value: Any) -> bool:
        """Whether ``value`` passes the schema at pointer ``schema``."""
        return not schema or not self.schemas.issues(schema, value)


def _best_example(answer: Answer) -> str:
    """The example whose summary names the status (a ``default`` answer documents several
    statuses), else the first."""
    for name, summary in answer.summaries.items():
        if answer.status in summary.split(",")[0].split():
            return name
    return next(iter(answer.examples))


def encode(answer: Answer, value: Any) -> tuple[bytes, str | None]:
    """The body bytes and Content-Type for ``value`` as ``answer``'s media type."""
    if not answer.media_type:
        return b"", None
    if answer.media_type.startswith("text/") and isinstance(value, str):
        return value.encode("utf-8"), f"{answer.media_type}; charset=utf-8"
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8"), answer.media_type

"""Whether a description's change alters a constraint it documents, not just its wording."""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["constraint_change"]

# The parts of a description that state a constraint: quoted literals, numbers, and the
# words that bound a value or say whether it is there. Rewording around them is not a
# change a client cares about; adding or dropping one of them is.
_TERMS = re.compile(
    r"`[^`]+`|\"[^\"]+\"|(?<![\w.])\d+(?:\.\d+)?(?!\w|\.\d)"
    r"|\b(?:must|may|never|always|only|required|optional|nullable|null|missing|absent"
    r"|omitted|empty|at least|at most|up to|minimum|maximum|between|exactly|pattern|format"
    r"|unique|deprecated)\b",
    re.IGNORECASE,
)


def _terms(text: str | None) -> Counter[str]:
    if not text:
        return Counter()
    return Counter(
        term if term[0] in '`"' else term.lower()
        for term in (match.group() for match in _TERMS.finditer(" ".join(text.split())))
    )


def constraint_change(old: str | None, new: str | None) -> str | None:
    """What the new description says about constraints that the old did not, and the
    reverse, in a few words; None when both state the same constraints."""
    before, after = _terms(old), _terms(new)
    if before == after:
        return None
    parts = []
    gained = sorted((after - before).keys())
    lost = sorted((before - after).keys())
    if gained:
        parts.append("now says " + ", ".join(gained))
    if lost:
        parts.append("no longer says " + ", ".join(lost))
    return "; ".join(parts)

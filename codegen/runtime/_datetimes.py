"""RFC 3339 date-times and full dates: parsed the same way on every supported Python."""

from __future__ import annotations

import re
import sys
from datetime import date, datetime, timedelta, timezone

__all__ = [
    "COMMON_LENGTH",
    "COMMON_MARKS",
    "format_date",
    "format_datetime",
    "from_common",
    "parse_date",
    "parse_datetime",
]

# RFC 3339 `full-date`: `date.fromisoformat` also takes `20240105` and week dates on 3.11.
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

# RFC 3339 section 5.6 `date-time`: a full date, `T` (any case; RFC 3339 allows a
# space only by agreement, and JSON Schema does not), a time with optional fraction,
# and a mandatory offset. `datetime.fromisoformat` is both looser (no offset, dates
# only) and, before Python 3.11, stricter (no `Z`, fractions of 3 or 6 digits only).
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)
# What servers send nearly always is `YYYY-MM-DDTHH:MM:SSZ`. Given its separators at
# their places, `fromisoformat` reads the rest as ASCII digits and checks each field's
# range, the same way on every supported Python (3.10 needs the `Z` spelled as an
# offset), about eight times faster than the parse below. Anything else, a leap second
# included, goes to that parse.
#: The common form's length, and its separators at 4, 7, 10, 13, 16 and 19 (every third
#: character from the fifth: ``text[4::3]``).
COMMON_LENGTH = 20
COMMON_MARKS = "--T::Z"
if sys.version_info >= (3, 11):
    from_common = datetime.fromisoformat
else:

    def from_common(text: str) -> datetime:
        return datetime.fromisoformat(text[:-1] + "+00:00")


#: Texts parsed lately, and their datetimes: payloads repeat them (a task starts when the
#: one before it ends), and a datetime is immutable, so one can stand for every equal
#: text. Emptied when full.
_RECENT: dict[str, datetime] = {}
_RECENT_MAX = 1024


def parse_datetime(text: str) -> datetime:
    """Parse an RFC 3339 date-time into an aware ``datetime``; ``ValueError`` otherwise.

    Fractions beyond microseconds are truncated. A leap second (``:60``) is
    clamped to ``:59.999999``, the nearest instant ``datetime`` can hold.
    """
    found = _RECENT.get(text) if type(text) is str else None
    if found is None:
        found = _parse(text)
        if len(_RECENT) >= _RECENT_MAX:
            _RECENT.clear()
        _RECENT[text] = found
    return found


def _parse(text: str) -> datetime:
    if len(text) == COMMON_LENGTH and text[4::3] == COMMON_MARKS:
        try:
            return from_common(text)
        except ValueError:
            pass  # not digits, a field out of range, or year 0: the full parse says which
    return _parse_rfc3339(text)


def _parse_rfc3339(text: str) -> datetime:
    """Any RFC 3339 date-time, as :func:`parse_datetime` documents."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time: {text[:80]!r}")
    year, month, day, hour, minute, second = map(int, match.group(1, 2, 3, 4, 5, 6))
    fraction = match.group(7) or ""
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    if match.group(8):
        zone = timezone.utc
    else:
        offset_hours, offset_minutes = int(match.group(10)), int(match.group(11))
        if offset_hours > 23 or offset_minutes > 59:
            raise ValueError(f"offset out of range in date-time: {text[:80]!r}")
        offset = timedelta(hours=offset_hours, minutes=offset_minutes)
        zone = timezone(-offset if match.group(9) == "-" else offset)
    if second == 60:
        second, micro = 59, 999_999
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)


def format_datetime(value: datetime) -> str:
    """Format an aware ``datetime`` as RFC 3339 (``Z`` for UTC); ``ValueError`` if naive."""
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"naive datetime {value!r} has no offset; RFC 3339 needs one")
    text = value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    if offset == timedelta(0):
        return text[: -len("+00:00")] + "Z"
    return text


def parse_date(text: str) -> date:
    """Parse an RFC 3339 full date (``2024-01-05``); ``ValueError`` otherwise."""
    if _FULL_DATE.fullmatch(text) is None:
        raise ValueError(f"not an RFC 3339 full date: {text[:80]!r}")
    return date.fromisoformat(text)


def format_date(value: date) -> str:
    """Format a date as an RFC 3339 full date."""
    return value.isoformat()

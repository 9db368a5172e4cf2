"""JSON Lines are cut into the same units however they are read: the cutting that reads a
megabyte at a time gives what reading line by line gave (``_reference`` below, the
function as it was), blank lines, CRLF, long lines and all, across every read boundary."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from specbind._validate import _inputs
from specbind._validate._inputs import Body, Broken, Unit, json_lines


def _reference(stream: Any, label: str, before: int = 0) -> Iterator[Unit]:
    """json_lines as it was: ``readline`` after skipping blanks through ``peek``."""
    number = before
    limit = _inputs.MAX_LINE_BYTES
    while True:
        number += _inputs._skip_blank(stream)
        line = stream.readline(limit + 1)
        if not line:
            break
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            length = len(line)
            while chunk := stream.readline(_inputs._SKIP_CHUNK):
                length += len(chunk)
                if chunk.endswith(b"\n"):
                    break
            yield Broken(
                f"{label}:{number}",
                "line-too-long",
                f"line is {length:,} bytes, longer than the {limit:,} read; not checked",
                body=True,
            )
            continue
        yield Body(f"{label}:{number}", line.rstrip(b"\r\n"))


_PIECES = st.sampled_from(
    [b"{}", b'{"a":1}', b"x", b"ab", b" ", b"\t", b"\r", b"\n", b"\r\n", b"\n\n", b"  \n"]
)


@settings(max_examples=600, deadline=None)
@given(
    pieces=st.lists(_PIECES | st.binary(max_size=6), max_size=40),
    limit=st.integers(1, 12),
    read=st.integers(1, 9),
    skip=st.integers(1, 5),
    before=st.integers(0, 3),
)
def test_cut_as_read_line_by_line(
    pieces: list[bytes], limit: int, read: int, skip: int, before: int
) -> None:
    data = b"".join(pieces)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_inputs, "MAX_LINE_BYTES", limit)
        patch.setattr(_inputs, "_READ_BYTES", read)
        patch.setattr(_inputs, "_SKIP_CHUNK", skip)
        old = list(_reference(io.BufferedReader(io.BytesIO(data), 4), "f", before))
        new = list(json_lines(io.BufferedReader(io.BytesIO(data), 4), "f", before))
    assert new == old


def test_a_real_capture_is_cut_alike() -> None:
    from _support import FIXTURES

    data = (FIXTURES / "validate" / "prunner_jobs.jsonl").read_bytes() * 50
    old = list(_reference(io.BufferedReader(io.BytesIO(data)), "f"))
    assert list(json_lines(io.BufferedReader(io.BytesIO(data)), "f")) == old
    assert len(old) == 300

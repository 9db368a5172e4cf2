"""Parameter styles against the OpenAPI specification's own "Style Examples" table.

The table (OpenAPI 3.1.1, "Style Examples") serialises ``color`` as ``""``, ``"blue"``,
``["blue", "black", "brown"]`` and ``{"R": 100, "G": 200, "B": 150}``. Two departures,
both forced by the wire: ``|``, ``[`` and ``]`` are not allowed in a URL, so urllib3
percent-encodes them whatever we send, and we send them encoded ourselves; and the
3.1.0 table's ``label`` rows without explode (``.blue.black.brown``) follow RFC 6570
instead (``.blue,black,brown``), as 3.1.1 corrected them. The empty ``label`` cell
(``.``) is refused: a path segment ``.`` is removed before the request is sent.
"""

from __future__ import annotations

import pytest
from specbind.runtime._styles import (
    cookie_pairs,
    header_parameter,
    path_parameter,
    query_parameter,
)

EMPTY, STRING = "", "blue"
ARRAY = ["blue", "black", "brown"]
OBJECT = {"R": 100, "G": 200, "B": 150}
KINDS = ("empty", "string", "array", "object")

# (style, explode, location): the table's empty, string, array and object cells;
# None where the table says n/a.
TABLE = [
    ("matrix", False, "path", ";color", ";color=blue", ";color=blue,black,brown",
     ";color=R,100,G,200,B,150"),
    ("matrix", True, "path", ";color", ";color=blue", ";color=blue;color=black;color=brown",
     ";R=100;G=200;B=150"),
    ("label", False, "path", None, ".blue", ".blue,black,brown", ".R,100,G,200,B,150"),
    ("label", True, "path", None, ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
    ("form", False, "query", "color=", "color=blue", "color=blue,black,brown",
     "color=R,100,G,200,B,150"),
    ("form", True, "query", "color=", "color=blue", "color=blue&color=black&color=brown",
     "R=100&G=200&B=150"),
    ("simple", False, "path", None, "blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("simple", True, "path", None, "blue", "blue,black,brown", "R=100,G=200,B=150"),
    ("spaceDelimited", False, "query", None, None, "color=blue%20black%20brown",
     "color=R%20100%20G%20200%20B%20150"),
    ("pipeDelimited", False, "query", None, None, "color=blue|black|brown",
     "color=R|100|G|200|B|150"),
    ("deepObject", True, "query", None, None, None, "color[R]=100&color[G]=200&color[B]=150"),
]  # fmt: skip


def serialise(style: str, explode: bool, location: str, value: object) -> str:
    if location == "path":
        return path_parameter("color", value, style=style, explode=explode)
    return query_parameter("color", value, style=style, explode=explode)


def on_the_wire(cell: str) -> str:
    """A table cell as urllib3 sends it: ``|``, ``[`` and ``]`` percent-encoded."""
    return cell.replace("|", "%7C").replace("[", "%5B").replace("]", "%5D")


@pytest.mark.parametrize(
    ("style", "explode", "location", "value", "expected"),
    [
        pytest.param(style, explode, location, value, cell, id=f"{style}-{explode}-{kind}")
        for style, explode, location, *cells in TABLE
        for kind, value, cell in zip(
            ("empty", "string", "array", "object"),
            (EMPTY, STRING, ARRAY, OBJECT),
            cells,
            strict=True,
        )
        if cell is not None
    ],
)
def test_the_specification_style_examples(
    style: str, explode: bool, location: str, value: object, expected: str
) -> None:
    assert serialise(style, explode, location, value) == on_the_wire(expected)


def test_header_and_cookie_styles() -> None:
    assert header_parameter("X-Color", ARRAY) == "blue,black,brown"
    assert header_parameter("X-Color", OBJECT) == "R,100,G,200,B,150"
    assert header_parameter("X-Color", OBJECT, explode=True) == "R=100,G=200,B=150"
    assert cookie_pairs("color", ARRAY, explode=False) == [("color", "blue,black,brown")]
    assert cookie_pairs("color", ARRAY) == [("color", c) for c in ARRAY]
    assert cookie_pairs("color", OBJECT) == [("R", "100"), ("G", "200"), ("B", "150")]


def test_a_delimiter_inside_a_value_is_encoded_or_refused() -> None:
    assert query_parameter("c", ["a,b", "c"], explode=False) == "c=a%2Cb,c"
    assert path_parameter("c", ["a.b"], style="label") == ".a%2Eb"
    for style, item in (("spaceDelimited", "a b"), ("pipeDelimited", "a|b")):
        with pytest.raises(ValueError, match="delimiter"):
            query_parameter("c", [item, "x"], style=style, explode=False)
    with pytest.raises(ValueError, match="delimiter"):
        header_parameter("X-C", ["a,b"])
    for dots in ([".."], ["."], []):
        with pytest.raises(ValueError, match="may not be empty"):
            path_parameter("c", dots)


def test_allow_reserved_keeps_the_framing() -> None:
    text = query_parameter("next", "/a?b=c&d#e+f%", allow_reserved=True)
    assert text == "next=/a?b%3Dc%26d%23e%2Bf%25"

"""Parameter styles (OpenAPI "Style Values"): arrays, objects and non-default styles.

Scalars in the default styles (query ``form``, path and header ``simple``, cookie
``form``) go through the helpers of ``_paths``; these functions serialise the rest,
as the OpenAPI specification's style table shows for ``color``
(``["blue", "black", "brown"]`` and ``{"R": 100, "G": 200, "B": 150}``).

Every value is percent-encoded whole (``safe=""``), so a delimiter inside a value
never reads as one: ``form`` arrays join with a literal ``,`` and a comma inside an
item is sent as ``%2C``; ``label`` items have their dots encoded too. Where the
delimiter could not be told apart after decoding (a space in a ``spaceDelimited``
item, ``|`` in a ``pipeDelimited`` one, a ``,`` in a header item), the value is
refused with ``InvalidParameterError`` naming the parameter. ``|``, ``[`` and ``]`` are
not allowed in a URL: the table's ``blue|black|brown`` and ``color[R]=100`` are sent
as ``blue%7Cblack%7Cbrown`` and ``color%5BR%5D=100``, as urllib3 would send them
anyway. ``allowReserved`` sends the reserved characters ``:/?@!$'()*,;[]`` as they
are; ``&``, ``=``, ``#``, ``+`` and ``%`` are always encoded, since they would break
the query's framing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote

from ._errors import InvalidParameterError, ParameterTypeError
from ._paths import header_name, header_value, query_value

__all__ = [
    "cookie_pairs",
    "header_parameter",
    "path_parameter",
    "query_parameter",
]

_RESERVED = ":/?@!$'()*,;[]"
_Encode = Callable[[str], str]
_Encode2 = Callable[[str, str], str]
_DOT_SEGMENTS = frozenset({"", ".", ".."})


def query_parameter(
    name: str,
    value: object,
    *,
    style: str = "form",
    explode: bool = True,
    allow_reserved: bool = False,
) -> str:
    """The encoded ``name=value`` pairs, joined by ``&``, that send ``value`` in the query."""
    enc = _encoder(allow_reserved)
    key = enc(name, name)
    items = _items(value, name)
    if style == "deepObject":
        if not isinstance(items, dict):
            raise ParameterTypeError(f"query parameter {name!r} (deepObject) must be a mapping")
        return "&".join(f"{key}%5B{enc(k, name)}%5D={enc(v, name)}" for k, v in items.items())
    if isinstance(items, str):
        return f"{key}={enc(items, name)}"
    delimiter = {"form": ",", "spaceDelimited": "%20", "pipeDelimited": "%7C"}.get(style)
    if delimiter is None:
        raise InvalidParameterError(
            f"query parameter {name!r}: style {style!r} is not a query style"
        )
    if explode:
        if isinstance(items, dict):
            return "&".join(f"{enc(k, name)}={enc(v, name)}" for k, v in items.items())
        return "&".join(f"{key}={enc(item, name)}" for item in items)
    if style != "form":
        forbidden = " " if style == "spaceDelimited" else "|"
        _refuse_delimiter(_flat(items), forbidden, name)
    return f"{key}={delimiter.join(enc(part, name) for part in _flat(items))}"


def path_parameter(
    name: str, value: object, *, style: str = "simple", explode: bool = False
) -> str:
    """The encoded text that fills ``{name}`` in a path: ``simple``, ``label`` or ``matrix`` style.

    A result that would be an empty, ``.`` or ``..`` segment is refused.
    """
    items = _items(value, name)
    if style == "label":

        def dotless(text: str) -> str:
            return _enc(text, name).replace(".", "%2E")

        text = "." + _joined(items, explode, "." if explode else ",", "=", dotless)
    elif style == "matrix":
        key = _enc(name, name)
        if isinstance(items, str):
            text = f";{key}={_enc(items, name)}" if items else f";{key}"
        elif explode and isinstance(items, dict):
            text = "".join(f";{_enc(k, name)}={_enc(v, name)}" for k, v in items.items())
        elif explode:
            text = "".join(f";{key}={_enc(item, name)}" for item in items)
        else:
            text = f";{key}=" + ",".join(_enc(part, name) for part in _flat(items))
    elif style == "simple":
        text = _joined(items, explode, ",", "=", lambda t: _enc(t, name))
    else:
        raise InvalidParameterError(f"path parameter {name!r}: style {style!r} is not a path style")
    if text in _DOT_SEGMENTS:
        raise InvalidParameterError(f"path parameter {name!r} may not be empty, '.' or '..'")
    return text


def header_parameter(name: str, value: object, *, explode: bool = False) -> str:
    """The value of header ``name`` for an array or object, ``simple`` style.

    Items holding ``,`` (or ``=`` in the keys of an exploded object) are refused: a
    header is not percent-encoded, so they would read as delimiters.
    """
    items = _items(value, name)
    parts = [items] if isinstance(items, str) else _flat(items)
    _refuse_delimiter(parts, ",", name)
    if explode and isinstance(items, dict):
        _refuse_delimiter(list(items), "=", name)
    text = _joined(items, explode, ",", "=", lambda t: t)
    return header_value(text, name=name)


def cookie_pairs(name: str, value: object, *, explode: bool = True) -> list[tuple[str, str]]:
    """The ``(name, encoded value)`` cookies that send ``value``, ``form`` style.

    Values are percent-encoded; exploded object keys become cookie names, which must be
    RFC 9110 tokens.
    """
    items = _items(value, name)
    if isinstance(items, str):
        return [(name, _enc(items, name))]
    if explode and isinstance(items, dict):
        return [(header_name(k), _enc(v, name)) for k, v in items.items()]
    if explode:
        return [(name, _enc(item, name)) for item in items]
    return [(name, ",".join(_enc(part, name) for part in _flat(items)))]


def _items(value: object, name: str) -> str | list[str] | dict[str, str]:
    """``value`` as text: a scalar's text, a list of texts, or a mapping of texts."""
    if isinstance(value, Mapping):
        return {_key(k, name): query_value(v, name=name) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
        return [query_value(item, name=name) for item in value]
    return query_value(value, name=name)


def _key(key: object, name: str) -> str:
    if not isinstance(key, str):
        raise ParameterTypeError(f"parameter {name!r}: object keys must be strings")
    return query_value(key, name=name)


def _flat(items: list[str] | dict[str, str]) -> list[str]:
    if isinstance(items, dict):
        return [part for pair in items.items() for part in pair]
    return list(items)


def _joined(
    items: str | list[str] | dict[str, str],
    explode: bool,
    delimiter: str,
    equals: str,
    enc: _Encode,
) -> str:
    if isinstance(items, str):
        return enc(items)
    if explode and isinstance(items, dict):
        return delimiter.join(f"{enc(k)}{equals}{enc(v)}" for k, v in items.items())
    return delimiter.join(enc(part) for part in _flat(items))


def _refuse_delimiter(parts: list[str], delimiter: str, name: str) -> None:
    if any(delimiter in part for part in parts):
        raise InvalidParameterError(
            f"parameter {name!r}: an item holds {delimiter!r}, which this style uses as "
            "its delimiter"
        )


def _enc(text: str, name: str, safe: str = "") -> str:
    try:
        return quote(text, safe=safe)
    except UnicodeEncodeError:
        raise InvalidParameterError(f"parameter {name!r} is not valid Unicode text") from None


def _encoder(allow_reserved: bool) -> _Encode2:
    safe = _RESERVED if allow_reserved else ""
    return lambda text, name: _enc(text, name, safe)

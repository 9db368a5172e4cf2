"""Turning a raw answer into what the operation returns, or into the error the spec documents.

A 2xx answer is read as the spec documents its status (its exact code, else its
``2XX`` range, else ``default``, else the first documented 2xx answer): an
:class:`Answer` says whether its body is JSON of a type, text, bytes or nothing.
"""

from __future__ import annotations

import codecs
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs
from cattrs import Converter

from ._converter import NOT_BUILT, ModelConverter
from ._errors import ApiError, ResponseDecodeError
from ._http import ByteStream, RawResponse, check_json, decode_json, raise_for_status
from ._locate import error_locations

__all__ = [
    "BYTES",
    "NO_CONTENT",
    "TEXT",
    "Answer",
    "ApiResponse",
    "header_float",
    "header_int",
    "header_text",
    "json_answer",
    "read_response",
    "stream_response",
    "structure_response",
]

_T = TypeVar("_T")


@attrs.frozen
class ApiResponse(Generic[_T]):
    """A successful answer: the parsed model with the status, headers and raw body."""

    status: int
    headers: Mapping[str, str]
    body: bytes = attrs.field(repr=False)
    parsed: _T


@attrs.frozen
class Answer:
    """How a documented 2xx answer's body is read: ``json`` (as ``model``), ``text``,
    ``bytes`` or ``none`` (the body is ignored, and the call returns ``None``)."""

    kind: str
    model: Any = None


NO_CONTENT = Answer("none")
TEXT = Answer("text")
BYTES = Answer("bytes")


def json_answer(model: Any) -> Answer:
    """A JSON answer structured as ``model`` (a class, ``list[X]``, ``int``, ...)."""
    return Answer("json", model)


def structure_response(
    raw: RawResponse,
    *,
    method: str,
    model: type[_T],
    converter: Converter,
    error_models: Mapping[int | str, type[Any]],
    error_class_for: Callable[[int], type[ApiError]],
) -> ApiResponse[_T]:
    """Return the parsed 2xx JSON answer, or raise the ``ApiError`` for any other status."""
    return read_response(
        raw,
        method=method,
        answers={"2XX": json_answer(model)},
        converter=converter,
        error_models=error_models,
        error_class_for=error_class_for,
    )


def read_response(
    raw: RawResponse,
    *,
    method: str,
    answers: Mapping[int | str, Answer],
    converter: Converter,
    error_models: Mapping[int | str, type[Any]],
    error_class_for: Callable[[int], type[ApiError]],
) -> ApiResponse[Any]:
    """Return the 2xx answer read as ``answers`` documents it, or raise the ``ApiError``."""
    _raise_unless_success(raw, method, converter, error_models, error_class_for)
    answer = _answer_for(raw.status, answers)
    if answer.kind == "none":
        parsed: Any = None
    elif answer.kind == "bytes":
        parsed = raw.body
    elif answer.kind == "text":
        parsed = _text(raw, method)
    else:
        parsed = _structured(raw, method, answer.model, converter)
    return ApiResponse(status=raw.status, headers=raw.headers, body=raw.body, parsed=parsed)


def stream_response(
    answer: RawResponse | ByteStream,
    *,
    method: str,
    converter: Converter,
    error_models: Mapping[int | str, type[Any]],
    error_class_for: Callable[[int], type[ApiError]],
) -> ByteStream:
    """The body of a 2xx answer as a stream, or raise the ``ApiError`` for another status."""
    if isinstance(answer, ByteStream):
        return answer
    _raise_unless_success(answer, method, converter, error_models, error_class_for)
    # A 2xx answer read whole: only when a caller's transport did not stream it.
    raise ResponseDecodeError(
        status=answer.status,
        headers=answer.headers,
        body=answer.body,
        method=method,
        url=answer.url,
        reason="the answer was not streamed",
    )


def _raise_unless_success(
    raw: RawResponse,
    method: str,
    converter: Converter,
    error_models: Mapping[int | str, type[Any]],
    error_class_for: Callable[[int], type[ApiError]],
) -> None:
    if not 200 <= raw.status < 300:
        parsers = {
            status: _parser(converter, error_model) for status, error_model in error_models.items()
        }
        raise_for_status(raw, method=method, error_models=parsers, error_class_for=error_class_for)


def _answer_for(status: int, answers: Mapping[int | str, Answer]) -> Answer:
    found = answers.get(status) or answers.get("2XX") or answers.get("default")
    if found is not None:
        return found
    return next(iter(answers.values()), NO_CONTENT)


def _text(raw: RawResponse, method: str) -> str:
    """The body decoded with the charset its Content-Type names (UTF-8 if none)."""
    _media, _, parameters = raw.headers.get("Content-Type", "").partition(";")
    charset = "utf-8"
    for parameter in parameters.split(";"):
        key, _, value = parameter.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        codecs.lookup(charset)
        return raw.body.decode(charset)
    except LookupError:
        reason = f"the charset {charset[:40]!r} is unknown"
    except UnicodeDecodeError as exc:
        reason = f"the body is not valid {charset}: {exc.reason} at byte {exc.start}"
    raise ResponseDecodeError(
        status=raw.status,
        headers=raw.headers,
        body=raw.body,
        method=method,
        url=raw.url,
        reason=raw.redact(reason),
    )


def _structured(raw: RawResponse, method: str, model: Any, converter: Converter) -> Any:
    if isinstance(converter, ModelConverter):
        # Parsed and structured in one pass where msgspec can (see _typed); any other
        # body, or one that pass refuses, is parsed and structured below.
        check_json(raw, method=method)
        found = converter.loads_in_one_pass(raw.body, model)
        if found is not NOT_BUILT:
            return found
    data = decode_json(raw, method=method)
    try:
        parsed = converter.structure(data, model)
    except Exception as exc:
        # Whatever cattrs raises (a validation group, KeyError, TypeError), the caller
        # gets one documented error that keeps the body. Its faults quote the body's
        # values, which may echo a credential: they are kept redacted, and the cattrs
        # error itself is not chained, since a traceback would print it.
        faults = tuple((pointer, raw.redact(message)) for pointer, message in error_locations(exc))
        raise ResponseDecodeError(
            status=raw.status,
            headers=raw.headers,
            body=raw.body,
            method=method,
            url=raw.url,
            reason=f"the body is not a valid {_name(model)}: {_summary(faults)}",
            faults=faults,
        ) from None
    return parsed


def _name(model: Any) -> str:
    return model.__name__ if isinstance(model, type) else str(model)


def _parser(converter: Converter, error_model: type[Any]) -> Callable[[Any], object]:
    return lambda data: converter.structure(data, error_model)


def _summary(faults: Sequence[tuple[str, str]]) -> str:
    """The first three faults, each at its JSON pointer."""
    shown = [f"{pointer or '(root)'}: {message}" for pointer, message in faults[:3]]
    more = f"; and {len(faults) - 3} more" if len(faults) > 3 else ""
    return "; ".join(shown) + more


def header_text(headers: Mapping[str, str], name: str) -> str | None:
    """A documented response header as text, ``None`` when the answer has none."""
    return headers.get(name)


def header_int(headers: Mapping[str, str], name: str) -> int | None:
    """A documented integer header; ``None`` when absent or not an integer (see ``headers``)."""
    value = headers.get(name, "").strip()
    return int(value) if value.isascii() and value.lstrip("-").isdigit() else None


def header_float(headers: Mapping[str, str], name: str) -> float | None:
    """A documented number header; ``None`` when absent or not a finite number."""
    try:
        value = float(headers.get(name, "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None

"""Turning a raw answer into a model, or into the error the spec documents for it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs
from cattrs import Converter

from ._errors import ApiError, ResponseDecodeError
from ._http import RawResponse, decode_json, raise_for_status
from ._locate import error_locations

__all__ = ["ApiResponse", "structure_response"]

_T = TypeVar("_T")


@attrs.frozen
class ApiResponse(Generic[_T]):
    """A successful answer: the parsed model with the status, headers and raw body."""

    status: int
    headers: Mapping[str, str]
    body: bytes = attrs.field(repr=False)
    parsed: _T


def structure_response(
    raw: RawResponse,
    *,
    method: str,
    model: type[_T],
    converter: Converter,
    error_models: Mapping[int | str, type[Any]],
    error_class_for: Callable[[int], type[ApiError]],
) -> ApiResponse[_T]:
    """Return the parsed 2xx answer, or raise the ``ApiError`` for any other status."""
    if not 200 <= raw.status < 300:
        parsers = {
            status: _parser(converter, error_model) for status, error_model in error_models.items()
        }
        raise_for_status(raw, method=method, error_models=parsers, error_class_for=error_class_for)
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
            reason=f"the body is not a valid {model.__name__}: {_summary(faults)}",
            faults=faults,
        ) from None
    return ApiResponse(status=raw.status, headers=raw.headers, body=raw.body, parsed=parsed)


def _parser(converter: Converter, error_model: type[Any]) -> Callable[[Any], object]:
    return lambda data: converter.structure(data, error_model)


def _summary(faults: Sequence[tuple[str, str]]) -> str:
    """The first three faults, each at its JSON pointer."""
    shown = [f"{pointer or '(root)'}: {message}" for pointer, message in faults[:3]]
    more = f"; and {len(faults) - 3} more" if len(faults) > 3 else ""
    return "; ".join(shown) + more

"""The runtime shared by every generated package: models, converters and HTTP.

The HTTP layer (``_http`` and ``_responses``: urllib3, ssl, http.client) is imported on
first use of one of its names, so that models and converters load without it.
"""

import importlib
from typing import TYPE_CHECKING, Any

from attrs import field as _field
from attrs import frozen as _model

from . import _checks
from ._bodies import (
    File,
    FormValue,
    MultipartValue,
    binary_body,
    form_body,
    json_body,
    multipart_body,
    text_body,
)
from ._checks import ConstraintViolation
from ._converter import EXTRA_FIELD, ModelConverter, TaggedUnion, make_converter
from ._datetimes import format_datetime, parse_datetime
from ._enums import OpenEnum, OpenIntEnum, OpenStrEnum, SpecEnum, SpecIntEnum, SpecStrEnum, is_known
from ._errors import (
    ApiError,
    DeadlineExceeded,
    InvalidParameterError,
    ParameterTypeError,
    RedirectRefused,
    RequestTimeout,
    ResponseDecodeError,
    ResponseTooLarge,
    SpecbindError,
    TransportError,
)
from ._json import FAST_PARSER, parse_json
from ._locate import error_locations
from ._params import check_parameter
from ._paths import cookie_header, header_value, path_segment, query_value
from ._security import Credential, basic_credential
from ._styles import cookie_pairs, header_parameter, path_parameter, query_parameter
from ._unset import UNSET, Unset
from ._waiters import (
    LAST_POLL_RESERVE,
    PollPolicy,
    WaiterFailed,
    WaiterSpec,
    WaiterTimeout,
    WaitUpdate,
    last,
    poll_until,
)

if TYPE_CHECKING:
    from ._http import DEFAULT_DEADLINE, DEFAULT_MAX_BODY_BYTES, ByteStream, RawResponse, Transport
    from ._responses import (
        BYTES,
        NO_CONTENT,
        TEXT,
        Answer,
        ApiResponse,
        header_float,
        header_int,
        header_text,
        json_answer,
        read_response,
        stream_response,
        structure_response,
    )

#: The names of the HTTP layer, by the module that defines them (imported on first use).
_LAZY = {
    **dict.fromkeys(
        ("DEFAULT_DEADLINE", "DEFAULT_MAX_BODY_BYTES", "ByteStream", "RawResponse", "Transport"),
        "_http",
    ),
    **dict.fromkeys(
        (
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
        ),
        "_responses",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


# Underscored names are for generated class bodies, where a property name could
# otherwise shadow them.
_UNSET = UNSET
_EXTRA_METADATA = {"additional_properties": True}

__all__ = [
    "BYTES",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY_BYTES",
    "EXTRA_FIELD",
    "FAST_PARSER",
    "LAST_POLL_RESERVE",
    "NO_CONTENT",
    "TEXT",
    "UNSET",
    "_EXTRA_METADATA",
    "_UNSET",
    "Answer",
    "ApiError",
    "ApiResponse",
    "ByteStream",
    "ConstraintViolation",
    "Credential",
    "DeadlineExceeded",
    "File",
    "FormValue",
    "InvalidParameterError",
    "ModelConverter",
    "MultipartValue",
    "OpenEnum",
    "OpenIntEnum",
    "OpenStrEnum",
    "ParameterTypeError",
    "PollPolicy",
    "RawResponse",
    "RedirectRefused",
    "RequestTimeout",
    "ResponseDecodeError",
    "ResponseTooLarge",
    "SpecEnum",
    "SpecIntEnum",
    "SpecStrEnum",
    "SpecbindError",
    "TaggedUnion",
    "Transport",
    "TransportError",
    "Unset",
    "WaitUpdate",
    "WaiterFailed",
    "WaiterSpec",
    "WaiterTimeout",
    "_checks",
    "_field",
    "_model",
    "basic_credential",
    "binary_body",
    "check_parameter",
    "cookie_header",
    "cookie_pairs",
    "error_locations",
    "form_body",
    "format_datetime",
    "header_float",
    "header_int",
    "header_parameter",
    "header_text",
    "header_value",
    "is_known",
    "json_answer",
    "json_body",
    "last",
    "make_converter",
    "multipart_body",
    "parse_datetime",
    "parse_json",
    "path_parameter",
    "path_segment",
    "poll_until",
    "query_parameter",
    "query_value",
    "read_response",
    "stream_response",
    "structure_response",
    "text_body",
]

"""The runtime shared by every generated package: models, converters and HTTP."""

from attrs import field as _field
from attrs import frozen as _model

from . import _checks
from ._checks import ConstraintViolation
from ._converter import EXTRA_FIELD, TaggedUnion, make_converter
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
from ._http import DEFAULT_DEADLINE, DEFAULT_MAX_BODY_BYTES, RawResponse, Transport
from ._locate import error_locations
from ._params import check_parameter
from ._paths import cookie_header, header_value, path_segment, query_value
from ._responses import ApiResponse, structure_response
from ._unset import UNSET, Unset
from ._waiters import (
    PollPolicy,
    WaiterFailed,
    WaiterSpec,
    WaiterTimeout,
    WaitUpdate,
    last,
    poll_until,
)

# Underscored names are for generated class bodies, where a property name could
# otherwise shadow them.
_UNSET = UNSET
_EXTRA_METADATA = {"additional_properties": True}

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY_BYTES",
    "EXTRA_FIELD",
    "UNSET",
    "_EXTRA_METADATA",
    "_UNSET",
    "ApiError",
    "ApiResponse",
    "ConstraintViolation",
    "DeadlineExceeded",
    "InvalidParameterError",
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
    "check_parameter",
    "cookie_header",
    "error_locations",
    "format_datetime",
    "header_value",
    "is_known",
    "last",
    "make_converter",
    "parse_datetime",
    "path_segment",
    "poll_until",
    "query_value",
    "structure_response",
]

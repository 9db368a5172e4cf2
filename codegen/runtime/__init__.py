"""The runtime shared by every generated package: models, converters and HTTP."""

from attrs import field as _field
from attrs import frozen as _model

from . import _checks
from ._checks import ConstraintViolation
from ._converter import EXTRA_FIELD, TaggedUnion, make_converter
from ._datetimes import format_datetime, parse_datetime
from ._enums import OpenStrEnum, SpecStrEnum, is_known
from ._unset import UNSET, Unset

# Underscored names are for generated class bodies, where a property name could
# otherwise shadow them.
_UNSET = UNSET
_EXTRA_METADATA = {"additional_properties": True}

__all__ = [
    "EXTRA_FIELD",
    "UNSET",
    "ConstraintViolation",
    "OpenStrEnum",
    "SpecStrEnum",
    "TaggedUnion",
    "Unset",
    "_EXTRA_METADATA",
    "_UNSET",
    "_checks",
    "_field",
    "_model",
    "format_datetime",
    "is_known",
    "make_converter",
    "parse_datetime",
]

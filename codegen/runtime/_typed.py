"""Parse and structure in one pass, with msgspec shaping each model's object as it parses.

Without msgspec, ``converter.loads`` parses into dicts and lists and structures those.
With msgspec, a body can be decoded instead into a msgspec Struct per model (its known
keys as fields), which is faster to make and to read than a dict, and the model is built
from that by code compiled as the structuring code is (see ``_converter``), running the
very same per-field code on the very same values:

- every field of a Struct is typed ``Any`` (decoded as the json module decodes it),
  except those that hold models, typed by the models' Structs: msgspec checks no JSON
  type, it only finds the objects' keys;
- a Struct refuses a key it does not know: a body with unknown keys, like any body
  msgspec refuses or whose values the compiled code refuses, is parsed again and
  structured by the plain path, which keeps the keys, or raises the detailed error.

So the model built, or the error raised, is always the plain path's.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from cattrs import Converter

from ._checks import _STRICT
from ._converter import (
    EXTRA_FIELD,
    NOT_BUILT,
    _builder,
    _convert_field,
    _fill,
    _indent,
    _is_list,
    _is_plain_name,
    _sets_slots_directly,
    _unwrapped,
    _validate_field,
)
from ._json import fast_module

__all__ = ["typed_loader"]

_Shape = tuple[Any, Callable[[Any], Any]]


def typed_loader(converter: Converter, cl: Any, *, checked: bool) -> Callable[[Any], Any] | None:
    """A function that parses a JSON body and structures it as the model ``cl``, as the
    first try of ``converter`` does (with the spec's checks if ``checked``), and returns
    ``NOT_BUILT`` for anything else; None without msgspec, or for a ``cl`` it cannot
    shape."""
    msgspec = fast_module()
    if msgspec is None or not (isinstance(cl, type) and attrs.has(cl)):
        return None
    shape = _shape(msgspec, converter, cl, checked=checked, made={})
    if shape is None:
        return None
    decode = msgspec.json.Decoder(shape[0]).decode
    build = shape[1]
    return _OnePass(lambda data: build(decode(data)))


#: At most this many calls in a row go straight to the plain path after a failed pass.
_MAX_BACKOFF = 64


class _OnePass:
    """One model's one-pass loader: the model, or ``NOT_BUILT`` (it never raises).

    A body the pass cannot build costs a pass for nothing, and such bodies come in runs
    (a server that sends a key the spec does not list sends it every time): after a
    failure the next 1, then 3, 7, ... up to :data:`_MAX_BACKOFF` calls go straight to
    the plain path; a success starts over. Which path builds a model never changes it.
    """

    __slots__ = ("_backoff", "_load", "_skip")

    def __init__(self, load: Callable[[Any], Any]) -> None:
        self._load = load
        self._skip = 0
        self._backoff = 0

    def __call__(self, data: Any) -> Any:
        if self._skip:
            self._skip -= 1
            return NOT_BUILT
        try:
            found = self._load(data)
        except Exception:  # any refusal: the plain path decides, and words any error
            self._backoff = min(2 * self._backoff + 1, _MAX_BACKOFF)
            self._skip = self._backoff
            return NOT_BUILT
        self._backoff = 0
        return found


def _shape(
    msgspec: Any, converter: Converter, cls: type[Any], *, checked: bool, made: dict[type, Any]
) -> _Shape | None:
    """The Struct of ``cls`` and the function that builds a ``cls`` from one, or None
    when the model is not built by compiled code (or contains itself)."""
    if cls in made:
        found: _Shape | None = made[cls]
        return found
    made[cls] = None  # a model met again while being shaped contains itself: not shaped
    fields = attrs.fields(attrs.resolve_types(typing.cast(Any, cls)))
    builder = _builder(cls)
    if builder is None or not _sets_slots_directly(cls, fields, checked=checked):
        return None
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "cls": cls,
        "builder": builder,
        "unset": msgspec.UNSET,
        "checks_off": attrs.validators.get_disabled,
        "checks_on": _STRICT.get,
    }
    struct_fields: list[tuple[Any, ...]] = []
    lines = ["i = new(builder)"]
    validate: list[str] = []
    for n, field in enumerate(fields):
        store = (
            f"i.{field.name} = x{n}"
            if _is_plain_name(field.name)
            else _slot_store(cls, field, n, namespace)
        )
        fill = _fill(field, n, namespace)
        if checked:
            validate += _validate_field(field, n, namespace)
        if field.name == EXTRA_FIELD:
            lines += [fill, store]  # a Struct takes known keys only
            continue
        kind, convert = _field(
            msgspec, converter, field.type, n, checked=checked, made=made, namespace=namespace
        )
        if field.default is attrs.NOTHING:
            struct_fields.append((f"f{n}", kind))
            lines += [f"x{n} = s.f{n}", *convert, store]
        else:
            struct_fields.append((f"f{n}", kind, msgspec.UNSET))
            lines += [f"x{n} = s.f{n}", f"if x{n} is unset:", f"    {fill}"]
            lines += ["else:", *_indent(convert or ["pass"]), store]
    lines += ["i.__class__ = cls", *validate, "return i"]
    source = "\n".join(["def build(s):", *_indent(lines)])
    # Generated names only, as in _converter: every spec string is a value in the namespace.
    exec(compile(source, "<specbind typed structure>", "exec"), namespace)  # noqa: S102
    struct = msgspec.defstruct(
        cls.__name__,
        struct_fields,
        kw_only=True,
        forbid_unknown_fields=True,
        rename={f"f{n}": wire for n, wire in enumerate(_wires(fields)) if wire is not None},
    )
    made[cls] = shape = (struct, namespace["build"])
    return shape


def _wires(fields: Sequence[attrs.Attribute[Any]]) -> list[str | None]:
    return [field.metadata.get("wire") for field in fields]


def _slot_store(
    cls: type[Any], field: attrs.Attribute[Any], n: int, namespace: dict[str, Any]
) -> str:
    namespace[f"s{n}"] = getattr(cls, field.name).__set__
    return f"s{n}(i, x{n})"


def _field(
    msgspec: Any,
    converter: Converter,
    type_: Any,
    n: int,
    *,
    checked: bool,
    made: dict[type, Any],
    namespace: dict[str, Any],
) -> tuple[Any, list[str]]:
    """The Struct field type of field ``n`` and the lines that structure ``xn``: a model
    (or a list of models), maybe null, from its Struct; anything else as ``_converter``
    structures the value the json module gives."""
    target, nullable = _unwrapped(type_)
    arguments = typing.get_args(target)
    element = arguments[0] if _is_list(target) and arguments else None
    model = target if element is None else element
    shape = None
    if isinstance(model, type) and attrs.has(model):
        shape = _shape(msgspec, converter, model, checked=checked, made=made)
    if shape is None:
        return Any, _convert_field(converter, type_, n, namespace)
    namespace[f"c{n}"] = shape[1]
    if element is None:
        kind: Any = shape[0]
        convert = [f"x{n} = c{n}(x{n})"]
    else:
        kind = types.GenericAlias(list, (shape[0],))
        convert = [f"x{n} = [c{n}(e) for e in x{n}]"]
    if nullable:
        return kind | None, [f"if x{n} is not None:", *_indent(convert)]
    return kind, convert

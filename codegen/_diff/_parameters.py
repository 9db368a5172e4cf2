"""Compare the request parameters of one operation: added, removed, required, constraints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .._spec._load import LoadedSpec
from ._change import Recorder
from ._shape import At, enum_values, mapping, resolve, signature
from ._wording import constraint_change

__all__ = ["Parameter", "ParameterDiff", "parameters_of"]

# A bound that rises (lower) or falls (upper) accepts fewer values: the call tightens.
_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")


@dataclass(frozen=True)
class Parameter:
    """A parameter as it applies to one operation, ``$ref`` followed."""

    at: At

    @property
    def key(self) -> tuple[str, str]:
        return str(self.at.fields.get("in", "")), str(self.at.fields.get("name", ""))

    @property
    def required(self) -> bool:
        return self.at.fields.get("required") is True or self.key[0] == "path"

    @property
    def shown(self) -> str:
        return f"{self.key[0]} parameter {self.key[1]}"


def parameters_of(spec: LoadedSpec, item: At, operation: At) -> dict[tuple[str, str], Parameter]:
    """The parameters of an operation: its path item's, overridden by the operation's own."""
    found: dict[tuple[str, str], Parameter] = {}
    for owner in (item, operation):
        for listed in _members(owner.at("parameters")):
            parameter = Parameter(resolve(spec, listed))
            found[parameter.key] = parameter
    return found


def _members(listed: At) -> Iterator[At]:
    if isinstance(listed.node, list):
        yield from (listed.at(index) for index in range(len(listed.node)))


class ParameterDiff:
    """Records what changed in the parameters of operations, as a caller sees it."""

    def __init__(self, old: LoadedSpec, new: LoadedSpec, record: Recorder) -> None:
        self.old = old
        self.new = new
        self.record = record

    def operation(
        self,
        label: str,
        before: dict[tuple[str, str], Parameter],
        after: dict[tuple[str, str], Parameter],
        anchor: str,
    ) -> None:
        """Compare one operation's parameters; ``anchor`` is the operation in NEW."""
        for key, gone in before.items():
            if key not in after:
                self.record.add(
                    "parameter-removed",
                    gone.at.pointer,
                    None,
                    f"{label}: the {gone.shown} was removed: calls that pass it break",
                    anchor=anchor,
                )
        for key, came in after.items():
            if key in before:
                continue
            if came.required:
                message = f"{label}: a required {came.shown} was added: existing calls lack it"
                self.record.add("required-parameter-added", None, came.at.pointer, message)
            else:
                message = f"{label}: the {came.shown} was added"
                self.record.add("parameter-added", None, came.at.pointer, message)
        for key, was in before.items():
            if key in after:
                self._parameter(f"{label}: the {was.shown}", was, after[key])

    def _add(self, rule: str, old: At | None, new: At | None, message: str, anchor: At) -> None:
        self.record.add(
            rule,
            old.pointer if old is not None else None,
            new.pointer if new is not None else None,
            message,
            anchor=anchor.pointer,
        )

    def _parameter(self, label: str, was: Parameter, now: Parameter) -> None:
        if now.required and not was.required:
            message = f"{label} is now required: calls without it break"
            self._add("required-parameter-added", was.at, now.at, message, now.at)
        elif was.required and not now.required:
            self._add(
                "parameter-loosened", was.at, now.at, f"{label} is no longer required", now.at
            )
        old_text, new_text = was.at.fields.get("description"), now.at.fields.get("description")
        said = constraint_change(
            old_text if isinstance(old_text, str) else None,
            new_text if isinstance(new_text, str) else None,
        )
        if said is not None:
            self._add(
                "constraint-description-changed",
                was.at.at("description") if old_text is not None else None,
                now.at.at("description") if new_text is not None else None,
                f"the description of {label} {said}",
                now.at,
            )
        self._examples(label, was.at, now.at)
        self._schema(label, was.at.at("schema"), now.at.at("schema"))

    def _examples(self, label: str, was: At, now: At) -> None:
        before = mapping(was.fields.get("examples"))
        for name in mapping(now.fields.get("examples")):
            if name not in before:
                example = now.at("examples", name)
                self._add(
                    "example-added", None, example, f"{label} has a new example {name!r}", now
                )
        if "example" in now.fields and "example" not in was.fields:
            self._add("example-added", None, now.at("example"), f"{label} has a new example", now)

    def _schema(self, label: str, old_raw: At, new_raw: At) -> None:
        """Compare what a parameter's schema accepts (``label`` ends in ``[]`` for items)."""
        before, after = signature(self.old, old_raw), signature(self.new, new_raw)
        if before != after:
            message = (
                f"{label} changed type: {before} → {after}; values of the old type are refused"
            )
            self._add("parameter-tightened", old_raw, new_raw, message, new_raw)
            return
        old, new = resolve(self.old, old_raw), resolve(self.new, new_raw)
        self._pattern(label, old, new)
        for keyword in (*_LOWER, *_UPPER):
            self._bound(label, keyword, old, new)
        self._enum(label, old, new)
        if "items" in old.fields and "items" in new.fields:
            self._schema(f"{label}[]", old.at("items"), new.at("items"))

    def _pattern(self, label: str, old: At, new: At) -> None:
        before, after = old.fields.get("pattern"), new.fields.get("pattern")
        if before == after:
            return
        old_at = old.at("pattern") if before is not None else None
        new_at = new.at("pattern") if after is not None else None
        if after is None:
            message = f"{label} lost its pattern {before!r}"
            self._add("parameter-loosened", old_at, None, message, new)
        elif before is None:
            message = f"{label} gained the pattern {after!r}"
            self._add("parameter-tightened", None, new_at, message, new)
        else:
            # Whether one regular expression accepts less than another is undecidable in
            # general: a changed pattern may refuse values the old one allowed.
            message = f"{label} pattern changed: {before!r} → {after!r}"
            self._add("parameter-tightened", old_at, new_at, message, new)

    def _bound(self, label: str, keyword: str, old: At, new: At) -> None:
        before, after = _number(old.fields.get(keyword)), _number(new.fields.get(keyword))
        if before == after:
            return
        old_at = old.at(keyword) if before is not None else None
        new_at = new.at(keyword) if after is not None else None
        if after is None:
            self._add("parameter-loosened", old_at, None, f"{label} lost {keyword} {before}", new)
        elif before is None:
            self._add("parameter-tightened", None, new_at, f"{label} gained {keyword} {after}", new)
        else:
            tighter = after > before if keyword in _LOWER else after < before
            rule = "parameter-tightened" if tighter else "parameter-loosened"
            self._add(rule, old_at, new_at, f"{label} {keyword} changed: {before} → {after}", new)

    def _enum(self, label: str, old: At, new: At) -> None:
        before, after = enum_values(old.fields), enum_values(new.fields)
        if before == after:
            return
        if after is None:
            message = f"{label} is no longer an enum"
            self._add("parameter-loosened", old.at("enum"), None, message, new)
            return
        if before is None:
            message = f"{label} became an enum of {len(after)} value(s)"
            self._add("parameter-tightened", None, new.at("enum"), message, new)
            return
        lost = ", ".join(json.dumps(value) for value in before if value not in after)
        gained = ", ".join(json.dumps(value) for value in after if value not in before)
        if lost:
            message = f"{label} no longer accepts {lost}"
            self._add("parameter-tightened", old.at("enum"), new.at("enum"), message, new)
        if gained:
            message = f"{label} also accepts {gained}"
            self._add("parameter-loosened", old.at("enum"), new.at("enum"), message, new)


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

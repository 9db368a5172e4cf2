"""Compare the schemas of response bodies: properties, required, nullability, types, enums."""

from __future__ import annotations

import json
from typing import Any

from .._spec._extensions import ENUM_KEY
from .._spec._load import LoadedSpec
from ._change import Recorder
from ._shape import (
    At,
    component_name,
    enum_values,
    is_null_only,
    is_nullable,
    is_open,
    mapping,
    signature,
    unwrap,
)
from ._wording import constraint_change

__all__ = ["ResponseSchemas"]

_MEMBERS = ("allOf", "anyOf", "oneOf")


class ResponseSchemas:
    """Walks the schema a response had in OLD and has in NEW side by side.

    ``$ref`` links are followed on each side, so a change inside a component is found
    through every response that uses it, and reported once, at the component.
    """

    def __init__(self, old: LoadedSpec, new: LoadedSpec, record: Recorder) -> None:
        self.old = old
        self.new = new
        self.record = record
        self._seen: set[tuple[str, str]] = set()

    def value(self, label: str, old: At, new: At) -> None:
        """Compare a value a client reads: a body, a property, array items, a union member."""
        before, after = signature(self.old, old), signature(self.new, new)
        if before != after:
            self.record.add(
                "property-type-changed",
                old.pointer,
                new.pointer,
                f"{label} changed type: {before} → {after}",
            )
            return
        was_nullable, now_nullable = is_nullable(self.old, old), is_nullable(self.new, new)
        if now_nullable and not was_nullable:
            self.record.add(
                "property-nullable",
                old.pointer,
                new.pointer,
                f"{label} may now be null: code that reads it as {after} breaks",
            )
        elif was_nullable and not now_nullable:
            self.record.add(
                "property-not-nullable",
                old.pointer,
                new.pointer,
                f"{label} may no longer be null: a response with null there is rejected",
            )
        # A $ref may carry its own description next to it (OpenAPI 3.1).
        self.description(label, old, new)
        self._schema(label, unwrap(self.old, old), unwrap(self.new, new))

    def description(self, label: str, old: At, new: At) -> None:
        """Report a description whose change alters a constraint it states."""
        before, after = old.fields.get("description"), new.fields.get("description")
        said = constraint_change(
            before if isinstance(before, str) else None, after if isinstance(after, str) else None
        )
        if said is None:
            return
        self.record.add(
            "constraint-description-changed",
            old.at("description").pointer if before is not None else None,
            new.at("description").pointer if after is not None else None,
            f"the description of {label} {said}",
            anchor=new.pointer,
        )

    def _schema(self, label: str, old: At, new: At) -> None:
        """Compare the contents of two resolved schemas of the same type."""
        if (old.pointer, new.pointer) in self._seen:
            return
        self._seen.add((old.pointer, new.pointer))
        label = component_name(new.pointer) or label
        self.description(label, old, new)
        self._enum(label, old, new)
        self._properties(label, old, new)
        if "items" in old.fields and "items" in new.fields:
            self.value(f"{label}[]", old.at("items"), new.at("items"))
        for key in _MEMBERS:
            for old_member, new_member in _pair_members(old, new, key):
                self.value(label, old_member, new_member)

    def _enum(self, label: str, old: At, new: At) -> None:
        before, after = enum_values(old.fields), enum_values(new.fields)
        if before is None and after is None:
            return
        if after is None:
            self.record.add(
                "enum-opened",
                old.at("enum").pointer,
                None,
                f"{label} is no longer an enum: any value is accepted",
                anchor=new.pointer,
            )
            return
        closed = not is_open(new.fields)
        if before is None:
            if closed:
                self.record.add(
                    "enum-closed",
                    None,
                    new.at("enum").pointer,
                    f"{label} became a closed enum: a response with an unlisted value is rejected",
                )
            return
        self._enum_values(label, old, before, new, after, closed=closed)
        marked = ENUM_KEY
        if is_open(old.fields) and closed:
            self.record.add(
                "enum-closed",
                old.at(marked).pointer if marked in old.fields else None,
                new.at(marked).pointer,
                f"enum {label} became closed: a response with an unlisted value is rejected",
                anchor=new.pointer,
            )
        elif not is_open(old.fields) and not closed:
            self.record.add(
                "enum-opened",
                old.at(marked).pointer,
                new.at(marked).pointer if marked in new.fields else None,
                f"enum {label} became open: unlisted values are kept, not rejected",
                anchor=new.pointer,
            )

    def _enum_values(
        self, label: str, old: At, before: list[Any], new: At, after: list[Any], *, closed: bool
    ) -> None:
        if closed:
            rule = "closed-enum-value-added"
            effect = "a client built from OLD rejects a response that carries it"
        else:
            rule = "open-enum-value-added"
            effect = "clients keep it as an unknown value; code that matches values must learn it"
        for index, value in enumerate(new.fields["enum"]):
            if value is not None and value not in before:
                self.record.add(
                    rule,
                    None,
                    new.at("enum", index).pointer,
                    f"{'closed' if closed else 'open'} enum {label} gained {json.dumps(value)}: "
                    + effect,
                )
        for index, value in enumerate(old.fields["enum"]):
            if value is not None and value not in after:
                self.record.add(
                    "enum-value-removed",
                    old.at("enum", index).pointer,
                    None,
                    f"enum {label} lost {json.dumps(value)}: code that names it breaks",
                    anchor=new.at("enum").pointer,
                )

    def _properties(self, label: str, old: At, new: At) -> None:
        before, after = mapping(old.fields.get("properties")), mapping(new.fields.get("properties"))
        if not before and not after:
            return
        old_props, new_props = old.at("properties"), new.at("properties")
        removed = [name for name in before if name not in after]
        added = [name for name in after if name not in before]
        renamed = self._renames(old_props, removed, new_props, added)
        anchor = new_props.pointer if "properties" in new.fields else new.pointer
        for name in removed:
            if name in renamed:
                replacement = new_props.at(renamed[name])
                self.record.add(
                    "property-renamed",
                    old_props.at(name).pointer,
                    replacement.pointer,
                    f"{label}.{name} was renamed to {label}.{renamed[name]} "
                    f"(same type, {signature(self.new, replacement)})",
                )
            else:
                self.record.add(
                    "property-removed",
                    old_props.at(name).pointer,
                    None,
                    f"{label}.{name} was removed: code that reads it breaks",
                    anchor=anchor,
                )
        now_required = _required(new.fields)
        for name in added:
            if name in renamed.values():
                continue
            if name in now_required:
                self.record.add(
                    "required-property-added",
                    None,
                    new_props.at(name).pointer,
                    f"{label}.{name} was added as required: a response without it is rejected",
                )
            else:
                self.record.add(
                    "property-added", None, new_props.at(name).pointer, f"{label}.{name} was added"
                )
        for name in before:
            if name in after:
                self._property(f"{label}.{name}", old, new, name)

    def _property(self, label: str, old: At, new: At, name: str) -> None:
        """One property both versions have: whether it is required, then its value."""
        old_at, new_at = old.at("properties", name), new.at("properties", name)
        was_required, now_required = name in _required(old.fields), name in _required(new.fields)
        if was_required and not now_required:
            self.record.add(
                "property-not-required",
                old_at.pointer,
                new_at.pointer,
                f"{label} is no longer required: code that reads it may find it missing",
            )
        elif now_required and not was_required:
            self.record.add(
                "property-required",
                old_at.pointer,
                new_at.pointer,
                f"{label} is now required: a response without it is rejected",
            )
        self.value(label, old_at, new_at)

    def _renames(
        self, old_props: At, removed: list[str], new_props: At, added: list[str]
    ) -> dict[str, str]:
        """Removed property → the added property that replaced it.

        Only when the pairing is unambiguous: exactly one property of a type went and
        exactly one of that type came. Anything else stays a removal and an addition.
        """
        gone: dict[str, list[str]] = {}
        for name in removed:
            gone.setdefault(signature(self.old, old_props.at(name)), []).append(name)
        came: dict[str, list[str]] = {}
        for name in added:
            came.setdefault(signature(self.new, new_props.at(name)), []).append(name)
        return {
            names[0]: came[kind][0]
            for kind, names in gone.items()
            if len(names) == 1 and len(came.get(kind, [])) == 1
        }


def _required(schema: dict[str, Any]) -> set[str]:
    listed = schema.get("required")
    return {name for name in listed if isinstance(name, str)} if isinstance(listed, list) else set()


def _pair_members(old: At, new: At, key: str) -> list[tuple[At, At]]:
    """Pair the members of ``allOf``/``anyOf``/``oneOf``: by the ``$ref`` they name, then in order.

    A member that only allows null is left out: nullability is compared on its own.
    """

    def members(schema: At) -> list[At]:
        listed = schema.fields.get(key)
        if not isinstance(listed, list):
            return []
        return [
            schema.at(key, index) for index, member in enumerate(listed) if not is_null_only(member)
        ]

    before, after = members(old), members(new)
    pairs = []
    for old_member in list(before):
        ref = old_member.fields.get("$ref")
        match = next((m for m in after if ref and m.fields.get("$ref") == ref), None)
        if match is not None:
            pairs.append((old_member, match))
            before.remove(old_member)
            after.remove(match)
    # Left over on one side only: the type signature compared above already said so.
    pairs.extend(zip(before, after, strict=False))
    return pairs

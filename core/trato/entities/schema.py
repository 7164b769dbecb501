"""The marshmallow schemas of an entity, built from its fields (built-in and custom alike)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from marshmallow import RAISE, Schema, pre_load
from marshmallow import fields as ma

from ..fields import Field, localize
from ..i18n import _l
from .record import WRITABLE_SYSTEM_FIELDS

if TYPE_CHECKING:
    from .entity import Entity


def _blank(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None if value == [] else value


class RecordSchema(Schema):
    """Base of every entity schema: unknown keys refused, blank values read as empty."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": _l("Unknown field."), "type": _l("Send an object of field values.")}

    @pre_load
    def blank_to_none(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {key: _blank(value) for key, value in data.items()}


def _schema_field(field: Field, creating: bool) -> ma.Field:
    meta = {"title": field.text}
    if field.help:
        meta["description"] = localize(field.help)
    if field.system and field.name not in WRITABLE_SYSTEM_FIELDS or field.system_set:
        return field.type.schema_field(field, dump_only=True, allow_none=True, metadata=meta)
    kwargs: dict[str, Any] = {"allow_none": not field.required, "metadata": meta}
    if creating and field.required and field.default is None:
        kwargs["required"] = True
    if creating and field.default is not None:
        kwargs["load_default"] = field.default
    return field.type.schema_field(field, **kwargs)


def build_schemas(entity: Entity) -> dict[str, Schema]:
    made = {}
    for mode in ("create", "update"):
        declared = {f.name: _schema_field(f, mode == "create") for f in entity.fields.values()}
        made[mode] = RecordSchema.from_dict(declared, name=f"{entity.name}_{mode}")()
    return made

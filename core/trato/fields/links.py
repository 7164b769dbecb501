"""A link to a record of any entity: the target's entity name and id, in two columns, with no foreign key.

It lets one plugin point at another's records without requiring it (an
invoice at an optional project, a campaign touch at a lead, contact or
deal). `<name>` holds the id and `<name>_entity` the entity's name, as
money keeps `<name>` and `<name>_currency`. The setting `entities` may
restrict the targets: `field("record_link", label=..., entities=("sales_deal",))`.

The type itself only shapes and checks values. Whether the target exists
and the writer may see it is the record service's check (records/links.py);
the reader's access decides whether its title is shown (views/present.py,
the API): a target the reader cannot see is a "Restricted record".
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from marshmallow import fields as ma
from sqlalchemy import Column, Integer, String, and_, false, not_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from ..i18n import _, _l
from . import messages, operators
from .base import FieldType, FieldValueError, parse_bool
from .definition import Field
from .schemafields import INT32

ENTITY_LENGTH = 64  # an entity's name, as core_entity.name keeps it
# "sales_deal:12" as text (CSV cells, filters, form inputs); "sales_deal" alone filters by entity.
LINK_TEXT = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(?::\s*#?(\d+))?\s*$")
NOT_LINK = _l("Enter the record as entity:id, such as sales_deal:12.")
RESTRICTED = _l("Restricted record")


@dataclass(frozen=True)
class RecordLink:
    """The value of a `record_link` field: which record of which entity. Its title is looked up when shown."""

    entity: str
    id: int

    def __str__(self) -> str:
        return f"{self.entity}:{self.id}"


def not_allowed(allowed: tuple[str, ...]) -> str:
    return _("Choose a record of: %(entities)s.", entities=", ".join(allowed))


def as_link(value: Any) -> RecordLink:
    """A `RecordLink`, or the API's object of one (what a form typed, `from_text`, gives back to re-show)."""
    if isinstance(value, RecordLink):
        return value
    return RecordLink(str(value["entity"]), int(value["id"]))


class RecordLinkField(ma.Field):
    """`{"entity": "sales_deal", "id": 12}` in (a `"title"` sent back is ignored), `RecordLink` inside.

    The API adds the target's `title` on the way out, for the reader
    (api/views.py through records/links.py); in OpenAPI it is read-only.
    """

    def __init__(self, allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.allowed = allowed
        entity: dict[str, Any] = {"type": "string", "maxLength": ENTITY_LENGTH}
        if allowed:
            entity["enum"] = list(allowed)
        kwargs["metadata"] = {
            "type": "object", "required": ["entity", "id"], "additionalProperties": False,
            "properties": {"entity": entity, "id": {"type": "integer", "minimum": 1, "maximum": INT32},
                           "title": {"type": "string", "readOnly": True,
                                     "description": "The target's title, or 'Restricted record' when the "
                                                    "reader may not see it"}},
            **kwargs.get("metadata", {}),
        }
        super().__init__(error_messages=messages.common(NOT_LINK), **kwargs)

    def _serialize(self, value: RecordLink | None, attr: Any, obj: Any, **kwargs: Any) -> dict[str, Any] | None:
        return None if value is None else {"entity": value.entity, "id": value.id}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> RecordLink:
        if isinstance(value, RecordLink):
            value = {"entity": value.entity, "id": value.id}
        if not isinstance(value, Mapping) or set(value) - {"entity", "id", "title"}:
            raise self.make_error("invalid")
        errors: dict[str, list[str]] = {}
        entity, record_id = value.get("entity"), value.get("id")
        if not isinstance(entity, str) or not LINK_TEXT.match(entity) or ":" in entity \
                or len(entity) > ENTITY_LENGTH:
            errors["entity"] = [str(NOT_LINK)]
        elif self.allowed and entity not in self.allowed:
            errors["entity"] = [not_allowed(self.allowed)]
        if isinstance(record_id, bool) or not isinstance(record_id, int) or not 1 <= record_id <= INT32:
            errors["id"] = [str(messages.NOT_ID)]
        if errors:
            raise ValidationError(errors)
        return RecordLink(entity, record_id)  # type: ignore[arg-type]


@dataclass(frozen=True)
class LinkFilter:
    """A filter's operand: a record (`entity` and `id`), or every record of an entity (`id` None)."""

    entity: str
    id: int | None


class RecordLinkType(FieldType):
    """A link to one record of any entity (or of those in `settings["entities"]`)."""

    name = "record_link"
    widget = "record_link"
    cell = "record_link"
    operators = operators.EQUALITY
    sortable = False
    label = _l("Link to a record of any entity")

    def entity_column(self, field: Field) -> str:
        return f"{field.name}_entity"

    def allowed(self, field: Field) -> tuple[str, ...]:
        """The entities it may point at; () for any."""
        return tuple(field.settings.get("entities") or ())

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return Integer()

    def columns(self, field: Field) -> list[Column[Any]]:
        return [Column(field.name, Integer(), nullable=True),
                Column(self.entity_column(field), String(ENTITY_LENGTH), nullable=True)]

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return RecordLinkField(self.allowed(field), **kwargs)

    def read(self, field: Field, row: Mapping[str, Any]) -> RecordLink | None:
        record_id, entity = row[field.name], row[self.entity_column(field)]
        return None if record_id is None or entity is None else RecordLink(entity, record_id)

    def write(self, field: Field, value: RecordLink | None) -> dict[str, Any]:
        if value is None:
            return {field.name: None, self.entity_column(field): None}
        return {field.name: value.id, self.entity_column(field): value.entity}

    def _text(self, text: str) -> LinkFilter:
        match = LINK_TEXT.match(text)
        if not match:
            raise FieldValueError(str(NOT_LINK))
        return LinkFilter(match.group(1), int(match.group(2)) if match.group(2) else None)

    def from_text(self, field: Field, text: str) -> Any:
        """ "sales_deal:12" (also "sales_deal:#12") as the API's object."""
        found = self._text(text)
        if found.id is None:
            raise FieldValueError(str(NOT_LINK))
        return {"entity": found.entity, "id": found.id}

    def format(self, field: Field, value: Any) -> str:
        """ "sales_deal:12": what `parse` reads back; never the title, which the reader may not be shown."""
        return "" if value is None else str(as_link(value))

    def input_text(self, field: Field, value: Any) -> str:
        return self.format(field, value)

    def sort_key(self, field: Field, value: Any) -> Any:
        return None if value is None else (value.entity, value.id)

    def filter_value(self, field: Field, op: str, raw: Any) -> Any:
        """`sales_deal:12` for that record, `sales_deal` for any record of the entity; a list for `in`."""
        if op == "isnull":
            return parse_bool(raw)
        if op == "in":
            items = raw.split(",") if isinstance(raw, str) else raw
            if not isinstance(items, (list, tuple)):
                raise FieldValueError(str(NOT_LINK))
            return [self.filter_value(field, "eq", item) for item in items]
        if isinstance(raw, (RecordLink, LinkFilter)):
            return LinkFilter(raw.entity, raw.id)
        if isinstance(raw, Mapping):
            link = self.validate(field, raw)
            return LinkFilter(link.entity, link.id)
        return self._text(str(raw))

    def filter(self, field: Field, expr: ColumnElement[Any], op: str, value: Any) -> ColumnElement[bool]:
        entity = expr.table.c[self.entity_column(field)]  # type: ignore[attr-defined]
        if op == "isnull":
            return expr.is_(None) if value else expr.is_not(None)

        def one(target: LinkFilter) -> ColumnElement[bool]:
            same = entity == target.entity
            return same if target.id is None else and_(same, expr == target.id)

        if op == "in":
            return or_(*(one(v) for v in value)) if value else false()
        if op == "ne":
            return or_(expr.is_(None), not_(one(value)))
        return one(value)

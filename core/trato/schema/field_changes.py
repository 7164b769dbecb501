"""Changing a custom field: labels, options, required, position (its type: type_changes.py)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import or_, select

from ..entities import Entity
from ..entities.builtin import POSITION_STEP
from ..entities.meta import FieldRow
from ..fields import Field, FieldValueError, Option, TagsType
from ..i18n import _
from .change import registry, require_admin, schema_change
from .errors import SchemaError
from .fields import custom_field, field_row, row_values
from .inputs import FieldSpec, labels, options


def _in_use(change: Any, entity: Entity, field: Field, removed: set[str]) -> int:
    col = entity.table.c[field.name]
    if isinstance(field.type, TagsType):
        used = or_(*(field.type.filter(field, col, "contains", value) for value in removed))
    else:
        used = col.in_(removed)
    return change.ddl.count(entity.table, used)


def change_field(entity_name: str, name: str, changes: Mapping[str, Any], *, user: Any = None) -> Field:
    """Change a custom field's labels, help, options, section, position, default, filterable or required.

    Removing an option some records use, and making a field required while
    some records have it empty, are refused with the number of records.
    """
    require_admin(user)
    allowed = {"label", "help", "options", "section", "position", "default", "filterable", "required"}
    if set(changes) - allowed:
        raise SchemaError(_("These cannot be changed here: %(keys)s.", keys=", ".join(sorted(set(changes) - allowed))))
    with schema_change(entity_name) as change:
        entity = registry().get(entity_name)
        field = custom_field(entity, name)
        new = _changed(field, changes)
        table = entity.table
        removed = set(field.option_values()) - set(new.option_values())
        if removed and (used := _in_use(change, entity, field, removed)):
            raise SchemaError(_("%(count)s records use the options you removed (%(values)s); change them first.",
                                count=used, values=", ".join(sorted(removed))), "options")
        if new.required and not field.required:
            empty = change.ddl.count(table, table.c.deleted_at.is_(None), table.c[field.name].is_(None))
            if empty:
                raise SchemaError(_("%(count)s records have this field empty; fill them in before making it "
                                    "required.", count=empty), "required")
        if new.filterable != field.filterable:
            change.ddl.drop_indexes(table.name, field.column_names)
            change.ddl.index(table.name, new)
        row = field_row(change.session, entity, field)
        for key, value in row_values(entity.name, new).items():
            setattr(row, key, value)
    return registry().get(entity_name).field(name)


def _changed(field: Field, changes: Mapping[str, Any]) -> Field:
    """`field` with `changes` applied, each checked."""
    new = field
    if "label" in changes:
        new = replace(new, label=labels(changes["label"], "label"))
    if "help" in changes:
        new = replace(new, help=labels(changes["help"], "help", required=False))
    if "section" in changes or "position" in changes:
        new = replace(new, section=changes.get("section", new.section),
                      position=int(changes.get("position", new.position)))
    if "options" in changes:
        spec = FieldSpec(name="x", type=field.type.name, label={"en": "x"}, options=changes["options"])
        new = replace(new, options=tuple(Option(o["value"], o["label"]) for o in options(spec)))
    if "default" in changes:
        try:
            default = None if changes["default"] is None else field.type.validate(new, changes["default"])
        except FieldValueError as err:
            raise SchemaError(_("The default value does not fit: %(why)s", why=err), "default") from None
        new = replace(new, default=default)
    return replace(new, filterable=bool(changes.get("filterable", new.filterable)),
                   required=bool(changes.get("required", new.required)))


def reorder_fields(entity_name: str, names: Sequence[str], *, user: Any = None) -> list[str]:
    """Put the entity's fields (all but the record columns) in this order; built-in ones keep theirs."""
    require_admin(user)
    with schema_change(entity_name) as change:
        entity = registry().get(entity_name)
        movable = [n for n, f in entity.fields.items() if not f.system]
        if sorted(names) != sorted(movable):
            raise SchemaError(_("List each of these fields once: %(names)s.", names=", ".join(movable)), "fields")
        builtin = [n for n in names if not entity.fields[n].custom]
        if builtin != [n for n in movable if not entity.fields[n].custom]:
            raise SchemaError(_("Built-in fields keep their order; move the custom fields around them."), "fields")
        positions, base, step = {}, 0, 0
        for n in names:
            if entity.fields[n].custom:
                step += 1
                positions[n] = base + step
            else:
                base, step = entity.fields[n].position, 0
        for row in change.session.scalars(select(FieldRow).where(FieldRow.entity == entity.name)):
            row.position = positions[row.name] * (POSITION_STEP if entity.custom else 1)
    return list(registry().get(entity_name).fields)

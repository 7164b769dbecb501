"""Custom fields: add and delete (with the count of values lost), each one transaction."""
from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, Table, select

from ..entities import Entity, UnknownField
from ..entities.builtin import POSITION_STEP
from ..entities.meta import FieldRow
from ..fields import Field
from ..i18n import _
from .change import entity_row, registry, require_admin, schema_change, schema_read
from .errors import SchemaError
from .inputs import FieldSpec, build_field
from .names import check_slug, field_column

def row_values(entity: str, field: Field) -> dict[str, Any]:
    """The `core_field` columns that describe `field`."""
    return {"entity": entity, "name": field.name, "type": field.type.name, "label": field.label, "help": field.help,
            "required": field.required, "unique": field.unique, "filterable": field.filterable,
            "default": None if field.default is None else field.type.dump(field, field.default),
            "options": [{"value": o.value, "label": o.label} for o in field.options],
            "settings": dict(field.settings), "position": field.position, "section": field.section}


def custom_field(entity: Entity, name: str) -> Field:
    try:
        field = entity.field(name)
    except UnknownField:
        raise SchemaError(_("%(entity)s has no field %(name)r.", entity=entity.text, name=name), "name") from None
    if not field.custom:
        raise SchemaError(_("%(name)r is a built-in field; the plugin that defines it changes it.", name=name), "name")
    return field


def field_row(session: Any, entity: Entity, field: Field) -> FieldRow:
    return session.scalars(select(FieldRow).where(FieldRow.entity == entity.name, FieldRow.name == field.name)).one()


def columns_of(entity: Entity, field: Field) -> Table:
    """A table object holding just `field`'s columns, to write through their types."""
    return Table(entity.table.name, MetaData(), *field.type.columns(field))


def add_field(entity_name: str, spec: FieldSpec, *, user: Any = None) -> Field:
    """Add a custom field: real columns (`cf_<name>` on a built-in entity), an index if filterable.

    A required field can be added to an entity that has records only with a
    default, which fills them in.
    """
    require_admin(user)
    check_slug(spec.name, "field")
    with schema_change(entity_name) as change:
        entity = registry().get(entity_name)
        column = field_column(spec.name, entity.custom)
        last = max((f.position for f in entity.fields.values() if not f.system), default=0)
        made = build_field(spec, column, registry(), last + POSITION_STEP)
        table = entity.table
        taken = set(table.c.keys()) | change.ddl.existing_columns(table.name)
        if taken & set(made.column_names):
            raise SchemaError(_("%(entity)s already has a field or column called %(name)r.", entity=entity.text,
                                name=spec.name), "name")
        live = change.ddl.count(table, table.c.deleted_at.is_(None))
        if made.required and made.default is None and live:
            raise SchemaError(_("%(count)s records would have this required field empty: give it a default value, "
                                "or add it as optional and fill it in first.", count=live), "required")
        if made.unique and made.default is not None and change.ddl.count(table) > 1:
            raise SchemaError(_("Every record would get the same default value, so it cannot be unique."), "unique")
        change.ddl.add_columns(table.name, made)
        if made.default is not None:
            change.ddl.fill(columns_of(entity, made), made.type.write(made, made.default))
        change.ddl.index(table.name, made)
        made.type.added(made, entity.name, table.name, change.session)  # an auto number's series, say
        row = entity_row(change.session, entity.name)
        if entity.custom and made.type.searchable and not entity.title_field:
            # the first text field names the records (no more "#2") and global search looks in it
            row.title_field = row.title_field or made.name
            row.search_fields = row.search_fields or [made.name]
        change.session.add(FieldRow(**row_values(entity.name, made)))
    return registry().get(entity.name).field(column)


def count_values(entity_name: str, name: str) -> int:
    """How many records (in the recycle bin too) have a value in the field: what deleting it loses.

    Counted under the schema lock, so that the field cannot be dropped under the count.
    """
    with schema_read() as ddl:
        entity = registry().get(entity_name)
        return ddl.count(entity.table, entity.table.c[custom_field(entity, name).name].is_not(None))


def delete_field(entity_name: str, name: str, *, user: Any = None) -> int:
    """Drop a custom field and its columns; returns how many values were lost (see `count_values`)."""
    require_admin(user)
    with schema_change(entity_name) as change:
        entity = registry().get(entity_name)
        field = custom_field(entity, name)
        table = entity.table
        lost = change.ddl.count(table, table.c[field.name].is_not(None))
        change.ddl.drop_columns(table.name, field)
        row = entity_row(change.session, entity.name)
        row.search_fields = [n for n in row.search_fields or [] if n != name]
        row.list_columns = [n for n in row.list_columns or [] if n != name]
        if row.title_field == name:
            row.title_field = None
        change.session.delete(field_row(change.session, entity, field))
    return lost

"""Custom entities: create, change and delete `x_` tables with their metadata."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from ..entities import Entity
from ..entities.builtin import POSITION_STEP
from ..entities.custom import entity_table as build_table
from ..entities.meta import CUSTOM, EntityRow, FieldRow
from ..fields import Field
from ..i18n import _
from .change import registry, require_admin, schema_change
from .errors import SchemaError
from .fields import row_values
from .inputs import EntitySpec, build_field, labels
from .names import check_slug, entity_table


def _field_names(fields: Mapping[str, Field], names: Sequence[str], what: str, searchable: bool = False
                 ) -> list[str]:
    for name in names:
        if name not in fields or (searchable and not fields[name].type.searchable):
            raise SchemaError(_("%(name)r cannot be a %(what)s field.", name=name, what=what), what)
    return list(names)


def create_entity(spec: EntitySpec, *, user: Any = None) -> Entity:
    """Make a custom entity: a real `x_<name>` table with the record columns and the fields given."""
    require_admin(user)
    name = entity_table(check_slug(spec.name, "entity"))
    fields: dict[str, Field] = {}
    for index, field_spec in enumerate(spec.fields, start=1):
        made = build_field(field_spec, check_slug(field_spec.name, "field"), registry(), index * POSITION_STEP, name)
        if made.name in fields:
            raise SchemaError(_("Two fields are called %(name)r.", name=made.name), "fields")
        fields[made.name] = made
    title = spec.title_field or next((n for n, f in fields.items() if f.type.searchable), None)
    search = _field_names(fields, spec.search_fields or ([title] if title else []), "search", searchable=True)
    columns = _field_names(fields, spec.list_columns, "list")
    _field_names(fields, [title] if title else [], "title")
    with schema_change(name) as change:
        if name in registry() or change.ddl.has_table(name):
            raise SchemaError(_("There is already an entity or table called %(name)r.", name=name), "name")
        change.ddl.create_table(build_table(name, list(fields.values())))
        for made in fields.values():
            change.ddl.index(name, made)
        change.session.add(EntityRow(name=name, kind=CUSTOM, label=labels(spec.label, "label"),
                                     plural=labels(spec.plural, "plural"), title_field=title, search_fields=search,
                                     list_columns=columns, revision=0))
        change.session.flush()
        change.session.add_all(FieldRow(**row_values(name, made)) for made in fields.values())
    return registry().get(name)


def custom_entity(name: str) -> Entity:
    entity = registry().get(name)
    if not entity.custom:
        raise SchemaError(_("%(name)s is a built-in entity; its plugin defines it.", name=name), "name")
    return entity


def change_entity(name: str, changes: Mapping[str, Any], *, user: Any = None) -> Entity:
    """Change a custom entity's labels, title field, search fields or default list columns."""
    require_admin(user)
    allowed = {"label", "plural", "title_field", "search_fields", "list_columns"}
    if set(changes) - allowed:
        raise SchemaError(_("These cannot be changed here: %(keys)s.", keys=", ".join(sorted(set(changes) - allowed))))
    entity = custom_entity(name)
    with schema_change(name) as change:
        row = change.session.get(EntityRow, name)
        assert row is not None
        if "label" in changes:
            row.label = labels(changes["label"], "label")
        if "plural" in changes:
            row.plural = labels(changes["plural"], "plural")
        if "title_field" in changes:
            row.title_field = (_field_names(entity.fields, [changes["title_field"]], "title")[0]
                               if changes["title_field"] else None)
        if "search_fields" in changes:
            row.search_fields = _field_names(entity.fields, changes["search_fields"], "search", searchable=True)
        if "list_columns" in changes:
            row.list_columns = _field_names(entity.fields, changes["list_columns"], "list")
    return registry().get(name)


def delete_entity(name: str, *, user: Any = None) -> int:
    """Drop a custom entity's table and metadata; returns how many records (the recycle bin's too) were lost.

    Refused while another entity's relation field points at it.
    """
    require_admin(user)
    entity = custom_entity(name)
    with schema_change(name) as change:
        pointing = [f"{row.entity}.{row.name}" for row in change.session.scalars(
            select(FieldRow).where(FieldRow.type == "relation", FieldRow.entity != name))
            if (row.settings or {}).get("target") == name]
        if pointing:
            raise SchemaError(_("Fields point at %(name)s: %(fields)s. Delete them first.", name=entity.text,
                                fields=", ".join(sorted(pointing))), "name")
        lost = change.ddl.count(entity.table)
        change.ddl.drop_table(name)
        for row in change.session.scalars(select(FieldRow).where(FieldRow.entity == name)):
            change.session.delete(row)
        change.session.delete(change.session.get(EntityRow, name))
    return lost

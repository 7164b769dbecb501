"""Custom entities: create, change and delete `x_` tables with their metadata."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from ..entities import Entity, EntityError
from ..entities.builtin import POSITION_STEP
from ..entities.custom import entity_table as build_table
from ..entities.meta import CUSTOM, EntityRow, FieldRow
from ..entities.titles import pattern_fields
from ..fields import Field
from ..i18n import _
from .change import registry, require_admin, schema_change, schema_read
from .errors import SchemaError
from .fields import row_values
from .inputs import EntitySpec, build_field, checked_rule, labels
from .lines import line_parent
from .names import check_slug, entity_table


def _field_names(fields: Mapping[str, Field], names: Sequence[str], what: str, searchable: bool = False
                 ) -> list[str]:
    for name in names:
        if name not in fields or (searchable and not fields[name].type.searchable):
            raise SchemaError(_("%(name)r cannot be a %(what)s field.", name=name, what=what), what)
    return list(names)


def _title_pattern(pattern: Any, fields: Mapping[str, Field]) -> str | None:
    """A title pattern as given, checked against the fields; None for none."""
    if pattern is None or (isinstance(pattern, str) and not pattern.strip()):
        return None
    if not isinstance(pattern, str) or len(pattern) > 200:
        raise SchemaError(_("Write the title pattern as text of at most 200 characters."), "title_pattern")
    try:
        pattern_fields(pattern.strip(), {n for n, f in fields.items() if f.type.cell not in ("file", "badges")})
    except EntityError:
        raise SchemaError(_("Name fields in braces, such as {plate} — {model}; each must be a field of this "
                            "entity."), "title_pattern") from None
    return pattern.strip()


def create_entity(spec: EntitySpec, *, user: Any = None) -> Entity:
    """Make a custom entity: a real `x_<name>` table with the record columns and the fields given."""
    require_admin(user)
    name = entity_table(check_slug(spec.name, "entity"))
    with schema_change(name) as change:
        fields: dict[str, Field] = {}
        for index, field_spec in enumerate(spec.fields, start=1):
            made = build_field(field_spec, check_slug(field_spec.name, "field"), registry(), index * POSITION_STEP,
                               name)
            if made.name in fields:
                raise SchemaError(_("Two fields are called %(name)r.", name=made.name), "fields")
            fields[made.name] = made
        title = spec.title_field or next((n for n, f in fields.items() if f.type.searchable), None)
        search = _field_names(fields, spec.search_fields or ([title] if title else []), "search", searchable=True)
        columns = _field_names(fields, spec.list_columns, "list")
        _field_names(fields, [title] if title else [], "title")
        pattern = _title_pattern(spec.title_pattern, fields)
        if name in registry() or change.ddl.has_table(name):
            raise SchemaError(_("There is already an entity or table called %(name)r.", name=name), "name")
        parent = line_parent(spec.parent, fields)
        change.ddl.create_table(build_table(name, list(fields.values()), parent))
        for made in fields.values():
            change.ddl.index(name, made)
            made.type.added(made, name, name, change.session)  # an auto number's series, say
        change.session.add(EntityRow(name=name, kind=CUSTOM, label=labels(spec.label, "label"),
                                     plural=labels(spec.plural, "plural"), title_field=title, search_fields=search,
                                     list_columns=columns, title_pattern=pattern, parent=parent, revision=0))
        change.session.flush()
        change.session.add_all(FieldRow(**row_values(name, made)) for made in fields.values())
    return registry().get(name)


def custom_entity(name: str) -> Entity:
    entity = registry().get(name)
    if not entity.custom:
        raise SchemaError(_("%(name)s is a built-in entity; its plugin defines it.", name=name), "name")
    return entity


def change_entity(name: str, changes: Mapping[str, Any], *, user: Any = None) -> Entity:
    """Change a custom entity's labels, title field or pattern, search fields or default list columns."""
    require_admin(user)
    allowed = {"label", "plural", "title_field", "title_pattern", "search_fields", "list_columns", "lock_rule"}
    if set(changes) - allowed:
        raise SchemaError(_("These cannot be changed here: %(keys)s.", keys=", ".join(sorted(set(changes) - allowed))))
    with schema_change(name) as change:
        entity = custom_entity(name)
        row = change.session.get(EntityRow, name)
        assert row is not None
        if "label" in changes:
            row.label = labels(changes["label"], "label")
        if "plural" in changes:
            row.plural = labels(changes["plural"], "plural")
        if "title_field" in changes:
            row.title_field = (_field_names(entity.fields, [changes["title_field"]], "title")[0]
                               if changes["title_field"] else None)
        if "title_pattern" in changes:
            row.title_pattern = _title_pattern(changes["title_pattern"], entity.fields)
        if "search_fields" in changes:
            row.search_fields = _field_names(entity.fields, changes["search_fields"], "search", searchable=True)
        if "list_columns" in changes:
            row.list_columns = _field_names(entity.fields, changes["list_columns"], "list")
        if "lock_rule" in changes:
            row.lock_rule = checked_rule(changes["lock_rule"], entity.fields)
    return registry().get(name)


def count_records(name: str) -> int:
    """How many records (the recycle bin's too) a custom entity holds: what deleting it loses.

    Counted under the schema lock, so that the table cannot be dropped under the count.
    """
    with schema_read() as ddl:
        return ddl.count(custom_entity(name).table)


def delete_entity(name: str, *, user: Any = None) -> int:
    """Drop a custom entity's table and metadata; returns how many records (the recycle bin's too) were lost.

    Refused while another entity's relation field points at it.
    """
    require_admin(user)
    with schema_change(name) as change:
        entity = custom_entity(name)
        pointing = [f"{row.entity}.{row.name}" for row in change.session.scalars(
            select(FieldRow).where(FieldRow.type == "relation", FieldRow.entity != name))
            if (row.settings or {}).get("target") == name]
        if pointing:
            raise SchemaError(_("Fields point at %(name)s: %(fields)s. Delete them first.", name=entity.text,
                                fields=", ".join(sorted(pointing))), "name")
        if entity.children:
            raise SchemaError(_("%(name)s has lines (%(lines)s): delete them first.", name=entity.text,
                                lines=", ".join(entity.children)), "name")
        lost = change.ddl.count(entity.table)
        change.ddl.drop_table(name)
        for row in change.session.scalars(select(FieldRow).where(FieldRow.entity == name)):
            change.session.delete(row)
        change.session.delete(change.session.get(EntityRow, name))
    return lost

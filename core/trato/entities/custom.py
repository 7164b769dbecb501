"""Custom fields and custom entities, built from their rows in the metadata tables."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Column, Integer, MetaData, Table

from ..db import NAMING
from ..fields import Field, FieldTypes, Option
from .builtin import field_from_column, make_entity
from .entity import Entity
from .lock_rules import rule_from
from .meta import EntityRow, FieldRow
from .record import line_columns, record_columns


def field_from_row(row: FieldRow, types: FieldTypes) -> Field:
    """The field a `core_field` row defines; its default is kept there in JSON form."""
    made = Field(
        name=row.name,
        type=types.get(row.type),
        label=row.label,
        required=row.required,
        options=tuple(Option(o["value"], o["label"]) for o in row.options or ()),
        help=row.help,
        filterable=row.filterable,
        position=row.position,
        section=row.section,
        settings=dict(row.settings or {}),
        unique=row.unique,
        custom=True,
    )
    if row.default is None:
        return made
    return replace(made, default=made.type.validate(made, row.default))


def entity_table(name: str, fields: list[Field], parent: str | None = None) -> Table:
    """The table of a custom entity: the record columns, a line's columns if it has a `parent`, and each
    field's columns.

    The MetaData also holds a stand-in `core_user` (and parent), so that the
    owner's (and parent's) foreign key compiles into CREATE TABLE.
    """
    metadata = MetaData(naming_convention=NAMING)
    Table("core_user", metadata, Column("id", Integer, primary_key=True))
    lines = []
    if parent:
        if parent != "core_user":
            Table(parent, metadata, Column("id", Integer, primary_key=True))
        lines = line_columns(parent)
    columns = [column for field in fields for column in field.type.columns(field)]
    return Table(name, metadata, *record_columns(), *lines, *columns)


def custom_entity(row: EntityRow, fields: list[Field]) -> Entity:
    table = entity_table(row.name, fields, row.parent)
    system = [field_from_column(c, i) for i, c in enumerate(table.columns) if c.info.get("system")]
    made = make_entity(row.name, table, [*system, *fields], None, row.label, row.plural, row.title_field,
                       tuple(row.search_fields or ()), tuple(row.list_columns or ()),
                       title_pattern=row.title_pattern)
    rule = rule_from(row.lock_rule, made.fields)  # "locked when Status is Signed", set by an admin
    made = replace(made, locked=rule) if rule else made
    return replace(made, parent=row.parent) if row.parent else made

"""Custom fields and custom entities, built from their rows in the metadata tables."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Column, Integer, MetaData, Table

from ..db import NAMING
from ..fields import Field, FieldTypes, Option
from .builtin import field_from_column, make_entity
from .entity import Entity
from .meta import EntityRow, FieldRow
from .record import record_columns


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


def entity_table(name: str, fields: list[Field]) -> Table:
    """The table of a custom entity: the record columns and each field's columns.

    The MetaData also holds a stand-in `core_user`, so that the owner's
    foreign key compiles into CREATE TABLE.
    """
    metadata = MetaData(naming_convention=NAMING)
    Table("core_user", metadata, Column("id", Integer, primary_key=True))
    columns = [column for field in fields for column in field.type.columns(field)]
    return Table(name, metadata, *record_columns(), *columns)


def custom_entity(row: EntityRow, fields: list[Field]) -> Entity:
    table = entity_table(row.name, fields)
    system = [field_from_column(c, i) for i, c in enumerate(table.columns) if c.info.get("system")]
    return make_entity(row.name, table, [*system, *fields], None, row.label, row.plural, row.title_field,
                       tuple(row.search_fields or ()), tuple(row.list_columns or ()))

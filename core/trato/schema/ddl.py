"""Schema changes through Alembic's operations, inside the caller's transaction.

Both backends roll DDL back with the transaction (SQLite through the BEGIN
recipe in trato.db), so a change that fails half-way leaves nothing behind.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    BigInteger, Column, Connection, MetaData, Numeric, Table, Text, bindparam, column, func, inspect, select, table,
    text, update,
)
from sqlalchemy.sql.elements import ColumnElement

from ..fields import Field, TagsType
from ..filter_indexes.keep import drop_for_columns as drop_filter_indexes
from ..fields.money import PRECISION
from ..search import drop_fts
from .names import index_name

BATCH = 1000  # rows read and written at a time when a column's values are converted


class Ddl:
    """DDL on one connection (the session's, so that metadata rows commit with it)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.ops = Operations(MigrationContext.configure(conn))
        self.dialect = conn.dialect.name

    def add_columns(self, table_name: str, field: Field) -> None:
        for col in field.type.columns(field):
            self.ops.add_column(table_name, col)

    def index(self, table_name: str, field: Field) -> None:
        """The index a field gets: unique if it is, for filtering or relations otherwise; GIN for lists."""
        first = field.column_names[0]
        if field.unique:
            self.ops.create_index(index_name(table_name, first, True), table_name, [first], unique=True)
        elif isinstance(field.type, TagsType):
            if self.dialect == "postgresql":
                self.ops.create_index(index_name(table_name, first), table_name, [first], postgresql_using="gin")
        elif field.filterable or field.type.name in ("relation", "user"):
            self.ops.create_index(index_name(table_name, first), table_name, [first])

    def drop_indexes(self, table_name: str, columns: tuple[str, ...]) -> None:
        drop_filter_indexes(self.conn, table_name, columns)  # expression indexes name no column
        for ix in inspect(self.conn).get_indexes(table_name):
            if set(ix["column_names"]) & set(columns):
                self.ops.drop_index(str(ix["name"]), table_name=table_name)

    def drop_columns(self, table_name: str, field: Field) -> None:
        self.drop_indexes(table_name, field.column_names)
        self._drop_search_index(table_name)
        for name in field.column_names:
            self.ops.drop_column(table_name, name)

    def create_table(self, new: Table) -> None:
        new.create(self.conn)

    def drop_table(self, name: str) -> None:
        self._drop_search_index(name)
        self.ops.drop_table(name)

    def _drop_search_index(self, table_name: str) -> None:
        """SQLite's FTS5 triggers name the search columns and would block dropping them; `search.sync` remakes it."""
        if self.dialect == "sqlite":
            drop_fts(self.conn, table_name)

    def existing_columns(self, table_name: str) -> set[str]:
        return {c["name"] for c in inspect(self.conn).get_columns(table_name)}

    def has_table(self, name: str) -> bool:
        return inspect(self.conn).has_table(name)

    def count(self, source: Table, *where: ColumnElement[bool]) -> int:
        return int(self.conn.scalar(select(func.count()).select_from(source).where(*where)) or 0)

    def value_counts(self, source: Table, col: ColumnElement[Any]) -> list[tuple[Any, int]]:
        """Each distinct value of `col` (empty ones left out) with how many rows hold it, most held first."""
        counted = func.count().label("n")
        rows = self.conn.execute(select(col, counted).select_from(source).where(col.is_not(None))
                                 .group_by(col).order_by(counted.desc(), col))
        return [(value, int(n)) for value, n in rows]

    def rows_with(self, source: Table, col: ColumnElement[Any], values: Sequence[Any], limit: int
                  ) -> list[tuple[int, Any]]:
        """The first `limit` rows (by id) whose `col` holds one of `values`: their ids and values."""
        rows = self.conn.execute(select(source.c.id, col).where(col.in_(values)).order_by(source.c.id).limit(limit))
        return [(int(row_id), value) for row_id, value in rows]

    def lock_table(self, table_name: str) -> None:
        """Keep every other transaction off the table until this one ends (PostgreSQL; SQLite's writer holds
        the whole database already), so that values read now are the values converted later."""
        if self.dialect == "postgresql":
            quoted = self.conn.dialect.identifier_preparer.quote(table_name)
            self.conn.execute(text(f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE"))

    def convert_column(self, source: Table, old: Field, new: Field, convert: Callable[[Any], Any], suffix: str
                       ) -> None:
        """Put `new` in the place of `old` in `source`, each row's value turned into `convert(value)`.

        A staged column of the new type is added and filled row by row, the
        old column (with its indexes) dropped and the staged one renamed;
        then `new` gets the index it asks for.
        """
        staged = replace(new, name=new.name + suffix)
        self.add_columns(source.name, staged)
        target = Table(source.name, MetaData(), Column("id", BigInteger, primary_key=True),
                       *staged.type.columns(staged))
        written = [c.name for c in target.c if c.name != "id"]
        statement = (update(target).where(target.c.id == bindparam("row_id"))
                     .values({name: bindparam(f"new_{name}") for name in written}))
        ids, values = source.c.id, source.c[old.name]
        last = 0
        while rows := self.conn.execute(select(ids, values).where(ids > last, values.is_not(None)).order_by(ids)
                                        .limit(BATCH)).all():
            last = rows[-1][0]
            batch = [{"row_id": row_id, **{f"new_{key}": value for key, value in staged.type.write(staged, new_value)
                                          .items()}}
                     for row_id, new_value in ((row_id, convert(value)) for row_id, value in rows)
                     if new_value is not None]
            if batch:
                self.conn.execute(statement, batch)
        self.drop_columns(source.name, old)
        for staged_name, name in zip(staged.column_names, new.column_names):
            self.ops.alter_column(source.name, staged_name, new_column_name=name)
        self.index(source.name, new)

    def fill(self, source: Table, values: dict[str, Any]) -> None:
        self.conn.execute(update(source).values(values))

    def long_text(self, table_name: str, name: str) -> None:
        """text → long text. SQLite does not enforce VARCHAR lengths, so only PostgreSQL needs DDL."""
        if self.dialect == "postgresql":
            self.ops.alter_column(table_name, name, type_=Text())

    def integer_to_decimal(self, table_name: str, name: str, scale: int) -> None:
        """integer → decimal. On SQLite a decimal is an integer count of 10**-scale units: scale the values."""
        if self.dialect == "postgresql":
            quoted = self.conn.dialect.identifier_preparer.quote(name)
            self.ops.alter_column(table_name, name, type_=Numeric(PRECISION, scale),
                                  postgresql_using=f"{quoted}::numeric({PRECISION}, {scale})")
        else:
            col = column(name, BigInteger())
            self.conn.execute(update(table(table_name, col)).values({name: col * (10 ** scale)}))

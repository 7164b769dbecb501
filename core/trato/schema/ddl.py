"""Schema changes through Alembic's operations, inside the caller's transaction.

Both backends roll DDL back with the transaction (SQLite through the BEGIN
recipe in trato.db), so a change that fails half-way leaves nothing behind.
"""
from __future__ import annotations

from typing import Any

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import BigInteger, Connection, Numeric, Table, Text, column, func, inspect, select, table, update
from sqlalchemy.sql.elements import ColumnElement

from ..fields import Field, TagsType
from ..fields.money import PRECISION
from ..search import drop_fts
from .names import index_name


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

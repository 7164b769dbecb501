"""Filter indexes kept in line with the entities, like the search and sort indexes."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, inspect, select, text

from ..entities import Entity
from ..search.indexes import quote_name
from .kinds import KINDS, SUFFIX, definition, index_name, kind_for
from .models import BUILT, DROPPED, FilterIndex


def sync(conn: Connection, entities: Iterable[Entity]) -> list[str]:
    """Keep filter indexes in line with the entities: drop those whose field is gone or no longer takes the
    index (its row goes too), and those an admin dropped; make again a built one that is missing.

    Returns the names of the indexes dropped or made.
    """
    by_name = {e.name: e for e in entities}
    rows = conn.execute(select(FilterIndex)).mappings().all() if inspect(conn).has_table(
        FilterIndex.__tablename__) else []
    changed = []
    present_by_table: dict[str, set[str]] = {}
    for row in rows:
        e = by_name.get(row["entity"])
        if e is None:
            continue  # a disabled plugin's entity: its table and indexes wait for it
        present = present_by_table.setdefault(e.table.name, present_indexes(conn, e.table.name))
        field = e.fields.get(row["field"])
        made = None
        if field is not None and len(field.column_names) == 1:
            fits = any(kind_for(conn.dialect.name, e, field, op) == row["kind"]
                       for op in field.type.operators)
            made = definition(conn.dialect.name, field.column_names[0], row["kind"]) if fits else None
        key = (FilterIndex.entity == row["entity"]) & (FilterIndex.field == row["field"]) & (
            FilterIndex.kind == row["kind"])
        if made is None:  # the field is gone or changed type: the index and its row go
            if row["name"] in present:
                conn.execute(text(f"DROP INDEX IF EXISTS {quote_name(row['name'])}"))
                changed.append(row["name"])
            conn.execute(FilterIndex.__table__.delete().where(key))
        elif row["state"] == DROPPED and row["name"] in present:
            conn.execute(text(f"DROP INDEX IF EXISTS {quote_name(row['name'])}"))
            changed.append(row["name"])
        elif row["state"] == BUILT and row["name"] not in present:
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS {quote_name(row['name'])} "
                              f"ON {quote_name(e.table.name)} {made}"))
            changed.append(row["name"])
    return changed


def drop_for_columns(conn: Connection, table: str, columns: Iterable[str]) -> None:
    """Drop the filter indexes on `columns` of `table` (before the columns are dropped: SQLite refuses to drop
    a column an expression index reads)."""
    for column in columns:
        for kind in KINDS:
            conn.execute(text(f"DROP INDEX IF EXISTS {quote_name(index_name(table, column, kind))}"))


def present_indexes(conn: Connection, table: str) -> set[str]:
    """The filter indexes on `table`, by name (SQLAlchemy's reflection skips SQLite's expression indexes)."""
    if conn.dialect.name == "postgresql":
        found = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": table})
    else:
        found = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"),
                             {"t": table})
    return {name for (name,) in found if name.endswith(SUFFIX)}

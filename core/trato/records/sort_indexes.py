"""An index on each entity's title field and id, kept in line by the core like the search indexes.

Lists are read in pages by keyset on (sort field, id), and the title field is
the one lists are sorted and linked by. With an index on the field alone the
database must sort each run of equal values by id before it can return the
first row: for `sort=last_name` at a million contacts that is every
"Abad" and more, 1,400 rows read and sorted (16 ms) for a 50-row page that
an index on (last_name, id) returns from its first entries (0.3 ms).

These indexes follow the entities (a custom entity's title can change), so
like the search indexes they are made at run time, when `search.sync_all`
runs, and Alembic's autogenerate leaves them alone (`migrate.include_object`).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, inspect, text

from ..entities import Entity

SORT_SUFFIX = "_sort"


def index_name(table: str, column: str) -> str:
    return f"ix_{table}_{column}{SORT_SUFFIX}"[:63]


def _title_column(entity: Entity) -> str | None:
    """The title field's column, when lists can sort by it and it is one column."""
    field = entity.fields.get(entity.title_field or "")
    if field is None or not field.sortable or len(field.column_names) != 1 or field.name == "id":
        return None
    return field.column_names[0]


def sync(conn: Connection, entities: Iterable[Entity]) -> list[str]:
    """Create or drop sort indexes so that each entity has exactly the one its title field needs.

    Returns the names of the entities whose index changed.
    """
    changed = []
    inspector = inspect(conn)
    for entity in entities:
        table = entity.table
        column = _title_column(entity)
        wanted = {index_name(table.name, column): column} if column else {}
        present = {str(ix["name"]) for ix in inspector.get_indexes(table.name)
                   if str(ix["name"]).endswith(SORT_SUFFIX)}
        if set(wanted) == present:
            continue
        quote = conn.dialect.identifier_preparer.quote  # an Index object would join the entity's table for good
        for name in present - set(wanted):
            conn.execute(text(f"DROP INDEX IF EXISTS {quote(name)}"))
        for name, col in wanted.items():
            if name not in present:
                conn.execute(text(f"CREATE INDEX {quote(name)} ON {quote(table.name)} ({quote(col)}, id)"))
        changed.append(entity.name)
    return changed

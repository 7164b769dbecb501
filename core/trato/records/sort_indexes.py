"""Indexes on each entity's title and id, and on owner, title and id, kept in line like the search indexes.

Lists are read in pages by keyset on (sort field, id), and the title field is
the one lists are sorted and linked by. With an index on the field alone the
database must sort each run of equal values by id before it can return the
first row: for `sort=last_name` at a million contacts that is every
"Abad" and more, 1,400 rows read and sorted (16 ms) for a 50-row page that
an index on (last_name, id) returns from its first entries (0.3 ms).

A second index, on (owner, title, id), serves the same list for a user
whose role shows only their own records: without it SQLite takes the owner
index and sorts all of the user's records for every page (a quarter of a
million at a million contacts), and PostgreSQL walks the title index past
everyone else's records, which for a user owning one record in a thousand
is fifty thousand rows per page.

These indexes follow the entities (a custom entity's title can change), so
like the search indexes they are made at run time, when `search.sync_all`
runs, and Alembic's autogenerate leaves them alone (`migrate.include_object`).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, inspect

from ..entities import Entity
from ..search.indexes import quote_name, reconcile

SORT_SUFFIX = "_sort"


def index_name(table: str, column: str, owner: bool = False) -> str:
    return f"ix_{table}_{'owner_' if owner else ''}{column}{SORT_SUFFIX}"[:63]


def _title_column(entity: Entity) -> str | None:
    """The title field's column, when lists can sort by it and it is one column."""
    field = entity.fields.get(entity.title_field or "")
    if field is None or not field.sortable or len(field.column_names) != 1 or field.name == "id":
        return None
    return field.column_names[0]


def sync(conn: Connection, entities: Iterable[Entity]) -> list[str]:
    """Create or drop sort indexes so that each entity has exactly the two its title field needs.

    Returns the names of the entities whose index changed.
    """
    changed = []
    inspector = inspect(conn)
    for entity in entities:
        table = entity.table
        column = _title_column(entity)
        wanted = {index_name(table.name, column): f"({quote_name(column)}, id)",
                  index_name(table.name, column, owner=True): f"(owner_id, {quote_name(column)}, id)"
                  } if column else {}
        present = {str(ix["name"]) for ix in inspector.get_indexes(table.name)
                   if str(ix["name"]).endswith(SORT_SUFFIX)}
        if set(wanted) != present:  # as SQL, not Index objects, which would join the entity's table for good
            reconcile(conn, table.name, present, wanted)
            changed.append(entity.name)
    return changed

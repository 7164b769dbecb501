"""Indexes on each entity's title and id, and on owner, title and id (and on each indexed text field and id),
kept in line like the search indexes.

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

Text is compared by the reader's language (collation.py), so a text
title's two indexes are made once per language with that collation: `ORDER
BY last_name COLLATE "es-x-icu", id` reads the Spanish one. A title of
another type gets the two plain ones. A plain index on a text field (made
for filtering) does not serve a collated sort either, so each text field
that is filterable or unique gets (field, id) in each collation too.

These indexes follow the entities (a custom entity's title can change), so
like the search indexes they are made at run time, when `search.sync_all`
runs, and Alembic's autogenerate leaves them alone (`migrate.include_object`).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, inspect

from .. import collation
from ..entities import Entity
from ..fields import Field
from ..search.indexes import quote_name, reconcile

SORT_SUFFIX = "_sort"


def index_name(table: str, column: str, owner: bool = False, language: str | None = None) -> str:
    """`ix_<table>_[owner_]<column>[_<language>]_sort`, cut to PostgreSQL's 63 characters keeping the suffix."""
    tail = f"_{'owner_' if owner else ''}{column}{'_' + language if language else ''}{SORT_SUFFIX}"
    return f"ix_{table}"[:max(63 - len(tail), 3)] + tail


def _one_column(field: Field | None) -> str | None:
    """The field's column, when lists can sort by it and it is one column."""
    if field is None or not field.sortable or len(field.column_names) != 1 or field.name == "id":
        return None
    return field.column_names[0]


def _collated(dialect: str, column: str) -> dict[str | None, str]:
    """The index term of a text column per language, with its collation (one plain term where there is none)."""
    quoted = quote_name(column)
    if not collation.name(dialect, "en"):
        return {None: quoted}
    return {lang: f"{quoted} COLLATE {quote_name(str(collation.name(dialect, lang)))}" for lang in collation.LANGUAGES}


def wanted(dialect: str, entity: Entity) -> dict[str, str]:
    """Each sort index `entity` needs, by name, with what follows `ON <table>` in its CREATE INDEX.

    The title gets (title, id) and (owner, title, id); every other text
    field that is indexed for filtering or uniqueness gets (field, id) in
    each language's collation, since its plain index no longer serves a
    collated sort.
    """
    table, indexes = entity.table.name, {}
    title = entity.fields.get(entity.title_field or "")
    column = _one_column(title)
    if title is not None and column:
        terms = _collated(dialect, column) if title.type.searchable else {None: quote_name(column)}
        for language, term in terms.items():
            indexes[index_name(table, column, language=language)] = f"({term}, id)"
            indexes[index_name(table, column, owner=True, language=language)] = f"(owner_id, {term}, id)"
    for field in entity.fields.values():
        column = _one_column(field)
        if field is title or not column or not field.type.searchable or not (field.filterable or field.unique):
            continue
        for language, term in _collated(dialect, column).items():
            if language is not None:
                indexes[index_name(table, column, language=language)] = f"({term}, id)"
    return indexes


def sync(conn: Connection, entities: Iterable[Entity]) -> list[str]:
    """Create or drop sort indexes so that each entity has exactly those it needs (`wanted`).

    Returns the names of the entities whose index changed.
    """
    changed = []
    inspector = inspect(conn)
    for entity in entities:
        table = entity.table
        needed = wanted(conn.dialect.name, entity)
        present = {str(ix["name"]) for ix in inspector.get_indexes(table.name)
                   if str(ix["name"]).endswith(SORT_SUFFIX)}
        if set(needed) != present:  # as SQL, not Index objects, which would join the entity's table for good
            reconcile(conn, table.name, present, needed)
            changed.append(entity.name)
    return changed

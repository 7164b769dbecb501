"""Text-search indexes on every entity's search fields, in each database's own way.

- PostgreSQL: a trigram GIN index (pg_trgm) on the search fields joined
  into one text (`document`) folded to lower case without accents
  (unaccent), which serves `fold(document) LIKE '%word%'`: "garcia" finds
  "García" anywhere in the text; and one on each phone field's digits
  (search.phones).
- SQLite: an FTS5 table `<table>__fts` over the search fields, kept by
  triggers on the entity table, so every write path (the record service,
  imports, raw SQL) keeps it right. Matching is by word prefix and ignores
  accents: "garc" finds "García".

The indexes speed search up and nothing more: where one is missing (a plugin
just enabled, an index being rebuilt) search runs unindexed. `sync()` brings them in line with the entities'
search fields; it is idempotent and cheap when nothing changed.
"""
from __future__ import annotations

import hashlib
import logging
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, String, column, func, literal_column, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError

from ..entities import Entity
from .phones import digits_sql, phone_columns

log = logging.getLogger("trato.search")

FTS_SUFFIX = "__fts"
TRGM_SUFFIX = "_trgm"
_HAS_INDEX: dict[int, tuple[weakref.ref[Entity], bool]] = {}


def fts_table(entity: Entity) -> str:
    return f"{entity.table.name}{FTS_SUFFIX}"


def quote_name(name: str) -> str:
    """An identifier in double quotes; names here come from the registry (checked slugs), never from input."""
    return '"' + name.replace('"', '""') + '"'


def search_columns(entity: Entity) -> list[str]:
    return [entity.fields[name].name for name in entity.search_fields if name in entity.fields]


def sync(conn: Connection, entities: Iterable[Entity]) -> list[str]:
    """Create, rebuild or drop search indexes so that they match `entities`' search fields.

    Returns the names of the entities whose index changed.
    """
    changed = []
    for entity in entities:
        columns = search_columns(entity)
        if conn.dialect.name == "sqlite":
            done = _sync_fts(conn, entity, columns)
        elif conn.dialect.name == "postgresql":
            done = _sync_trigram(conn, entity, columns)
        else:
            done = False
        if done:
            changed.append(entity.name)
            _HAS_INDEX.pop(id(entity), None)
    return changed


TRIGGERS = ("_ai", "_ad", "_au")


def _fts_columns(conn: Connection, table: str) -> list[str] | None:
    """The columns of `table`'s FTS5 index, or None when the index or one of its triggers is missing.

    Dropping a table drops its triggers but not the FTS table (a purged
    plugin's, say): such an index is stale and counts as missing.
    """
    fts = f"{table}{FTS_SUFFIX}"
    names = {row[0] for row in conn.execute(
        text("SELECT name FROM sqlite_master WHERE name = :f OR (type = 'trigger' AND tbl_name = :t)"),
        {"f": fts, "t": table})}
    if fts not in names or any(fts + suffix not in names for suffix in TRIGGERS):
        return None
    return [row[1] for row in conn.execute(text(f"PRAGMA table_info({quote_name(fts)})"))]


def _sync_fts(conn: Connection, entity: Entity, columns: Sequence[str]) -> bool:
    table, fts = entity.table.name, fts_table(entity)
    present = _fts_columns(conn, table)
    if present == list(columns):
        return False
    drop_fts(conn, table)
    if not columns:
        return present is not None
    cols = ", ".join(quote_name(c) for c in columns)
    new = ", ".join(f"new.{quote_name(c)}" for c in columns)
    old = ", ".join(f"old.{quote_name(c)}" for c in columns)
    q_fts, q_table = quote_name(fts), quote_name(table)
    conn.execute(text(f"CREATE VIRTUAL TABLE {q_fts} USING fts5({cols}, content={q_table}, content_rowid='id', "
                      "tokenize='unicode61 remove_diacritics 2')"))
    conn.execute(text(f"CREATE TRIGGER {quote_name(fts + '_ai')} AFTER INSERT ON {q_table} BEGIN "
                      f"INSERT INTO {q_fts}(rowid, {cols}) VALUES (new.id, {new}); END"))
    conn.execute(text(f"CREATE TRIGGER {quote_name(fts + '_ad')} AFTER DELETE ON {q_table} BEGIN "
                      f"INSERT INTO {q_fts}({q_fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"))
    conn.execute(text(f"CREATE TRIGGER {quote_name(fts + '_au')} AFTER UPDATE OF {cols} ON {q_table} BEGIN "
                      f"INSERT INTO {q_fts}({q_fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
                      f"INSERT INTO {q_fts}(rowid, {cols}) VALUES (new.id, {new}); END"))
    conn.execute(text(f"INSERT INTO {q_fts}({q_fts}) VALUES ('rebuild')"))
    log.info("search index %s built over %s", fts, ", ".join(columns))
    return True


def drop_fts(conn: Connection, table: str) -> None:
    """Remove an entity table's FTS5 index and its triggers (before the table goes, or to rebuild them)."""
    fts = f"{table}{FTS_SUFFIX}"
    for suffix in TRIGGERS:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {quote_name(fts + suffix)}"))
    conn.execute(text(f"DROP TABLE IF EXISTS {quote_name(fts)}"))


def _trigram_indexes(conn: Connection, table: str) -> set[str]:
    rows = conn.execute(text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                             "AND tablename = :t AND indexname LIKE :p"), {"t": table, "p": f"%{TRGM_SUFFIX}"})
    return {row[0] for row in rows}


def _trigram_name(table: str, column: str) -> str:
    return f"ix_{table}_{column}{TRGM_SUFFIX}"[:63]


def document(columns: Sequence[Any]) -> Any:
    """The search fields as one text, separated by spaces: what PostgreSQL's search index folds and what a
    search compares with, so that several words cost one index and one fold per candidate row, not one per
    field and word."""
    parts = [func.coalesce(c, literal_column("''")) for c in columns]
    text_of = parts[0]
    for part in parts[1:]:
        text_of = text_of.op("||")(literal_column("' '")).op("||")(part)
    return text_of


def _document_sql(columns: Sequence[str]) -> str:
    """`document()` of the named columns as PostgreSQL text, for the index on it."""
    return str(document([column(c, String()) for c in columns]).compile(dialect=postgresql.dialect()))


def _sync_trigram(conn: Connection, entity: Entity, columns: Sequence[str]) -> bool:
    table = entity.table.name
    wanted = {_trigram_name(table, f"{c}_digits"): f"({digits_sql(c)})" for c in phone_columns(entity)}
    if columns:  # named by its fields, so that another choice of fields makes another index
        fields = hashlib.sha256(",".join(columns).encode()).hexdigest()[:8]
        wanted[_trigram_name(table, f"search_{fields}")] = f"{FOLD}({_document_sql(columns)})"
    present = _trigram_indexes(conn, table)
    if set(wanted) == present:
        return False
    try:
        with conn.begin_nested():
            prepare_postgresql(conn)
    except DBAPIError as exc:  # not allowed to install the extensions: search works, unindexed
        log.warning("search indexes left out: could not install pg_trgm and unaccent (%s)", exc.orig)
        return False
    reconcile(conn, table, present, {name: f"USING gin ({term} public.gin_trgm_ops)" for name, term in wanted.items()})
    return True


def reconcile(conn: Connection, table: str, present: set[str], wanted: Mapping[str, str]) -> None:
    """Drop the indexes named in `present` that are not `wanted`, and make the `wanted` ones missing.

    `wanted` gives each index's name and what follows `ON <table>` in its
    CREATE INDEX; the indexes made at run time (these, records.sort_indexes)
    are kept in line this way.
    """
    for name in present - set(wanted):
        conn.execute(text(f"DROP INDEX IF EXISTS {quote_name(name)}"))
    for name, definition in wanted.items():
        if name not in present:
            conn.execute(text(f"CREATE INDEX {quote_name(name)} ON {quote_name(table)} {definition}"))


# Lower case without accents, as an IMMUTABLE function so that an index can be built on it
# (unaccent itself is only STABLE). Search compares fold(column) with the folded word.
FOLD = "public.trato_fold"
PREPARE_LOCK = 0x7472_6174  # "trat": an advisory lock key of our own
_FOLD_SQL = (f"CREATE FUNCTION {FOLD}(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
             "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$")


def prepare_postgresql(conn: Connection) -> None:
    """Install pg_trgm, unaccent and the fold function in `public` when missing.

    Both extensions are trusted (PostgreSQL 13+), so the database's owner
    may install them.
    """
    if has_fold(conn):
        return
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PREPARE_LOCK})  # two workers at once
    if has_fold(conn):
        return
    conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    conn.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public"))
    conn.execute(text(_FOLD_SQL))


def has_fold(conn: Connection) -> bool:
    return conn.execute(text("SELECT to_regprocedure('public.trato_fold(text)') IS NOT NULL "
                             "AND EXISTS (SELECT 1 FROM pg_opclass WHERE opcname = 'gin_trgm_ops')")).scalar() is True


def indexed(conn: Connection, entity: Entity) -> bool:
    """Whether `entity` has a search index over exactly its search fields (remembered per entity object).

    On SQLite that is its FTS5 table; on PostgreSQL the fold function its
    trigram indexes are built on (a missing index only makes search slower).
    """
    known = _HAS_INDEX.get(id(entity))
    if known is not None and known[0]() is entity:
        return known[1]
    if conn.dialect.name == "sqlite":
        found = _fts_columns(conn, entity.table.name) == search_columns(entity)
    else:
        found = conn.dialect.name == "postgresql" and has_fold(conn)
    _HAS_INDEX[id(entity)] = (weakref.ref(entity), found)
    return found

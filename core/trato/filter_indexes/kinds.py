"""Which index serves a field's filter, and the index itself, in each database's own terms.

- btree, for eq, in, lt, lte, gt, gte, isnull: `(column)` on both.
- contains, for contains and (on PostgreSQL) startswith on text, case-insensitive: on PostgreSQL
  `USING gin (column gin_trgm_ops)`, which serves `ILIKE '%ab%'` and `ILIKE 'ab%'`; none on SQLite,
  which has no index for `LIKE '%ab%'`.
- prefix, for startswith on SQLite: `(lower(column))`, read through the range on `lower(column)` that
  the prefix filter carries there (fields.operators.lower_prefix).
- listed, for contains on a list (tags, multi-select): `USING gin (column)` (its `@>`) on PostgreSQL;
  none on SQLite, which reads each row's JSON.

A field that already has an index for its filters (filterable, unique, a
relation, the title and the record columns) gets no other for equality.
"""
from __future__ import annotations

from ..entities import Entity
from ..fields import Field
from ..search.indexes import quote_name

SUFFIX = "_filter"
KINDS = ("btree", "prefix", "contains", "listed")
ORDERED = frozenset({"eq", "in", "lt", "lte", "gt", "gte", "isnull"})
RECORD_COLUMNS = frozenset({"id", "owner_id", "created_at", "updated_at", "created_by_id", "updated_by_id"})


def kind_for(dialect: str, entity: Entity, field: Field, op: str) -> str | None:
    """The kind of index that serves `field <op> value`, or None when none is needed or none helps.

    On PostgreSQL one trigram index serves both `startswith` and `contains`, so both ask for "contains".
    """
    if len(field.column_names) != 1:
        return None
    listed = "contains" in field.type.operators and "startswith" not in field.type.operators
    if op == "contains":
        return "listed" if listed else "contains"
    if op == "startswith":
        return "contains" if dialect == "postgresql" else "prefix"
    if op in ORDERED and not listed:
        indexed = (field.filterable or field.unique or field.name in RECORD_COLUMNS
                   or field.name == entity.title_field or field.type.name in ("relation", "user"))
        return None if indexed else "btree"
    return None


def definition(dialect: str, column: str, kind: str) -> str | None:
    """What follows `ON <table>` in the index's CREATE INDEX, or None when this database has no such index."""
    quoted = quote_name(column)
    if kind == "btree":
        return f"({quoted})"
    if dialect == "postgresql":
        return {"contains": f"USING gin ({quoted} gin_trgm_ops)", "listed": f"USING gin ({quoted})"}.get(kind)
    if dialect == "sqlite" and kind == "prefix":
        return f"(lower({quoted}))"
    return None


def index_name(table: str, column: str, kind: str) -> str:
    """`ix_<table>_<column>_<kind>_filter`, cut to PostgreSQL's 63 characters keeping the end."""
    tail = f"_{column}_{kind}{SUFFIX}"
    return f"ix_{table}"[:max(63 - len(tail), 3)] + tail

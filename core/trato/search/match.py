"""The condition free-text search adds to a query, using the database's own index where there is one."""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select, table, text

from .. import db
from ..entities import Entity
from ..fields import Field
from .indexes import fts_table, indexed, quote_name, search_columns


def fold(word: str) -> str:
    """Lower case without accents, as PostgreSQL's fold function (unaccent) makes it: "Núñez" → "nunez"."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(ch))


def _fts_query(words: Sequence[str]) -> str | None:
    """FTS5 query text: every word as a quoted prefix ("garc"* "madr"*), or None when a word has no letter or digit."""
    if not all(any(ch.isalnum() for ch in w) for w in words):
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def condition(entity: Entity, fields: Sequence[Field], words: Sequence[str]) -> ColumnElement[bool]:
    """Records where every word is found in one of `fields`.

    SQLite's FTS5 index matches word prefixes; PostgreSQL's trigram indexes
    match anywhere in the text; both ignore case and accents. The index is
    used only when it covers exactly these fields: a role that hides one of
    them gets the unindexed path, so that a match never tells what a hidden
    field holds.
    """
    conn = db.session().connection()
    exact = [f.name for f in fields] == search_columns(entity) and indexed(conn, entity)
    if exact and conn.dialect.name == "sqlite" and (query := _fts_query(words)) is not None:
        fts = quote_name(fts_table(entity))
        matching: Any = select(literal_column("rowid")).select_from(table(fts_table(entity))) \
            .where(text(f"{fts} MATCH :fts_query").bindparams(fts_query=query))
        return entity.table.c.id.in_(matching)
    columns = [f.type.expression(f, entity.table) for f in fields]
    if exact and conn.dialect.name == "postgresql":
        return and_(*(or_(*(func.public.trato_fold(c).contains(fold(word), autoescape=True) for c in columns))
                      for word in words))
    return and_(*(or_(*(c.icontains(word, autoescape=True) for c in columns)) for word in words))

"""The condition free-text search adds to a query, using the database's own index where there is one."""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, literal_column, or_, select, table, text

from .. import db
from ..entities import Entity
from ..fields import Field
from .indexes import document, fts_table, indexed, quote_name, search_columns
from .phones import digits, digits_of


def fold(word: str) -> str:
    """Lower case without accents, as PostgreSQL's fold function (unaccent) makes it: "Núñez" → "nunez"."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(ch))


def _fts_query(words: Sequence[str]) -> str | None:
    """FTS5 query text: every word as a quoted prefix ("garc"* "madr"*), or None when a word has no letter or digit."""
    if not all(any(ch.isalnum() for ch in w) for w in words):
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def _folded_match(column: Any, word: str) -> ColumnElement[bool]:
    """The folded column holds `word`: anywhere from three characters on; a shorter word at the start of a
    word ("zu" finds "Zurich"), as a regular expression pg_trgm's index serves, where `LIKE '%zu%'` gives
    it no trigram to look up and reads every row (3 s at 200,000 accounts for a rare pair of letters)."""
    folded = func.public.trato_fold(column)
    if len(word) >= 3:
        return folded.contains(word, autoescape=True)
    return folded.regexp_match("(^| )" + "".join(ch if ch.isalnum() else "\\" + ch for ch in word))


def condition(entity: Entity, fields: Sequence[Field], words: Sequence[str],
              phones: Sequence[Field] = ()) -> ColumnElement[bool]:
    """Records where every word is found in one of `fields`; a word that is a phone number may instead be in
    one of `phones`, compared digit by digit, so that "976200101" finds "+34 976 200 101".

    The phone comparison (search.phones) runs only for a word of six digits or
    more; PostgreSQL's index on each phone field's digits serves it.
    """
    numbers = {word: number for word in words if phones and (number := digits_of(word))}
    if not numbers:
        return _text(entity, fields, words)
    others = [word for word in words if word not in numbers]
    parts = [_text(entity, fields, others)] if others else []
    for word, number in numbers.items():
        in_phone = or_(*(digits(f.type.expression(f, entity.table)).contains(number, autoescape=True)
                         for f in phones))
        parts.append(or_(in_phone, _text(entity, fields, [word])))
    return and_(*parts)


def _text(entity: Entity, fields: Sequence[Field], words: Sequence[str]) -> ColumnElement[bool]:
    """Records where every word is found in one of `fields`.

    SQLite's FTS5 index matches word prefixes; PostgreSQL's trigram indexes
    match anywhere in the text (a word of one or two characters, at the start
    of a word); both ignore case and accents. The index is
    used only when it covers exactly these fields: a role that hides one of
    them gets the unindexed path, so that a match never tells what a hidden
    field holds.
    """
    conn = db.session().connection()
    exact = [f.name for f in fields] == search_columns(entity) and indexed(conn, entity)
    if exact and conn.dialect.name == "sqlite" and (query := _fts_query(words)) is not None:
        fts = quote_name(fts_table(entity))
        matching: Any = select(literal_column("rowid")).select_from(table(fts_table(entity))) \
            .where(text(f"{fts} MATCH :fts_query").bindparams(bindparam("fts_query", query, unique=True)))
        return entity.table.c.id.in_(matching)
    columns = [f.type.expression(f, entity.table) for f in fields]
    if exact and conn.dialect.name == "postgresql":
        return and_(*(_folded_match(document(columns), fold(word)) for word in words))
    return and_(*(or_(*(c.icontains(word, autoescape=True) for c in columns)) for word in words))

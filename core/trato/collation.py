"""How text sorts: by the rules of the reader's language, on both databases, the same way indexes are built.

A byte order puts "Álvarez" after "Transportes" and "Sáenz" after "Shah".
Lists, the API and exports sort text with a collation instead:

- PostgreSQL: ICU's, "es-x-icu" for Spanish (ñ is a letter of its own,
  after n) and the root "und-x-icu" otherwise; both are deterministic, so
  equal means byte-equal and keyset cursors stay exact.
- SQLite: collations of our own, registered on every connection
  (`register`): a word compares first by its letters without accents or
  case (NFKD with the marks dropped, then casefold), Spanish keeping ñ
  after n; then by accents, then by case, lower case first, as ICU does;
  last by the text itself, so that only identical texts are equal (the
  keyset pagination needs a total order).

The sort indexes (records.sort_indexes) are made with the same collations,
one per language, so that `ORDER BY title COLLATE ...` reads from an index.
A SQLite file that holds them can be opened by tools without these
collations for reading, but writes to an indexed table there fail with
"no such collation sequence".
"""
from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Dialect

# Per language Trato ships: the SQLite collation registered here, and the PostgreSQL ICU one.
SQLITE = {"en": "trato_en", "es": "trato_es"}
POSTGRESQL = {"en": "und-x-icu", "es": "es-x-icu"}
LANGUAGES = tuple(SQLITE)
_AFTER_N = "n\U0010ffff"  # sorts after every "n…" and before "o": where Spanish puts ñ


Key = tuple[str, str, str, str]


def _key(text: str) -> Key:
    """Letters without accents or case first (the primary strength), then accents, then case, lower first (as
    ICU), then the text itself, so that only identical texts are equal."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return letters, decomposed, text.swapcase(), text


@lru_cache(maxsize=65_536)
def key_en(text: str) -> Key:
    """Sort key of the root collation."""
    return _key(text)


@lru_cache(maxsize=65_536)
def key_es(text: str) -> Key:
    """Sort key of Spanish: as the root one, except that ñ is a letter of its own, after n."""
    composed = unicodedata.normalize("NFC", text)
    return _key(composed.replace("ñ", _AFTER_N).replace("Ñ", _AFTER_N.upper()))[:3] + (text,)


KEYS: dict[str, Callable[[str], Key]] = {"en": key_en, "es": key_es}


def _comparer(key: Callable[[str], Key]) -> Callable[[str, str], int]:
    def compare(a: str, b: str) -> int:
        ka, kb = key(a), key(b)
        return (ka > kb) - (ka < kb)
    return compare


_COMPARERS = {SQLITE[lang]: _comparer(KEYS[lang]) for lang in LANGUAGES}


def register(conn: sqlite3.Connection) -> None:
    """Give a SQLite connection Trato's collations (the engine does it on connect; raw connections must too)."""
    for name, compare in _COMPARERS.items():
        conn.create_collation(name, compare)


def language_of(locale: Any) -> str:
    """The language whose rules sort text for `locale` ("es", "es_ES"): Spanish in Spanish, English otherwise."""
    lang = str(locale or "").replace("-", "_").split("_")[0].lower()
    return lang if lang in LANGUAGES else "en"


def name(dialect: Dialect | str, language: str) -> str | None:
    """The collation a database calls `language`'s, or None where text keeps the database's own order."""
    backend = dialect if isinstance(dialect, str) else dialect.name
    table = SQLITE if backend == "sqlite" else POSTGRESQL if backend == "postgresql" else {}
    return table.get(language)


def collate(expression: ColumnElement[Any], dialect: Dialect | str, language: str) -> ColumnElement[Any]:
    """`expression` compared and sorted by `language`'s rules, where the database has them."""
    chosen = name(dialect, language)
    return expression if chosen is None else expression.collate(chosen)

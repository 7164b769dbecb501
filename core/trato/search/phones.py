"""Phone numbers in search: a word typed as a number matches a phone field digit by digit.

"976200101" finds "+34 976 200 101": both sides are compared as their
digits alone. On PostgreSQL each phone field has a trigram index on that
digits-only expression (made at run time with the search indexes), which
serves `digits LIKE '%976200101%'`; the expression is built from literal
constants only, so that the query's and the index's are the same. SQLite
compares the digits of each row the other conditions leave.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import String, column, func, literal_column
from sqlalchemy.dialects import postgresql

from ..entities import Entity

# What people put between the digits of a phone number; a word of these and at least six digits is a number.
PUNCTUATION = "+()-./ "
MIN_DIGITS = 6
PHONE_CELL = "phone"


def digits_of(word: str) -> str | None:
    """The digits of a word typed as a phone number ("+34976200101", "976-200-101"), or None."""
    if any(not ch.isdigit() and ch not in PUNCTUATION for ch in word):
        return None
    digits = "".join(ch for ch in word if ch.isdigit())
    return digits if len(digits) >= MIN_DIGITS else None


def digits(expr: Any) -> Any:
    """The column's digits alone, as SQL: "+34 976 200 101" → "34976200101"."""
    for ch in PUNCTUATION:
        expr = func.replace(expr, literal_column(f"'{ch}'"), literal_column("''"))
    return expr


def phone_columns(entity: Entity) -> list[str]:
    """The columns of the entity's phone fields."""
    return [f.column_names[0] for f in entity.fields.values()
            if f.type.cell == PHONE_CELL and len(f.column_names) == 1]


def digits_sql(name: str) -> str:
    """`digits()` of the column `name` as PostgreSQL text, for an index on it."""
    return str(digits(column(name, String())).compile(dialect=postgresql.dialect()))  # quoted where needed

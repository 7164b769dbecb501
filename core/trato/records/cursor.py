"""Keyset pagination: the cursor carries the last row's sort values, not an offset.

A page then costs the same on page 1 and page 10,000: the database seeks to
"after these values" through the sort's index instead of counting rows.
Empty values sort last in both directions, on both backends. No index
order gives that for a descending sort, so a query whose first sort field can
be empty reads the filled rows first and then the empty ones, each part in
an order plain indexes serve (see RecordQuery.page).
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

from ..fields import Field, FieldValueError
from ..i18n import _
from .errors import QueryError


@dataclass(frozen=True)
class SortKey:
    field: Field
    expression: ColumnElement[Any]
    descending: bool
    nullable: bool = True  # False for NOT NULL columns, and where the query already excludes NULLs

    def ordering(self) -> ColumnElement[Any]:
        """ORDER BY term. Where no NULL can occur it is a plain one, which an index serves both ways."""
        term = self.expression.desc() if self.descending else self.expression.asc()
        return term.nulls_last() if self.nullable else term


def _text(value: Any) -> Any:
    if isinstance(value, (Decimal, date, datetime)):
        return value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    return value


def encode(sort: str, values: list[Any]) -> str:
    raw = json.dumps({"s": sort, "v": [_text(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, sort: str, keys: list[SortKey]) -> list[Any]:
    """The sort values a cursor carries, read back through each field's type."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        ok = isinstance(data, dict) and isinstance(data.get("v"), list) and len(data["v"]) == len(keys)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        ok = False
    if not ok:
        raise QueryError(_("The cursor is malformed; start again from the first page."), "cursor")
    if data.get("s") != sort:
        raise QueryError(_("The cursor belongs to another sort order; start again from the first page."), "cursor")
    try:
        return [None if raw is None else _value(key.field, raw) for key, raw in zip(keys, data["v"])]
    except (FieldValueError, TypeError, ValueError):
        raise QueryError(_("The cursor is malformed; start again from the first page."), "cursor") from None


def _value(field: Field, raw: Any) -> Any:
    if field.type.searchable:
        if not isinstance(raw, str):
            raise TypeError("text expected")
        return raw
    return field.type.filter_value(field, "eq", raw)


def after(keys: list[SortKey], values: list[Any]) -> ColumnElement[bool]:
    """Rows that come after a row with these sort values, in the keys' order.

    The first key's bound is repeated on its own (`amount <= 500 AND (...)`),
    which lets both databases seek through its index instead of scanning.
    """
    alternatives = []
    for i, key in enumerate(keys):
        if values[i] is None:
            continue  # empty values come last: only ties (handled by the next keys) follow
        beyond = key.expression < values[i] if key.descending else key.expression > values[i]
        if key.nullable:
            beyond = or_(beyond, key.expression.is_(None))
        same = [k.expression.is_(None) if v is None else k.expression == v for k, v in zip(keys[:i], values[:i])]
        alternatives.append(and_(*same, beyond))
    lead, first = keys[0], values[0]
    if lead.nullable or first is None:
        return or_(*alternatives)
    bound = lead.expression <= first if lead.descending else lead.expression >= first
    return and_(bound, or_(*alternatives))

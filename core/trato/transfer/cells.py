"""Cell text into what the record service takes, and field values into cell text.

Reading is a little more lenient than the field types' own `from_text`, as
spreadsheets in Spain write: dates as DD/MM/YYYY, and numbers as forms read
them (`FieldType.from_typed`: "1.234,56" or "1234.56").
Writing uses each type's `format`, except relations (the related record's
title) and users (their email), which a person can read and an import finds
again. Text a spreadsheet would run as a formula gets a leading apostrophe.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any

from ..fields import (
    DateTimeType, DateType, DecimalType, Field, FieldType, FieldValueError, IntegerType, RelationType,
)
from ..i18n import _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")


def escape(text: str) -> str:
    """`text` made safe from formula injection: a leading = + - @ is prefixed with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape(text: str) -> str:
    """Undo `escape`, so that an exported file imports back unchanged."""
    return text[1:] if text[:1] == "'" and text[1:].startswith(FORMULA_STARTS) else text


def _day_first(field: Field, text: str) -> str:
    """An ISO date (or datetime) from DD/MM/YYYY [HH:MM[:SS]], or the ISO text as it is."""
    if ISO_START.match(text):
        return text
    match = DAY_FIRST.match(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
        try:
            if isinstance(field.type, DateTimeType):
                return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                                int(second or 0)).isoformat()
            if hour is None:
                return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            pass
    if isinstance(field.type, DateTimeType):
        raise FieldValueError(_("Enter a date and time as YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM."))
    raise FieldValueError(_("Enter a date as YYYY-MM-DD or DD/MM/YYYY."))


def is_reference(field: Field) -> bool:
    """Relations and users: the cell names a record or a person, found by `lookup`."""
    return isinstance(field.type, RelationType)


def cell_reader(field: Field) -> Callable[[str], Any]:
    """What reads a cell of `field`'s column into what the record service takes (None when empty).

    References are read as their text; `lookup` turns them into ids. The
    reader raises FieldValueError when the text cannot mean a value of the
    field. The type's questions are answered once, not per cell.
    """
    convert: Callable[[str], Any] | None
    kind = type(field.type)
    if is_reference(field):
        convert = None
    elif isinstance(field.type, DateType):
        convert = partial(_day_first, field)
    elif kind.from_text is FieldType.from_text and kind.typed_text is FieldType.typed_text:
        convert = None  # the text is the value
    else:
        convert = partial(field.type.from_typed, field)  # numbers as a person types them, as forms read them

    def read(text: str) -> Any:
        text = unescape(text.strip())
        if not text:
            return None
        return text if convert is None else convert(text)

    return read


def write_cell(field: Field, value: Any, titles: dict[Any, str], defuse: bool = True) -> str:
    """`value` of `field` as cell text; `titles` holds the text of each related record or user by id.

    `defuse` (for CSV) escapes text that a spreadsheet would run as a formula.
    """
    if value is None:
        return ""
    if is_reference(field):
        text = titles.get(value, f"#{value}")
    else:
        text = field.type.format(field, value)
        if isinstance(field.type, (IntegerType, DecimalType)):
            return text  # a number, never a formula
    return escape(text) if defuse else text

"""A CSV cell longer than the reader takes: found by its row and column, for a message a person can act on.

Python's csv reader refuses a cell over its limit (`reading.FIELD_LIMIT`)
without saying which one. No field holds that much text, and a stray
quote that swallows the rest of the file looks the same, so the person
needs the place: the record is read again as written and its cells measured.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import cache
from typing import BinaryIO

from ..i18n import _
from .errors import TransferError

OVER_LIMIT = "field larger than field limit"  # how the csv module says it


@cache
def _cell(delimiter: str) -> re.Pattern[str]:
    """One cell as written: quoted pieces (an unclosed quote runs to the end) and unquoted ones, up to the next
    delimiter outside quotes."""
    other = re.escape(delimiter)
    return re.compile(f'(?:"[^"]*(?:""[^"]*)*"?|[^"{other}]+)*')


def oversized_cell(record: str, delimiter: str, limit: int) -> int | None:
    """The place (0 for the first) of the first cell of `record` written longer than `limit` characters."""
    cell, place, start = _cell(delimiter), 0, 0
    while True:
        end = cell.match(record, start).end()  # type: ignore[union-attr]  # it matches the empty cell too
        if end - start > limit:
            return place
        if end >= len(record):
            return None
        place, start = place + 1, end + 1


def _record(stream: BinaryIO, encoding: str, delimiter: str, row: int) -> str:
    """The text of record `row` (1 is the header) as the file writes it, up to where a reader gives up on it."""
    kept: list[str] = []

    def lines(text: io.TextIOWrapper) -> Iterator[str]:
        for line in text:
            kept.append(line)
            yield line

    reader = csv.reader(lines(io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")),
                        delimiter=delimiter)
    try:
        for _before in range(row - 1):
            next(reader)
            kept.clear()
        next(reader)
    except (csv.Error, StopIteration):
        pass
    return "".join(kept)


def unreadable_row(stream: BinaryIO, encoding: str, delimiter: str, header: tuple[str, ...], row: int,
                   err: csv.Error, limit: int) -> TransferError:
    """The refusal of record `row` that the csv reader could not read: for a cell over `limit`, naming its
    column; otherwise the reader's own reason."""
    place = oversized_cell(_record(stream, encoding, delimiter, row), delimiter, limit) \
        if OVER_LIMIT in str(err) else None
    if place is None:
        return TransferError(_("Row %(row)s cannot be read as CSV (%(reason)s).", row=row, reason=str(err)))
    return TransferError(_("Row %(row)s, column %(column)s (“%(name)s”) holds more than %(limit)s MB of text, more "
                           "than any field takes; an unclosed quote can also run on to the end of the file. "
                           "Correct the cell and upload the file again.", row=row, column=place + 1,
                           name=header[place] if place < len(header) else "", limit=limit // (1024 * 1024)))

"""CSV files as spreadsheets export them: the encoding and the delimiter found, rows streamed.

UTF-8 (with or without the BOM Excel writes), UTF-16 with a BOM (Excel's
"Unicode text"), else Windows-1252, the code page of Spanish Windows, or
Latin-1 when even that does not fit. The delimiter is whichever of comma,
semicolon or tab the header line uses most. Rows are read one at a time,
so a file of a million rows never sits in memory.
"""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

from ..i18n import _
from .errors import TransferError

Source = Union[bytes, str, Path]
SAMPLE = 64 * 1024
CHUNK = 1024 * 1024
DELIMITERS = (",", ";", "\t")
FIELD_LIMIT = 1024 * 1024
# Files people upload by mistake, by their first bytes.
SIGNATURES = {
    b"PK\x03\x04": "Excel (.xlsx) / OpenDocument (.ods) / ZIP",
    b"\xd0\xcf\x11\xe0": "Excel 97-2003 (.xls)",
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
}

csv.field_size_limit(FIELD_LIMIT)


def _open(source: Source) -> BinaryIO:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    return open(source, "rb")  # noqa: SIM115  (closed by the caller)


def _decodes(source: Source, encoding: str) -> bool:
    """Whether the whole file decodes in `encoding`, read a chunk at a time."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with _open(source) as stream:
        try:
            while chunk := stream.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def detect_encoding(source: Source, sample: bytes) -> str:
    """The encoding of the file whose first bytes are `sample`; TransferError if it is not text."""
    for signature, kind in SIGNATURES.items():
        if sample.startswith(signature):
            raise TransferError(_("This file is of the type %(kind)s, not CSV. Save it from your spreadsheet "
                                  "as “CSV” and upload that.", kind=kind))
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise TransferError(_("This file is not a CSV file: it holds binary data. Save it from your spreadsheet "
                              "as “CSV” and upload that."))
    if _decodes(source, "utf-8"):
        return "utf-8"
    return "cp1252" if _decodes(source, "cp1252") else "latin-1"


def sniff_delimiter(line: str) -> str:
    """The delimiter the header line uses most (outside quotes); comma when it has none."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True)
class CsvFile:
    """An opened CSV file: its header, and its rows on demand."""

    source: Source
    encoding: str
    delimiter: str
    header: tuple[str, ...]

    def _reader(self, stream: BinaryIO) -> Iterator[list[str]]:
        text = io.TextIOWrapper(stream, encoding=self.encoding, newline="")
        return csv.reader(text, delimiter=self.delimiter)

    def rows(self, start: int = 0) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of the data rows after the first `start`, blank rows left out.

        Row numbers count like a spreadsheet's: the header is row 1. Short
        rows are padded to the header's width.
        """
        width = len(self.header)
        with _open(self.source) as stream:
            reader = self._reader(stream)
            number = 1
            try:
                next(reader, None)
                for number, cells in enumerate(reader, start=2):
                    if number - 2 < start or not any(cell.strip() for cell in cells):
                        continue
                    yield number, (cells + [""] * (width - len(cells)))[:max(width, len(cells))]
            except csv.Error as err:
                raise TransferError(_("Row %(row)s cannot be read as CSV (%(reason)s).", row=number + 1,
                                      reason=str(err))) from None

    def count(self) -> int:
        """How many data rows the file has, blank ones between them included (one pass over it).

        It is the `start` that would skip them all, so progress compares with it.
        """
        last = 1
        for last, _cells in self.rows():
            pass
        return last - 1


def open_csv(source: Source) -> CsvFile:
    """The file's encoding, delimiter and header; TransferError naming what is wrong with it."""
    with _open(source) as stream:
        sample = stream.read(SAMPLE)
    if not sample.strip():
        raise TransferError(_("The file is empty."))
    encoding = detect_encoding(source, sample)
    text = sample.decode(encoding, errors="ignore")
    delimiter = sniff_delimiter(text.splitlines()[0] if text.splitlines() else "")
    with _open(source) as stream:
        try:
            header = next(csv.reader(io.TextIOWrapper(stream, encoding=encoding, newline=""),
                                     delimiter=delimiter), [])
        except csv.Error as err:
            raise TransferError(_("Row %(row)s cannot be read as CSV (%(reason)s).", row=1, reason=str(err))) from None
    header = [cell.strip() for cell in header]
    if not any(header):
        raise TransferError(_("The first row must hold the column names; it is empty."))
    seen: set[str] = set()
    for name in header:
        if name and name.casefold() in seen:
            raise TransferError(_("Two columns are called “%(column)s”; give each column its own name.",
                                  column=name))
        seen.add(name.casefold())
    return CsvFile(source, encoding, delimiter, tuple(header))

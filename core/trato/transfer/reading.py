"""CSV files as spreadsheets export them: the encoding and the delimiter found, rows streamed.

UTF-8 (with or without the BOM Excel writes) and UTF-16 with a BOM (Excel's
"Unicode text") are read as they are. A file that is not UTF-8 throughout
is never guessed at: `open_csv` raises `EncodingUndecided`, whose
`Undecodable` says which bytes are not UTF-8, in which rows and columns,
and how those cells read as UTF-8 with the bytes replaced and as
Windows-1252, and the person chooses (`CHOICES`): import those rows with the
bytes replaced, leave those rows out (they are reported as failed), or read
the whole file as Windows-1252 (the code page of Spanish Windows) or
Latin-1. The delimiter is whichever of comma, semicolon or tab the header
line uses most. Rows are read one at a time, so a file of a million rows
never sits in memory.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

from flask_babel import ngettext

from ..i18n import _
from .cell_limit import unreadable_row
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
# How a person may have a file read that is not UTF-8 throughout.
REPLACE, SKIP, WINDOWS_1252, LATIN_1 = "replace", "skip", "windows-1252", "latin-1"
CHOICES = (REPLACE, SKIP, WINDOWS_1252, LATIN_1)
CODECS = {WINDOWS_1252: "cp1252", LATIN_1: "latin-1"}
# Windows-1252 as Windows itself and browsers read it: the five bytes the code page leaves undefined are the
# C1 controls of the same number (as in Latin-1), so that every file reads; Python's cp1252 refuses them.
UNDEFINED_AS_C1 = "trato-undefined-as-c1"
codecs.register_error(UNDEFINED_AS_C1, lambda err: (err.object[err.start:err.end].decode("latin-1"), err.end))
# A byte that is not UTF-8, as the surrogateescape error handler keeps it (U+DC80-U+DCFF for 0x80-0xFF).
BAD_BYTE = re.compile("[\udc80-\udcff]")
HIGH_BYTES = bytes(range(0x80, 0x100))
LISTED = 20  # bad bytes and cells described one by one; beyond, counted

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


def readable(text: str) -> str:
    """`text` with each byte that is not UTF-8 shown as U+FFFD (�)."""
    return BAD_BYTE.sub("\ufffd", text)


def _raw(text: str) -> bytes:
    """The bytes `text` was read from, bad ones included (it was decoded as UTF-8 with surrogateescape)."""
    return text.encode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class BadByte:
    """A byte of the file that is not UTF-8: where it is (`offset` from the file's start) and which it is."""

    offset: int
    value: int
    row: int = 0  # counted like a spreadsheet's: the header is row 1
    column: str = ""

    @property
    def hex(self) -> str:
        return f"0x{self.value:02X}"

    def __str__(self) -> str:
        return _("Row %(row)s, column “%(column)s”: byte %(offset)s (%(value)s) is not UTF-8.", row=self.row,
                 column=self.column, offset=self.offset, value=self.hex)


@dataclass(frozen=True)
class BadCell:
    """A cell holding bytes that are not UTF-8: its bytes as in the file, and how each choice reads them."""

    row: int
    column: str
    raw: bytes

    @property
    def replaced(self) -> str:
        return self.raw.decode("utf-8", "replace")

    @property
    def windows_1252(self) -> str:
        return self.raw.decode("cp1252", UNDEFINED_AS_C1)


@dataclass(frozen=True)
class Undecodable:
    """What is not UTF-8 in a file, for the person who chooses how to read it.

    `mostly_utf8`: the file is UTF-8 but for a few bytes (more of its
    non-ASCII bytes are good UTF-8 than not); else it is most likely
    Windows-1252, as Excel saves CSV on Spanish Windows.
    """

    mostly_utf8: bool
    bad_bytes: int
    bad_rows: int
    first: tuple[BadByte, ...]
    cells: tuple[BadCell, ...]

    @property
    def choices(self) -> tuple[str, ...]:
        """What to offer: all three ways for a file that is UTF-8 but for a few bytes, else Windows-1252."""
        return (REPLACE, SKIP, WINDOWS_1252) if self.mostly_utf8 else (WINDOWS_1252,)

    def summary(self) -> str:
        where = self.first[0] if self.first else BadByte(0, 0)
        if self.mostly_utf8:
            return ngettext("The file is UTF-8 except for %(num)s byte in %(rows)s row(s); the first: %(where)s",
                            "The file is UTF-8 except for %(num)s bytes in %(rows)s row(s); the first: %(where)s",
                            self.bad_bytes, rows=self.bad_rows, where=where)
        return _("The file is not UTF-8 (%(num)s of its bytes are not; the first: %(where)s) It may be "
                 "Windows-1252: check how its text reads that way before importing it.", num=self.bad_bytes,
                 where=where)


class EncodingUndecided(TransferError):
    """The file is not UTF-8 throughout and no one has said how to read it; nothing was written."""

    def __init__(self, found: Undecodable) -> None:
        super().__init__(found.summary())
        self.found = found


@dataclass
class _Scan:
    """The UTF-8 check of a whole file, a chunk at a time."""

    bad: int = 0  # bytes that are not UTF-8
    high: int = 0  # bytes 0x80-0xFF, good or bad
    first: tuple[tuple[int, int], ...] = ()  # (offset, value) of the first LISTED bad bytes


def _scan(source: Source) -> _Scan:
    """Count the bytes that are not UTF-8 and find where the first ones are.

    Each chunk is decoded with the surrogateescape handler, which keeps every
    bad byte as one lone surrogate; the bytes before a surrogate, encoded
    back, give its offset.
    """
    scan = _Scan()
    first: list[tuple[int, int]] = []
    offset, pending = 0, b""
    with _open(source) as stream:
        while True:
            chunk = stream.read(CHUNK)
            scan.high += len(chunk) - len(chunk.translate(None, HIGH_BYTES))
            data = pending + chunk
            text, used = codecs.utf_8_decode(data, "surrogateescape", not chunk)
            at = position = 0
            for match in BAD_BYTE.finditer(text) if len(first) < LISTED else ():
                position += len(_raw(text[at:match.start()]))
                first.append((offset + position, ord(match.group()) - 0xDC00))
                position, at = position + 1, match.end()
                if len(first) == LISTED:
                    break
            scan.bad += len(BAD_BYTE.findall(text))
            offset, pending = offset + used, data[used:]
            if not chunk:
                break
    scan.first = tuple(first)
    return scan


def detect_encoding(source: Source, sample: bytes) -> str:
    """The encoding of the file whose first bytes are `sample`; TransferError if it is not text."""
    for signature, kind in SIGNATURES.items():
        if sample.startswith(signature):
            raise TransferError(_("This file is of the type %(kind)s, not CSV. Save it from your spreadsheet "
                                  "as “CSV” and upload that.", kind=kind))
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if not _decodes(source, "utf-16"):
            raise TransferError(_("The file says it is UTF-16 (Unicode text) but holds bytes that are not. Save it "
                                  "from your spreadsheet again as “CSV UTF-8”."))
        return "utf-16"
    if b"\x00" in sample:
        raise TransferError(_("This file is not a CSV file: it holds binary data. Save it from your spreadsheet "
                              "as “CSV” and upload that."))
    return "utf-8-sig" if sample.startswith(codecs.BOM_UTF8) else "utf-8"


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


class Undecoded(list[str]):
    """The cells of a row holding bytes that are not UTF-8 (shown as �), which the person chose to leave out.

    `columns` are the positions of the cells that hold them.
    """

    def __init__(self, cells: list[str], columns: tuple[int, ...]) -> None:
        super().__init__(cells)
        self.columns = columns


@dataclass(frozen=True)
class CsvFile:
    """An opened CSV file: its header, and its rows on demand.

    `bad_bytes` says what becomes of bytes that are not UTF-8: "strict"
    (there are none, or the encoding is another), REPLACE (each becomes
    �) or SKIP (their rows come as `Undecoded`).
    """

    source: Source
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    bad_bytes: str = "strict"

    def _reader(self, stream: BinaryIO) -> Iterator[list[str]]:
        return _csv_reader(stream, self.encoding, self.delimiter, self.bad_bytes)

    def _mend(self, cells: list[str]) -> list[str]:
        """A row with its bad bytes replaced; `Undecoded` when the person chose to leave such rows out."""
        bad = tuple(index for index, cell in enumerate(cells) if BAD_BYTE.search(cell))
        if not bad:
            return cells
        mended = [readable(cell) for cell in cells]
        return Undecoded(mended, bad) if self.bad_bytes == SKIP else mended

    def rows(self, start: int = 0) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of the data rows after the first `start`, blank rows left out.

        Row numbers count like a spreadsheet's: the header is row 1. Short
        rows are padded to the header's width.
        """
        width = len(self.header)
        lenient = self.bad_bytes != "strict"
        with _open(self.source) as stream:
            reader = self._reader(stream)
            number = 1
            try:
                next(reader, None)
                for number, cells in enumerate(reader, start=2):
                    if number - 2 < start or not any(cell.strip() for cell in cells):
                        continue
                    padded = (cells + [""] * (width - len(cells)))[:max(width, len(cells))]
                    yield number, self._mend(padded) if lenient else padded
            except csv.Error as err:
                with _open(self.source) as again:
                    raise unreadable_row(again, self.encoding, self.delimiter, self.header, number + 1, err,
                                         FIELD_LIMIT) from None

    def count(self) -> int:
        """How many data rows the file has, blank ones between them included (one pass over it).

        It is the `start` that would skip them all, so progress compares with it.
        """
        return max((number for number, _cells in self.rows()), default=1) - 1


def _csv_reader(stream: BinaryIO, encoding: str, delimiter: str, bad_bytes: str) -> Iterator[list[str]]:
    """Rows of cells; unless `bad_bytes` is "strict", each byte that is not UTF-8 kept as a lone surrogate."""
    if encoding == "cp1252":
        errors = UNDEFINED_AS_C1
    else:
        errors = "strict" if bad_bytes == "strict" else "surrogateescape"
    return csv.reader(io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline=""), delimiter=delimiter)


def _header(source: Source, sample: bytes, encoding: str, bad_bytes: str) -> tuple[str, tuple[str, ...]]:
    """The delimiter and the column names; TransferError if the first row cannot be them."""
    text = sample.decode(encoding, errors="ignore")
    delimiter = sniff_delimiter(text.splitlines()[0] if text.splitlines() else "")
    with _open(source) as stream:
        try:
            header = next(_csv_reader(stream, encoding, delimiter, bad_bytes), [])
        except csv.Error as err:
            raise TransferError(_("Row %(row)s cannot be read as CSV (%(reason)s).", row=1, reason=str(err))) from None
    header = [readable(cell.strip()) for cell in header]
    if not any(header):
        raise TransferError(_("The first row must hold the column names; it is empty."))
    seen: set[str] = set()
    for name in header:
        if name and name.casefold() in seen:
            raise TransferError(_("Two columns are called “%(column)s”; give each column its own name.",
                                  column=name))
        seen.add(name.casefold())
    return delimiter, tuple(header)


def _undecodable(found: CsvFile, scan: _Scan) -> Undecodable:
    """Where the bad bytes `scan` counted sit: rows and columns (one more pass over the file), and the cells."""
    mostly_utf8 = scan.bad < scan.high - scan.bad
    offsets = iter(scan.first)
    first: list[BadByte] = []
    cells: list[BadCell] = []
    columns: list[str] = []
    rows = 0
    with _open(found.source) as stream:
        try:
            for number, row in enumerate(_csv_reader(stream, found.encoding, found.delimiter, REPLACE), start=1):
                if number == 1:  # the header, read as the cells are shown: a file that is not UTF-8 as Windows-1252
                    columns = [(cell if mostly_utf8 else BadCell(1, "", _raw(cell)).windows_1252).strip()
                               for cell in row]
                holds = False
                for index, cell in enumerate(row):
                    chars = BAD_BYTE.findall(cell)
                    if not chars:
                        continue
                    holds = True
                    column = readable(columns[index]) if index < len(columns) else str(index + 1)
                    if len(cells) < LISTED:
                        cells.append(BadCell(number, column, _raw(cell)))
                    first.extend(BadByte(offset, value, number, column)  # chars first: zip stops before taking
                                 for _char, (offset, value) in zip(chars, offsets))  # an offset of the next cell
                rows += holds
        except csv.Error:
            pass  # what the rows say later; the bytes found so far are enough to choose
    return Undecodable(mostly_utf8=mostly_utf8, bad_bytes=scan.bad, bad_rows=rows, first=tuple(first),
                       cells=tuple(cells))


def open_csv(source: Source, choice: str | None = None) -> CsvFile:
    """The file's encoding, delimiter and header; TransferError naming what is wrong with it.

    `choice` (one of CHOICES) says how to read a file that is not UTF-8
    throughout. Without it such a file raises EncodingUndecided, once its
    header has been checked; a file that is UTF-8 (or UTF-16 with its BOM)
    is read as it is whatever the choice.
    """
    if choice is not None and choice not in CHOICES:
        raise TransferError(_("Choose how to read the file: %(choices)s, not “%(choice)s”.",
                              choices=", ".join(CHOICES), choice=choice))
    with _open(source) as stream:
        sample = stream.read(SAMPLE)
    if not sample.strip():
        raise TransferError(_("The file is empty."))
    encoding = detect_encoding(source, sample)
    bad_bytes, scan = "strict", None
    if choice in CODECS and encoding == "utf-8":
        encoding = CODECS[choice]
    elif encoding != "utf-16":
        scan = _scan(source)
        if scan.bad:  # until the person chooses, the header is read with the bad bytes replaced
            bad_bytes = choice if choice in (REPLACE, SKIP) else REPLACE
    delimiter, header = _header(source, sample, encoding, bad_bytes)
    found = CsvFile(source, encoding, delimiter, header, bad_bytes)
    if scan is not None and scan.bad and choice not in (REPLACE, SKIP):
        raise EncodingUndecided(_undecodable(found, scan))
    return found

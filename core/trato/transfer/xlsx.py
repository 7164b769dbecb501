"""A minimal XLSX writer: one sheet of text and number cells, streamed into the zip a page at a time.

Enough for an export to open in Excel and LibreOffice with nothing to
install; strings are inline (never formulas), numbers are numbers.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE}/officeDocument" '
                    'Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                                   f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def column_letters(index: int) -> str:
    """A, B, ... Z, AA, AB ... for the 0-based column `index`."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, text: str, number: bool) -> str:
    if number and text:
        return f'<c r="{ref}"><v>{text}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(NOT_XML.sub("", text))}</t></is></c>'


def write_xlsx(path: Path, sheet: str, header: Sequence[str], pages: Iterable[Sequence[Sequence[str]]],
               numeric: Sequence[bool]) -> None:
    """Write `header` and the rows of `pages` to a workbook at `path`; `numeric[i]` marks number columns."""
    letters = [column_letters(i) for i in range(len(header))]
    name = NOT_IN_SHEET_NAME.sub(" ", sheet)[:31] or "Sheet1"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for part, body in PARTS.items():
            book.writestr(part, XML + body)
        book.writestr("xl/workbook.xml", XML + f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
                      f'<sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets></workbook>')
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write((XML + f'<worksheet xmlns="{MAIN}"><sheetData>').encode())
            cells = "".join(_cell(f"{letters[i]}1", text, False) for i, text in enumerate(header))
            out.write(f'<row r="1">{cells}</row>'.encode())
            number = 1
            for page in pages:
                chunk = []
                for row in page:
                    number += 1
                    cells = "".join(_cell(f"{letters[i]}{number}", text, numeric[i]) for i, text in enumerate(row))
                    chunk.append(f'<row r="{number}">{cells}</row>')
                out.write("".join(chunk).encode())
            out.write(b"</sheetData></worksheet>")

"""Reading files as spreadsheets export them: encodings, delimiters, and files that are not CSV."""
from __future__ import annotations

import pytest

from trato.transfer.errors import TransferError
from trato.transfer.reading import open_csv


def rows(data: bytes) -> list[tuple[int, list[str]]]:
    return list(open_csv(data).rows())


def test_utf8_with_a_bom_and_commas(ctx):
    found = open_csv("\ufeffName,City\nJosé,Málaga\n".encode())
    assert (found.encoding, found.delimiter, found.header) == ("utf-8-sig", ",", ("Name", "City"))
    assert list(found.rows()) == [(2, ["José", "Málaga"])]


def test_windows_1252_with_semicolons_as_spanish_excel_writes(ctx):
    found = open_csv("Nombre;Población\nIñaki Núñez;Cádiz\n".encode("cp1252"))
    assert (found.encoding, found.delimiter) == ("cp1252", ";")
    assert list(found.rows()) == [(2, ["Iñaki Núñez", "Cádiz"])]


def test_latin1_tabs_quotes_blank_lines_and_row_numbers_like_a_spreadsheet(ctx):
    data = 'Name\tNotes\n"Peña, Ana"\t"two\nlines"\n\nÁlvaro\t\n'.encode("latin-1")
    assert rows(data) == [(2, ["Peña, Ana", "two\nlines"]), (4, ["Álvaro", ""])]


def test_utf16_as_excel_unicode_text(ctx):
    assert rows("Name\tCity\nAna\tÁvila\n".encode("utf-16")) == [(2, ["Ana", "Ávila"])]


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04\x14\x00\x06\x00rest-of-an-xlsx", r"Excel \(\.xlsx\)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003"),
    (b"Name\x00\x01\x02\x03", "binary data"),
    (b"  \n \n", "The file is empty"),
    (b";;\nAna;1\n", "must hold the column names"),
    (b"Name,name\nAna,Eva\n", "Two columns are called"),
])
def test_a_file_that_is_not_csv_is_refused_clearly(ctx, data, message):
    with pytest.raises(TransferError, match=message):
        open_csv(data)


def test_the_refusal_speaks_the_users_language(ctx):
    from flask_babel import force_locale

    with force_locale("es"), pytest.raises(TransferError, match="no CSV. Guárdelo"):
        open_csv(b"PK\x03\x04 an xlsx")

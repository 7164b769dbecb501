"""Reading files as spreadsheets export them: encodings, delimiters, and files that are not CSV."""
from __future__ import annotations

import pytest

from trato.transfer import reading
from trato.transfer.errors import TransferError
from trato.transfer.reading import BadByte, EncodingUndecided, Undecoded, open_csv


def rows(data: bytes) -> list[tuple[int, list[str]]]:
    return list(open_csv(data).rows())


def test_utf8_with_a_bom_and_commas(ctx):
    found = open_csv("\ufeffName,City\nJosé,Málaga\n".encode())
    assert (found.encoding, found.delimiter, found.header) == ("utf-8-sig", ",", ("Name", "City"))
    assert list(found.rows()) == [(2, ["José", "Málaga"])]


def test_utf8_without_a_bom(ctx):
    found = open_csv("Name;City\nJosé;Málaga\n".encode())
    assert (found.encoding, found.delimiter, found.bad_bytes) == ("utf-8", ";", "strict")
    assert list(found.rows()) == [(2, ["José", "Málaga"])]


def test_windows_1252_is_read_as_such_once_chosen(ctx):
    data = "Nombre;Población\nIñaki Núñez;Cádiz\n".encode("cp1252")
    with pytest.raises(EncodingUndecided) as undecided:
        open_csv(data)
    found = undecided.value.found
    assert not found.mostly_utf8 and found.choices == ("windows-1252",)
    assert [(c.row, c.column, c.windows_1252) for c in found.cells] == [
        (1, "Población", "Población"), (2, "Nombre", "Iñaki Núñez"), (2, "Población", "Cádiz")]
    chosen = open_csv(data, "windows-1252")
    assert (chosen.encoding, chosen.delimiter, chosen.header) == ("cp1252", ";", ("Nombre", "Población"))
    assert list(chosen.rows()) == [(2, ["Iñaki Núñez", "Cádiz"])]


def test_latin1_tabs_quotes_blank_lines_and_row_numbers_like_a_spreadsheet(ctx):
    data = 'Name\tNotes\n"Peña, Ana"\t"two\nlines"\n\nÁlvaro\t\n'.encode("latin-1")
    assert list(open_csv(data, "latin-1").rows()) == [(2, ["Peña, Ana", "two\nlines"]), (4, ["Álvaro", ""])]


# UTF-8 but for one byte: "Cádiz" saved as Latin-1 inside a file that is otherwise UTF-8; row 3 spans two lines.
MOSTLY_UTF8 = "Nombre;Ciudad\nJosé;Málaga\n\"Ana\nMaría\";Ávila\nEva;C".encode() + b"\xe1" + b"diz\nLuis;\n"


def test_a_few_bad_bytes_are_reported_with_row_column_offset_and_readings(ctx):
    with pytest.raises(EncodingUndecided) as undecided:
        open_csv(MOSTLY_UTF8)
    found = undecided.value.found
    offset = MOSTLY_UTF8.index(b"\xe1")
    assert found.mostly_utf8 and (found.bad_bytes, found.bad_rows) == (1, 1)
    assert found.first == (BadByte(offset, 0xE1, 4, "Ciudad"),)
    assert str(found.first[0]) == f"Row 4, column “Ciudad”: byte {offset} (0xE1) is not UTF-8."
    assert [(c.row, c.column, c.replaced, c.windows_1252) for c in found.cells] == [
        (4, "Ciudad", "C\ufffddiz", "Cádiz")]
    assert found.choices == ("replace", "skip", "windows-1252")
    assert "Row 4, column “Ciudad”" in str(undecided.value)


def test_each_choice_reads_the_file_its_way(ctx):
    replaced = open_csv(MOSTLY_UTF8, "replace")
    assert list(replaced.rows())[2:] == [(4, ["Eva", "C\ufffddiz"]), (5, ["Luis", ""])]
    skipped = list(open_csv(MOSTLY_UTF8, "skip").rows())
    assert [(n, cells, isinstance(cells, Undecoded)) for n, cells in skipped][2:] == [
        (4, ["Eva", "C\ufffddiz"], True), (5, ["Luis", ""], False)]
    assert skipped[2][1].columns == (1,)
    legacy = list(open_csv(MOSTLY_UTF8, "windows-1252").rows())
    assert legacy[0] == (2, ["JosÃ©", "MÃ¡laga"]) and legacy[2] == (4, ["Eva", "Cádiz"])


def test_offsets_hold_across_chunks_and_characters_split_between_them(ctx, monkeypatch):
    monkeypatch.setattr(reading, "CHUNK", 5)
    data = "Name\nÁngel Núñez\n".encode() + b"G\xf3mez\nZo\xeb\n"
    with pytest.raises(EncodingUndecided) as undecided:
        open_csv(data)
    found = undecided.value.found
    assert [(b.offset, b.value, b.row) for b in found.first] == [
        (data.index(b"\xf3"), 0xF3, 3), (data.index(b"\xeb"), 0xEB, 4)]
    assert found.mostly_utf8  # Á, ú, ñ are good UTF-8: 6 bytes against 2


def test_bytes_windows_1252_leaves_undefined_read_as_windows_does(ctx):
    data = b"Name\n\x80 5 \x93A\x81b\x94\n"
    assert list(open_csv(data, "windows-1252").rows()) == [(2, ["€ 5 “A\x81b”"])]
    assert list(open_csv(data, "latin-1").rows()) == [(2, ["\x80 5 \x93A\x81b\x94"])]


def test_a_bad_header_is_said_before_the_encoding_is_asked(ctx):
    with pytest.raises(TransferError, match="Two columns are called") as refused:
        open_csv("Año;año\n1;2\n".encode("cp1252"))
    assert not isinstance(refused.value, EncodingUndecided)
    with pytest.raises(TransferError, match="Choose how to read the file"):
        open_csv(b"Name\nAna\n", "ebcdic")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_as_excel_unicode_text(ctx, codec):
    data = ("\ufeffName\tCity\nAna\tÁvila\n".encode(codec) if codec != "utf-16"
            else "Name\tCity\nAna\tÁvila\n".encode(codec))
    assert rows(data) == [(2, ["Ana", "Ávila"])]
    with pytest.raises(TransferError, match="UTF-16"):
        open_csv(data[:-1] + b"\x00\xd8")  # half a surrogate pair at the end


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

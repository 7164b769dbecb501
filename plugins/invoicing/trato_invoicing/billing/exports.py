"""The register's rows as a CSV (semicolons and decimal commas, as Spanish spreadsheets and AEAT's own files
read them) or an XLSX workbook (numbers and dates as cells of their type)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from .books import REGISTER_COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def csv_bytes(rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(REGISTER_COLUMNS)
    writer.writerows([_text(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def xlsx_bytes(rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook  # imported when a workbook is asked for

    book = Workbook()
    sheet = book.active
    sheet.title = "Expedidas"
    sheet.append(list(REGISTER_COLUMNS))
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

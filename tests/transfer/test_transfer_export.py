"""Exporting records as CSV: every field type round-trips through an import, formulas are defused, access holds."""
from __future__ import annotations

import csv
import io

import pytest

from trato import db, records
from trato.access import PermissionRefused
from trato.models import Job
from trato.records.purge import purge_expired
from trato.roles.models import Role, RoleFieldRule
from trato.transfer import export, imports
from trato.transfer.errors import TransferError

COLUMNS = ["name", "email", "phone", "birthday", "company", "notes", "seats", "score", "budget", "discount", "vip",
           "met_at", "site", "stage", "channels", "labels", "manager"]
HEADER = ["Name", "Email", "Phone", "Birthday", "Company", "Notes", "Seats", "Score", "Budget", "Discount", "VIP",
          "Met at", "Web site", "Stage", "Channels", "Labels", "Account manager"]


def table(text: str, delimiter: str = ",") -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def exported(user, **options) -> str:
    return "".join(export.export_csv("x_contact", user=user, **options))


def values(user) -> list[dict]:
    return [{k: v for k, v in r.items() if k in COLUMNS}
            for r in records.query("x_contact", user=user).order_by("name").page(limit=500).items]


def test_an_export_imports_back_exactly_for_every_field_type(ctx, admin, companies):
    rows = [
        ["Ana Núñez", "ana@example.com", "'+34 600 000 001", "1990-04-03", "Acme", "Line one\nline two", "3",
         "7.50", "1234.56 EUR", "12.50", "true", "2026-01-02T10:30:00+00:00", "https://example.com/ana", "client",
         "web; phone", "vip; madrid", "ada@example.com"],
        ["Bea", "", "", "", f"#{companies[1]}", "", "-2", "-0.25", "-3.00 USD", "", "false", "", "", "lead", "", "",
         ""],
        ["'=HYPERLINK(\"http://evil\")", "", "", "", "", "'@SUM(1)", "", "", "", "", "false", "", "", "", "", "", ""],
    ]
    source = io.StringIO()
    csv.writer(source, lineterminator="\r\n").writerows([HEADER, *rows])
    imp = imports.run(imports.start(source.getvalue().encode(), "all.csv", "x_contact", user=admin).id)
    assert (imp.created, imp.failed) == (3, 0)
    before = values(admin)
    assert [r["phone"] for r in before if r["phone"]] == ["+34 600 000 001"]
    assert before[0]["name"] == '=HYPERLINK("http://evil")' and before[0]["notes"] == "@SUM(1)"  # as typed

    text = exported(admin, columns=COLUMNS, sort="id")
    written = table(text)
    assert written[0] == HEADER
    assert written[1] == rows[0] and written[3] == rows[2]  # formulas defused, phones kept as text
    assert written[2][4] == "Globex" and written[2][6:9] == ["-2", "-0.25", "-3.00 USD"]  # numbers stay numbers

    records.bulk_delete("x_contact", [r.id for r in records.query("x_contact", user=admin).page().items], user=admin)
    for company in companies[2:]:
        records.delete("x_company", company, user=admin)  # so that "Globex" names one company again
    purge_expired(0)  # unique emails stay taken while their records are in the recycle bin
    again = imports.run(imports.start(text.encode(), "export.csv", "x_contact", user=admin).id)
    assert (again.created, again.failed) == (3, 0)
    assert values(admin) == before


def test_filters_sort_columns_and_semicolons_for_spanish_excel(ctx, admin):
    for name, seats in (("Ana", 1), ("Bea", 5), ("Carla", 9)):
        records.create("x_contact", {"name": name, "seats": seats, "score": "1.5"}, user=admin)
    text = exported(admin, filters={"seats__gte": "2"}, sort="-seats", columns=["Nombre", "score"], delimiter=";")
    assert table(text, ";") == [["Name", "Score"], ["Carla", "1.50"], ["Bea", "1.50"]]


def test_by_default_every_visible_field_is_written_with_id_and_owner(ctx, admin):
    ana = records.create("x_contact", {"name": "Ana"}, user=admin)
    written = table(exported(admin))
    assert written[0][:2] == ["ID", "Owner"] and written[0][2:] == HEADER
    assert written[1][:3] == [str(ana.id), "ada@example.com", "Ana"]


def test_a_large_export_runs_as_a_job_writing_a_file_in_the_instance_folder(ctx, admin, monkeypatch):
    monkeypatch.setattr(export, "PAGE", 2)
    for name in ("Ana", "Bea", "Carla"):
        records.create("x_contact", {"name": name}, user=admin)
    job_id = export.submit("x_contact", user=admin, columns=["name"])
    db.session().rollback()  # end the test's read transaction, to see what the job committed
    job = db.session().get(Job, job_id)
    assert (job.status, job.result["rows"]) == ("done", 3)
    assert job.result["path"].startswith(str(ctx.extensions["trato"].settings.instance_path))
    with open(job.result["path"], encoding="utf-8") as f:
        assert table(f.read()) == [["Name"], ["Ana"], ["Bea"], ["Carla"]]


def test_export_needs_the_export_permission_and_leaves_hidden_fields_out(ctx, admin, make_user):
    rep, manager = make_user(role="sales_rep"), make_user(role="sales_manager")
    with pytest.raises(PermissionRefused, match="does not allow you to export"):
        export.export_csv("x_contact", user=rep)
    session = db.session()
    role_id = session.query(Role.id).filter(Role.name == "sales_manager").scalar()
    session.add(RoleFieldRule(role_id=role_id, entity="x_contact", field="email", rule="hidden"))
    session.add(RoleFieldRule(role_id=role_id, entity="x_contact", field="seats", rule="readonly"))
    session.commit()
    records.create("x_contact", {"name": "Ana", "email": "ana@example.com", "owner_id": manager.id}, user=admin)
    written = table(exported(manager))
    assert "Email" not in written[0] and "Seats" in written[0] and "ana@example.com" not in written[1]
    with pytest.raises(TransferError):
        export.export_csv("x_contact", user=manager, columns=["email"])
    with pytest.raises(TransferError, match="cannot be imported"):
        imports.start(b"Name,Plazas\nBea,2\n", "p.csv", "x_contact", user=manager, overrides={"Plazas": "seats"})
    imp = imports.run(imports.start(b"Name,Email\nBea,bea@example.com\n", "p.csv", "x_contact", user=manager).id)
    assert imp.mapping == {"Name": "name"} and imp.created == 1  # the hidden column is not read


def test_xlsx_has_numbers_as_numbers_and_text_never_as_a_formula(ctx, admin, tmp_path):
    import zipfile
    from xml.etree import ElementTree

    records.create("x_contact", {"name": "=1+1", "seats": 3, "score": "-2.5", "notes": "Peña\nsegunda línea"},
                   user=admin)
    path, rows = export.export_file("x_contact", user=admin, path=tmp_path / "contacts.xlsx",
                                    columns=["name", "seats", "score", "notes"])
    assert rows == 1
    with zipfile.ZipFile(path) as book:
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                "xl/worksheets/sheet1.xml"} <= set(book.namelist())
        assert 'name="Contacts"' in book.read("xl/workbook.xml").decode()
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    ns = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

    def cell(c):
        return (c.get("r"), c.get("t"), c.findtext("s:v", namespaces=ns) or c.findtext("s:is/s:t", namespaces=ns))

    found = [[cell(c) for c in row.findall("s:c", ns)] for row in sheet.findall("s:sheetData/s:row", ns)]
    assert found == [
        [("A1", "inlineStr", "Name"), ("B1", "inlineStr", "Seats"), ("C1", "inlineStr", "Score"),
         ("D1", "inlineStr", "Notes")],
        [("A2", "inlineStr", "=1+1"), ("B2", None, "3"), ("C2", None, "-2.50"),
         ("D2", "inlineStr", "Peña\nsegunda línea")],
    ]
    with pytest.raises(TransferError, match="CSV or XLSX"):
        export.export_file("x_contact", user=admin, path=tmp_path / "contacts.ods")


def test_column_letters_go_on_after_z():
    from trato.transfer.xlsx import column_letters

    assert [column_letters(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]

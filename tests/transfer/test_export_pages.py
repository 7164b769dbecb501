"""Exporting a list from its page: the list's filters, search, sort and columns; CSV or XLSX; a job when large."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from html import unescape

import pytest

from trato import db, records
from trato.roles.models import Role, RoleFieldRule
from trato.schema import EntitySpec, FieldSpec, create_entity
from trato.views import transfer_pages

LIST = "/r/x_contact/?cols=name,email,seats&sort=-seats&seats__gte=2"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def table(response, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=delimiter))


def listed(page: str) -> list[str]:
    """The names in the list's rows, in order."""
    return re.findall(r'<td class="cell-text" id="cell-\d+-name"[^>]*>\s*<a [^>]*>([^<]+)</a>', page)


@pytest.fixture
def contacts(app, admin):
    """Four contacts of a custom entity; three have two seats or more."""
    with app.app_context():
        create_entity(EntitySpec("contact", {"en": "Contact", "es": "Contacto"},
                                 {"en": "Contacts", "es": "Contactos"}, [
            FieldSpec("name", "text", {"en": "Name", "es": "Nombre"}, required=True),
            FieldSpec("email", "email", {"en": "Email", "es": "Correo electrónico"}),
            FieldSpec("seats", "integer", {"en": "Seats", "es": "Plazas"}, filterable=True)],
            title_field="name", search_fields=["name"]))
        for name, seats in (("Ana", 3), ("Bea", 1), ("Carla", 2), ("Dani", 5)):
            records.create("x_contact", {"name": name, "email": f"{name.lower()}@example.com", "seats": seats},
                           user=admin)
    return app


def export_link(page: str, text_of_link: str) -> str:
    return re.search(r'<a class="[^"]*" href="([^"]+)"[^>]*>(?:<i [^>]*></i>)?' + re.escape(text_of_link) + "</a>",
                     page).group(1)


def test_csv_export_holds_the_lists_rows_in_its_order(contacts, admin, client_as):
    client = client_as(admin)
    page = text(client.get(LIST))
    assert listed(page) == ["Dani", "Ana", "Carla"]
    exported = client.get(export_link(page, "Export CSV"))
    assert exported.mimetype == "text/csv"
    assert exported.headers["Content-Disposition"] == 'attachment; filename="x_contact.csv"'
    assert table(exported) == [["Name", "Email", "Seats"], ["Dani", "dani@example.com", "5"],
                               ["Ana", "ana@example.com", "3"], ["Carla", "carla@example.com", "2"]]
    semicolons = client.get(export_link(page, "Export CSV (;)"))
    assert table(semicolons, ";")[1] == ["Dani", "dani@example.com", "5"]
    searched = client.get("/r/x_contact/export?cols=name&q=carla")
    assert table(searched) == [["Name"], ["Carla"]]


def test_xlsx_export_of_the_list(contacts, admin, client_as):
    client = client_as(admin)
    exported = client.get(export_link(text(client.get(LIST)), "Export XLSX"))
    assert exported.mimetype == transfer_pages.XLSX
    assert exported.headers["Content-Disposition"] == 'attachment; filename="x_contact.xlsx"'
    with zipfile.ZipFile(io.BytesIO(exported.get_data())) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert re.findall(r"Dani|Ana|Carla|Bea", sheet) == ["Dani", "Ana", "Carla"]


def test_a_hidden_field_is_left_out(contacts, admin, make_user, client_as):
    manager = make_user(role="sales_manager")
    with contacts.app_context():
        session = db.session()
        role_id = session.query(Role.id).filter(Role.name == "sales_manager").scalar()
        session.add(RoleFieldRule(role_id=role_id, entity="x_contact", field="email", rule="hidden"))
        session.commit()
    client = client_as(manager)
    page = text(client.get(LIST))
    rows = table(client.get(export_link(page, "Export CSV")))
    assert rows[0] == ["Name", "Seats"] and "@example.com" not in str(rows)
    assert client.get("/r/x_contact/export?cols=email").status_code == 200  # the column is dropped, not shown
    assert "@example.com" not in client.get("/r/x_contact/export?cols=email").get_data(as_text=True)


def test_export_needs_the_export_permission(contacts, make_user, client_as):
    client = client_as(make_user(role="sales_rep"))
    assert client.get("/r/x_contact/export").status_code == 403
    assert "/r/x_contact/export" not in text(client.get("/r/x_contact/"))


def test_a_large_list_is_exported_by_a_job_with_a_download_link(contacts, admin, make_user, client_as,
                                                                 monkeypatch):
    monkeypatch.setattr(transfer_pages, "STREAM_LIMIT", 2)
    client = client_as(admin)
    started = client.get("/r/x_contact/export?cols=name&sort=name&seats__gte=2&_format=csv&_delimiter=semicolon")
    assert started.status_code == 302 and "/exports/" in started.headers["Location"]
    page = text(client.get(started.headers["Location"]))
    assert "3 records were exported." in page
    link = re.search(r'href="(/exports/[^"]+/file)"', page).group(1)
    download = client.get(link)
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert table(download, ";") == [["Name"], ["Ana"], ["Carla"], ["Dani"]]
    other = client_as(make_user(role="sales_manager"))
    assert other.get(link).status_code == 404 and other.get(started.headers["Location"]).status_code == 404
    xlsx = client.get("/r/x_contact/export?cols=name&_format=xlsx")
    assert xlsx.status_code == 302
    done = text(client.get(xlsx.headers["Location"]))
    assert zipfile.is_zipfile(io.BytesIO(client.get(re.search(r'href="(/exports/[^"]+/file)"', done).group(1))
                                         .get_data()))


def test_the_list_offers_import_and_export_in_spanish(contacts, make_user, client_as):
    client = client_as(make_user(admin=True, locale="es"))
    page = text(client.get("/r/x_contact/"))
    assert "Exportar CSV (;)" in page and ">Importar desde CSV</a>" in page and "Historial de importaciones" in page

"""The import wizard through the Flask test client: upload, map, preview, run, result, history, undo, resume."""
from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path

import pytest

from trato import db, records
from trato.schema import EntitySpec, FieldSpec, create_entity
from trato.transfer import imports
from trato.transfer.models import Import


def en(text: str, es: str) -> dict[str, str]:
    return {"en": text, "es": es}

# A file as Excel set up for Spain saves it: Latin-1 (Windows-1252), semicolons, a date it cannot read on row 3.
SPANISH_FILE = ("Nombre;Correo electrónico;Fecha de nacimiento;Plazas\n"
                "Íñigo Peña;inigo@example.com;03/04/1990;2\n"
                "Begoña;bego@example.com;31/02/1990;1\n"
                "Carmen;carmen@example.com;;\n").encode("cp1252")


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def upload(client, data: bytes, name: str = "contactos.csv", entity: str = "x_contact"):
    return client.post(f"/r/{entity}/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def form_of(page: str, **changes: str) -> dict[str, list[str] | str]:
    """The mapping form as the page fills it (hidden inputs, selected options, checked mode), with `changes`."""
    form: dict[str, list[str] | str] = {"header": re.findall(r'name="header" value="([^"]*)"', page)}
    form.update(re.findall(r'<input type="hidden" name="(encoding)" value="([^"]*)"', page))
    for select, body in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        form[select] = chosen.group(1) if chosen else ""
    form["mode"] = re.search(r'name="mode" value="(\w+)" checked', page).group(1)
    form.update(changes)
    return form


@pytest.fixture
def contacts(app, admin):
    """The app with a custom entity `x_contact` an admin has just made (requests run outside any app context)."""
    with app.app_context():
        create_entity(EntitySpec("contact", en("Contact", "Contacto"), en("Contacts", "Contactos"), [
            FieldSpec("name", "text", en("Name", "Nombre"), required=True),
            FieldSpec("email", "email", en("Email", "Correo electrónico"), unique=True),
            FieldSpec("birthday", "date", en("Birthday", "Fecha de nacimiento")),
            FieldSpec("seats", "integer", en("Seats", "Plazas"))], title_field="name"))
    return app


def names(app, user) -> list[str]:
    with app.app_context():
        return sorted(r["name"] for r in records.query("x_contact", user=user).page(limit=100).items)


def imports_count(app) -> int:
    with app.app_context():
        return db.session().query(Import).count()


@pytest.fixture
def client(contacts, admin, client_as):
    return client_as(admin)


def wizard(client, data: bytes = SPANISH_FILE, encoding: str | None = "windows-1252") -> tuple[str, str]:
    """Upload `data` and open the mapping step, choosing `encoding` if the file is not UTF-8: (its URL, its page)."""
    uploaded = upload(client, data)
    assert uploaded.status_code == 302
    mapping_url = uploaded.headers["Location"]
    page = text(client.get(mapping_url))
    if "import-encoding" in page and encoding:  # the file is not UTF-8: choose how to read it
        page = text(client.get(f"{mapping_url}?encoding={encoding}"))
    return mapping_url, page


def test_latin1_semicolon_file_preview_run_and_error_file(app, client, admin):
    mapping_url, page = wizard(client)
    assert "Step 2 of 3" in page and "contactos.csv" in page
    # The columns are matched by their Spanish labels, accents read from Latin-1; Name is marked required.
    form = form_of(page)
    assert (form["col0"], form["col1"], form["col2"], form["col3"]) == ("name", "email", "birthday", "seats")
    assert ">Name *</option>" in page and "Íñigo Peña" in page

    preview = client.post(mapping_url, data=form)
    shown = text(preview)
    assert preview.status_code == 200 and "Step 3 of 3" in shown
    assert "1 of the first 3 rows have errors" in shown
    bad = re.search(r'<tr id="preview-row-3" class="has-error">(.*?)</tr>', shown, re.S).group(1)
    assert 'class="cell-error">31/02/1990<span class="field-error">Enter a date' in bad
    assert "Row 3, column “Fecha de nacimiento”: Enter a date as YYYY-MM-DD or DD/MM/YYYY." in bad
    assert names(app, admin) == []  # the preview wrote nothing

    started = client.post(mapping_url + "/run", data=form)
    assert started.status_code == 302
    result_url = started.headers["Location"]
    result = text(client.get(result_url))
    assert re.search(r'id="count-created">2<', result) and re.search(r'id="count-failed">1<', result)
    assert "finished" in result and names(app, admin) == ["Carmen", "Íñigo Peña"]
    link = re.search(r'href="([^"]+/errors)"', result).group(1)
    listed = re.search(r'href="(/r/x_contact/\?id__in=[^"]+)"', result).group(1)
    assert {"Carmen", "Íñigo Peña"} <= set(re.findall(r"Carmen|Íñigo Peña", text(client.get(listed))))

    errors = client.get(link)
    assert errors.status_code == 200 and errors.mimetype == "text/csv"
    assert errors.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(errors.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Nombre", "Correo electrónico", "Fecha de nacimiento", "Plazas", "Error"]
    assert rows[1][:4] == ["Begoña", "bego@example.com", "31/02/1990", "1"]
    assert rows[1][4].startswith("Row 3, column “Fecha de nacimiento”")
    # The staged upload is gone once the import has its own copy.
    assert client.get(mapping_url).status_code == 404


def test_the_error_file_is_only_for_the_importer_or_an_admin(client, admin, client_as, make_user):
    mapping_url, page = wizard(client)
    result_url = client.post(mapping_url + "/run", data=form_of(page)).headers["Location"]
    other = client_as(make_user(role="sales_manager"))
    assert other.get(result_url + "/errors").status_code == 404
    assert other.get(result_url).status_code == 404
    assert client_as("admin").get(result_url + "/errors").status_code == 200


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"PK\x03\x04\x14\x00\x06\x00binary", "contactos.xlsx", "This file is of the type Excel (.xlsx)"),
    (b"%PDF-1.4 ...", "factura.csv", "not CSV"),
    (b"", "empty.csv", "The file is empty."),
])
def test_a_file_that_is_not_csv_is_refused_at_the_field_and_nothing_is_kept(client, app, data, name, message):
    kept = Path(app.extensions["trato"].settings.instance_path) / "imports"
    before = set(kept.glob("*"))
    refused = upload(client, data, name)
    page = text(refused)
    assert refused.status_code == 422
    assert re.search(r'<p class="field-error" id="import-file-error" role="alert">[^<]*' + re.escape(message), page)
    assert 'aria-invalid="true"' in page
    assert set(kept.glob("*")) == before
    assert imports_count(app) == 0


def test_no_file_and_a_file_over_the_limit_are_said_at_the_field(client, app):
    missing = client.post("/r/x_contact/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose a CSV file to upload." in text(missing)
    limit = app.extensions["trato"].settings.max_upload_mb
    big = upload(client, b"Name\n" + b"x" * (limit * 1024 * 1024) + b"\n")
    assert big.status_code == 413
    assert f"The file is larger than {limit} MB" in text(big) and 'id="import-file-error"' in text(big)


def test_a_missing_required_column_is_an_error_before_anything_runs(app, client, admin):
    mapping_url, page = wizard(client, b"Email,Seats\nana@example.com,1\n")
    form = form_of(page)
    for target in (mapping_url, mapping_url + "/run"):
        refused = client.post(target, data=form)
        assert refused.status_code == 422
        assert re.search(r'id="mapping-error" role="alert">Missing required column: “Name”', text(refused))
    assert imports_count(app) == 0 and names(app, admin) == []


def test_a_column_mapped_by_hand_and_the_mapping_remembered(app, client, admin):
    mapping_url, page = wizard(client, b"Who,Mail\nAna,ana@example.com\n")
    form = form_of(page)
    assert (form["col0"], form["col1"]) == ("", "")  # nothing reads like a field
    form.update(col0="name", col1="email")
    client.post(mapping_url + "/run", data=form)
    assert names(app, admin) == ["Ana"]
    _url, again = wizard(client, b"Who,Mail\nBea,bea@example.com\n")
    assert (form_of(again)["col0"], form_of(again)["col1"]) == ("name", "email")


def test_dry_run_saves_nothing_and_cannot_be_undone(app, client, admin):
    mapping_url, page = wizard(client)
    result = text(client.get(client.post(mapping_url + "/run", data=form_of(page, dry_run="1")).headers["Location"]))
    assert "Dry run: nothing was saved." in result and re.search(r'id="count-created">2<', result)
    assert names(app, admin) == [] and "Undo the whole import" not in result


def test_upsert_by_a_key_field(app, client, admin):
    with app.app_context():
        records.create("x_contact", {"name": "Ana", "email": "ana@example.com", "seats": 1}, user=admin)
    mapping_url, page = wizard(client, b"Name,Email,Seats\nAna Mar\xeda,ANA@example.com,5\nBea,bea@example.com,2\n")
    result = text(client.get(client.post(mapping_url + "/run", data=form_of(page, mode="upsert", key="email"))
                             .headers["Location"]))
    assert re.search(r'id="count-created">1<', result) and re.search(r'id="count-updated">1<', result)
    assert names(app, admin) == ["Ana María", "Bea"]


def test_a_user_without_the_import_permission_gets_403(contacts, client_as, make_user):
    rep = client_as(make_user(role="read_only"))
    assert rep.get("/r/x_contact/import").status_code == 403
    assert upload(rep, SPANISH_FILE).status_code == 403
    assert rep.get("/r/x_contact/imports").status_code == 403
    assert "/r/x_contact/import" not in text(rep.get("/r/x_contact/"))


def test_history_lists_imports_and_undo_takes_one_back(app, client, admin, client_as):
    mapping_url, page = wizard(client)
    result_url = client.post(mapping_url + "/run", data=form_of(page)).headers["Location"]
    import_id = int(result_url.rsplit("/", 1)[1])
    for url in ("/imports", "/r/x_contact/imports"):
        history = text(client.get(url))
        row = re.search(rf'<tr id="import-{import_id}">(.*?)</tr>', history, re.S).group(1)
        assert "contactos.csv" in row and "Ada Admin" in row and "finished" in row
        assert re.findall(r"<td>(\d+)</td>", row) == ["2", "0", "1"]
    assert "Contacts" in text(client.get("/imports"))

    undone = client.post(result_url + "/undo")
    shown = text(undone)
    assert undone.status_code == 200 and "2 records were taken back." in shown
    assert names(app, admin) == []
    assert "undone" in text(client.get("/imports"))
    again = client.post(result_url + "/undo")
    assert again.status_code == 409 and "is undone already" in text(again)


def test_an_interrupted_import_can_be_resumed(app, client, admin):
    with app.app_context():  # as if the worker died once the batch holding row 2 was saved
        imp = imports.start(SPANISH_FILE, "contactos.csv", "x_contact", user=admin, encoding="windows-1252")
        imp.status, imp.rows_done, imp.message = "failed", 1, "the worker stopped"
        db.session().commit()
        result_url = f"/imports/{imp.id}"
    shown = text(client.get(result_url))
    assert "the worker stopped" in shown and "Resume the import" in shown
    resumed = client.post(result_url + "/resume")
    assert resumed.status_code == 302
    shown = text(client.get(result_url))
    assert "Resume the import" not in shown and re.search(r'id="count-failed">1<', shown)
    assert names(app, admin) == ["Carmen"]  # it went on from row 3
    assert client.post(result_url + "/resume").status_code == 409


def test_the_wizard_speaks_spanish(contacts, make_user, client_as):
    client = client_as(make_user(admin=True, locale="es", name="Ana Admin"))
    page = text(client.get("/r/x_contact/import"))
    assert "Importar Contactos" in page and "Archivo CSV" in page and "Subir y asignar columnas" in page
    refused = text(upload(client, b"", "vacio.csv"))
    assert "El archivo está vacío." in refused
    asked = text(client.get(upload(client, SPANISH_FILE).headers["Location"]))
    assert "Paso 1 de 3: cómo leer contactos.csv" in asked and "Leerlo como Windows-1252" in asked
    _url, mapping = wizard(client)
    assert "Paso 2 de 3" in mapping and "— no importar esta columna —" in mapping
    assert "Crear un registro por cada fila" in mapping


# UTF-8 throughout but for row 4, where "María" was pasted from a Windows-1252 file.
MOSTLY_UTF8 = ("Nombre;Correo electrónico\nJosé Pérez;jose@example.com\nInés;ines@example.com\n".encode()
               + b"Mar\xeda;maria@example.com\n" + "Íñigo;inigo@example.com\n".encode())


def test_a_utf8_file_with_a_bad_byte_is_shown_and_nothing_is_stored_until_the_user_chooses(app, client, admin):
    mapping_url = upload(client, MOSTLY_UTF8).headers["Location"]
    page = text(client.get(mapping_url))
    assert "Step 1 of 3: how to read contactos.csv" in page
    assert "The file is UTF-8 except for 1 byte that is not." in page and "Rows that hold them: 1." in page
    row = re.search(r'<tr id="encoding-row-4-1">(.*?)</tr>', page, re.S).group(1)
    offset = MOSTLY_UTF8.index(b"\xed")
    assert re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", row) == [
        "4", "Nombre", f"byte {offset}: 0xED", "Mar\ufffda", "María"]
    assert re.findall(r'name="encoding" value="([^"]+)"', page) == ["replace", "skip", "windows-1252"]
    # A preview or a run sent without a choice gets the same question, and records nothing.
    for target in (mapping_url, mapping_url + "/run"):
        asked = client.post(target, data={"header": ["Nombre", "Correo electrónico"], "col0": "name",
                                          "col1": "email", "mode": "create"})
        assert "how to read contactos.csv" in text(asked)
    assert imports_count(app) == 0 and names(app, admin) == []


@pytest.mark.parametrize(("choice", "created", "failed", "stored"), [
    ("replace", 4, 0, ["Inés", "José Pérez", "Mar\ufffda", "Íñigo"]),
    ("skip", 3, 1, ["Inés", "José Pérez", "Íñigo"]),
    ("windows-1252", 4, 0, ["InÃ©s", "JosÃ© PÃ©rez", "María", "Ã\x8dÃ±igo"]),
])
def test_each_choice_imports_the_file_its_way(app, client, admin, choice, created, failed, stored):
    mapping_url, page = wizard(client, MOSTLY_UTF8, choice)
    assert "Step 2 of 3" in page and f'name="encoding" value="{choice}"' in page
    result = text(client.get(client.post(mapping_url + "/run", data=form_of(page)).headers["Location"]))
    assert re.search(rf'id="count-created">{created}<', result) and re.search(rf'id="count-failed">{failed}<', result)
    assert names(app, admin) == stored
    if failed:
        errors = client.get(re.search(r'href="([^"]+/errors)"', result).group(1)).get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(errors.lstrip("\ufeff")), delimiter=";"))
        assert rows[1] == ["Mar\ufffda", "maria@example.com", "Row 4, column “Nombre”: The cell holds bytes that "
                           "are not UTF-8 (shown as �): the row is left out, as chosen."]


def test_a_file_that_is_not_utf8_is_offered_as_windows_1252_with_how_names_read(app, client, admin):
    mapping_url = upload(client, SPANISH_FILE).headers["Location"]
    page = text(client.get(mapping_url))
    assert "It looks like Windows-1252" in page and "Read it as Windows-1252" in page
    assert re.findall(r'class="reads-legacy">([^<]*)<', page)[:3] == ["Correo electrónico", "Íñigo Peña", "Begoña"]
    assert 'name="encoding" value="replace"' not in page  # only the confirmation is offered
    assert re.findall(r'<input type="hidden" name="encoding" value="([^"]+)"', page) == ["windows-1252"]
    assert imports_count(app) == 0
    # The choice travels over HTMX into the page's main part.
    partial = client.get(f"{mapping_url}?encoding=windows-1252", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in text(partial)
    assert "Step 2 of 3" in text(partial) and "Íñigo Peña" in text(partial)


@pytest.mark.parametrize("data", [
    "\ufeffNombre,Correo electrónico\nÁngela,angela@example.com\n".encode(),
    "Nombre,Correo electrónico\nÁngela,angela@example.com\n".encode(),
    "Nombre\tCorreo electrónico\nÁngela\tangela@example.com\n".encode("utf-16"),
])
def test_utf8_with_or_without_a_bom_and_utf16_go_straight_to_the_columns(app, client, admin, data):
    mapping_url, page = wizard(client, data, encoding=None)
    assert "Step 2 of 3" in page and 'name="encoding"' not in page
    client.post(mapping_url + "/run", data=form_of(page))
    assert names(app, admin) == ["Ángela"]

"""vCard import and export: round trips in 3.0 and 4.0, files as phones write them, and broken files."""
from __future__ import annotations

import io
from datetime import date

import pytest

from trato import records
from trato_contacts.vcard import fold, parse

PHONE_EXPORT = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "PRODID:-//Apple Inc.//iPhone OS 17.1//EN\r\n"
    "N:Sáenz de Valdelosa;Carmen;;;\r\n"
    "FN:Carmen Sáenz de Valdelosa\r\n"
    "ORG:Bodegas Valdelosa;\r\n"
    "TITLE:Directora general\\, socia\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:carmen@valdelosa.example.es\r\n"
    "TEL;type=CELL;type=VOICE;type=pref:+34 600 123 456\r\n"
    "TEL;type=WORK;type=VOICE:+34 941 287 650\r\n"
    "ADR;type=WORK:;;Avenida de la Rioja 12\\, bajo;Logroño;La Rioja;26006;España\r\n"
    "NOTE:Prefiere llamadas por la mañana.\\nNo enviar faxes.\r\n"
    "BDAY:1958-11-23\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "FN:Siobhán Byrne\r\n"
    "N:Byrne;Siobhán;;;\r\n"
    "EMAIL;TYPE=work:siobhan.byrne@liffey.example.ie\r\n"
    "NOTE:A very long note that a mail program folds at seventy-five octets, in the m\r\n"
    " iddle of a word.\r\n"
    "LANG:en\r\n"
    "BDAY:--0412\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:L=C3=B3pez Fern=C3=A1ndez;Mar=C3=ADa;;;\r\n"
    "TEL;CELL:+34 600 999 888\r\n"
    "END:VCARD\r\n"
)


@pytest.fixture
def admin(contacts_app, make_user):
    return make_user(admin=True, name="Admin")


def upload(client, content: str, name: str = "contacts.vcf"):
    return client.post("/contacts/import", data={"file": (io.BytesIO(content.encode("utf-8")), name)},
                       content_type="multipart/form-data")


def all_contacts(app):
    with app.app_context():
        return {c["last_name"]: c for c in records.query("contacts_contact", user=None).page(limit=100).items}


def test_a_phone_export_is_imported(contacts_app, client_as, admin):
    with contacts_app.test_request_context():
        bodega = records.create("contacts_account", {"name": "Bodegas Valdelosa"}, user=admin)
    client = client_as(admin)
    response = upload(client, PHONE_EXPORT)
    assert response.status_code == 200 and "3 contacts were imported." in response.text
    people = all_contacts(contacts_app)
    carmen = people["Sáenz de Valdelosa"]
    assert (carmen["first_name"], carmen["job_title"], carmen["account_id"]) == ("Carmen", "Directora general, socia",
                                                                               bodega.id)
    assert (carmen["email"], carmen["mobile"], carmen["phone"]) == ("carmen@valdelosa.example.es", "+34 600 123 456",
                                                                   "+34 941 287 650")
    assert (carmen["street"], carmen["city"], carmen["postcode"], carmen["country"]) == (
        "Avenida de la Rioja 12, bajo", "Logroño", "26006", "ES")
    assert carmen["birthday"] == date(1958, 11, 23)
    assert "Prefiere llamadas por la mañana.</p><p>No enviar faxes." in client.get(
        f"/r/contacts_contact/{carmen.id}").text
    siobhan = people["Byrne"]
    assert (siobhan["first_name"], siobhan["language"], siobhan["birthday"]) == ("Siobhán", "en", None)
    assert "in the middle of a word." in client.get(f"/r/contacts_contact/{siobhan.id}").text
    maria = people["López Fernández"]
    assert (maria["first_name"], maria["mobile"]) == ("María", "+34 600 999 888")


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_export_and_import_round_trip(contacts_app, client_as, admin, version):
    values = {"first_name": "Íñigo", "last_name": "Olarte Ibáñez, hijo", "job_title": "Responsable de exportación; "
              "ventas", "email": "export@valdelosa.example.es", "email2": "inigo@correo.example.es",
              "phone": "+34 941 287 660", "mobile": "+34 600 111 222", "street": "Calle Mayor 3", "city": "Haro",
              "postcode": "26200", "country": "ES", "birthday": date(1980, 2, 29), "language": "es"}
    with contacts_app.test_request_context():
        account = records.create("contacts_account", {"name": "Bodegas Valdelosa"}, user=admin)
        contact = records.create("contacts_contact", {**values, "account_id": account.id}, user=admin)
    client = client_as(admin)
    card = client.get(f"/contacts/contacts/{contact.id}.vcf?version={version}")
    assert card.mimetype == "text/vcard"
    body = card.get_data(as_text=True)
    assert f"VERSION:{version}\r\n" in body and "N:Olarte Ibáñez\\, hijo;Íñigo;;;\r\n" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    with contacts_app.test_request_context():
        records.delete("contacts_contact", contact.id, user=admin)
    assert upload(client, body).status_code == 200
    back = all_contacts(contacts_app)["Olarte Ibáñez, hijo"]
    if version == "3.0":  # 3.0 has no LANG
        values["language"] = None
    assert {k: back[k] for k in values} == values and back["account_id"] == account.id


def test_export_of_a_filtered_list(contacts_app, client_as, admin):
    with contacts_app.test_request_context():
        for name, city in (("Ruiz", "Zaragoza"), ("Gimeno", "Zaragoza"), ("Vidal", "Valencia")):
            records.create("contacts_contact", {"last_name": name, "city": city}, user=admin)
    client = client_as(admin)
    body = client.get("/contacts/contacts.vcf?city=Zaragoza&cols=last_name&version=4.0").get_data(as_text=True)
    cards, problems = parse(body)
    assert problems == [] and [c.first("FN").value for c in cards] == ["Gimeno", "Ruiz"]
    assert {c.first("VERSION").value for c in cards} == {"4.0"}
    either = '{"or": [{"field": "city", "value": "Valencia"}, {"field": "last_name", "value": "Ruiz"}]}'
    tree = client.get("/contacts/contacts.vcf", query_string={"sort": "-last_name", "filter": either})
    assert [c.first("FN").value for c in parse(tree.get_data(as_text=True))[0]] == ["Vidal", "Ruiz"]
    assert client.get("/contacts/contacts.vcf?nonsense=1").status_code == 400


def test_long_lines_are_folded_without_splitting_a_character():
    line = "NOTE:" + "ñ" * 60
    folded = fold(line).split("\r\n")
    assert all(len(part.encode()) <= 75 for part in folded) and "".join(p.lstrip(" ") for p in folded) == line


def test_a_file_broken_half_way_imports_nothing(contacts_app, client_as, admin):
    broken = PHONE_EXPORT + "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Moreau;Julien;;;\r\nEMAIL:achats@\r\nEND:VCARD\r\n" \
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Declan Murphy\r\nBDAY:yesterday\r\n"
    response = upload(client_as(admin), broken)
    assert response.status_code == 422 and "Nothing was imported" in response.text
    assert "Card 5 (line 38): the birthday “yesterday” is not a date." in response.text
    assert "Card 5 (line 35): the card has no END:VCARD: the file stops in the middle of it." in response.text
    assert all_contacts(contacts_app) == {}
    # the cards themselves are fine but one email is not: still nothing, and the card is named
    invalid = PHONE_EXPORT + "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Moreau;Julien;;;\r\nEMAIL:achats@\r\nEND:VCARD\r\n"
    response = upload(client_as(admin), invalid)
    assert response.status_code == 422 and "Card 4 (line 30): Email: Enter a valid email address." in response.text
    assert all_contacts(contacts_app) == {}


def test_an_empty_or_foreign_file_is_refused(contacts_app, client_as, admin):
    client = client_as(admin)
    assert "Choose a .vcf file to import." in client.post("/contacts/import", data={}).text
    response = upload(client, "name,email\nAna,ana@example.com\n")
    assert response.status_code == 422 and "Line 1: this line is outside any BEGIN:VCARD" in response.text


def test_spanish_messages(contacts_app, client_as, admin):
    response = client_as(admin).post(
        "/contacts/import", data={"file": (io.BytesIO(b"BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n"), "a.vcf")},
        content_type="multipart/form-data", headers={"Accept-Language": "es"})
    assert "No se ha importado nada" in response.text
    assert "Tarjeta 1 (línea 1): la tarjeta no tiene nombre (N ni FN)." in response.text

"""Contacts on the generic pages: forms, lists, the account's 360° page, languages, menu, demo data."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from trato import records
from trato.testing import migration_drift
from trato_contacts import demo, hooks

PACKAGE = Path(hooks.__file__).parent
ACCOUNT = {"name": "Nortech Software", "tax_id": "B95472163", "billing_city": "Bilbao", "billing_country": "ES",
           "industry": "technology"}


def table(page: str) -> str:
    """The list's table, without the flashed messages above it."""
    return page.split('<table class="grid', 1)[1].split("</table>", 1)[0] if "<table" in page else ""


def add_account(client, **values):
    return client.post("/r/contacts_account/new", data={**ACCOUNT, **values})


def record_id(response) -> int:
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_creating_an_account_through_the_generic_form(contacts_app, client_as):
    client = client_as("user")
    response = add_account(client, tax_id="b-95472163", website="https://nortech.example.com",
                           shipping_city="Getxo", shipping_country="ES")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert re.search(r"<h1[^>]*>Nortech Software</h1>", page)
    assert "B95472163" in page  # stored normalised
    assert "Technology" in page and "Spain" in page and "Bilbao" in page and "Getxo" in page


def test_a_wrong_check_letter_is_refused_at_the_field(contacts_app, client_as):
    client = client_as("user")
    response = add_account(client, tax_id="12345678A")
    assert response.status_code == 422
    assert ('<p class="field-error" id="tax_id-error">Tax ID: The check letter does not match: '
            "the number 12345678 ends in Z.</p>") in response.text
    assert 'value="Nortech Software"' in response.text  # what was typed stays
    response = add_account(client, tax_id="B95472160")
    assert "Tax ID: The check character does not match: the CIF B9547216 ends in 3." in response.text
    response = add_account(client, tax_id="X1234567T")
    assert "the number X1234567 ends in L." in response.text
    with contacts_app.app_context():
        assert records.query("contacts_account", user=None).count().value == 0


def test_editing_saves_and_a_stale_edit_is_refused(contacts_app, client_as):
    client = client_as("user")
    location = add_account(client).headers["Location"]
    form = client.get(f"{location}/edit").text
    assert 'name="version" value="1"' in form
    with contacts_app.app_context():
        owner = str(records.get("contacts_account", int(location.rsplit("/", 1)[1]), user=None)["owner_id"])
    saved = client.post(f"{location}/edit", data={**ACCOUNT, "billing_city": "Getxo", "version": "1",
                                                  "owner_id": owner})
    assert saved.status_code == 302
    assert "Getxo" in client.get(location).text
    stale = client.post(f"{location}/edit", data={**ACCOUNT, "name": "Old", "version": "1", "owner_id": owner})
    assert stale.status_code == 409
    assert "Someone else saved this record" in stale.text and 'name="version" value="2"' in stale.text


def test_a_contact_with_consent_is_dated_and_keeps_its_text(contacts_app, client_as):
    client = client_as("user")
    account_id = record_id(add_account(client))
    response = client.post("/r/contacts_contact/new", data={
        "first_name": "Aitor", "last_name": "Etxeberria", "account_id": str(account_id), "email": "aitor@example.com",
        "email2": "aitor.e@correo.example.es", "mobile": "+34 600 111 222", "street": "Gran Vía 1",
        "postcode": "48001", "language": "es", "marketing_consent": "on", "consent_source": "Web form",
        "consent_text": "I agree to receive the monthly newsletter.", "birthday": "1984-12-08"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert f'href="/r/contacts_account/{account_id}">Nortech Software</a>' in page
    assert "Dec 8, 1984" in page and "Spanish" in page and "+34 600 111 222" in page
    assert "I agree to receive the monthly newsletter." in page and "Gran Vía 1" in page
    with contacts_app.app_context():
        contact = records.query("contacts_contact", user=None).page(limit=1).items[0]
    assert contact["consent_date"] is not None and contact["email2"] == "aitor.e@correo.example.es"


def test_a_bad_email_on_a_contact_is_refused(contacts_app, client_as):
    response = client_as("user").post("/r/contacts_contact/new", data={"last_name": "Shah", "email2": "not-an-email"})
    assert response.status_code == 422
    assert 'id="email2-error"' in response.text


def test_list_search(contacts_app, client_as):
    client = client_as("user")
    add_account(client)
    add_account(client, name="Bodegas Valdelosa", tax_id="A26347815", billing_city="Logroño")
    page = table(client.get("/r/contacts_account/?q=logro").text)
    assert "Bodegas Valdelosa" in page and "Nortech" not in page


def test_account_page_is_a_360_view(make_app, plugins, client_as):
    """Its contacts and subsidiaries (related lists), its group as a tree, and other plugins' panels."""
    app = make_app(plugins=["contacts", "panelled"], extra_plugins=plugins)
    client = client_as("read_only")
    with app.test_request_context():
        group = records.create("contacts_account", {"name": "Grupo Ruiz"}, user=None)
        account = records.create("contacts_account", {**ACCOUNT, "parent_id": group.id}, user=None)
        branch = records.create("contacts_account", {"name": "Nortech Norte", "parent_id": account.id}, user=None)
        records.create("contacts_contact", {"first_name": "Nerea", "last_name": "Uriarte", "account_id": account.id,
                                            "job_title": "Sales manager"}, user=None)
    page = client.get(f"/r/contacts_account/{account.id}").text
    related = page.split('data-slot="detail-panels"')[0]
    assert 'href="/r/contacts_contact/' in related and ">Nerea Uriarte</a>" in related  # named by both names
    assert f'href="/r/contacts_account/{branch.id}">Nortech Norte</a>' in related  # subsidiaries
    tree = page.split('class="tree contacts-tree"')[1].split("</section>")[0]
    assert tree.index("Grupo Ruiz") < tree.index("Nortech Software") < tree.index("Nortech Norte")
    assert '<strong aria-current="page">Nortech Software</strong>' in tree
    assert '<h2 class="card-title">Open deals</h2>' in page and "3 open deals at Nortech Software" in page


def test_spanish_pages(contacts_app, client_as):
    client = client_as("user")
    es = {"Accept-Language": "es"}
    form = client.get("/r/contacts_account/new", headers=es).text
    assert "Razón social" in form and "España" in form
    response = client.post("/r/contacts_account/new", data={**ACCOUNT, "tax_id": "12345678A"}, headers=es)
    assert "NIF/CIF: La letra de control no coincide: el número 12345678 termina en Z." in response.text


def test_menu_and_dashboard(contacts_app, client_as, make_user):
    owner = make_user(name="Owner", role="sales_manager")  # sees the records of the reps below too
    client = client_as(owner)
    add_account(client)
    add_account(client_as("user"), name="Other")
    home = client.get("/").text
    assert 'href="/r/contacts_account/"' in home and 'href="/r/contacts_contact/"' in home
    assert "1 yours, 2 in total" in home
    assert 'href="/contacts/import"' in home


def test_a_disabled_plugin_is_hidden(make_app, client_as):
    from trato_contacts import plugin

    make_app(extra_plugins={"contacts": plugin})
    client = client_as("admin")
    assert client.get("/r/contacts_account/").status_code == 404
    assert client.get("/contacts/import").status_code == 404
    assert 'href="/r/contacts_account/"' not in client.get("/").text


@pytest.mark.parametrize(("locale", "title", "consent"), [("es", "Director técnico", "Acepto recibir"),
                                                          ("en", "Chief technology officer", "I agree to receive")])
def test_demo_data_loads_in_both_languages(contacts_app, client_as, locale, title, consent):
    from trato import session

    with contacts_app.app_context():
        hooks.demo_data(session=session(), locale=locale)
        session().commit()
        accounts = records.query("contacts_account", user=None).count().value
        people = records.query("contacts_contact", user=None).where({"job_title": title}).count().value
        consenting = records.query("contacts_contact", user=None).where({"marketing_consent": "true"}).page(limit=1)
        lyon = records.query("contacts_account", user=None).where({"shipping_city": "Lyon"}).count().value
    assert (accounts, people, lyon) == (len(demo.ACCOUNTS), 1, 1)
    assert consenting.items[0]["consent_text"].startswith(consent)
    client = client_as("read_only")
    page = client.get("/r/contacts_account/?q=ruiz").text
    assert "Grupo Ruiz" in page and "Talleres Hermanos Ruiz" in page
    with contacts_app.app_context():
        nerea = records.query("contacts_contact", user=None).where({"email": "nerea@nortech.example.com"}) \
            .order_by("id").page(limit=2).items
    assert "Likely duplicates" in client.get(f"/r/contacts_contact/{nerea[0].id}").text and len(nerea) == 2


def test_demo_tax_ids_are_valid():
    from trato_contacts.taxid import tax_id_problem

    assert [a[2] for a in demo.ACCOUNTS if a[2] and tax_id_problem(a[2])] == []


def test_every_string_has_a_spanish_translation():
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = {msg[2] if isinstance(msg[2], str) else msg[2][0]
             for msg in extract_from_dir(PACKAGE, method_map, keywords=keywords)}
    with open(PACKAGE / "translations/es/LC_MESSAGES/messages.po", "rb") as po:
        catalogue = {m.id if isinstance(m.id, str) else m.id[0]: m for m in read_po(po) if m.id}
    missing = sorted(msgid for msgid in found if msgid not in catalogue or not catalogue[msgid].string)
    assert not missing, f"strings without Spanish: {missing}"


def test_the_migrations_match_the_models(contacts_app):
    """k001..k003 make the tables, columns and indexes that models.py describes."""
    assert migration_drift(contacts_app, "contacts_") == []

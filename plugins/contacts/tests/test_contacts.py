"""Contacts as people use it: forms, lists, detail pages, languages, demo data."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from trato import records
from trato_contacts import demo, hooks

PACKAGE = Path(hooks.__file__).parent
ACCOUNT = {"name": "Nortech Software", "tax_id": "B95472163", "billing_city": "Bilbao", "billing_country": "ES",
           "industry": "technology"}


def table(page: str) -> str:
    """The list's table, without the flashed messages above it."""
    return page.split('<table class="grid">', 1)[1].split("</table>", 1)[0] if "<table" in page else ""


def add_account(client, **values):
    return client.post("/contacts/accounts/new", data={**ACCOUNT, **values})


def test_creating_an_account_through_the_form(contacts_app, client_as):
    client = client_as("user")
    response = add_account(client, tax_id="b-95472163", website="https://nortech.example.com")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "<h1>Nortech Software</h1>" in page
    assert "B95472163" in page  # stored normalised
    assert "Technology" in page and "Spain" in page and "Bilbao" in page


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


def test_the_name_is_required(contacts_app, client_as):
    response = add_account(client_as("user"), name="  ")
    assert response.status_code == 422
    assert 'id="name-error"' in response.text


def test_editing_saves_and_a_stale_edit_is_refused(contacts_app, client_as):
    client = client_as("user")
    location = add_account(client).headers["Location"]
    record_id = int(location.rsplit("/", 1)[1])
    form = client.get(f"/contacts/accounts/{record_id}/edit").text
    assert 'name="version" value="1"' in form
    saved = client.post(f"/contacts/accounts/{record_id}/edit", data={**ACCOUNT, "billing_city": "Getxo",
                                                                     "version": "1"})
    assert saved.status_code == 302
    assert "Getxo" in client.get(location).text
    stale = client.post(f"/contacts/accounts/{record_id}/edit", data={**ACCOUNT, "name": "Old", "version": "1"})
    assert stale.status_code == 409
    assert "Someone else saved this record" in stale.text
    assert 'value="Getxo"' in stale.text and 'name="version" value="2"' in stale.text


def test_a_contact_with_consent_is_dated(contacts_app, client_as):
    client = client_as("user")
    account_id = int(add_account(client).headers["Location"].rsplit("/", 1)[1])
    response = client.post("/contacts/contacts/new", data={
        "first_name": "Aitor", "last_name": "Etxeberria", "account_id": str(account_id), "email": "aitor@example.com",
        "language": "es", "marketing_consent": "on", "consent_source": "Web form", "birthday": "1984-12-08"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "<h1>Aitor Etxeberria</h1>" in page
    assert f'href="/contacts/accounts/{account_id}">Nortech Software</a>' in page
    assert "December 8, 1984" in page and "Spanish" in page
    with contacts_app.app_context():
        contact = records.query("contacts_contact", user=None).page(limit=1).items[0]
    assert contact["consent_date"] is not None


def test_a_bad_email_on_a_contact_is_refused(contacts_app, client_as):
    response = client_as("user").post("/contacts/contacts/new", data={"last_name": "Shah", "email": "not-an-email"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.text


def test_list_search(contacts_app, client_as):
    client = client_as("user")
    add_account(client)
    add_account(client, name="Bodegas Valdelosa", tax_id="A26347815", billing_city="Logroño")
    page = table(client.get("/contacts/accounts/?q=logro").text)
    assert "Bodegas Valdelosa" in page and "Nortech" not in page
    assert "Nothing matches" in client.get("/contacts/accounts/?q=zzz").text


def test_lists_page_by_fifty(contacts_app, client_as):
    client = client_as("read_only")  # sees every record, those of the system included
    with contacts_app.test_request_context():
        records.bulk_create("contacts_contact", [{"last_name": f"Person {i:03d}"} for i in range(55)], user=None)
    first = client.get("/contacts/contacts/").text
    assert "Person 049" in table(first) and "Person 050" not in table(first)
    cursor = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(cursor).text
    assert "Person 050" in table(second) and "Person 054" in table(second) and "Person 049" not in table(second)
    assert 'rel="next"' not in second


def test_account_page_shows_contacts_and_other_plugins_panels(make_app, plugins, client_as):
    app = make_app(plugins=["contacts", "panelled"], extra_plugins=plugins)
    client = client_as("read_only")
    with app.test_request_context():
        account = records.create("contacts_account", ACCOUNT, user=None)
        records.create("contacts_contact", {"first_name": "Nerea", "last_name": "Uriarte", "account_id": account.id,
                                            "job_title": "Sales manager"}, user=None)
    page = client.get(f"/contacts/accounts/{account.id}").text
    assert "Nerea Uriarte</a>, Sales manager" in page
    assert "<h2>Open deals</h2>" in page and "3 open deals at Nortech Software" in page


def test_spanish_pages(contacts_app, client_as):
    client = client_as("user")
    es = {"Accept-Language": "es"}
    form = client.get("/contacts/accounts/new", headers=es).text
    assert "Nueva cuenta" in form and "Razón social" in form and "España" in form
    response = client.post("/contacts/accounts/new", data={**ACCOUNT, "tax_id": "12345678A"}, headers=es)
    assert "NIF/CIF: La letra de control no coincide: el número 12345678 termina en Z." in response.text


def test_menu_and_dashboard(contacts_app, client_as, make_user):
    owner = make_user(name="Owner", role="sales_manager")  # sees the records of the reps below too
    client = client_as(owner)
    add_account(client)
    add_account(client_as("user"), name="Other")
    home = client.get("/").text
    assert 'href="/contacts/accounts/"' in home and 'href="/contacts/contacts/"' in home
    assert "1 yours, 2 in total" in home


def test_a_disabled_plugin_is_hidden(make_app, client_as):
    from trato_contacts import plugin

    make_app(extra_plugins={"contacts": plugin})
    client = client_as("admin")
    assert client.get("/contacts/accounts/").status_code == 404
    assert 'href="/contacts/accounts/"' not in client.get("/").text


def test_demo_data_loads_in_both_languages(contacts_app, client_as):
    from trato import session

    with contacts_app.app_context():
        hooks.demo_data(session=session(), locale="es")
        session().commit()
        accounts = records.query("contacts_account", user=None).count().value
        people = records.query("contacts_contact", user=None).where({"job_title": "Director técnico"}).count().value
    assert (accounts, people) == (len(demo.ACCOUNTS), 1)
    page = client_as("read_only").get("/contacts/accounts/?q=ruiz").text
    assert "Grupo Ruiz" in page and "Talleres Hermanos Ruiz" in page


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

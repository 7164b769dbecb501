"""A person's data: the one-click export (with other plugins' sections through the hook) and the erasure."""
from __future__ import annotations

import json
from datetime import date

import pytest

from trato import records


@pytest.fixture
def app(make_app, plugins):
    """Contacts, and a plugin that answers its `personal_data` hook (tests/support/trato_panelled)."""
    return make_app(plugins=["contacts", "panelled"], extra_plugins=plugins)


@pytest.fixture
def admin(app, make_user):
    return make_user(admin=True, name="Admin")


@pytest.fixture
def person(app, admin):
    with app.test_request_context():
        account = records.create("contacts_account", {"name": "Nortech Software"}, user=admin)
        contact = records.create("contacts_contact", {
            "first_name": "Nerea", "last_name": "Uriarte", "email": "nerea@nortech.example.com",
            "mobile": "+34 600 222 333", "account_id": account.id, "birthday": date(1990, 5, 1),
            "street": "Gran Vía 1", "city": "Bilbao", "job_title": "Sales manager",
            "marketing_consent": True, "consent_source": "Web form", "consent_text": "Send me the newsletter."},
            user=admin)
        records.update("contacts_contact", contact.id, {"marketing_consent": False}, user=admin, version=None)
    return contact


def test_hook_personal_data(app, client_as, admin, person):
    """The export holds everything on the person: fields, consent history, notes, tags and other plugins' sections."""
    client = client_as(admin)
    client.post(f"/r/contacts_contact/{person.id}/notes", data={"body": "Prefers email."})
    client.post(f"/r/contacts_contact/{person.id}/tags", data={"tag": "newsletter"})
    page = client.get(f"/r/contacts_contact/{person.id}").text
    assert f'href="/contacts/contacts/{person.id}/personal-data"' in page
    response = client.get(f"/contacts/contacts/{person.id}/personal-data")
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="personal-data-contact-{person.id}.json"'
    data = json.loads(response.get_data(as_text=True))
    assert data["contact"]["email"] == "nerea@nortech.example.com" and data["contact"]["birthday"] == "1990-05-01"
    assert data["contact"]["consent_text"] == "Send me the newsletter."
    assert data["account"] == {"id": person["account_id"], "name": "Nortech Software"}
    history = [(h["action"], h["changes"].get("marketing_consent")) for h in data["consent_history"]]
    assert history == [("create", {"from": None, "to": True}), ("update", {"from": True, "to": False})]
    assert [n["body"] for n in data["notes"]] == ["<p>Prefers email.</p>"]
    assert data["tags"] == [{"tag": "newsletter"}]
    assert data["deals"] == [{"name": "Renewal for Uriarte", "role": "decision maker"}]  # another plugin's section


def test_erasure_anonymises_and_keeps_the_business_records(app, client_as, admin, person):
    client = client_as(admin)
    client.post(f"/r/contacts_contact/{person.id}/notes", data={"body": "Called about the renewal."})
    erased = client.post(f"/contacts/contacts/{person.id}/erase", data={"version": "2"})
    assert erased.status_code == 302
    with app.app_context():
        after = records.get("contacts_contact", person.id, user=None)
    assert after["last_name"] == f"Erased person #{person.id}"
    assert [after[f] for f in ("first_name", "email", "mobile", "street", "city", "birthday", "consent_source",
                               "consent_text")] == [None] * 8
    assert after["marketing_consent"] is False
    assert after["account_id"] == person["account_id"] and after["job_title"] == "Sales manager"  # business records
    page = client.get(f"/r/contacts_contact/{person.id}").text
    assert "Called about the renewal." in page and "Nerea" not in page.split("<h2")[1]
    stale = client.post(f"/contacts/contacts/{person.id}/erase", data={"version": "2"})
    assert "Someone else changed this contact" in client.get(stale.headers["Location"]).text


def test_only_who_may_edit_the_contact_may_erase_it(app, client_as, admin, person):
    viewer = client_as("read_only")
    assert viewer.post(f"/contacts/contacts/{person.id}/erase").status_code == 403
    assert "Erase personal data" not in viewer.get(f"/r/contacts_contact/{person.id}").text
    with app.app_context():
        assert records.get("contacts_contact", person.id, user=None)["first_name"] == "Nerea"

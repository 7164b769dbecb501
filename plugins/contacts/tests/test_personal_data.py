"""A person's data: the one-click export (with other plugins' sections through the hook), the erasure that leaves
no copy of their values behind, and blocking (LOPDGDD art. 32) as its alternative."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
import trato_panelled.hooks as panelled
from sqlalchemy import inspect, select, text

from trato import records, tokens
from trato.models import User
from trato.records.audit import AuditEntry
from trato.roles.extra_permissions import RoleGrant
from trato.roles.models import Role, RolePermission
from trato.transfer import imports
from trato.transfer.models import ImportRecord

CONTACT = "contacts_contact"
# What the person gave us, as it is stored and as JSON writes it (with accents escaped).
PERSONAL = ("Nerea", "Uriarte", "nerea@nortech.example.com", "+34 600 222 333", "Gran Vía 1", "Gran V\\u00eda 1",
            "Bilbao", "1990-05-01", "Web form", "Send me the newsletter.", "+34 611 999 000")
# How the search index keeps the name (folded words), on SQLite.
WORDS = ("nerea", "uriarte")


@pytest.fixture
def app(make_app, plugins):
    """Contacts, and a plugin that answers its `personal_data` hook (tests/support/trato_panelled)."""
    return make_app(plugins=["contacts", "panelled"], extra_plugins=plugins)


@pytest.fixture
def admin(app, make_user):
    return make_user(admin=True, name="Admin")


def api(app, user, method, path, **kwargs):
    with app.extensions["trato"].sessionmaker() as session:
        token = tokens.create(session, session.get(User, user.id), "gdpr", tokens.WRITE, None)[1]
        session.commit()
    headers = {"Authorization": f"Bearer {token}"} | kwargs.pop("headers", {})
    return app.test_client().open(f"/api/v1/{path}", method=method, headers=headers, **kwargs)


@pytest.fixture
def person(app, admin):
    """Nerea, created through the API with an Idempotency-Key (whose answer is kept a day), then changed."""
    with app.test_request_context():
        account = records.create("contacts_account", {"name": "Nortech Software"}, user=admin)
    made = api(app, admin, "POST", CONTACT, headers={"Idempotency-Key": "contact-1"}, json={
        "first_name": "Nerea", "last_name": "Uriarte", "email": "nerea@nortech.example.com",
        "mobile": "+34 600 222 333", "account_id": account.id, "birthday": "1990-05-01",
        "street": "Gran Vía 1", "city": "Bilbao", "job_title": "Sales manager",
        "marketing_consent": True, "consent_source": "Web form", "consent_text": "Send me the newsletter."})
    assert made.status_code == 201, made.json
    with app.test_request_context():
        return records.update(CONTACT, made.json["id"], {"marketing_consent": False}, user=admin, version=None)


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
    assert "Called about the renewal." in page and "Nerea" not in page
    stale = client.post(f"/contacts/contacts/{person.id}/erase", data={"version": "2"})
    assert "Someone else changed this contact" in client.get(stale.headers["Location"]).text


def test_only_who_may_edit_the_contact_may_erase_it(app, client_as, admin, person):
    viewer = client_as("read_only")
    assert viewer.post(f"/contacts/contacts/{person.id}/erase").status_code == 403
    assert "Erase personal data" not in viewer.get(f"/r/contacts_contact/{person.id}").text
    with app.app_context():
        assert records.get("contacts_contact", person.id, user=None)["first_name"] == "Nerea"


# Erasure leaves no copy behind ----------------------------------------------------------------------------------

def database_text(app) -> str:
    """Every row of every table (the search index's own tables on SQLite included), as one text."""
    engine = app.extensions["trato"].engine
    parts = []
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{name}"')):
                parts += [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row]
    return "\n".join(parts)


def audit_rows(app, record_id: int) -> list[tuple[str, int | None, list[str]]]:
    with app.extensions["trato"].sessionmaker() as session:
        return [(a.action, a.user_id, sorted(a.changes or {})) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == CONTACT, AuditEntry.record_id == record_id)
            .order_by(AuditEntry.id))]


def undo_values(app) -> list[dict | None]:
    with app.extensions["trato"].sessionmaker() as session:
        return list(session.scalars(select(ImportRecord.previous)))


def test_erasure_leaves_none_of_the_old_values_in_the_history_or_any_other_copy(app, client_as, admin, clerk,
                                                                                person):
    follower = clerk
    client_as(follower).post(f"/r/{CONTACT}/{person.id}/follow", data={"follow": "1"})
    with app.test_request_context():
        records.update(CONTACT, person.id, {"city": "Getxo"}, user=admin, version=None)  # notifies the follower
        upload = "Email,Mobile\nnerea@nortech.example.com,+34 611 999 000\n".encode()
        imports.run(imports.start(upload, "people.csv", CONTACT, user=admin, mode="update", key="email").id)
    assert undo_values(app) == [{"mobile": "+34 600 222 333"}]  # what an undo would put back
    before = audit_rows(app, person.id)
    assert "Nerea" in database_text(app)

    client = client_as(admin)
    assert client.post(f"/contacts/contacts/{person.id}/erase", data={"version": str(person.version + 2)},
                       headers={"HX-Request": "true"}).headers["HX-Redirect"] == f"/r/{CONTACT}/{person.id}"

    after = audit_rows(app, person.id)
    assert after[:len(before)] == before  # every entry kept, with who, what kind and which fields
    assert [(a, u) for a, u, _ in after[len(before):]] == [("update", admin.id), ("erase", admin.id)]
    assert undo_values(app) == [None]
    stored = database_text(app)
    assert [v for v in PERSONAL if v in stored] == []
    assert [w for w in WORDS if w in stored.lower()] == []
    screen = client.get(f"/admin/audit?entity={CONTACT}&record_id={person.id}").text
    assert [v for v in PERSONAL if v in screen] == [] and "[erased]" in screen and "Personal data erased" in screen
    exported = client.get(f"/admin/audit.csv?entity={CONTACT}&record_id={person.id}").text
    assert [v for v in PERSONAL if v in exported] == [] and "[erased]" in exported
    timeline = client.get(f"/r/{CONTACT}/{person.id}").text
    assert [v for v in PERSONAL if v in timeline] == [] and "[erased]" in timeline
    inbox = client_as(follower).get("/notifications").text
    assert "Uriarte" not in inbox and f"Erased person #{person.id}" in inbox
    replayed = api(app, admin, "POST", CONTACT, headers={"Idempotency-Key": "contact-1"}, json={})
    assert replayed.status_code in (201, 422)
    assert [v for v in PERSONAL if v in replayed.get_data(as_text=True)] == []


def test_the_marker_reads_in_the_readers_language(app, client_as, make_user, admin, person):
    with app.test_request_context():
        from trato_contacts import personal_data

        personal_data.erase(person.id, admin)
    page = client_as(make_user(admin=True, locale="es")).get(f"/admin/audit?entity={CONTACT}").text
    assert "[borrado]" in page and "Datos personales borrados" in page


def test_hook_erase_personal_data(app, admin, person, monkeypatch):
    """Other plugins erase what they hold inside the erasure; if one fails, nothing is erased."""
    from trato_contacts import personal_data

    panelled.ERASED.clear()
    with app.test_request_context():
        personal_data.erase(person.id, admin)
    assert panelled.ERASED == [(person.id, f"Erased person #{person.id}")]

    with app.test_request_context():
        other = records.create(CONTACT, {"first_name": "Iker", "last_name": "Zubia"}, user=admin)
    monkeypatch.setattr(panelled, "REFUSE", True)
    with app.test_request_context(), pytest.raises(RuntimeError):
        personal_data.erase(other.id, admin)
    with app.test_request_context():
        assert records.get(CONTACT, other.id, user=None)["last_name"] == "Zubia"
    assert [a for a, _u, _f in audit_rows(app, other.id)] == ["create"]


# Blocking -------------------------------------------------------------------------------------------------------

def make_role(app, name: str, *grants: str) -> str:
    """A role that sees, changes, deletes and exports every record, with these permissions beyond records."""
    with app.extensions["trato"].sessionmaker() as session:
        role = Role(name=name, label={"en": name.title()})
        session.add(role)
        session.flush()
        scopes = {k: "all" for k in ("scope", "edit_scope", "delete_scope") if hasattr(RolePermission, k)}
        session.add(RolePermission(role_id=role.id, entity="*", can_view=True, can_create=True, can_edit=True,
                                   can_delete=True, can_import=True, can_export=True, **scopes))
        session.add_all(RoleGrant(role_id=role.id, permission=grant) for grant in grants)
        session.commit()
    return name


@pytest.fixture
def guardian(app, make_user):
    """A user whose role may see blocked personal data."""
    return make_user(role=make_role(app, "dpo", "view_blocked"), name="Dana")


@pytest.fixture
def clerk(app, make_user):
    """A user whose role sees, changes and exports every record, but not blocked ones."""
    return make_user(role=make_role(app, "clerk"), name="Clara")


def visible_on_every_path(app, client, user, person) -> dict[str, bool]:
    """Whether the person shows on each path a user reaches records by (a link to them, or their email)."""
    link, email = f'href="/r/{CONTACT}/{person.id}"', "nerea@nortech.example.com"
    pages = {
        "list": (f"/r/{CONTACT}/", link),
        "search": (f"/r/{CONTACT}/?q=Uriarte", link),
        "global search": ("/search/?q=Uriarte", link),
        "related list": (f"/r/contacts_account/{person['account_id']}", link),
        "picker": (f"/r/{CONTACT}/lookup?q=Uriarte", f'"value":"{person.id}"'),
        "export": (f"/r/{CONTACT}/export", "Uriarte"),
        "vcard": ("/contacts/contacts.vcf", email),
        "duplicates": (f"/contacts/duplicates?entity={CONTACT}&email={email}", f'"id":{person.id}'),
    }
    seen = {name: sign in client.get(url).get_data(as_text=True).replace('"id": ', '"id":')
            for name, (url, sign) in pages.items()}
    seen["detail"] = client.get(f"/r/{CONTACT}/{person.id}").status_code == 200
    seen["api list"] = email in api(app, user, "GET", f"{CONTACT}?last_name=Uriarte").get_data(as_text=True)
    seen["api get"] = api(app, user, "GET", f"{CONTACT}/{person.id}").status_code == 200
    return seen


def test_a_blocked_contact_is_hidden_on_every_path_and_read_only_for_the_authorised_role(
        app, client_as, admin, guardian, clerk, person):
    clerks, guardians = client_as(clerk), client_as(guardian)
    assert all(visible_on_every_path(app, clerks, clerk, person).values())

    refused = clerks.post(f"/r/{CONTACT}/{person.id}/block", data={"reason": "  "}, headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert re.search(r'<p class="field-error" id="block-reason-\d+-error" role="alert">Say why', refused.text)
    blocked = clerks.post(f"/r/{CONTACT}/{person.id}/block", headers={"HX-Request": "true"},
                          data={"reason": "Asked to stop; kept for tax claims until 2031"})
    assert blocked.headers["HX-Redirect"] == f"/r/{CONTACT}/"  # the clerk no longer sees it

    assert [name for name, seen in visible_on_every_path(app, clerks, clerk, person).items() if seen] == []
    assert clerks.get(f"/r/{CONTACT}/{person.id}/edit").status_code == 404
    patched = api(app, clerk, "PATCH", f"{CONTACT}/{person.id}", json={"city": "Getxo"}, headers={"If-Match": "*"})
    assert patched.status_code == 404

    assert all(visible_on_every_path(app, guardians, guardian, person).values())
    page = guardians.get(f"/r/{CONTACT}/{person.id}").text
    assert "This record is blocked since" in page and "kept for tax claims until 2031" in page
    assert f'/r/{CONTACT}/{person.id}/edit"' not in page and "Erase personal data" not in page
    assert guardians.post(f"/r/{CONTACT}/{person.id}/edit", data={"last_name": "X", "version": str(person.version)}
                          ).status_code == 403
    assert guardians.post(f"/r/{CONTACT}/{person.id}/delete", data={"version": str(person.version)}).status_code == 403
    assert guardians.post(f"/r/{CONTACT}/{person.id}/notes", data={"body": "x"}).status_code == 403
    assert guardians.post(f"/contacts/contacts/{person.id}/erase", data={"version": str(person.version)}
                          ).status_code == 403
    patched = api(app, guardian, "PATCH", f"{CONTACT}/{person.id}", json={"city": "Getxo"},
                  headers={"If-Match": "*"})
    assert patched.status_code == 403 and "blocked" in patched.json["detail"]
    with app.test_request_context():
        assert records.get(CONTACT, person.id, user=None)["city"] == "Bilbao"

    assert clerks.post(f"/r/{CONTACT}/{person.id}/unblock").status_code == 404
    assert admin.id and guardians.post(f"/r/{CONTACT}/{person.id}/unblock").status_code == 302
    assert all(visible_on_every_path(app, clerks, clerk, person).values())
    history = [a for a, _u, _f in audit_rows(app, person.id)]
    assert history[-2:] == ["block", "unblock"]
    screen = client_as(admin).get(f"/admin/audit?entity={CONTACT}&record_id={person.id}").text
    assert "Blocked" in screen and "Unblocked" in screen and "Reason for blocking" in screen


def test_a_role_gets_the_permission_on_its_page(app, client_as, clerk, person):
    with app.test_request_context():
        from trato import privacy

        privacy.block(CONTACT, person.id, "Kept for the courts", user=None)
    clerks = client_as(clerk)
    assert clerks.get(f"/r/{CONTACT}/{person.id}").status_code == 404
    admin = client_as("admin")
    with app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "clerk"))
    page = admin.get(f"/admin/roles/{role_id}/permissions").text
    assert "See blocked personal data" in page
    saved = admin.post(f"/admin/roles/{role_id}/permissions", data={"perm-p_view_blocked": "y"})
    assert saved.status_code == 302
    assert "This record is blocked since" in clerks.get(f"/r/{CONTACT}/{person.id}").text
    admin.post(f"/admin/roles/{role_id}/permissions", data={})
    assert clerks.get(f"/r/{CONTACT}/{person.id}").status_code == 404
    audit = admin.get("/admin/audit.csv").text
    assert next(csv.reader(io.StringIO(audit))) and "view_blocked" in audit

"""Duplicates: the warning on the new-record form, the lookup for API clients, and the merge screen."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from trato import records
from trato.roles import Role
from trato.roles import admin as roles_admin

NERTECH = {"name": "Nortech Software", "tax_id": "B95472163"}


@pytest.fixture
def admin(contacts_app, make_user):
    return make_user(admin=True, name="Admin")


def create(app, entity, user, **values):
    with app.test_request_context():
        return records.create(entity, values, user=user)


def stored(app, entity, record_id, deleted=False):
    with app.app_context():
        return records.get(entity, record_id, user=None, deleted=deleted)


def test_the_form_warns_of_a_likely_duplicate_and_saves_when_told_twice(contacts_app, client_as, admin):
    account = create(contacts_app, "contacts_account", admin, **NERTECH)
    create(contacts_app, "contacts_contact", admin, first_name="Íñigo", last_name="Sáenz", account_id=account.id,
           phone="+34 944 055 611")
    client = client_as(admin)
    form = {"first_name": "inigo", "last_name": "SAENZ", "account_id": str(account.id), "owner_id": str(admin.id)}
    first = client.post("/r/contacts_contact/new", data=form)
    assert first.status_code == 422
    assert "This may already be in Trato: Íñigo Sáenz (#1: similar name). Save again to add it anyway" in first.text
    assert 'value="SAENZ"' in first.text  # the input stays
    again = client.post("/r/contacts_contact/new", data=form)
    assert again.status_code == 302
    with contacts_app.app_context():
        assert records.query("contacts_contact", user=None).count().value == 2
    # a phone written differently is the same phone; a changed form is warned again
    other = {"last_name": "Otxoa", "phone": "944055611", "owner_id": str(admin.id)}
    warned = client.post("/r/contacts_contact/new", data=other)
    assert warned.status_code == 422 and "same phone" in warned.text
    assert client.post("/r/contacts_contact/new", data={**other, "last_name": "Otxoa Ruiz"}).status_code == 422


def test_no_warning_without_a_likely_duplicate_nor_through_the_api(contacts_app, client_as, admin):
    create(contacts_app, "contacts_contact", admin, last_name="Byrne", email="siobhan@liffey.example.ie")
    client = client_as(admin)
    fine = client.post("/r/contacts_contact/new", data={"last_name": "Murphy", "email": "declan@liffey.example.ie",
                                                         "owner_id": str(admin.id)})
    assert fine.status_code == 302
    create(contacts_app, "contacts_contact", admin, last_name="Byrne", email="SIOBHAN@liffey.example.ie")
    with contacts_app.app_context():
        assert records.query("contacts_contact", user=None).count().value == 3


def test_duplicates_lookup_for_api_clients(contacts_app, client_as, admin):
    account = create(contacts_app, "contacts_account", admin, **NERTECH)
    aitor = create(contacts_app, "contacts_contact", admin, first_name="Aitor", last_name="Etxeberria",
                   email="aitor@nortech.example.com", account_id=account.id)
    client = client_as(admin)
    found = client.get("/contacts/duplicates?entity=contacts_contact&email=Aitor@Nortech.example.com").json
    assert found["candidates"] == [{"entity": "contacts_contact", "id": aitor.id, "title": "Aitor Etxeberria",
                                    "reasons": ["email"], "url": f"/r/contacts_contact/{aitor.id}"}]
    accounts = client.get("/contacts/duplicates?entity=contacts_account&name=NORTECH software").json
    assert [c["id"] for c in accounts["candidates"]] == [account.id]
    bad = client.get("/contacts/duplicates?entity=sales_deal")
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json" and "entity" in bad.json["errors"]
    assert contacts_app.test_client().get("/contacts/duplicates?email=a@b.c").status_code == 401


def test_merging_accounts_moves_contacts_subsidiaries_notes_and_tags(contacts_app, client_as, admin):
    keep = create(contacts_app, "contacts_account", admin, name="Nortech Software", billing_city="Bilbao")
    gone = create(contacts_app, "contacts_account", admin, name="Nortech Software S.L.", tax_id="B95472163",
                  billing_city="Getxo")
    person = create(contacts_app, "contacts_contact", admin, last_name="Uriarte", account_id=gone.id)
    branch = create(contacts_app, "contacts_account", admin, name="Nortech Norte", parent_id=gone.id)
    client = client_as(admin)
    assert client.post(f"/r/contacts_account/{gone.id}/notes", data={"body": "Met at the fair"}).status_code == 302
    client.post(f"/r/contacts_account/{gone.id}/tags", data={"tag": "vip"})
    client.post(f"/r/contacts_account/{keep.id}/tags", data={"tag": "vip"})
    screen = client.get(f"/contacts/merge?entity=contacts_account&a={keep.id}&b={gone.id}").text
    assert 'name="pick_tax_id" value="b" checked' in screen and "Getxo" in screen
    done = client.post("/contacts/merge", data={"entity": "contacts_account", "a": keep.id, "b": gone.id,
                                                "pick_tax_id": "b", "pick_billing_city": "a"})
    assert done.status_code == 302 and done.headers["Location"] == f"/r/contacts_account/{keep.id}"
    survivor = stored(contacts_app, "contacts_account", keep.id)
    assert (survivor["tax_id"], survivor["billing_city"], survivor["name"]) == ("B95472163", "Bilbao",
                                                                                 "Nortech Software")
    assert stored(contacts_app, "contacts_contact", person.id)["account_id"] == keep.id
    assert stored(contacts_app, "contacts_account", branch.id)["parent_id"] == keep.id
    assert stored(contacts_app, "contacts_account", gone.id, deleted=True)["deleted_at"] is not None
    page = client.get(f"/r/contacts_account/{keep.id}").text
    assert "Met at the fair" in page and "Uriarte" in page and "Nortech Norte" in page
    with contacts_app.app_context():
        from trato import session
        audit = session().execute(text("SELECT entity, record_id, action FROM core_audit WHERE action != 'create' "
                                       "ORDER BY id")).all()
        tags = session().execute(text("SELECT record_id, tag FROM core_tag")).all()
    assert sorted(tuple(r) for r in audit) == sorted([("contacts_contact", person.id, "update"),
                                                      ("contacts_account", branch.id, "update"),
                                                      ("contacts_account", keep.id, "update"),
                                                      ("contacts_account", gone.id, "delete")])
    assert tuple(audit[-1]) == ("contacts_account", gone.id, "delete")  # the loser goes last
    assert [tuple(t) for t in tags] == [(keep.id, "vip")]


def test_merging_contacts_keeps_activities_and_picks_fields(contacts_app, client_as, admin):
    a = create(contacts_app, "contacts_contact", admin, first_name="Nerea", last_name="Uriarte",
               email="nerea@nortech.example.com")
    b = create(contacts_app, "contacts_contact", admin, first_name="Nerea", last_name="Uriarte Lasa",
               email="nerea@nortech.example.com", mobile="+34 600 222 333")
    client = client_as(admin)
    panel = client.get(f"/r/contacts_contact/{a.id}").text
    assert f'href="/contacts/merge?entity=contacts_contact&amp;a={a.id}&amp;b={b.id}"' in panel  # duplicates panel
    client.post(f"/r/contacts_contact/{b.id}/activities", data={"kind": "call", "subject": "Call back Nerea"})
    client.post("/contacts/merge", data={"entity": "contacts_contact", "a": a.id, "b": b.id,
                                         "pick_last_name": "b", "pick_mobile": "b"})
    merged = stored(contacts_app, "contacts_contact", a.id)
    assert (merged["last_name"], merged["mobile"], merged["email"]) == ("Uriarte Lasa", "+34 600 222 333",
                                                                       "nerea@nortech.example.com")
    assert "Call back Nerea" in client.get(f"/r/contacts_contact/{a.id}").text


def test_merging_a_record_with_itself_is_refused(contacts_app, client_as, admin):
    a = create(contacts_app, "contacts_contact", admin, last_name="Shah")
    client = client_as(admin)
    refused = client.post("/contacts/merge", data={"entity": "contacts_contact", "a": a.id, "b": a.id})
    assert refused.status_code == 422
    assert "A record cannot be merged with itself" in refused.text
    assert stored(contacts_app, "contacts_contact", a.id)["version"] == 1


def test_a_merge_that_fails_leaves_nothing_half_done(contacts_app, client_as, make_user, admin):
    """A user who may not edit a record pointing at the loser: refused, and the earlier moves are rolled back."""
    rep = make_user(name="Rep")
    keep = create(contacts_app, "contacts_account", rep, name="Mine")
    gone = create(contacts_app, "contacts_account", rep, name="Mine too")
    mine = create(contacts_app, "contacts_contact", rep, last_name="Mine", account_id=gone.id)
    theirs = create(contacts_app, "contacts_contact", admin, last_name="Not mine", account_id=gone.id)
    response = client_as(rep).post("/contacts/merge", data={"entity": "contacts_account", "a": keep.id,
                                                           "b": gone.id})
    assert response.status_code == 422 and "out of your reach" in response.text
    assert stored(contacts_app, "contacts_contact", mine.id)["account_id"] == gone.id
    assert stored(contacts_app, "contacts_contact", theirs.id)["account_id"] == gone.id
    assert stored(contacts_app, "contacts_account", gone.id)["deleted_at"] is None


def test_a_new_account_with_a_known_tax_id_or_name_is_warned(contacts_app, client_as, admin):
    known = create(contacts_app, "contacts_account", admin, name="Clínica Dental Sonrisa", tax_id="B97234108")
    client = client_as(admin)
    warned = client.post("/r/contacts_account/new", data={"name": "Sonrisa S.L.P.", "tax_id": "b-97234108",
                                                          "owner_id": str(admin.id)})
    assert warned.status_code == 422 and f"Clínica Dental Sonrisa (#{known.id}: same tax ID)" in warned.text
    named = client.post("/r/contacts_account/new", data={"name": "clinica dental sonrisa", "owner_id": str(admin.id)})
    assert named.status_code == 422 and "similar name" in named.text
    stored_lookup = client.get(f"/contacts/duplicates?entity=contacts_account&id={known.id}").json
    assert stored_lookup == {"candidates": []}  # a record is not its own duplicate


def test_an_account_name_matches_whatever_its_legal_form_and_punctuation(contacts_app, admin):
    zubi = create(contacts_app, "contacts_account", admin, name="Talleres Zubi, S.L.")
    create(contacts_app, "contacts_account", admin, name="Talleres Hermanos Ruiz")
    with contacts_app.test_request_context():
        from trato_contacts import duplicates

        found = duplicates.find("contacts_account", {"name": "TALLERES ZUBI SL"}, admin)
        assert [(c.record.id, c.reasons) for c in found] == [(zubi.id, ("name",))]
        assert duplicates.find("contacts_account", {"name": "Talleres Zubi Hermanos"}, admin) == []
        assert duplicates.company_key("Nortech Software S.A.U.") == duplicates.company_key("nortech  software")


def test_the_duplicate_check_never_matches_on_a_field_hidden_from_the_user(contacts_app, admin, make_user):
    rep = make_user(name="Rep")  # the default role
    known = create(contacts_app, "contacts_account", admin, name="Talleres Zubi", tax_id="B97234108",
                   owner_id=rep.id)
    with contacts_app.app_context(), contacts_app.extensions["trato"].sessionmaker() as session:
        rep_role = session.scalar(select(Role).where(Role.name == "sales_rep"))
        roles_admin.set_field_rules(session, rep_role, "contacts_account", {"tax_id": "hidden"})
        session.commit()
    with contacts_app.test_request_context():
        from trato_contacts import duplicates

        assert duplicates.find("contacts_account", {"tax_id": "B97234108"}, rep) == []
        by_name = duplicates.find("contacts_account", {"name": "TALLERES ZUBI", "tax_id": "B97234108"}, rep)
        assert [(c.record.id, c.reasons) for c in by_name] == [(known.id, ("name",))]  # not "tax_id"
        assert [c.reasons for c in duplicates.find("contacts_account", {"tax_id": "B97234108"}, admin)] == [
            ("tax_id",)]


def test_an_import_skips_or_updates_rows_like_existing_contacts(contacts_app, admin):
    """Contacts answers the core's duplicate_finders hook: the import matches contacts as the form warning does
    (here by email, case ignored)."""
    from trato.transfer import imports

    ana = create(contacts_app, "contacts_contact", admin, first_name="Ana", last_name="Etxebarria",
                 email="ana@zubi.example.es")
    rows = "Nombre,Apellidos,Correo electrónico,Ciudad\nAna,Etxebarria,ANA@zubi.example.es,Bilbao\n" \
           "Iker,Zubia,iker@example.es,Getxo\n"
    with contacts_app.test_request_context():
        skipped = imports.run(imports.start(rows.encode(), "gente.csv", "contacts_contact", user=admin,
                                            on_match="skip").id)
    assert (skipped.created, skipped.skipped) == (1, 1)
    with contacts_app.test_request_context():
        updated = imports.run(imports.start(rows.encode(), "gente.csv", "contacts_contact", user=admin,
                                            on_match="update").id)
    assert (updated.created, updated.updated) == (0, 2)  # Ana, and Iker as imported just before
    assert stored(contacts_app, "contacts_contact", ana.id)["city"] == "Bilbao"

"""Merging over the REST API, with the merge page's rules."""
from __future__ import annotations

from trato import records


def create(app, entity, user, **values):
    with app.test_request_context():
        return records.create(entity, values, user=user)


def stored(app, entity, record_id, deleted=False):
    with app.app_context():
        return records.get(entity, record_id, user=None, deleted=deleted)


def test_a_duplicate_contact_is_merged_over_the_api(contacts_app, make_user, api_client_as):
    admin = make_user(admin=True)
    a = create(contacts_app, "contacts_contact", admin, first_name="Nerea", last_name="Uriarte",
               email="nerea@nortech.example.com")
    b = create(contacts_app, "contacts_contact", admin, first_name="Nerea", last_name="Uriarte Lasa",
               mobile="+34 600 222 333")
    api = api_client_as(admin)
    api.post(f"contacts_contact/{b.id}/notes", json={"body": "Prefers mornings"})

    done = api.post(f"contacts_contact/{a.id}/merge", json={"duplicate_id": b.id, "take": ["last_name", "mobile"]})
    assert done.status_code == 200, done.json
    assert (done.json["record"]["last_name"], done.json["record"]["mobile"]) == ("Uriarte Lasa", "+34 600 222 333")
    assert done.json["moved"]["notes"] == 1
    assert stored(contacts_app, "contacts_contact", b.id, deleted=True)["deleted_at"] is not None
    assert [n["body"] for n in api.get(f"contacts_contact/{a.id}/notes").json["data"]] == ["<p>Prefers mornings</p>"]


def test_a_bad_merge_is_refused_at_its_field_and_changes_nothing(contacts_app, make_user, api_client_as):
    admin, rep, other = make_user(admin=True), make_user(name="Rep"), make_user(name="Other")
    a = create(contacts_app, "contacts_contact", admin, last_name="Shah", owner_id=rep.id)
    hidden = create(contacts_app, "contacts_contact", admin, last_name="Shah", owner_id=other.id)
    api = api_client_as(rep)

    itself = api.post(f"contacts_contact/{a.id}/merge", json={"duplicate_id": a.id})
    assert itself.status_code == 422 and "itself" in itself.json["errors"]["duplicate_id"][0]
    bad_field = api.post(f"contacts_contact/{a.id}/merge", json={"duplicate_id": hidden.id, "take": ["id"]})
    assert bad_field.status_code == 422 and "id" in bad_field.json["errors"]["take"][0]
    unseen = api.post(f"contacts_contact/{a.id}/merge", json={"duplicate_id": hidden.id})
    assert unseen.status_code == 404
    assert stored(contacts_app, "contacts_contact", hidden.id)["deleted_at"] is None

"""Followers hear of changes by others; tags on any record and the list filter; the timeline's order and filter."""
from __future__ import annotations

import dataclasses
import io
import re

from trato import records
from trato.activity.models import Notification, Tag
from trato.activity.tags import in_use, tag_filter
from trato.schema import EntitySpec, FieldSpec, create_entity
from trato.testing import signed_in_client

from .conftest import HX, rows, text


def test_followers_are_notified_of_changes_and_the_actor_is_not(trade_app, ana, bruno, as_ana, account):
    as_bruno = signed_in_client(trade_app, bruno)
    assert as_ana.post(f"/r/trade_account/{account.id}/follow", data={"follow": "1"}, headers=HX).status_code == 200
    as_bruno.post(f"/r/trade_account/{account.id}/follow", data={"follow": "1"})
    assert "2 followers" in text(as_ana.get(f"/r/trade_account/{account.id}"))
    with trade_app.app_context():
        records.update("trade_account", account.id, {"city": "Sevilla", "email": "hola@acme.example"}, user=bruno,
                       version=None)
    [sent] = rows(trade_app, Notification)
    assert (sent.user_id, sent.actor_id) == (ana.id, bruno.id)
    assert sorted(sent.data["fields"]) == ["city", "email"]
    page = text(as_ana.get("/notifications"))
    assert "Bruno changed Acme Ibérica: City, Email" in page or "Bruno changed Acme Ibérica: Email, City" in page
    home = text(as_ana.get("/"))
    assert re.search(r'aria-label="Notifications, 1 unread"', home)
    assert re.search(r'<span class="[^"]*unread-count">1</span>', home)
    as_ana.post("/notifications/read", data={"id": str(sent.id)})
    home = text(as_ana.get("/"))
    assert 'aria-label="Notifications"' in home and "unread-count" not in home
    # Unfollowing stops the news; a delete is news too.
    as_bruno.post(f"/r/trade_account/{account.id}/follow", data={"follow": "0"})
    with trade_app.app_context():
        records.delete("trade_account", account.id, user=ana)
    assert len(rows(trade_app, Notification)) == 1
    as_bruno.post(f"/r/trade_account/{account.id}/follow", data={"follow": "1"})  # in the bin: not found
    assert rows(trade_app, Notification, Notification.user_id == bruno.id) == []


def test_a_follower_hears_of_a_delete(trade_app, ana, bruno, as_ana, account):
    as_ana.post(f"/r/trade_account/{account.id}/follow", data={"follow": "1"})
    with trade_app.app_context():
        records.delete("trade_account", account.id, user=bruno)
    assert "Bruno moved Acme Ibérica to the recycle bin" in text(as_ana.get("/notifications"))


def test_tags_are_added_removed_and_filter_a_list(trade_app, as_ana, make_record, account):
    other = make_record("trade_account", name="Beta Autos")
    answer = as_ana.post(f"/r/trade_account/{account.id}/tags", data={"tag": "  VIP  Client "}, headers=HX)
    assert answer.status_code == 200 and "vip client" in text(answer)
    as_ana.post(f"/r/trade_account/{account.id}/tags", data={"tag": "vip client"}, headers=HX)
    as_ana.post(f"/r/trade_account/{other.id}/tags", data={"tag": "renting"}, headers=HX)
    assert [t.tag for t in rows(trade_app, Tag, Tag.record_id == account.id)] == ["vip client"]
    with trade_app.app_context():
        assert in_use("trade_account") == ["renting", "vip client"]  # what a list page offers to filter by
    assert as_ana.post(f"/r/trade_account/{account.id}/tags", data={"tag": " "}, headers=HX).status_code == 422
    with trade_app.app_context():
        query = records.query("trade_account", user=None)
        entity = query.entity
        tagged = dataclasses.replace(query, conditions=(tag_filter(entity, "VIP client"),))
        assert [r["name"] for r in tagged.page().items] == ["Acme Ibérica"]
    as_ana.post(f"/r/trade_account/{account.id}/tags/remove", data={"tag": "vip client"}, headers=HX)
    assert rows(trade_app, Tag, Tag.record_id == account.id) == []


def test_tags_need_the_edit_permission(trade_app, make_user, make_record):
    reader = make_user("reader@example.com", role="read_only")
    record = make_record("trade_account", name="Read me")
    client = signed_in_client(trade_app, reader)
    assert "New tag" not in text(client.get(f"/r/trade_account/{record.id}"))
    assert client.post(f"/r/trade_account/{record.id}/tags", data={"tag": "x"}).status_code == 403
    # Viewing is enough to add a note.
    assert client.post(f"/r/trade_account/{record.id}/notes", data={"body": "seen"}, headers=HX).status_code == 200


def _events(page: str) -> list[str]:
    return re.findall(r'<li class="event event-(\w+)">', page)


def test_the_timeline_is_newest_first_and_filters_by_kind(trade_app, as_ana, ana, account):
    base = f"/r/trade_account/{account.id}"
    as_ana.post(f"{base}/notes", data={"body": "first note"})
    as_ana.post(f"{base}/activities", data={"kind": "call", "subject": "Ring"})
    as_ana.post(f"{base}/files", content_type="multipart/form-data",
                data={"file": (io.BytesIO(b"plain text"), "a.txt")})
    with trade_app.app_context():
        records.update("trade_account", account.id, {"city": "Bilbao"}, user=ana, version=None)
    as_ana.post(f"{base}/notes", data={"body": "last note"})
    page = text(as_ana.get(base))
    assert _events(page) == ["notes", "changes", "files", "activities", "notes", "changes"]
    assert page.index("last note") < page.index("first note")
    notes_only = as_ana.get(f"{base}/timeline?kind=notes", headers=HX)
    assert _events(text(notes_only)) == ["notes", "notes"] and "<html" not in text(notes_only)
    assert _events(text(as_ana.get(f"{base}/timeline?kind=changes", headers=HX))) == ["changes", "changes"]
    assert _events(text(as_ana.get(f"{base}/timeline?kind=files", headers=HX))) == ["files"]
    full = text(as_ana.get(f"{base}/timeline?kind=activities"))  # without HTMX: a page of its own
    assert "<html" in full and _events(full) == ["activities"]


def test_a_custom_entity_made_a_minute_ago_has_it_all(make_app, make_user):
    app = make_app()
    admin = make_user(admin=True, app=app, name="Ada")
    with app.app_context():
        create_entity(EntitySpec("vehicle", {"en": "Vehicle"}, {"en": "Vehicles"},
                                 [FieldSpec("plate", "text", {"en": "Plate"}, required=True)]), user=admin)
        record = records.create("x_vehicle", {"plate": "1234 BCD"}, user=admin)
    client = signed_in_client(app, admin)
    base = f"/r/x_vehicle/{record.id}"
    client.post(f"{base}/notes", data={"body": "ITV due"})
    client.post(f"{base}/tags", data={"tag": "fleet"})
    page = text(client.get(base))
    assert "ITV due" in page and "fleet" in page


def test_the_record_page_in_spanish(trade_app, make_user, account):
    maria = make_user("maria@example.com", admin=True, name="María", locale="es")
    client = signed_in_client(trade_app, maria)
    client.post(f"/r/trade_account/{account.id}/notes", data={"body": "hola"})
    page = text(client.get(f"/r/trade_account/{account.id}"))
    for words in ("Etiquetas", "Seguir", "Cronología", "Añadir una nota", "Añadir una actividad",
                  "Adjuntar un archivo", "María escribió una nota", "Notificaciones"):
        assert words in page, words
    agenda = text(client.get("/activities"))
    assert "Mis actividades" in agenda and "Vencidas" in agenda and "Dirección de calendario" not in agenda
    assert "Ninguna notificación." in text(client.get("/notifications"))


def test_a_follower_who_can_no_longer_see_the_record_hears_nothing(trade_app, make_user, make_record, ana):
    rep = make_user("rep@example.com", name="Rep")
    record = make_record("trade_account", owner=rep, name="Rep's client")
    signed_in_client(trade_app, rep).post(f"/r/trade_account/{record.id}/follow", data={"follow": "1"})
    with trade_app.app_context():
        records.update("trade_account", record.id, {"owner_id": ana.id}, user=ana, version=None)  # out of rep's scope
        records.update("trade_account", record.id, {"city": "Cádiz"}, user=ana, version=None)
    assert rows(trade_app, Notification) == []

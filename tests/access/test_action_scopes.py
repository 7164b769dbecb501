"""A scope per action: a role that sees every record but changes and deletes only its own.

A record the user sees but may not change is refused with 403 and a message
naming it (it is visible, so "not found" would be wrong) on every path that
writes: the API, its bulk calls, the form, a cell edited in place, a kanban
drop, mass actions, an import that updates, restore; and its pages do not
offer the buttons. The meta API sets the scopes and refuses one wider than
what the role sees.
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from trato import db, records
from trato.roles.admin import Grant, set_matrix
from trato.roles.membership import role_named
from trato.roles.models import RolePermission
from trato.transfer import imports

from ..api.conftest import Api, token_for

EVERYTHING = frozenset({"view", "create", "edit", "delete", "import", "export"})
REFUSED = "Your role lets you see but not change: “Theirs”."


@pytest.fixture
def world(trade_app, make_user) -> dict[str, Any]:
    """Sales reps who see every record and change and delete only their own; one record each."""
    with trade_app.app_context(), trade_app.extensions["trato"].sessionmaker() as session:
        set_matrix(session, role_named(session, "sales_rep"), {"*": Grant(EVERYTHING, "all", "own", "own")})
        session.commit()
    me, other = make_user(name="Me", app=trade_app), make_user(name="Other", app=trade_app)
    with trade_app.test_request_context():
        mine = records.create("trade_deal", {"name": "Mine", "owner_id": me.id}, user=None)
        theirs = records.create("trade_deal", {"name": "Theirs", "owner_id": other.id}, user=None)
    return {"app": trade_app, "me": me, "other": other, "mine": mine, "theirs": theirs}


def stored(world: dict[str, Any], key: str) -> Any:
    """The record as stored, in the recycle bin or not."""
    with world["app"].test_request_context():
        table = world["app"].extensions["trato"].entities.get("trade_deal").table
        return db.session().execute(select(table).where(table.c.id == world[key].id)).mappings().one()


def api(world: dict[str, Any]) -> Api:
    app = world["app"]
    return Api(app.test_client(), token_for(app, world["me"], "write"), world["me"])


def test_the_api_shows_every_record_and_refuses_changing_anothers_with_403(world):
    client, theirs, mine = api(world), world["theirs"], world["mine"]
    listed = client.get("trade_deal")
    assert {row["name"] for row in listed.json["data"]} == {"Mine", "Theirs"}
    assert client.get(f"trade_deal/{theirs.id}").status_code == 200

    changed = client.patch(f"trade_deal/{theirs.id}", json={"name": "Hacked"},
                           headers={"If-Match": f'"{theirs.version}"'})
    assert changed.status_code == 403 and changed.json["detail"] == REFUSED
    deleted = client.delete(f"trade_deal/{theirs.id}")
    assert deleted.status_code == 403
    assert deleted.json["detail"] == "Your role lets you see but not delete: “Theirs”."
    assert stored(world, "theirs")["name"] == "Theirs" and stored(world, "theirs")["deleted_at"] is None

    both = client.patch("trade_deal/bulk", json={"records": [
        {"id": mine.id, "version": mine.version, "values": {"name": "Mine 2"}},
        {"id": theirs.id, "version": theirs.version, "values": {"name": "Theirs 2"}}]})
    assert both.status_code == 403 and both.json["errors"] == {"records.1.id": [REFUSED]}
    assert stored(world, "mine")["name"] == "Mine"  # all or nothing

    ok = client.patch(f"trade_deal/{mine.id}", json={"name": "Mine 3"}, headers={"If-Match": f'"{mine.version}"'})
    assert ok.status_code == 200 and ok.json["name"] == "Mine 3"


def test_giving_ones_record_away_follows_the_edit_scope(world):
    client, mine = api(world), world["mine"]
    given = client.patch(f"trade_deal/{mine.id}", json={"owner_id": world["other"].id},
                         headers={"If-Match": f'"{mine.version}"'})
    assert given.status_code == 422
    assert given.json["errors"] == {"owner_id": ["Your role lets you give records only to yourself."]}


def test_the_pages_offer_no_change_of_anothers_record_and_refuse_it(world, client_as):
    client, theirs, mine = client_as(world["me"], app=world["app"]), world["theirs"], world["mine"]
    page = client.get(f"/r/trade_deal/{theirs.id}").get_data(as_text=True)
    assert "Theirs" in page
    assert f'href="/r/trade_deal/{theirs.id}/edit"' not in page and f"/r/trade_deal/{theirs.id}/delete" not in page
    own = client.get(f"/r/trade_deal/{mine.id}").get_data(as_text=True)
    assert f'href="/r/trade_deal/{mine.id}/edit"' in own and f"/r/trade_deal/{mine.id}/delete" in own

    form = client.get(f"/r/trade_deal/{theirs.id}/edit")
    assert form.status_code == 403 and REFUSED in form.get_data(as_text=True)
    posted = client.post(f"/r/trade_deal/{theirs.id}/edit", data={"name": "Hacked", "stage": "new",
                                                                  "version": theirs.version})
    assert posted.status_code == 403
    cell = client.get(f"/r/trade_deal/{theirs.id}/cell/name")
    assert cell.status_code == 403
    saved = client.post(f"/r/trade_deal/{theirs.id}/cell/name", data={"name": "Hacked", "version": theirs.version})
    assert saved.status_code == 403 and REFUSED in saved.get_data(as_text=True)
    moved = client.post("/r/trade_deal/kanban/move", data={"by": "stage", "id": theirs.id, "value": "won",
                                                           "version": theirs.version})
    assert moved.status_code == 403 and moved.json["message"] == REFUSED
    mass = client.post("/r/trade_deal/mass", data={"action": "update", "field": "stage", "value": "won",
                                                   "ids": [mine.id, theirs.id]}, follow_redirects=True)
    assert f"Nothing was changed: {REFUSED}" in mass.get_data(as_text=True)
    gone = client.post("/r/trade_deal/mass", data={"action": "delete", "ids": [theirs.id]}, follow_redirects=True)
    assert "Your role lets you see but not delete: “Theirs”." in gone.get_data(as_text=True)
    assert stored(world, "theirs")["stage"] == "new" and stored(world, "mine")["stage"] == "new"
    assert stored(world, "theirs")["name"] == "Theirs" and stored(world, "theirs")["deleted_at"] is None


def test_the_list_offers_in_place_edits_only_on_ones_own_records(world, client_as):
    page = client_as(world["me"], app=world["app"]).get("/r/trade_deal/?cols=name,stage").get_data(as_text=True)
    assert f"/r/trade_deal/{world['mine'].id}/cell/stage" in page
    assert f"/r/trade_deal/{world['theirs'].id}/cell/stage" not in page


def test_the_board_lets_one_drag_only_ones_own_cards(world, client_as):
    page = client_as(world["me"], app=world["app"]).get("/r/trade_deal/kanban?by=stage").get_data(as_text=True)
    mine = re.search(rf'<li class="kanban-card" id="card-{world["mine"].id}"[^>]*>', page).group(0)
    theirs = re.search(rf'<li class="kanban-card" id="card-{world["theirs"].id}"[^>]*>', page).group(0)
    assert 'data-movable="true"' in mine and "title=" not in mine
    assert "data-movable" not in theirs
    assert 'title="You may not change this record, so its card stays where it is."' in theirs


def test_restoring_anothers_record_is_refused(world):
    with world["app"].test_request_context():
        records.delete("trade_deal", world["theirs"].id, user=None)
    restored = api(world).post(f"trade_deal/{world['theirs'].id}/restore")
    assert restored.status_code == 403
    assert restored.json["detail"] == "Your role lets you see but not restore: “Theirs”."
    assert stored(world, "theirs")["deleted_at"] is not None


def test_an_import_that_updates_reports_the_rows_of_records_it_may_not_change(world):
    theirs, mine = world["theirs"], world["mine"]
    data = f"ID,Name\n{mine.id},Mine by file\n{theirs.id},Theirs by file\n".encode()
    with world["app"].test_request_context():
        started = imports.start(data, "deals.csv", "trade_deal", user=world["me"], mode="update")
        done = imports.run(started.id)
    assert (done.updated, done.failed) == (1, 1)
    assert stored(world, "mine")["name"] == "Mine by file" and stored(world, "theirs")["name"] == "Theirs"


def test_the_meta_api_sets_scopes_per_action_and_refuses_one_wider_than_what_is_seen(world, make_user):
    app = world["app"]
    admin = make_user(name="Ada", admin=True, app=app)
    client = Api(app.test_client(), token_for(app, admin, "write"), admin)
    rep = client.get("meta/roles/sales_rep")
    assert rep.status_code == 200
    assert rep.json["permissions"]["*"] == {"actions": ["view", "create", "edit", "delete", "import", "export"],
                                            "scope": "all", "edit_scope": "own", "delete_scope": "own"}
    wider = client.patch("meta/roles/sales_rep", json={"permissions": {"trade_deal": {
        "actions": ["view", "edit"], "scope": "own", "edit_scope": "team"}}})
    assert wider.status_code == 422
    assert wider.json["errors"] == {"permissions.trade_deal.edit_scope": [
        "Deals: users cannot change more records than they see (“Own records”); choose that scope or a narrower "
        "one."]}
    made = client.patch("meta/roles/sales_rep", json={"permissions": {"trade_deal": {
        "actions": ["view", "edit", "delete"], "scope": "team", "edit_scope": "own"}}})
    assert made.status_code == 200
    assert made.json["permissions"]["trade_deal"] == {"actions": ["view", "edit", "delete"], "scope": "team",
                                                      "edit_scope": "own", "delete_scope": "team"}
    with app.extensions["trato"].sessionmaker() as session:
        row = session.scalar(select(RolePermission).where(RolePermission.entity == "trade_deal"))
        assert (row.scope, row.edit_scope, row.delete_scope) == ("team", "own", "team")
    user = Api(app.test_client(), token_for(app, world["me"], "write"), world["me"])
    assert user.get("meta/roles").status_code == 403

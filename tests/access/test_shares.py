"""Sharing one record with a user or a team: from the record's page and the API, checked and audited.

A sales rep sees only their own records; a record of someone else shared
with them (or their team) appears in their lists, search, kanban, calendar
and exports and over the API, and with `edit` access they may change it. Only
the record's owner, or someone who may change it, shares it. A share goes
when the record is purged and stays through the recycle bin.
"""
from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from openapi_spec_validator import validate
from sqlalchemy import event, select

from trato import engine, records
from trato.db import Base
from trato.records.audit import AuditEntry
from trato.records.purge import purge_record
from trato.roles import shared as sharing
from trato.roles import shares
from trato.roles.models import RecordShare, Team
from trato.roles.admin import Grant, set_matrix
from trato.roles.membership import role_named, set_teams
from trato.transfer.export import export_csv

from ..api.conftest import Api, token_for


@pytest.fixture
def world(trade_app, make_user) -> dict[str, Any]:
    """Sales reps (own records only, and they may export), a team of one of them, and deals of another."""
    with trade_app.app_context(), trade_app.extensions["trato"].sessionmaker() as session:
        set_matrix(session, role_named(session, "sales_rep"),
                   {"*": Grant(frozenset({"view", "create", "edit", "delete", "export"}), "own")})
        team = Team(name="Norte")
        session.add(team)
        session.commit()
        team_id = team.id
    owner, me = make_user(name="Olga Owner", app=trade_app), make_user(name="Mario Me", app=trade_app)
    mate = make_user(name="Tina Teammate", app=trade_app, teams=[team_id])
    with trade_app.test_request_context():
        deal = records.create("trade_deal", {"name": "Olga's deal", "owner_id": owner.id,
                                             "closes_on": "2026-12-01"}, user=None)
        records.create("trade_deal", {"name": "Another of Olga's", "owner_id": owner.id}, user=None)
    return {"app": trade_app, "owner": owner, "me": me, "mate": mate, "team_id": team_id, "deal": deal}


def api(world: dict[str, Any], who: str) -> Api:
    app = world["app"]
    return Api(app.test_client(), token_for(app, world[who], "write"), world[who])


def names(answer: Any) -> set[str]:
    assert answer.status_code == 200, answer.json
    return {row["name"] for row in answer.json["data"]}


def share(world: dict[str, Any], level: str, **grantee: int) -> None:
    with world["app"].test_request_context():
        shares.share("trade_deal", world["deal"].id, user=world["owner"], level=level, **grantee)


def test_a_record_shared_to_see_appears_everywhere_but_cannot_be_changed(world, client_as):
    me, deal = api(world, "me"), world["deal"]
    assert names(me.get("trade_deal")) == set() and me.get(f"trade_deal/{deal.id}").status_code == 404
    share(world, "view", to_user=world["me"].id)

    assert names(me.get("trade_deal")) == {"Olga's deal"}
    assert names(me.get("trade_deal?q=olga")) == {"Olga's deal"}
    assert me.get(f"trade_deal/{deal.id}").json["name"] == "Olga's deal"
    page = client_as(world["me"], app=world["app"])
    assert "Olga&#39;s deal" in page.get("/r/trade_deal/").get_data(as_text=True)
    assert "Olga&#39;s deal" in page.get("/r/trade_deal/kanban?by=stage").get_data(as_text=True)
    assert "Olga&#39;s deal" in page.get("/r/trade_deal/calendar?field=closes_on&month=2026-12").get_data(as_text=True)
    assert "Olga&#39;s deal" in page.get("/search/?q=olga").get_data(as_text=True)
    with world["app"].test_request_context():
        exported = "".join(export_csv("trade_deal", user=world["me"]))
    assert "Olga's deal" in exported and "Another of Olga's" not in exported

    changed = me.patch(f"trade_deal/{deal.id}", json={"name": "Mine now"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 403
    assert changed.json["detail"] == "Your role lets you see but not change: “Olga's deal”."
    detail = page.get(f"/r/trade_deal/{deal.id}").get_data(as_text=True)
    assert f'href="/r/trade_deal/{deal.id}/edit"' not in detail
    assert me.delete(f"trade_deal/{deal.id}").status_code == 403


def test_an_edit_share_lets_them_change_it_but_not_delete_it(world):
    me, deal = api(world, "me"), world["deal"]
    share(world, "edit", to_user=world["me"].id)
    changed = me.patch(f"trade_deal/{deal.id}", json={"stage": "won"}, headers={"If-Match": f'"{deal.version}"'})
    assert changed.status_code == 200 and changed.json["stage"] == "won"
    deleted = me.delete(f"trade_deal/{deal.id}")
    assert deleted.status_code == 403 and "see but not delete" in deleted.json["detail"]


def test_a_record_shared_with_a_team_is_shared_with_its_members(world):
    share(world, "edit", to_team=world["team_id"])
    assert names(api(world, "mate").get("trade_deal")) == {"Olga's deal"}
    assert names(api(world, "me").get("trade_deal")) == set()
    with world["app"].extensions["trato"].sessionmaker() as session:  # Mario joins the team
        set_teams(session, session.get(type(world["me"]), world["me"].id), [world["team_id"]])
        session.commit()
    assert names(api(world, "me").get("trade_deal")) == {"Olga's deal"}


def test_the_owner_shares_from_the_records_page_and_the_change_is_audited(world, client_as):
    deal, app = world["deal"], world["app"]
    owner = client_as(world["owner"], app=app)
    page = owner.get(f"/r/trade_deal/{deal.id}").get_data(as_text=True)
    assert "Who it is shared with" in page and "Not shared with anyone." in page
    assert f'<option value="user:{world["me"].id}">Mario Me</option>' in page
    assert f'value="user:{world["owner"].id}"' not in page  # not with its own owner

    htmx = {"HX-Request": "true"}
    missing = owner.post(f"/r/trade_deal/{deal.id}/shares", data={"grantee": "", "access": "edit"}, headers=htmx)
    assert missing.status_code == 422
    assert re.search(r'<p class="field-error" id="share-grantee-error" role="alert">Choose one user or one team to '
                     r'share with.</p>', missing.get_data(as_text=True))

    made = owner.post(f"/r/trade_deal/{deal.id}/shares", data={"grantee": f"user:{world['me'].id}",
                                                              "access": "edit"}, headers=htmx)
    assert made.status_code == 200
    panel = made.get_data(as_text=True)
    assert panel.strip().startswith('<div id="record-shares"')
    assert "Mario Me" in panel and "May see and change it" in panel
    with app.extensions["trato"].sessionmaker() as session:
        [row] = session.scalars(select(RecordShare))
        assert (row.entity, row.record_id, row.user_id, row.access, row.shared_by) == \
            ("trade_deal", deal.id, world["me"].id, "edit", world["owner"].id)
        share_id = row.id
    removed = owner.post(f"/r/trade_deal/{deal.id}/shares/{share_id}/delete", headers=htmx)
    assert removed.status_code == 200 and "Not shared with anyone." in removed.get_data(as_text=True)
    with app.extensions["trato"].sessionmaker() as session:
        history = [(e.action, e.user_id, e.changes) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.record_id == deal.id, AuditEntry.action.in_(["share", "unshare"]))
            .order_by(AuditEntry.id))]
    assert history == [("share", world["owner"].id, {"shared_with": [None, "Mario Me"], "access": [None, "edit"]}),
                       ("unshare", world["owner"].id, {"shared_with": ["Mario Me", None], "access": ["edit", None]})]
    timeline = owner.get(f"/r/trade_deal/{deal.id}").get_data(as_text=True)
    assert "shared the record" in timeline and "stopped sharing the record" in timeline


def test_the_panel_speaks_spanish(world, client_as):
    share(world, "view", to_user=world["me"].id)
    client = client_as(world["owner"], app=world["app"])
    page = client.get(f"/r/trade_deal/{world['deal'].id}", headers={"Accept-Language": "es-ES"})
    text = page.get_data(as_text=True)
    assert "Con quién se comparte" in text and "Puede verlo" in text and "Compartir con" in text


def test_only_the_owner_or_who_may_change_it_shares_a_record(world):
    share(world, "view", to_user=world["me"].id)
    me, deal = api(world, "me"), world["deal"]
    refused = me.post(f"trade_deal/{deal.id}/shares", json={"user_id": world["mate"].id, "access": "view"})
    assert refused.status_code == 403
    assert refused.json["detail"] == "Only the owner of “Olga's deal”, or someone who may change it, may share it."
    assert me.get(f"trade_deal/{deal.id}/shares").json["data"][0]["grantee"] == "Mario Me"  # they see it
    assert api(world, "mate").get(f"trade_deal/{deal.id}/shares").status_code == 404  # they don't
    share(world, "edit", to_user=world["me"].id)  # sharing again changes the access
    made = me.post(f"trade_deal/{deal.id}/shares", json={"team_id": world["team_id"], "access": "view"})
    assert made.status_code == 201 and made.json["grantee"] == "Norte" and made.json["shared_by"] == world["me"].id


def test_the_api_makes_lists_and_removes_shares_and_names_bad_input(world):
    owner, deal = api(world, "owner"), world["deal"]
    base = f"trade_deal/{deal.id}/shares"
    made = owner.post(base, json={"user_id": world["me"].id, "access": "view"})
    assert made.status_code == 201 and made.json["access"] == "view" and made.json["user_id"] == world["me"].id
    again = owner.post(base, json={"user_id": world["me"].id, "access": "edit"})
    assert again.status_code == 200 and again.json["id"] == made.json["id"] and again.json["access"] == "edit"
    assert [s["access"] for s in owner.get(base).json["data"]] == ["edit"]

    for body, field, message in (
            ({"user_id": world["me"].id, "access": "all"}, "access",
             "Choose whether they may see the record or also change it."),
            ({"access": "view"}, "user_id", "Choose one user or one team to share with."),
            ({"user_id": 99999, "access": "view"}, "user_id", "There is no active user with the id 99999."),
            ({"team_id": 99999, "access": "view"}, "team_id", "There is no team with the id 99999."),
            ({"user_id": world["owner"].id, "access": "view"}, "user_id", "This user owns the record already.")):
        answer = owner.post(base, json=body)
        assert answer.status_code == 422 and answer.json["errors"] == {field: [message]}, body
    unknown = owner.post(base, json={"user_id": world["me"].id, "access": "view", "role": "boss"})
    assert unknown.status_code == 422 and "role" in unknown.json["errors"]
    assert owner.post(base, json=[1]).status_code == 422

    assert owner.delete(f"{base}/{made.json['id']}").status_code == 204
    assert owner.get(base).json["data"] == []
    assert owner.delete(f"{base}/{made.json['id']}").status_code == 404
    assert owner.get("trade_deal/999999/shares").status_code == 404


def test_sharing_with_the_same_user_at_once_makes_one_share_and_no_error(world, serve):
    """Eight requests through a real server at once: the unique key refuses all inserts but one, and each
    refused one finds that share and answers with it."""
    base = serve(world["app"])
    token = token_for(world["app"], world["owner"], "write")
    body = json.dumps({"user_id": world["me"].id, "access": "view"}).encode()
    start = threading.Barrier(8)

    def share_once(_n: int) -> tuple[int, int]:
        start.wait()
        request = urllib.request.Request(f"{base}/api/v1/trade_deal/{world['deal'].id}/shares", data=body,
                                         method="POST", headers={"Authorization": f"Bearer {token}",
                                                                 "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read())["id"]
        except urllib.error.HTTPError as err:
            return err.code, 0

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(share_once, range(8)))
    assert sorted(status for status, _id in answers) == [200] * 7 + [201], answers
    with world["app"].extensions["trato"].sessionmaker() as session:
        [row] = session.scalars(select(RecordShare))
    assert {share_id for _status, share_id in answers} == {row.id}


def test_the_openapi_document_describes_the_shares(world):
    doc = api(world, "owner").get("openapi.json").json
    validate(doc)
    paths = doc["paths"]["/api/v1/trade_deal/{record_id}/shares"]
    assert set(paths) == {"get", "post"}
    assert "delete" in doc["paths"]["/api/v1/trade_deal/{record_id}/shares/{share_id}"]
    assert doc["components"]["schemas"]["ShareInput"]["properties"]["access"]["enum"] == ["view", "edit"]


def test_shares_stay_through_the_recycle_bin_and_go_with_a_purge(world):
    deal, app = world["deal"], world["app"]
    share(world, "view", to_user=world["me"].id)
    with app.test_request_context():
        records.delete("trade_deal", deal.id, user=world["owner"])
    assert names(api(world, "me").get("trade_deal")) == set()
    with app.test_request_context():
        records.restore("trade_deal", deal.id, user=world["owner"])
    assert names(api(world, "me").get("trade_deal")) == {"Olga's deal"}
    with app.test_request_context():
        records.delete("trade_deal", deal.id, user=world["owner"])
        purge_record("trade_deal", deal.id, user=None)
    with app.extensions["trato"].sessionmaker() as session:
        assert session.scalars(select(RecordShare)).all() == []


def list_statements(world: dict[str, Any], who: str) -> tuple[set[str], list[str]]:
    """The deals `who` lists over the API, and the statements that read them."""
    client = api(world, who)
    sent: list[str] = []
    listen = lambda *args: sent.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    with world["app"].app_context():
        target = engine()
    event.listen(target, "before_cursor_execute", listen)
    try:
        listed = names(client.get("trade_deal"))
    finally:
        event.remove(target, "before_cursor_execute", listen)
    return listed, [s for s in sent if "FROM trade_deal" in s and "ORDER BY" in s]


def test_lists_of_users_without_shares_pay_nothing_for_them(world):
    """The share condition is added only for the entities where the user holds a share."""
    _listed, [page] = list_statements(world, "me")
    share(world, "view", to_user=world["me"].id)
    assert list_statements(world, "mate")[1] == [page]  # the statement of a user with no share is unchanged
    _listed, [shared_page] = list_statements(world, "me")
    assert shared_page != page


@pytest.mark.parametrize("few", [sharing.FEW, 0])
def test_the_condition_reads_by_index_for_who_owns_few_records_and_by_exists_for_the_others(world, monkeypatch,
                                                                                            few):
    """Owning few records, a user's page reads them and the shared ones by id; owning many, it is read in its
    order with an EXISTS per row (each fast at a million records); both list the same records."""
    monkeypatch.setattr(sharing, "FEW", few)
    with world["app"].test_request_context():
        records.create("trade_deal", {"name": "Mario's own", "owner_id": world["me"].id}, user=None)
    share(world, "view", to_user=world["me"].id)
    listed, [page] = list_statements(world, "me")
    assert listed == {"Olga's deal", "Mario's own"}
    if few:
        assert "trade_deal.id IN (" in page and "core_record_share" not in page
    else:
        assert "EXISTS" in page and "core_record_share" in page


def test_the_migrations_make_what_the_models_describe(app):
    """c012 and c016 against the models of permission rows and shares: autogenerate finds nothing to change."""
    with app.extensions["trato"].engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert [d for d in diffs if any(t in repr(d) for t in ("core_record_share", "core_role_permission"))] == []

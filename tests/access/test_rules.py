"""Field rules (hidden, read-only), who may own what, and ids that cannot be guessed."""
from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from trato_contacts import plugin as contacts_plugin
from trato_trade import plugin as trade_plugin

from trato import records, tokens
from trato.models import User
from trato.records.audit import AuditEntry
from trato.roles.models import Role, RoleFieldRule, Team

from .conftest import form_data


class Api:
    """Bearer-token calls as one user."""

    def __init__(self, app: Any, user: User) -> None:
        self.app = app
        with app.extensions["trato"].sessionmaker() as session:
            self.token = tokens.create(session, session.get(User, user.id), "rules", tokens.WRITE, None)[1]
            session.commit()

    def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} | kwargs.pop("headers", {})
        return self.app.test_client().open(f"/api/v1/{path}", method=method, headers=headers, **kwargs)


@pytest.fixture
def app(make_app):
    return make_app(plugins=["contacts", "trade"], extra_plugins={"contacts": contacts_plugin, "trade": trade_plugin})


@pytest.fixture
def team_ids(app):
    with app.extensions["trato"].sessionmaker() as session:
        teams = [Team(name="North"), Team(name="South")]
        session.add_all(teams)
        session.commit()
        return [t.id for t in teams]


def rules(app, role: str, entity: str, **by_field: str) -> None:
    with app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == role))
        session.add_all(RoleFieldRule(role_id=role_id, entity=entity, field=f, rule=r) for f, r in by_field.items())
        session.commit()


def make(app, entity: str, owner: User | None = None, **values: Any) -> Any:
    with app.test_request_context():
        return records.create(entity, values | ({"owner_id": owner.id} if owner else {}), user=None)


def stored(app, entity: str, record_id: int) -> Any:
    with app.test_request_context():
        return records.get(entity, record_id, user=None)


def test_a_rep_cannot_reach_another_reps_record_by_its_id(app, make_user):
    ana, bruno = make_user(name="Ana"), make_user(name="Bruno")
    theirs = make(app, "trade_account", bruno, name="Bruno's", city="Lugo")
    api = Api(app, ana)
    for method, kwargs in [("GET", {}), ("PATCH", {"json": {"name": "Mine"}, "headers": {"If-Match": '"1"'}}),
                           ("DELETE", {})]:
        answer = api(method, f"trade_account/{theirs.id}", **kwargs)
        assert answer.status_code == 404 and answer.json["errors"] == {
            "id": [f"No trade_account record with id {theirs.id}."]}
    assert api("GET", f"trade_account/{theirs.id + 1000}").json["detail"] == \
        f"No trade_account record with id {theirs.id + 1000}."  # the same answer as for a missing one
    assert api("GET", "trade_account?city=Lugo").json["data"] == []
    deal = api("POST", "trade_deal", json={"name": "Sneaky", "account_id": theirs.id})
    assert deal.status_code == 422 and deal.json["errors"] == {
        "account_id": [f"There is no such record (id {theirs.id})."]}
    assert api("GET", "trade_deal?account_id.name=Bruno's").json["data"] == []
    assert stored(app, "trade_account", theirs.id)["name"] == "Bruno's"


def test_a_rep_gives_records_only_to_themselves_and_teams_they_belong_to(app, make_user, team_ids):
    north, south = team_ids
    ana, bruno = make_user(name="Ana", teams=[north]), make_user(name="Bruno")
    api = Api(app, ana)
    refused = api("POST", "trade_account", json={"name": "For Bruno", "owner_id": bruno.id})
    assert refused.status_code == 422
    assert refused.json["errors"] == {"owner_id": ["Your role lets you give records only to yourself."]}
    made = api("POST", "trade_account", json={"name": "Mine", "team_id": north})
    assert made.status_code == 201 and (made.json["owner_id"], made.json["team_id"]) == (ana.id, north)
    moved = api("PATCH", f"trade_account/{made.json['id']}", json={"owner_id": bruno.id, "team_id": south},
                headers={"If-Match": '"1"'})
    assert moved.status_code == 422 and moved.json["errors"] == {
        "owner_id": ["Your role lets you give records only to yourself."],
        "team_id": ["Your role lets you give records only to teams you belong to."]}
    missing = api("POST", "trade_account", json={"name": "Nowhere", "team_id": 999})
    assert missing.status_code == 422 and missing.json["errors"] == {"team_id": ["There is no team with the id 999."]}
    same = api("PATCH", f"trade_account/{made.json['id']}", json={"owner_id": ana.id, "name": "Still mine"},
               headers={"If-Match": '"1"'})
    assert same.status_code == 200 and same.json["owner_id"] == ana.id
    with app.test_request_context():
        assert records.query("trade_account", user=None).count().value == 1


def test_a_manager_gives_records_within_their_scope_and_the_audit_shows_it(app, make_user):
    boss = make_user(name="Boss", role="sales_manager")
    rep = make_user(name="Rep")  # a sales rep reports to the sales manager
    outsider = make_user(name="Outsider", role="read_only")
    account = make(app, "trade_account", boss, name="Acme")
    api = Api(app, boss)
    given = api("PATCH", f"trade_account/{account.id}", json={"owner_id": rep.id}, headers={"If-Match": '"1"'})
    assert given.status_code == 200 and given.json["owner_id"] == rep.id
    assert api("GET", f"trade_account/{account.id}").status_code == 200  # still in the manager's scope
    away = api("PATCH", f"trade_account/{account.id}", json={"owner_id": outsider.id}, headers={"If-Match": '"2"'})
    assert away.status_code == 422 and list(away.json["errors"]) == ["owner_id"]
    with app.extensions["trato"].sessionmaker() as session:
        trail = session.scalars(select(AuditEntry).where(AuditEntry.entity == "trade_account",
                                                         AuditEntry.record_id == account.id)
                                .order_by(AuditEntry.id)).all()
    assert [(e.action, e.user_id, e.changes) for e in trail][1:] == [
        ("update", boss.id, {"owner_id": [boss.id, rep.id]})]


def test_hidden_fields_are_left_out_of_output_and_refused_in_input_filters_and_sort(app, make_user):
    rules(app, "sales_rep", "trade_account", city="hidden", employees="readonly")
    ana = make_user(name="Ana")
    account = make(app, "trade_account", ana, name="Acme", city="Lugo", employees=12)
    api = Api(app, ana)
    one = api("GET", f"trade_account/{account.id}").json
    assert "city" not in one and one["employees"] == 12 and one["name"] == "Acme"
    assert all("city" not in row for row in api("GET", "trade_account").json["data"])
    for query, word in [("city=Lugo", "filtered"), ("sort=city", "sorted"), ("sort=-city", "sorted")]:
        answer = api("GET", f"trade_account?{query}")
        assert answer.status_code == 400, query
        assert answer.json["errors"] == {"city": [f"Field 'city' is hidden for your role: records cannot be {word} "
                                                  "by it."]}
    assert api("GET", "trade_account?q=Lugo").json["data"] == []  # search does not look into hidden fields
    assert [r["id"] for r in api("GET", "trade_account?q=Acme").json["data"]] == [account.id]

    hidden = api("PATCH", f"trade_account/{account.id}", json={"city": "Vigo"}, headers={"If-Match": '"1"'})
    assert hidden.status_code == 422
    assert hidden.json["errors"] == {"city": ["This field is hidden for your role and cannot be set."]}
    readonly = api("PATCH", f"trade_account/{account.id}", json={"employees": 13}, headers={"If-Match": '"1"'})
    assert readonly.status_code == 422
    assert readonly.json["errors"] == {"employees": ["This field is read-only for your role."]}
    created = api("POST", "trade_account", json={"name": "New", "employees": 3})
    assert created.status_code == 422 and list(created.json["errors"]) == ["employees"]
    whole = {k: v for k, v in one.items() if k not in ("id", "version", "created_at", "created_by", "updated_at",
                                                       "updated_by", "deleted_at")}
    sent_back = api("PATCH", f"trade_account/{account.id}", json=whole | {"name": "Acme 2"},
                    headers={"If-Match": '"1"'})
    assert sent_back.status_code == 200 and "city" not in sent_back.json  # an unchanged read-only value is fine
    after = stored(app, "trade_account", account.id)
    assert (after["name"], after["city"], after["employees"]) == ("Acme 2", "Lugo", 12)

    bulk = api("POST", "trade_account/bulk", json={"records": [{"name": "B1"}]})
    assert bulk.status_code == 201 and "city" not in bulk.json["data"][0]
    bulk_bad = api("POST", "trade_account/bulk", json={"records": [{"name": "B2", "city": "Lugo"}]})
    assert bulk_bad.status_code == 422 and list(bulk_bad.json["errors"]) == ["records.0.city"]

    admin = Api(app, make_user(admin=True))
    assert admin("GET", f"trade_account/{account.id}").json["city"] == "Lugo"  # administrators have no rules


def test_record_pages_hide_hidden_fields_and_do_not_let_read_only_ones_change(app, make_user, client_as):
    rules(app, "sales_rep", "contacts_account", tax_id="hidden", industry="readonly")
    ana = make_user(name="Ana")
    account = make(app, "contacts_account", ana, name="Acme", tax_id="B12345674", industry="technology",
                   billing_city="Lugo")
    client = client_as(ana, app=app)
    detail = client.get(f"/r/contacts_account/{account.id}").text
    assert "Acme" in detail and "Lugo" in detail and "B12345674" not in detail
    edit = f"/r/contacts_account/{account.id}/edit"
    form = client.get(edit).text
    assert 'name="tax_id"' not in form and "B12345674" not in form
    assert re.search(r'<select id="industry" name="industry"[^>]* disabled', form)
    sent = form_data(form, edit, name="Acme 2", industry="retail", tax_id="X")  # a crafted post: both ignored
    assert client.post(edit, data=sent).status_code == 302
    after = stored(app, "contacts_account", account.id)
    assert (after["name"], after["industry"], after["tax_id"]) == ("Acme 2", "technology", "B12345674")
    assert "B12345674" not in client.get("/r/contacts_account/?q=Acme").text


def test_pages_refuse_what_the_role_does_not_allow(app, make_user, client_as):
    ana = make_user(name="Ana")
    account = make(app, "contacts_account", ana, name="Acme")
    viewer = client_as("read_only", app=app)
    page = viewer.get(f"/r/contacts_account/{account.id}").text
    assert "Acme" in page and f"/r/contacts_account/{account.id}/edit" not in page
    assert "/r/contacts_account/new" not in viewer.get("/r/contacts_account/").text
    assert viewer.get(f"/r/contacts_account/{account.id}/edit").status_code == 403
    assert viewer.post("/r/contacts_account/new", data={"name": "Mine"}).status_code == 403
    assert client_as("user", app=app).get(f"/r/contacts_account/{account.id}").status_code == 404
    with app.test_request_context():
        assert [r["name"] for r in records.query("contacts_account", user=None).page().items] == ["Acme"]

"""Links to a record of any entity (`record_link` fields): written, read, filtered, picked and cleared on purge.

The `trade` sample plugin's deals have `related`, a link to a record of any
entity. A sales rep (the default role) sees only their own records, so a
deal of theirs linking to an administrator's account links to a record they
may not see: it is a "Restricted record" everywhere, and its title never shows.
"""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select

from trato import RecordLink, ValidationFailed, records
from trato.records.audit import AuditEntry
from trato.records.links import titles
from trato.records.purge import purge_record
from trato.schema import EntitySpec, FieldSpec, create_entity
from trato.transfer.export import Export, columns_for


@pytest.fixture
def admin(trade_app, make_user):
    return make_user(admin=True, name="Alba Admin", app=trade_app)


@pytest.fixture
def rep(trade_app, make_user):
    return make_user(name="Rita Rep", app=trade_app)


def make(app, entity: str, user, **values: Any) -> Any:
    with app.app_context():
        return records.create(entity, values, user=user)


def link(entity: str, record_id: int) -> dict[str, Any]:
    return {"entity": entity, "id": record_id}


@pytest.fixture
def secret(trade_app, admin, rep):
    """An account only the admin may see, and a deal of the rep's that links to it."""
    account = make(trade_app, "trade_account", admin, name="Secret Holdings")
    deal = make(trade_app, "trade_deal", admin, name="Rita deal", owner_id=rep.id,
                related=link("trade_account", account.id))
    return account, deal


def test_a_link_across_two_entities_round_trips_through_the_api_with_titles(trade_app, admin, api_client_as):
    account = make(trade_app, "trade_account", admin, name="Acme")
    other = make(trade_app, "trade_deal", admin, name="Earlier deal")
    api = api_client_as(admin)
    made = api.post("trade_deal", json={"name": "To account", "related": link("trade_account", account.id)})
    assert made.status_code == 201
    assert made.get_json()["related"] == {"entity": "trade_account", "id": account.id, "title": "Acme"}
    second = api.post("trade_deal", json={"name": "To deal", "related": {"entity": "trade_deal", "id": other.id,
                                                                          "title": "ignored on the way in"}})
    assert second.get_json()["related"] == {"entity": "trade_deal", "id": other.id, "title": "Earlier deal"}
    listed = {d["name"]: d["related"] for d in api.get("trade_deal?sort=id").get_json()["data"]}
    assert listed == {"Earlier deal": None, "To account": made.get_json()["related"],
                      "To deal": second.get_json()["related"]}
    with trade_app.app_context():
        assert records.get("trade_deal", made.get_json()["id"], user=admin)["related"] == \
            RecordLink("trade_account", account.id)
    cleared = api.patch(f"trade_deal/{second.get_json()['id']}", json={"related": None},
                        headers={"If-Match": '"1"'})
    assert cleared.status_code == 200 and cleared.get_json()["related"] is None


def test_a_reader_who_may_not_see_the_target_never_gets_its_title(trade_app, admin, rep, secret, client_as,
                                                                    api_client_as):
    account, deal = secret
    listing = client_as(rep).get("/r/trade_deal/?cols=name,related").get_data(as_text=True)
    detail = client_as(rep).get(f"/r/trade_deal/{deal.id}").get_data(as_text=True)
    form = client_as(rep).get(f"/r/trade_deal/{deal.id}/edit").get_data(as_text=True)
    for page in (listing, detail, form):
        assert "Restricted record" in page and "Secret Holdings" not in page
    assert f"/r/trade_account/{account.id}" not in detail
    dumped = api_client_as(rep).get(f"trade_deal/{deal.id}").get_json()["related"]
    assert dumped == {"entity": "trade_account", "id": account.id, "title": "Restricted record"}
    with trade_app.app_context():
        deals = records.entity("trade_deal")
        exported = "".join(Export(records.query(deals, user=rep), columns_for(deals, rep, ["name", "related"]), rep,
                                  ","))  # the export's cells, as `export_csv` writes them for a user who may export
        assert f"trade_account:{account.id}" in exported and "Secret" not in exported
        assert titles([RecordLink("trade_account", account.id)], rep) == {RecordLink("trade_account", account.id): None}
    admin_detail = client_as(admin).get(f"/r/trade_deal/{deal.id}").get_data(as_text=True)
    assert "Secret Holdings" in admin_detail and f"/r/trade_account/{account.id}" in admin_detail


def test_titles_are_read_in_one_query_per_target_entity(trade_app, admin):
    accounts = [make(trade_app, "trade_account", admin, name=f"Account {i}") for i in range(6)]
    deals = [make(trade_app, "trade_deal", admin, name=f"Deal {i}") for i in range(4)]
    links = [RecordLink("trade_account", a.id) for a in accounts] + [RecordLink("trade_deal", d.id) for d in deals]
    statements: list[str] = []
    engine = trade_app.extensions["trato"].engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    with trade_app.app_context():
        event.listen(engine, "before_cursor_execute", listen)
        try:
            found = titles(links + [RecordLink("nope_gone", 1)], admin)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
    assert found[RecordLink("trade_account", accounts[5].id)] == "Account 5"
    assert found[RecordLink("trade_deal", deals[0].id)] == "Deal 0"
    assert found[RecordLink("nope_gone", 1)] is None
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")
                and ("trade_account" in s or "trade_deal" in s)]) == 2


def test_a_link_must_name_a_record_the_writer_may_see(trade_app, admin, rep, secret, api_client_as):
    account, _deal = secret
    api = api_client_as(rep)
    cases = {
        "hidden": (link("trade_account", account.id),
                   f"There is no such record (trade_account:{account.id}), or you may not see it."),
        "missing": (link("trade_account", 99999), "There is no such record (trade_account:99999), or you may not "
                                                   "see it."),
        "unknown entity": (link("nope_gone", 1), "There is no such record (nope_gone:1), or you may not see it."),
        "text id": ({"entity": "trade_account", "id": "3"}, "Enter the id of a record (a positive whole number)."),
        "zero id": ({"entity": "trade_account", "id": 0}, "Enter the id of a record (a positive whole number)."),
        "no entity": ({"id": 3}, "Enter the record as entity:id, such as sales_deal:12."),
        "extra key": ({"entity": "trade_account", "id": 3, "x": 1},
                      "Enter the record as entity:id, such as sales_deal:12."),
        "not an object": ("trade_account:3", "Enter the record as entity:id, such as sales_deal:12."),
    }
    for case, (value, message) in cases.items():
        refused = api.post("trade_deal", json={"name": case, "related": value})
        assert refused.status_code == 422, case
        errors = refused.get_json()["errors"]
        assert message in [m for key, messages in errors.items() if key.startswith("related") for m in messages], \
            (case, errors)
    assert [d["name"] for d in api.get("trade_deal").get_json()["data"]] == ["Rita deal"]  # nothing was written
    with trade_app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            records.create("trade_deal", {"name": "x", "related": link("trade_account", account.id)}, user=rep)
        assert list(refused.value.errors) == ["related"]


def test_the_form_saves_a_link_typed_as_entity_and_id_and_names_a_bad_one_at_its_field(trade_app, admin,
                                                                                        client_as):
    account = make(trade_app, "trade_account", admin, name="Acme")
    client = client_as(admin)
    saved = client.post("/r/trade_deal/new", data={"name": "From the form", "stage": "new",
                                                    "related": f"trade_account:{account.id}"})
    assert saved.status_code in (302, 303)
    with trade_app.app_context():
        deal = records.query("trade_deal", user=admin).where({"name": "From the form"}).page(limit=1).items[0]
        assert deal["related"] == RecordLink("trade_account", account.id)
    form = client.get(f"/r/trade_deal/{deal.id}/edit").get_data(as_text=True)
    assert f'value="trade_account:{account.id}" selected>Acme<' in form
    bad = client.post("/r/trade_deal/new", data={"name": "Bad", "stage": "new", "related": "trade_account:x"})
    assert bad.status_code == 422 and "Enter the record as entity:id, such as sales_deal:12." in bad.get_data(
        as_text=True)


def test_the_picker_searches_every_entity_the_user_may_see(trade_app, admin, rep, secret, client_as):
    account, deal = secret
    own = make(trade_app, "trade_account", rep, name="Secretarial Services")
    answer = client_as(admin).get("/r/link-lookup?q=secret").get_json()["results"]
    assert {"value": f"trade_account:{account.id}", "text": "Account — Secret Holdings"} in answer
    assert {"value": f"trade_account:{own.id}", "text": "Account — Secretarial Services"} in answer
    theirs = client_as(rep).get("/r/link-lookup?q=secret").get_json()["results"]
    assert theirs == [{"value": f"trade_account:{own.id}", "text": "Account — Secretarial Services"}]
    deals_only = client_as(admin).get("/r/link-lookup?q=rita&entities=trade_deal").get_json()["results"]
    assert deals_only == [{"value": f"trade_deal:{deal.id}", "text": "Deal — Rita deal"}]


def test_links_filter_by_entity_and_id(trade_app, admin, api_client_as):
    account = make(trade_app, "trade_account", admin, name="Acme")
    other = make(trade_app, "trade_account", admin, name="Globex")
    first = make(trade_app, "trade_deal", admin, name="To Acme", related=link("trade_account", account.id))
    make(trade_app, "trade_deal", admin, name="To Globex", related=link("trade_account", other.id))
    make(trade_app, "trade_deal", admin, name="To a deal", related=link("trade_deal", first.id))
    make(trade_app, "trade_deal", admin, name="Unlinked")
    api = api_client_as(admin)

    def names(query: str) -> list[str]:
        response = api.get(f"trade_deal?sort=id&{query}")
        assert response.status_code == 200, response.get_json()
        return [d["name"] for d in response.get_json()["data"]]

    assert names(f"related=trade_account:{account.id}") == ["To Acme"]
    assert names("related=trade_account") == ["To Acme", "To Globex"]
    assert names(f"related__ne=trade_account:{account.id}") == ["To Globex", "To a deal", "Unlinked"]
    assert names(f"related__in=trade_deal:{first.id},trade_account:{other.id}") == ["To Globex", "To a deal"]
    assert names("related__isnull=true") == ["Unlinked"]
    bad = api.get("trade_deal?related=Trade%20Account")
    assert bad.status_code == 400 and "Enter the record as entity:id" in bad.get_json()["detail"]


def test_purging_the_target_clears_every_link_to_it_with_an_audit_entry(trade_app, admin):
    account = make(trade_app, "trade_account", admin, name="Doomed")
    deal = make(trade_app, "trade_deal", admin, name="Linked", related=link("trade_account", account.id))
    same_id = make(trade_app, "trade_deal", admin, name="Other entity, same id",
                   related=link("trade_deal", account.id))  # the same id of another entity stays
    with trade_app.app_context():
        records.delete("trade_account", account.id, user=admin)
        purge_record("trade_account", account.id, user=admin)
        cleared = records.get("trade_deal", deal.id, user=admin)
        assert cleared["related"] is None and cleared.version == deal.version + 1
        assert records.get("trade_deal", same_id.id, user=admin)["related"] == RecordLink("trade_deal", account.id)
    with trade_app.extensions["trato"].sessionmaker() as session:
        last = session.scalars(select(AuditEntry).where(AuditEntry.entity == "trade_deal",
                                                        AuditEntry.record_id == deal.id)
                               .order_by(AuditEntry.id.desc())).first()
    assert (last.action, last.changes) == ("update", {"related": [{"entity": "trade_account", "id": account.id},
                                                                   None]})


def test_a_custom_entity_links_to_the_entities_its_admin_allowed_and_its_title_never_leaks(
        trade_app, admin, rep, secret, client_as):
    account, deal = secret
    with trade_app.app_context():
        create_entity(EntitySpec("touch", {"en": "Touch"}, {"en": "Touches"}, [
            FieldSpec("about", "record_link", {"en": "About"}, settings={"entities": ["trade_deal"]})],
            title_pattern="Touch on {about}"), user=admin)
        with pytest.raises(ValidationFailed) as refused:
            records.create("x_touch", {"about": link("trade_account", account.id)}, user=admin)
        assert refused.value.errors == {"about": {"entity": ["Choose a record of: trade_deal."]}}
    touch = make(trade_app, "x_touch", admin, about=link("trade_deal", deal.id), owner_id=rep.id)
    assert "Touch on Rita deal" in client_as(rep).get(f"/r/x_touch/{touch.id}").get_data(as_text=True)
    hidden = make(trade_app, "trade_deal", admin, name="Admin secret deal")
    other = make(trade_app, "x_touch", admin, about=link("trade_deal", hidden.id), owner_id=rep.id)
    page = client_as(rep).get(f"/r/x_touch/{other.id}").get_data(as_text=True)
    assert "Admin secret deal" not in page and "Restricted record" in page
    screen = client_as(admin).get("/admin/entities/x_touch").get_data(as_text=True)
    assert "Link to a record of any entity" in screen


def test_the_openapi_document_describes_a_link(trade_app, admin, api_client_as):
    schema = api_client_as(admin).get("openapi.json").get_json()["components"]["schemas"]
    related = next(s["properties"]["related"] for name, s in schema.items() if name.startswith("trade_deal")
                   and "related" in s.get("properties", {}))
    assert related["required"] == ["entity", "id"] and related["properties"]["title"]["readOnly"] is True
    assert related["properties"]["id"]["type"] == "integer"


def test_a_form_refused_for_another_field_shows_the_link_typed_again(trade_app, admin, client_as):
    """The form reads a typed link as the API's object; shown again with the errors it stays the same link."""
    account = make(trade_app, "trade_account", admin, name="Acme Iberia")
    refused = client_as(admin).post("/r/trade_deal/new", data={"name": "", "stage": "new",
                                                               "related": f"trade_account:{account.id}"})
    assert refused.status_code == 422
    assert f'value="trade_account:{account.id}" selected' in refused.text and "Acme Iberia" in refused.text

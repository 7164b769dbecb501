"""The kanban board: columns in option order, cards per column, money totals, moves saved or refused."""
from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import update

from trato import db, privacy, records
from trato.fields import Money


def _text(response) -> str:
    return response.get_data(as_text=True)


def _columns(page: str) -> dict[str, list[int]]:
    """The card ids in each column, by the column's value ("" for no value), in the page's order."""
    found = {}
    for value, body in re.findall(r'<ul class="kanban-cards" id="[^"]+" data-value="([^"]*)"[^>]*>(.*?)</ul>', page,
                                  re.S):
        found[value] = [int(i) for i in re.findall(r'data-id="(\d+)"', body)]
    return found


def _eur(amount: str) -> dict:
    return {"amount": amount, "currency": "EUR"}


def test_columns_follow_the_options_with_cards_and_totals(trade_app, client_as, make_record):
    won = make_record("trade_deal", name="Ganado", stage="won", amount=_eur("1000.50"))
    new1 = make_record("trade_deal", name="Nuevo uno", stage="new", amount=_eur("200"))
    new2 = make_record("trade_deal", name="Nuevo dos", stage="new", amount={"amount": "300", "currency": "USD"})
    new3 = make_record("trade_deal", name="Nuevo tres", stage="new", amount=_eur("0.25"))
    client = client_as("admin")
    page = _text(client.get("/r/trade_deal/kanban?by=stage&sum=amount&sort=name"))
    assert _columns(page) == {"new": [new2.id, new3.id, new1.id], "won": [won.id], "lost": [], "": []}
    titles = re.findall(r'<h2 id="column-title-\d+">([^<]+)</h2>', page)
    assert titles == ["New", "Won", "Lost", "No stage"]
    totals = re.findall(r'<span class="kanban-total">([^<]+)</span>', page)
    assert totals == ["€200.25", "$300.00", "€1,000.50"]
    assert re.findall(r'<span class="kanban-count"[^>]*>(\d+)</span>', page) == ["3", "1", "0", "0"]
    filtered = _text(client.get("/r/trade_deal/kanban?by=stage&sort=name&q=uno"))
    assert _columns(filtered)["new"] == [new1.id]


def test_a_drop_moves_the_card_through_the_record_service(trade_app, client_as, make_record):
    deal = make_record("trade_deal", name="Flota", stage="new")
    client = client_as("admin")
    answer = client.post("/r/trade_deal/kanban/move", data={"id": deal.id, "version": deal.version, "by": "stage",
                                                            "value": "won"})
    assert answer.status_code == 200 and answer.json["version"] == deal.version + 1
    with trade_app.app_context():
        moved = records.get("trade_deal", deal.id, user=None)
    assert moved["stage"] == "won" and moved["probability"] == 100  # the plugin's before_save ran
    page = _text(client.get("/r/trade_deal/kanban?by=stage"))
    assert _columns(page)["won"] == [deal.id]


def test_refused_moves_leave_the_record_unchanged(trade_app, client_as, make_record, make_user):
    deal = make_record("trade_deal", name="Flota", stage="new")
    client = client_as("admin")
    stale = client.post("/r/trade_deal/kanban/move", data={"id": deal.id, "version": deal.version - 1 or 99,
                                                           "by": "stage", "value": "won"})
    assert stale.status_code == 409 and "Someone else changed" in stale.json["message"]
    invalid = client.post("/r/trade_deal/kanban/move", data={"id": deal.id, "version": deal.version, "by": "stage",
                                                             "value": "bogus"})
    assert invalid.status_code == 422 and "Stage" in invalid.json["message"]
    fruit = make_record("trade_deal", name="Fruit", stage="new")
    with trade_app.app_context():  # a name the plugin's before_save refuses, written before the plugin said so
        table = trade_app.extensions["trato"].entities.get("trade_deal").table
        db.session().execute(update(table).where(table.c.id == fruit.id).values(name="Forbidden fruit"))
        db.session().commit()
    row = fruit.id
    hooked = client.post("/r/trade_deal/kanban/move", data={"id": row, "version": fruit.version, "by": "stage",
                                                            "value": "won"})
    assert hooked.status_code == 422 and "forbidden" in hooked.json["message"]
    rep = client_as(make_user(name="Rita Rep"))  # a sales rep sees only their own deals
    hidden = rep.post("/r/trade_deal/kanban/move", data={"id": deal.id, "version": deal.version, "by": "stage",
                                                         "value": "lost"})
    assert hidden.status_code == 404
    with trade_app.app_context():
        assert records.get("trade_deal", deal.id, user=None)["stage"] == "new"
        assert records.get("trade_deal", row, user=None)["stage"] == "new"


def test_each_column_loads_fifty_cards_then_more(trade_app, client_as):
    with trade_app.app_context():
        made = records.bulk_create("trade_deal", [{"name": f"Deal {i:02d}", "stage": "lost"} for i in range(55)],
                                   user=None)
    client = client_as("admin")
    page = _text(client.get("/r/trade_deal/kanban?by=stage&sort=name"))
    assert len(_columns(page)["lost"]) == 50
    more = re.search(r'hx-get="(/r/trade_deal/kanban/column\?[^"]+)"', page).group(1).replace("&amp;", "&")
    rest = _text(client.get(more))
    assert [int(i) for i in re.findall(r'data-id="(\d+)"', rest)] == [r.id for r in made[50:]]
    assert "kanban-more" not in rest


def test_a_custom_entity_gets_a_board(vehicle_app, client_as, make_record):
    sold = make_record("x_vehicle", plate="1111 AAA", status="sold", price={"amount": "15000", "currency": "EUR"})
    bare = make_record("x_vehicle", plate="2222 BBB")
    client = client_as("admin")
    page = _text(client.get("/r/x_vehicle/kanban?sum=price"))
    assert _columns(page) == {"stock": [], "sold": [sold.id], "": [bare.id]}
    assert "€15,000.00" in page and 'data-movable="true"' in page
    client.post("/r/x_vehicle/kanban/move", data={"id": bare.id, "version": bare.version, "by": "status",
                                                   "value": "stock"})
    with vehicle_app.app_context():
        assert records.get("x_vehicle", bare.id, user=None)["status"] == "stock"
        assert records.get("x_vehicle", sold.id, user=None)["price"] == Money(Decimal("15000"), "EUR")


def test_the_settings_choose_the_fields_on_the_cards(trade_app, client_as, make_record):
    account = make_record("trade_account", name="Acme")
    make_record("trade_deal", name="Flota", stage="new", account_id=account.id, closes_on="2027-01-15",
                tags=["flota"])
    client = client_as("admin")
    page = _text(client.get("/r/trade_deal/kanban?by=stage&cards=closes_on&cards=tags"))
    card = re.search(r'<li class="kanban-card".*?</li>', page, re.S).group(0)
    assert re.findall(r"<dt>([^<]+)</dt>", card) == ["Closes on", "Tags"]
    assert "Jan 15, 2027" in card and "Acme" not in card
    default = re.search(r'<li class="kanban-card".*?</li>', _text(client.get("/r/trade_deal/kanban")), re.S).group(0)
    assert re.findall(r"<dt>([^<]+)</dt>", default) == ["Account"]  # the list's columns, less title and empty ones


def _movable(page: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-id="(\d+)" data-version="\d+" data-movable="true"', page)}


def test_only_cards_the_user_may_change_can_be_dragged(trade_app, client_as, make_record, make_user):
    admin = make_user(admin=True, app=trade_app)
    open_deal = make_record("trade_deal", name="Abierta", stage="new")
    kept = make_record("trade_deal", name="Guardada", stage="new")
    with trade_app.test_request_context():
        privacy.block("trade_deal", kept.id, "Kept for the courts", user=admin)
    client = client_as(admin)
    page = _text(client.get("/r/trade_deal/kanban?by=stage"))
    assert set(_columns(page)["new"]) == {open_deal.id, kept.id}  # the administrator sees the blocked one
    assert _movable(page) == {open_deal.id}
    refused = client.post("/r/trade_deal/kanban/move", data={"id": kept.id, "version": kept.version, "by": "stage",
                                                             "value": "won"})
    assert refused.status_code == 403 and "blocked" in refused.json["message"]
    with trade_app.app_context():
        assert records.get("trade_deal", kept.id, user=None)["stage"] == "new"

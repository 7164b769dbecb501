"""The list page's actions: mass update, owner and delete, CSV export, cells edited in place, OR filters,
the relation picker's type-ahead, driven through the test client as a person would."""
from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from trato import records
from trato.fields import Money


def _text(response) -> str:
    return response.get_data(as_text=True)


def _names(page: str, entity: str = "trade_deal") -> list[str]:
    return re.findall(rf'<a href="/r/{entity}/\d+">([^<]+)</a>', page)


def _deals(make_record, *names: str, **values):
    return [make_record("trade_deal", name=name, stage="new", **values) for name in names]


def _stored(app, entity: str, record_id: int, deleted: bool = False):
    with app.app_context():
        return records.get(entity, record_id, user=None, deleted=deleted)


def test_mass_update_changes_the_selected_records_only(trade_app, client_as, make_record):
    one, two, three = _deals(make_record, "Uno", "Dos", "Tres")
    client = client_as("admin")
    answer = client.post("/r/trade_deal/mass", data={"action": "update", "field": "stage", "value": "lost",
                                                      "ids": [one.id, two.id], "back": "sort=name"})
    assert answer.status_code == 302 and "sort=name" in answer.headers["Location"]
    page = _text(client.get(answer.headers["Location"]))
    assert "Stage was changed on 2 records." in page
    assert [_stored(trade_app, "trade_deal", r.id)["stage"] for r in (one, two, three)] == ["lost", "lost", "new"]


def test_mass_update_is_all_or_nothing_and_says_why(trade_app, client_as, make_record):
    one, two = _deals(make_record, "Uno", "Dos")
    client = client_as("admin")
    refused = client.post("/r/trade_deal/mass", data={"action": "update", "field": "name", "value": "Forbidden",
                                                       "ids": [one.id, two.id]}, follow_redirects=True)
    assert "Nothing was changed" in _text(refused) and "forbidden" in _text(refused)
    bad = client.post("/r/trade_deal/mass", data={"action": "update", "field": "amount", "value": "doce",
                                                   "ids": [one.id, two.id]}, follow_redirects=True)
    assert "Nothing was changed" in _text(bad)
    assert [_stored(trade_app, "trade_deal", r.id)["name"] for r in (one, two)] == ["Uno", "Dos"]
    assert _stored(trade_app, "trade_deal", one.id)["amount"] is None
    nothing = client.post("/r/trade_deal/mass", data={"action": "delete"}, follow_redirects=True)
    assert "Select at least one record first." in _text(nothing)


def test_mass_update_reads_money_and_assigns_an_owner(trade_app, client_as, make_record, make_user):
    one, two = _deals(make_record, "Uno", "Dos")
    bea = make_user(name="Bea Ventas")
    client = client_as("admin")
    client.post("/r/trade_deal/mass", data={"action": "update", "field": "amount", "value": "1500.25 EUR",
                                             "ids": [one.id, two.id]})
    assert _stored(trade_app, "trade_deal", two.id)["amount"] == Money(Decimal("1500.25"), "EUR")
    page = _text(client.post("/r/trade_deal/mass", data={"action": "assign", "owner_id": bea.id, "ids": [one.id]},
                             follow_redirects=True))
    assert "1 record was given a new owner." in page
    assert _stored(trade_app, "trade_deal", one.id)["owner_id"] == bea.id
    assert _stored(trade_app, "trade_deal", two.id)["owner_id"] != bea.id


def test_mass_delete_moves_to_the_recycle_bin(vehicle_app, client_as, make_record):
    cars = [make_record("x_vehicle", plate=p, status="stock") for p in ("1111 AAA", "2222 BBB", "3333 CCC")]
    client = client_as("admin")
    page = _text(client.post("/r/x_vehicle/mass", data={"action": "delete", "ids": [cars[0].id, cars[2].id]},
                             follow_redirects=True))
    assert "2 records were moved to the recycle bin." in page
    listing = _text(client.get("/r/x_vehicle/?sort=plate"))
    assert _names(listing, "x_vehicle") == ["2222 BBB"]
    assert _stored(vehicle_app, "x_vehicle", cars[0].id, deleted=True)["deleted_at"] is not None


def test_export_of_the_selection_and_of_the_filtered_list(trade_app, client_as, make_record):
    one, two, three = _deals(make_record, "Uno", "Dos", "Tres")
    client = client_as("admin")
    make_record("trade_deal", name="Cuatro", stage="won")
    chosen = client.post("/r/trade_deal/mass", data={"action": "export", "ids": [one.id, three.id],
                                                      "back": "cols=name,stage&sort=name&stage=new"})
    assert chosen.status_code == 302 and urlsplit(chosen.headers["Location"]).path == "/r/trade_deal/export"
    exported = client.get(chosen.headers["Location"])
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(_text(exported).lstrip("\ufeff"))))
    assert rows == [["Name", "Stage"], ["Tres", "new"], ["Uno", "new"]]
    page = _text(client.get("/r/trade_deal/?cols=name&sort=-name&stage=new"))
    link = re.search(r'href="(/r/trade_deal/export\?[^"]+)">(?:<i [^>]*></i>)?Export CSV</a>', page).group(1)
    rows = list(csv.reader(io.StringIO(_text(client.get(link.replace("&amp;", "&"))).lstrip("\ufeff"))))
    assert rows == [["Name"], ["Uno"], ["Tres"], ["Dos"]]


def test_a_cell_is_edited_in_place(trade_app, client_as, make_record):
    deal = make_record("trade_deal", name="Renting", stage="new")
    client = client_as("admin")
    page = _text(client.get("/r/trade_deal/?cols=name,stage,amount"))
    assert f"/r/trade_deal/{deal.id}/cell/amount" in page
    form = _text(client.get(f"/r/trade_deal/{deal.id}/cell/amount"))
    assert 'name="amount"' in form and f'name="version" value="{deal.version}"' in form
    saved = client.post(f"/r/trade_deal/{deal.id}/cell/amount",
                        data={"amount": "2500", "amount_currency": "EUR", "version": deal.version})
    assert saved.status_code == 200
    assert "2,500.00" in _text(saved) and "<form" not in _text(saved)
    assert _stored(trade_app, "trade_deal", deal.id)["amount"] == Money(Decimal("2500"), "EUR")


def test_a_refused_cell_shows_the_error_in_place_and_changes_nothing(trade_app, client_as, make_record):
    deal = make_record("trade_deal", name="Renting", stage="new")
    client = client_as("admin")
    bad = client.post(f"/r/trade_deal/{deal.id}/cell/amount", data={"amount": "doce", "version": deal.version})
    assert bad.status_code == 422
    assert 'class="field-error"' in _text(bad) and 'value="doce"' in _text(bad)
    hook = client.post(f"/r/trade_deal/{deal.id}/cell/name", data={"name": "Forbidden deal", "version": deal.version})
    assert hook.status_code == 422 and "forbidden" in _text(hook)
    with trade_app.app_context():
        records.update("trade_deal", deal.id, {"name": "Renting largo"}, user=None, version=deal.version)
    stale = client.post(f"/r/trade_deal/{deal.id}/cell/name", data={"name": "Renting corto", "version": deal.version})
    assert stale.status_code == 409 and "Someone else changed this record" in _text(stale)
    assert _stored(trade_app, "trade_deal", deal.id)["name"] == "Renting largo"
    cancel = _text(client.get(f"/r/trade_deal/{deal.id}/cell/name?show=1&first=1"))
    assert "Renting largo" in cancel and "<form" not in cancel


def test_or_groups_in_the_url_and_from_the_filter_builder(trade_app, client_as, make_record):
    make_record("trade_deal", name="Ganado", stage="won")
    make_record("trade_deal", name="Perdido", stage="lost")
    make_record("trade_deal", name="Nuevo", stage="new", probability=Decimal("80"))
    client = client_as("admin")
    tree = {"or": [{"field": "stage", "op": "eq", "value": "won"},
                   {"field": "probability", "op": "gte", "value": "50"}]}
    page = _text(client.get("/r/trade_deal/", query_string={"cols": "name", "sort": "name",
                                                           "filter": json.dumps(tree)}))
    assert _names(page) == ["Ganado", "Nuevo"]
    assert "2 records" in page and "Stage is won" in page and "Probability is at least 50" in page
    step = client.get("/r/trade_deal/", query_string={"cols": "name", "sort": "name", "filter": json.dumps(tree),
                                                     "_group": "or", "_field": "stage", "_op": "eq",
                                                     "_value": "lost"})
    assert step.status_code == 302
    widened = json.loads(parse_qs(urlsplit(step.headers["Location"]).query)["filter"][0])
    assert widened["or"][-1] == {"field": "stage", "op": "eq", "value": "lost"}
    assert _names(_text(client.get(step.headers["Location"]))) == ["Ganado", "Nuevo", "Perdido"]
    # An AND pair narrows the OR group; several ticked options become `in`.
    both = client.get("/r/trade_deal/", query_string=[("sort", "name"), ("_field", "stage"), ("_value", "won"),
                                                      ("_value", "new"), ("filter", json.dumps(tree))])
    assert "stage__in=won%2Cnew" in both.headers["Location"]
    assert _names(_text(client.get(both.headers["Location"]))) == ["Ganado", "Nuevo"]
    broken = client.get("/r/trade_deal/?filter={not json")
    assert broken.status_code == 400 and "not valid JSON" in _text(broken)


def test_relation_filter_type_ahead_is_scoped_by_access(trade_app, client_as, make_record, make_user):
    rep = make_user(name="Rita Rep")
    make_record("trade_account", name="Acme Ibérica", owner=rep)
    make_record("trade_account", name="Acme Norte")  # the admin's: outside a sales rep's own records
    make_record("trade_account", name="Beta Autos", owner=rep)
    admin = client_as("admin")
    control = _text(admin.get("/r/trade_deal/filter-value?_field=account_id"))
    assert "/r/trade_account/lookup" in control and 'name="_value"' in control
    assert "Acme Ibérica" in _text(admin.get("/r/trade_account/lookup?q=acme"))
    assert "Acme Norte" in _text(admin.get("/r/trade_account/lookup?q=acme"))
    mine = _text(client_as(rep).get("/r/trade_account/lookup?q=acme"))
    assert "Acme Ibérica" in mine and "Acme Norte" not in mine and "Beta" not in mine
    stage = _text(admin.get("/r/trade_deal/filter-value?_field=stage"))
    assert 'type="checkbox" name="_value" value="won"' in stage


def test_count_is_shown_exact(trade_app, client_as, make_record):
    _deals(make_record, "Uno", "Dos")
    assert "2 records" in _text(client_as("admin").get("/r/trade_deal/"))

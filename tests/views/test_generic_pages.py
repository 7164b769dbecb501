"""The list, detail and form pages every entity gets, driven through the test client as a person would."""
from __future__ import annotations

import re
from decimal import Decimal

from trato import records
from trato.fields import Money


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_list_shows_columns_sorts_and_filters_through_the_url(trade_app, client_as, make_record):
    for name, city in (("Zeta Motors", "Madrid"), ("Alfa Coches", "Sevilla"), ("Beta Autos", "Madrid")):
        make_record("trade_account", name=name, city=city)
    client = client_as("admin")
    page = _text(client.get("/r/trade_account/?cols=name,city&sort=name"))
    names = re.findall(r'<a href="/r/trade_account/\d+">([^<]+)</a>', page)
    assert names == ["Alfa Coches", "Beta Autos", "Zeta Motors"]
    assert "3 records" in page
    descending = _text(client.get("/r/trade_account/?cols=name,city&sort=-name"))
    assert re.findall(r'<a href="/r/trade_account/\d+">([^<]+)</a>', descending)[0] == "Zeta Motors"
    madrid = _text(client.get("/r/trade_account/?cols=name,city&sort=name&city=Madrid"))
    assert re.findall(r'<a href="/r/trade_account/\d+">([^<]+)</a>', madrid) == ["Beta Autos", "Zeta Motors"]
    assert "City is Madrid" in madrid


def test_the_filter_builder_moves_its_row_into_the_url(trade_app, client_as):
    client = client_as("admin")
    answer = client.get("/r/trade_account/?sort=name&_field=city&_op=startswith&_value=Ma")
    assert answer.status_code == 302
    assert "city__startswith=Ma" in answer.headers["Location"]


def test_an_unknown_filter_field_is_a_400_naming_it(trade_app, client_as):
    answer = client_as("admin").get("/r/trade_account/?colour=red")
    assert answer.status_code == 400
    assert "colour" in _text(answer)


def test_create_shows_errors_at_the_field_and_keeps_the_input(trade_app, client_as):
    client = client_as("admin")
    answer = client.post("/r/trade_deal/new", data={"name": "", "stage": "new", "amount": "12,5x",
                                                     "amount_currency": "EUR", "notes": "keep me"})
    assert answer.status_code == 422
    page = _text(answer)
    assert 'id="name-error"' in page
    assert "keep me" in page
    with trade_app.app_context():
        assert records.query("trade_deal", user=None).count().value == 0


def test_create_then_detail_shows_values_and_history(trade_app, client_as, make_record):
    account = make_record("trade_account", name="Acme Ibérica")
    client = client_as("admin")
    answer = client.post("/r/trade_deal/new", data={
        "name": "Flota 2027", "stage": "new", "account_id": str(account.id), "amount": "12500.50",
        "amount_currency": "EUR", "tags": "flota, renting", "closes_on": "2027-03-31"})
    assert answer.status_code == 302
    detail = client.get(answer.headers["Location"])
    page = _text(detail)
    assert "Flota 2027" in page and "Acme Ibérica" in page and "flota, renting" in page
    assert "€" in page and "12,500.50" in page
    with trade_app.app_context():
        deal = records.query("trade_deal", user=None).page().items[0]
    assert deal["amount"] == Money(Decimal("12500.50"), "EUR")
    # The account's page lists the deal among the records pointing at it.
    account_page = _text(client.get(f"/r/trade_account/{account.id}"))
    assert f'/r/trade_deal/{deal.id}' in account_page


def test_a_stale_edit_is_refused_and_shows_the_saved_version(trade_app, client_as, make_record):
    deal = make_record("trade_deal", name="Renting", stage="new")
    client = client_as("admin")
    with trade_app.app_context():
        records.update("trade_deal", deal.id, {"name": "Renting flota"}, user=None, version=deal.version)
    answer = client.post(f"/r/trade_deal/{deal.id}/edit",
                         data={"name": "Renting corto", "stage": "new", "version": str(deal.version)})
    assert answer.status_code == 409
    page = _text(answer)
    assert "Renting corto" in page  # the user's input is kept
    assert "Saved version:" in page and "Renting flota" in page
    with trade_app.app_context():
        assert records.get("trade_deal", deal.id, user=None)["name"] == "Renting flota"


def test_delete_moves_to_the_recycle_bin(trade_app, client_as, make_record):
    deal = make_record("trade_deal", name="Sobra", stage="new")
    client = client_as("admin")
    answer = client.post(f"/r/trade_deal/{deal.id}/delete", data={"version": str(deal.version)})
    assert answer.status_code == 302
    assert client.get(f"/r/trade_deal/{deal.id}").status_code == 404
    with trade_app.app_context():
        assert records.get("trade_deal", deal.id, user=None, deleted=True)["name"] == "Sobra"


def test_pages_speak_spanish(trade_app, client_as, make_record):
    make_record("trade_account", name="Acme")
    client = client_as("admin")
    client.post("/locale", data={"locale": "es"})
    page = _text(client.get("/r/trade_account/"))
    assert "Filtros" in page and "Columnas" in page
    assert "1 registro" in page


def test_a_script_typed_into_a_field_is_shown_as_text_everywhere(trade_app, client_as, make_record):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    account = make_record("trade_account", name=payload, city=payload)
    client = client_as("admin")
    for url in ("/r/trade_account/", f"/r/trade_account/{account.id}", f"/r/trade_account/{account.id}/edit",
                "/search/?q=script"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert" in page, url


def test_a_change_made_through_a_page_records_where_it_came_from(trade_app, client_as):
    from sqlalchemy import select

    from trato import db
    from trato.records.audit import AuditEntry

    client = client_as("admin")
    client.post("/r/trade_account/new", data={"name": "Desde la red"}, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    with trade_app.app_context():
        entry = db.session().scalars(select(AuditEntry).where(AuditEntry.entity == "trade_account")).one()
    assert (entry.action, entry.ip) == ("create", "192.0.2.7")
    page = client.get("/admin/audit?ip=192.0.2").get_data(as_text=True)
    assert "192.0.2.7" in page and "trade_account" in page

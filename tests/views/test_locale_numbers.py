"""Numbers and money are typed and shown in the user's locale: "12.500,50" in Spanish, "12,500.50" in English,
in the record form, the in-place edit, the filter builder and an import cell, all read by one mechanism."""
from __future__ import annotations

from decimal import Decimal
from urllib.parse import unquote

import pytest

from trato import records
from trato.fields import Money
from trato.fields.numbers import shown, typed


@pytest.mark.parametrize(("text", "locale", "number"), [
    ("12.500,50", "es", "12500.50"), ("90.000,00", "es", "90000.00"), ("90.000", "es", "90000"),
    ("12,5", "es", "12.5"), ("12.5", "es", "12.5"), ("1 234,5", "es", "1234.5"), ("-3,2", "es", "-3.2"),
    ("12,500.50", "en", "12500.50"), ("12500.50", "en", "12500.50"), ("12,5", "en", "12.5"),
    ("12.500,50", "en", "12500.50"), ("abc", "es", "abc"),
])
def test_typed_numbers_are_read_in_the_locale_then_in_the_plain_form(text, locale, number):
    assert typed(text, locale) == number


def test_numbers_are_shown_for_inputs_in_the_locale():
    assert shown(Decimal("12500.5"), 2, "es") == "12.500,50"
    assert shown(Decimal("12500.5"), 2, "en") == "12,500.50"
    assert typed(shown(Decimal("-1234.56"), 2, "es"), "es") == "-1234.56"


def _deal(app, name: str):
    with app.app_context():
        return records.query("trade_deal", user=None).where({"name": name}).page(limit=1).items[0]


def test_the_spanish_form_reads_and_shows_spanish_numbers(trade_app, client_as, make_user):
    client = client_as(make_user(admin=True, locale="es"))
    answer = client.post("/r/trade_deal/new", data={
        "name": "Flota", "stage": "new", "amount": "12.500,50", "amount_currency": "EUR", "probability": "20,2"})
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)
    deal = _deal(trade_app, "Flota")
    assert deal["amount"] == Money(Decimal("12500.50"), "EUR")
    assert deal["probability"] == Decimal("20.20")
    form = client.get(f"/r/trade_deal/{deal['id']}/edit").get_data(as_text=True)
    assert 'value="12.500,50"' in form and 'value="20,20"' in form
    detail = client.get(f"/r/trade_deal/{deal['id']}").get_data(as_text=True)
    assert "12.500,50\xa0€" in detail and "20,2\xa0%" in detail


def test_the_english_form_reads_english_grouping(trade_app, client_as, make_user):
    client = client_as(make_user(admin=True, locale="en"))
    client.post("/r/trade_deal/new", data={"name": "Fleet", "stage": "new", "amount": "90,000.00",
                                           "amount_currency": "EUR"})
    assert _deal(trade_app, "Fleet")["amount"] == Money(Decimal("90000.00"), "EUR")


def test_the_in_place_edit_reads_spanish_numbers(trade_app, client_as, make_user, make_record):
    deal = make_record("trade_deal", name="Flota", stage="new")
    client = client_as(make_user(admin=True, locale="es"))
    answer = client.post(f"/r/trade_deal/{deal['id']}/cell/amount",
                         data={"amount": "90.000,00", "amount_currency": "EUR", "version": str(deal['version'])})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert "90.000,00\xa0€" in answer.get_data(as_text=True)
    assert _deal(trade_app, "Flota")["amount"] == Money(Decimal("90000.00"), "EUR")


def test_the_filter_builder_puts_a_spanish_number_in_the_url_in_the_plain_form(trade_app, client_as, make_user):
    client = client_as(make_user(admin=True, locale="es"))
    answer = client.get("/r/trade_deal/?_field=amount&_op=gte&_value=12.500,50")
    assert answer.status_code == 302
    assert "amount__gte=12500.50" in unquote(answer.headers["Location"])


def test_the_filter_chip_shows_the_number_as_the_user_writes_it(trade_app, client_as, make_user):
    page = client_as(make_user(admin=True, locale="es")).get("/r/trade_deal/?amount__gte=12500.50")
    assert "12.500,5" in page.get_data(as_text=True)

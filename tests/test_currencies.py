"""Currencies: ISO 4217 minor units, half-up rounding, money fields held to them, and exchange rates by date."""
from __future__ import annotations

import sys
import types
from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import get_currency_precision
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from trato import Money, Plugin, ValidationFailed, currencies, hookimpl, records
from trato.cli.rates import rates_group
from trato.companies.models import ExchangeRate
from trato.currencies import NoRate, Rate, RateFileError
from trato.fields.iso4217 import MINOR_UNITS
from trato.jobs import JobContext
from trato.schema import EntitySpec, FieldSpec, create_entity


def test_minor_units_follow_iso_4217_not_cldr():
    assert [currencies.minor_units(code) for code in ("JPY", "EUR", "KWD", "CLF", "IQD", "IRR")] == [0, 2, 3, 4, 3, 2]
    # CLDR, which Babel follows, rounds these differently: the reason the table is kept as data.
    assert get_currency_precision("IQD") == 0 and get_currency_precision("IRR") == 0
    with pytest.raises(ValueError, match="unknown currency code 'ABC'"):
        currencies.minor_units("ABC")


@pytest.mark.parametrize(("amount", "code", "rounded"), [
    ("0.125", "EUR", "0.13"), ("-0.125", "EUR", "-0.13"), ("2.5", "JPY", "3"), ("-2.5", "JPY", "-3"),
    ("1.0005", "KWD", "1.001"), ("0.00005", "CLF", "0.0001"), ("7.4949", "EUR", "7.49"),
])
def test_rounding_is_half_up_to_the_minor_units(amount, code, rounded):
    assert str(currencies.round_money(Decimal(amount), code)) == rounded
    assert str(Money(Decimal(amount), code).rounded().amount) == rounded


@given(st.decimals(min_value=-10**9, max_value=10**9, places=6), st.sampled_from(["JPY", "EUR", "KWD", "CLF"]))
def test_rounding_keeps_the_minor_units_and_moves_at_most_half_a_unit(amount, code):
    places = MINOR_UNITS[code]
    rounded = currencies.round_money(amount, code)
    half = Decimal(1).scaleb(-places) / 2
    assert -rounded.as_tuple().exponent == places
    assert abs(rounded - amount) <= half
    if abs(rounded - amount) == half:  # a half goes away from zero
        assert abs(rounded) > abs(amount)


def test_money_rounded_with_places_still_rounds_half_up():
    assert Money(Decimal("1.005"), "JPY").rounded(2).amount == Decimal("1.01")


def test_current_codes_put_the_chosen_one_first_and_leave_out_withdrawn_codes(app):
    codes = currencies.current_codes("USD")
    assert codes[0] == "USD" and codes.count("USD") == 1 and codes[1:] == sorted(codes[1:])
    assert {"EUR", "JPY", "KWD", "XCG", "ZWG"} <= set(codes)
    assert not {"BGN", "ESP", "HRK", "ANG", "XAU", "XXX"} & set(codes)
    with app.app_context():
        assert currencies.current_codes()[0] == currencies.current_codes(app.extensions["trato"].settings.currency)[0]


def deal(trade_app, user, amount, currency):
    with trade_app.app_context():
        return records.create("trade_deal", {"name": "Deal", "stage": "new",
                                             "amount": {"amount": amount, "currency": currency}}, user=user)


def refusal(trade_app, user, amount, currency):
    with pytest.raises(ValidationFailed) as refused:
        deal(trade_app, user, amount, currency)
    return refused.value.errors["amount"]


def test_a_money_field_rounds_half_up_to_the_currency_decimals_and_refuses_what_it_cannot_keep(
        trade_app, make_user):
    user = make_user(admin=True)
    assert deal(trade_app, user, "10.125", "EUR")["amount"] == Money(Decimal("10.13"), "EUR")
    assert deal(trade_app, user, "1200.5", "JPY")["amount"] == Money(Decimal("1201"), "JPY")
    assert refusal(trade_app, user, "5", "ABC") == {
        "currency": ["Enter a three-letter currency code such as EUR or USD."]}
    assert refusal(trade_app, user, "1.125", "KWD") == {
        "currency": ["This amount keeps 2 decimals and KWD needs 3."]}
    assert deal(trade_app, user, "1200.00", "JPY")["amount"] == Money(Decimal("1200"), "JPY")
    assert deal(trade_app, user, "10.10", "EUR")["amount"] == Money(Decimal("10.10"), "EUR")


def test_a_money_field_with_room_keeps_each_currency_to_its_own_decimals(trade_app, make_user, api_client_as):
    admin = make_user(admin=True)
    with trade_app.app_context():
        create_entity(EntitySpec("price", {"en": "Price"}, {"en": "Prices"}, [
            FieldSpec("label", "text", {"en": "Label"}, required=True),
            FieldSpec("amount", "money", {"en": "Amount"}, settings={"scale": 4})], title_field="label"), user=admin)
    api = api_client_as(admin)
    made = {code: api.post("x_price", json={"label": code, "amount": {"amount": amount, "currency": code}})
            for code, amount in (("KWD", "1.125"), ("JPY", "1200"), ("CLF", "0.1234"), ("EUR", "3.5"))}
    assert {code: r.get_json()["amount"] for code, r in made.items()} == {
        "KWD": {"amount": "1.125", "currency": "KWD"}, "JPY": {"amount": "1200", "currency": "JPY"},
        "CLF": {"amount": "0.1234", "currency": "CLF"}, "EUR": {"amount": "3.50", "currency": "EUR"}}
    rounded = api.post("x_price", json={"label": "x", "amount": {"amount": "3.505", "currency": "EUR"}})
    assert rounded.status_code == 201 and rounded.get_json()["amount"] == {"amount": "3.51", "currency": "EUR"}
    unknown = api.post("x_price", json={"label": "x", "amount": {"amount": "3", "currency": "ESP"}})
    assert unknown.status_code == 422 and "three-letter currency code" in unknown.get_data(as_text=True)


def save(app, *rates):
    with app.app_context():
        with app.extensions["trato"].sessionmaker() as session:
            currencies.save_rates(session, rates)
            session.commit()


def test_the_rate_of_a_day_is_the_latest_on_or_before_it(app):
    save(app, Rate("USD", "EUR", date(2026, 1, 2), Decimal("0.91")), Rate("USD", "EUR", date(2026, 2, 2),
                                                                         Decimal("0.95")))
    with app.app_context():
        assert currencies.rate("USD", "EUR", date(2026, 1, 2)) == Decimal("0.91")
        assert currencies.rate("USD", "EUR", date(2026, 2, 1)) == Decimal("0.91")
        assert currencies.rate("USD", "EUR", date(2026, 12, 31)) == Decimal("0.95")
        assert currencies.rate("EUR", "EUR", date(2000, 1, 1)) == 1
        assert currencies.rate("EUR", "USD", date(2026, 2, 2)) == round(Decimal(1) / Decimal("0.95"), 10)
        with pytest.raises(NoRate, match="no exchange rate from USD to EUR on or before 2026-01-01"):
            currencies.rate("USD", "EUR", date(2026, 1, 1))


def test_a_later_rate_of_the_same_day_replaces_it(app):
    save(app, Rate("USD", "EUR", date(2026, 1, 2), Decimal("0.91")))
    save(app, Rate("USD", "EUR", date(2026, 1, 2), Decimal("0.92"), "bank"))
    with app.app_context():
        assert currencies.rate("USD", "EUR", date(2026, 1, 2)) == Decimal("0.92")
        with app.extensions["trato"].sessionmaker() as session:
            assert session.scalar(select(func.count()).select_from(ExchangeRate)) == 1


def test_rates_through_the_base_currency_and_conversion_rounds_to_the_target(make_app):
    app = make_app(default_currency="EUR")
    save(app, Rate("EUR", "JPY", date(2026, 3, 1), Decimal("162.37")), Rate("EUR", "USD", date(2026, 3, 1),
                                                                             Decimal("1.0832")))
    with app.app_context():
        usd_jpy = currencies.rate("USD", "JPY", date(2026, 3, 5))
        assert usd_jpy == round(Decimal("162.37") / Decimal("1.0832"), 10)
        assert currencies.convert(Money(Decimal("10.00"), "USD"), "JPY", date(2026, 3, 5)) == \
            Money(Decimal("1499"), "JPY")
        assert currencies.convert(Money(Decimal("1000"), "JPY"), "EUR", date(2026, 3, 5)).amount == Decimal("6.16")


def test_a_document_keeps_the_rate_of_its_date(make_app):
    app = make_app(default_currency="EUR")
    save(app, Rate("USD", "EUR", date(2026, 1, 2), Decimal("0.9123456789")))
    with app.app_context():
        kept = currencies.rate_for_document("USD", date(2026, 1, 15))
        assert kept == Decimal("0.912346")
    save(app, Rate("USD", "EUR", date(2026, 1, 10), Decimal("0.80")))
    with app.app_context():
        assert currencies.at_rate(Money(Decimal("100"), "USD"), kept, "EUR") == Money(Decimal("91.23"), "EUR")
        assert currencies.rate_for_document("USD", date(2026, 1, 15)) == Decimal("0.8")


CSV_OK = "date,from,to,rate,source\n2026-01-02,USD,EUR,0.91,ECB\n2026-01-02,GBP,EUR,1.17,\n"


def count_rates(app):
    with app.extensions["trato"].sessionmaker() as session:
        return session.scalar(select(func.count()).select_from(ExchangeRate))


def test_a_rates_csv_is_read_whole(app):
    with app.app_context():
        read = currencies.read_rates_csv(CSV_OK)
    assert read == [Rate("USD", "EUR", date(2026, 1, 2), Decimal("0.91"), "ECB"),
                    Rate("GBP", "EUR", date(2026, 1, 2), Decimal("1.17"), "csv")]
    with app.app_context():
        semicolons = currencies.read_rates_csv("date;from;to;rate\n2026-01-02;usd;eur;0,91\n")
    assert semicolons == [Rate("USD", "EUR", date(2026, 1, 2), Decimal("0.91"), "csv")]


def test_a_bad_rates_csv_names_each_row_and_column_and_nothing_is_written(app):
    text = ("date,from,to,rate\n2026-01-02,USD,EUR,0.91\n2026-13-01,USD,EUR,0.9\n2026-01-03,USD,XYZ,-1\n"
            "2026-01-02,USD,EUR,0.92\n2026-01-04,EUR,EUR,1\n")
    with app.app_context(), pytest.raises(RateFileError) as refused:
        currencies.read_rates_csv(text)
    assert [str(p) for p in refused.value.problems] == [
        "Row 3, column date: Enter a date as YYYY-MM-DD.",
        "Row 4, column to: XYZ is not a current ISO 4217 currency code.",
        "Row 4, column rate: Enter a positive number below 100,000,000, such as 1.0832.",
        "Row 5, column date: Row 2 has the same date and currencies.",
        "Row 6, column to: The two currencies must differ.",
    ]
    with app.app_context(), pytest.raises(RateFileError, match="Row 1, column rate: The first row must name"):
        currencies.read_rates_csv("date,from,to,value\n2026-01-02,USD,EUR,0.91\n")
    assert count_rates(app) == 0


def test_the_rates_import_command(app, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(CSV_OK)
    bad.write_text("date,from,to,rate\n2026-01-05,USD,EUR,0.9\n2026-01-06,USD,EUR,abc\n")
    runner = app.test_cli_runner()
    failed = runner.invoke(rates_group, ["import", str(bad)])
    assert failed.exit_code != 0
    assert "Row 3, column rate: Enter a positive number" in failed.output
    assert count_rates(app) == 0
    done = runner.invoke(rates_group, ["import", str(good)])
    assert done.exit_code == 0, done.output
    assert "Imported 2 exchange rates." in done.output
    assert count_rates(app) == 2


@hookimpl
def exchange_rates(on):
    """A plugin's feed: one good rate, and one in an unknown currency, which is left out."""
    return [Rate("EUR", "USD", on, Decimal("1.0832"), "feed"), Rate("EUR", "XYZ", on, Decimal(2), "feed")]


def test_hook_exchange_rates(make_app, monkeypatch, tmp_path):
    module = types.ModuleType("trato_ratefeed_hooks")
    module.__file__ = str(tmp_path / "trato_ratefeed_hooks.py")
    module.exchange_rates = exchange_rates
    monkeypatch.setitem(sys.modules, "trato_ratefeed_hooks", module)
    plugin = Plugin(name="ratefeed", label="Rate feed", hooks="trato_ratefeed_hooks")
    app = make_app(plugins=["ratefeed"], extra_plugins={"ratefeed": plugin})
    with app.app_context():
        assert currencies.fetch_from_plugins(JobContext(app, None)) == 1
        assert currencies.rate("EUR", "USD", date.today()) == Decimal("1.0832")
    assert count_rates(app) == 1


def test_the_currency_a_language_suggests_is_a_current_one():
    from trato.fields.money import locale_currency

    assert [locale_currency(code) for code in ("es", "en", "ja", "bg")] == ["EUR", "USD", "JPY", "EUR"]  # BGN: gone

"""Price resolution: customer vs group vs general lists vs list price, quantity breaks, dates, currencies;
bundles priced as the sum of their parts, and bundles that would contain themselves."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trato import RecordLink, ValidationFailed, records
from trato_catalog import PricingError, price_for

EUR = "EUR"


def money(amount, currency=EUR):
    return {"amount": amount, "currency": currency}


def product(code, price="100.00", currency=EUR, **values):
    return records.create("catalog_product", {"code": code, "name": code, "list_price": money(price, currency),
                                              **values}, user=None)


def price_list(name, rules, currency=EUR, **values):
    return records.create("catalog_price_list", {"name": name, "currency": currency, "lines": rules, **values},
                          user=None)


def link(record):
    return {"entity": record.entity, "id": record.id}


@pytest.fixture
def people(ctx):
    """Two customers (records of any entity serve: customer groups here, as the catalog needs no contacts), the
    first in the group "Wholesale"."""
    wholesale = records.create("catalog_customer_group", {"name": "Wholesale"}, user=None)
    first = records.create("catalog_customer_group", {"name": "Customer one"}, user=None)
    second = records.create("catalog_customer_group", {"name": "Customer two"}, user=None)
    records.create("catalog_customer_terms", {"customer": link(first), "group_id": wholesale.id}, user=None)
    return {"group": wholesale, "one": RecordLink(first.entity, first.id), "two": RecordLink(second.entity,
                                                                                            second.id)}


def test_customer_before_group_before_general_before_list_price(people):
    item = product("A")
    day = date(2026, 6, 1)
    assert price_for(item.id, people["one"], 1, day, EUR).rule == "list_price"
    general = price_list("Everyone", [{"product_id": item.id, "discount": "5"}])
    quote = price_for(item.id, people["one"], 1, day, EUR)
    assert (quote.amount, quote.rule, quote.price_list_id, quote.discount) == (Decimal("95.00"), "general",
                                                                                general.id, Decimal(5))
    price_list("Wholesale", [{"product_id": item.id, "discount": "10"}], group_id=people["group"].id)
    assert price_for(item.id, people["one"], 1, day, EUR).amount == Decimal("90.00")
    assert price_for(item.id, people["two"], 1, day, EUR).amount == Decimal("95.00")  # not in the group
    price_list("Customer one's", [{"product_id": item.id, "fixed_price": money("80.00")}],
               customer={"entity": people["one"].entity, "id": people["one"].id})
    quote = price_for(item.id, people["one"], 1, day, EUR)
    assert (quote.amount, quote.rule) == (Decimal("80.00"), "customer")
    assert price_for(item.id, None, 1, day, EUR).rule == "general"


def test_quantity_breaks(people):
    item = product("B", "10.00")
    price_list("Breaks", [{"product_id": item.id, "min_quantity": "1", "discount": "0"},
                          {"product_id": item.id, "min_quantity": "10", "discount": "10"},
                          {"product_id": item.id, "min_quantity": "100", "fixed_price": money("7.25")}])
    day = date(2026, 6, 1)
    assert [price_for(item.id, None, q, day, EUR).amount for q in (1, 9, 10, Decimal("99.5"), 100, 500)] == [
        Decimal("10.00"), Decimal("10.00"), Decimal("9.00"), Decimal("9.00"), Decimal("7.25"), Decimal("7.25")]


def test_validity_dates_and_inactive_lists(people):
    item = product("C", "50.00")
    price_list("Summer", [{"product_id": item.id, "discount": "20"}], valid_from="2026-06-01",
               valid_to="2026-08-31")
    price_list("Off", [{"product_id": item.id, "discount": "50"}], active=False)
    assert price_for(item.id, None, 1, date(2026, 5, 31), EUR).amount == Decimal("50.00")
    assert price_for(item.id, None, 1, date(2026, 6, 1), EUR).amount == Decimal("40.00")
    assert price_for(item.id, None, 1, date(2026, 8, 31), EUR).amount == Decimal("40.00")
    assert price_for(item.id, None, 1, date(2026, 9, 1), EUR).amount == Decimal("50.00")


def test_discounts_round_half_up_to_the_currency(people):
    item = product("D", "0.25")
    price_list("Odd", [{"product_id": item.id, "discount": "10"}])  # 0.225 -> 0.23, not banker's 0.22
    assert price_for(item.id, None, 1, date(2026, 1, 1), EUR).amount == Decimal("0.23")


def test_currencies(people):
    item = product("E", "100.00")
    price_list("Dollars", [{"product_id": item.id, "fixed_price": money("90.00", "USD")}], currency="USD")
    day = date(2026, 1, 1)
    assert price_for(item.id, None, 1, day, "USD").amount == Decimal("90.00")
    assert price_for(item.id, None, 1, day, EUR).amount == Decimal("100.00")  # the dollar list does not apply
    with pytest.raises(PricingError) as err:
        price_for(product("F").id, None, 1, day, "USD")  # no rate from EUR to USD
    assert err.value.field == "currency"
    with pytest.raises(PricingError) as err:
        price_for(item.id, None, 1, day, "XYZ")
    assert err.value.field == "currency"
    with pytest.raises(PricingError) as err:
        price_for(item.id, None, 0, day, EUR)
    assert err.value.field == "quantity"


def test_bad_price_lists_are_refused_at_the_field(people):
    item = product("G")
    with pytest.raises(ValidationFailed) as err:
        price_list("Mixed", [{"product_id": item.id, "fixed_price": money("5.00", "USD")}])
    assert "EUR" in err.value.errors["lines"][0]["fixed_price"][0]
    with pytest.raises(ValidationFailed) as err:
        price_list("Negative", [{"product_id": item.id, "fixed_price": money("-1.00")}])
    assert "negative" in err.value.errors["lines"][0]["fixed_price"][0]
    with pytest.raises(ValidationFailed) as err:
        price_list("Both", [{"product_id": item.id, "fixed_price": money("1.00"), "discount": "5"}])
    assert "either" in err.value.errors["lines"][0]["fixed_price"][0]
    with pytest.raises(ValidationFailed) as err:
        price_list("Bad code", [], currency="ABC")
    assert "currency code" in err.value.errors["currency"][0]
    with pytest.raises(ValidationFailed) as err:
        product("H", "-5.00")
    assert "negative" in err.value.errors["list_price"][0]
    assert records.query("catalog_price_list", user=None).count().value == 0


def test_bundles_priced_as_the_sum_of_their_parts(people):
    web, hosting = product("WEB", "1200.00"), product("HOST", "25.00")
    bundle = records.create("catalog_product", {"code": "PACK", "name": "Pack", "bundle_pricing": "sum", "lines": [
        {"component_id": web.id, "quantity": "1"}, {"component_id": hosting.id, "quantity": "12"}]}, user=None)
    day = date(2026, 1, 1)
    quote = price_for(bundle.id, None, 1, day, EUR)
    assert (quote.amount, quote.rule) == (Decimal("1500.00"), "bundle_sum")
    price_list("Hosting deal", [{"product_id": hosting.id, "discount": "20"}])
    assert price_for(bundle.id, None, 1, day, EUR).amount == Decimal("1440.00")  # 1200 + 12 x 20
    whole = records.create("catalog_product", {"code": "PACK2", "name": "Pack", "bundle_pricing": "whole",
                                               "list_price": money("999.00"),
                                               "lines": [{"component_id": web.id, "quantity": "1"}]}, user=None)
    assert price_for(whole.id, None, 1, day, EUR).amount == Decimal("999.00")


def test_a_bundle_cannot_contain_itself(people):
    part = product("PART")
    inner = records.create("catalog_product", {"code": "IN", "name": "Inner", "bundle_pricing": "sum",
                                               "lines": [{"component_id": part.id, "quantity": "1"}]}, user=None)
    outer = records.create("catalog_product", {"code": "OUT", "name": "Outer", "bundle_pricing": "sum",
                                               "lines": [{"component_id": inner.id, "quantity": "2"}]}, user=None)
    with pytest.raises(ValidationFailed) as err:  # directly
        records.update("catalog_product", part.id, {"lines": [{"component_id": part.id, "quantity": "1"}]},
                       user=None, version=part.version)
    assert "contain itself" in err.value.errors["lines"][0]["component_id"][0]
    current = records.lines("catalog_product", inner.id, user=None)["catalog_bundle_item"]
    with pytest.raises(ValidationFailed) as err:  # through another bundle
        records.update("catalog_product", inner.id, {"lines": [{"id": current[0].id},
                                                               {"component_id": outer.id, "quantity": "1"}]},
                       user=None, version=inner.version)
    assert "contain itself" in err.value.errors["lines"][1]["component_id"][0]
    assert len(records.lines("catalog_product", inner.id, user=None)["catalog_bundle_item"]) == 1
    assert price_for(outer.id, None, 1, date(2026, 1, 1), EUR).amount == Decimal("200.00")


def test_a_sum_bundle_needs_its_parts_and_categories_form_a_tree(people):
    with pytest.raises(ValidationFailed) as err:
        records.create("catalog_product", {"code": "EMPTY", "name": "Empty", "bundle_pricing": "sum"}, user=None)
    assert "needs its parts" in err.value.errors["bundle_pricing"][0]
    top = records.create("catalog_category", {"name": "Services"}, user=None)
    middle = records.create("catalog_category", {"name": "Consulting", "parent_id": top.id}, user=None)
    low = records.create("catalog_category", {"name": "Tax advice", "parent_id": middle.id}, user=None)
    with pytest.raises(ValidationFailed) as err:
        records.update("catalog_category", top.id, {"parent_id": low.id}, user=None, version=top.version)
    assert "under itself" in err.value.errors["parent_id"][0]
    with pytest.raises(ValidationFailed):
        records.update("catalog_category", top.id, {"parent_id": top.id}, user=None, version=top.version)

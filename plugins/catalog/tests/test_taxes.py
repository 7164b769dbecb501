"""Tax resolution: Spain's shipped rates, dates across a rate change, fiscal positions, and bad input."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trato import RecordLink, ValidationFailed, records
from trato_catalog import TaxError, check_vat_number, fiscal_position_for, taxes_for


def _product(spain, category="General", withholding=None, code="P1"):
    return records.create("catalog_product", {
        "code": code, "name": "Thing", "list_price": {"amount": "100", "currency": "EUR"},
        "tax_category_id": spain["category"][category],
        "withholding_tax_id": spain["tax"][withholding] if withholding else None}, user=None)


def test_spanish_rates_ship_as_data(spain):
    today = date(2026, 12, 7)
    domestic = spain["position"]["Domestic business"]
    surcharge = spain["position"]["Equivalence surcharge"]
    expected = {"General": ("21", "5.2"), "Reduced": ("10", "1.4"), "Super-reduced": ("4", "0.5"),
                "Zero rate": ("0", None), "Tobacco": ("21", "1.75")}
    for name, (vat, re) in expected.items():
        item = RecordLink("catalog_tax_category", spain["category"][name])
        assert taxes_for(item, domestic, today).vat.rate == Decimal(vat)
        assert taxes_for(item, domestic, today).surcharge is None
        found = taxes_for(item, surcharge, today)
        assert found.vat.rate == Decimal(vat)
        assert (found.surcharge.rate if found.surcharge else None) == (Decimal(re) if re else None)
    irpf = {code: taxes_for(_product(spain, withholding=code, code=code), domestic, today).withholding.rate
            for code in ("IRPF15", "IRPF7", "IRPF19")}
    assert irpf == {"IRPF15": Decimal(15), "IRPF7": Decimal(7), "IRPF19": Decimal(19)}


def test_a_rate_change_does_not_change_earlier_dates(spain):
    product = _product(spain)
    domestic = spain["position"]["Domestic business"]
    assert taxes_for(product.id, domestic, date(2012, 8, 31)).vat.rate == Decimal(18)
    assert taxes_for(product.id, domestic, date(2012, 9, 1)).vat.rate == Decimal(21)
    # a new rate from 2027 ends the current one: 2026 keeps 21 %
    tax = records.get("catalog_tax", spain["tax"]["IVA21"], user=None)
    rates = records.lines("catalog_tax", tax.id, user=None)["catalog_tax_rate"]
    records.update("catalog_tax", tax.id, {"lines": [
        {"id": rates[0].id}, {"id": rates[1].id, "valid_to": "2026-12-31"},
        {"rate": "22", "valid_from": "2027-01-01"}]}, user=None, version=tax.version)
    assert taxes_for(product.id, domestic, date(2026, 12, 31)).vat.rate == Decimal(21)
    assert taxes_for(product.id, domestic, date(2027, 1, 1)).vat.rate == Decimal(22)


def test_a_date_without_a_rate_is_a_clear_error(spain):
    product = _product(spain)
    with pytest.raises(TaxError) as err:
        taxes_for(product.id, spain["position"]["Domestic business"], date(2001, 1, 1))
    assert err.value.field == "on_date"
    assert "VAT general 21 % has no rate valid on 2001-01-01" in str(err.value)


def test_overlapping_rates_of_one_tax_are_refused_at_the_line(spain):
    tax = records.get("catalog_tax", spain["tax"]["IVA10"], user=None)
    rates = records.lines("catalog_tax", tax.id, user=None)["catalog_tax_rate"]
    with pytest.raises(ValidationFailed) as err:
        records.update("catalog_tax", tax.id, {"lines": [{"id": r.id} for r in rates] + [
            {"rate": "12", "valid_from": "2025-01-01"}]}, user=None, version=tax.version)
    assert list(err.value.errors["lines"]) == [2]
    assert "overlap" in err.value.errors["lines"][2]["valid_from"][0]
    assert len(records.lines("catalog_tax", tax.id, user=None)["catalog_tax_rate"]) == 2  # nothing written


def test_fiscal_positions(spain):
    reduced = RecordLink("catalog_tax_category", spain["category"]["Reduced"])
    on = date(2026, 6, 1)
    for name in ("Intra-EU business", "Export", "Canary Islands, Ceuta and Melilla"):
        found = taxes_for(reduced, spain["position"][name], on)
        assert found.vat is None and found.surcharge is None and found.note
    assert taxes_for(reduced, spain["position"]["Intra-EU business"], on).reverse_charge
    private = taxes_for(_product(spain, withholding="IRPF15"), spain["position"]["Domestic private customer"], on)
    assert private.withholding is None and private.vat.rate == Decimal(21)
    exempt = taxes_for(RecordLink("catalog_tax_category", spain["category"]["Exempt"]),
                       spain["position"]["Domestic business"], on)
    assert exempt.vat is None and "artículo 20" in exempt.note


def test_customer_terms_pick_the_position_and_check_the_vat_number(spain):
    customer = RecordLink("catalog_customer_group", records.create("catalog_customer_group", {"name": "G"},
                                                                   user=None).id)
    assert fiscal_position_for(customer).id == spain["position"]["Domestic business"]
    intra = spain["position"]["Intra-EU business"]
    with pytest.raises(ValidationFailed) as err:
        records.create("catalog_customer_terms", {"customer": {"entity": customer.entity, "id": customer.id},
                                                  "fiscal_position_id": intra}, user=None)
    assert "VAT number" in err.value.errors["vat_number"][0]
    with pytest.raises(ValidationFailed) as err:
        records.create("catalog_customer_terms", {"customer": {"entity": customer.entity, "id": customer.id},
                                                  "fiscal_position_id": intra, "vat_number": "FR40303265046"},
                       user=None)
    assert "not a valid EU VAT number" in err.value.errors["vat_number"][0]
    records.create("catalog_customer_terms", {"customer": {"entity": customer.entity, "id": customer.id},
                                              "fiscal_position_id": intra, "vat_number": "fr 40303265045"},
                   user=None)
    assert fiscal_position_for(customer).id == intra
    assert check_vat_number("FR40303265045") is None


def test_exempt_categories_need_their_legal_reason(ctx):
    with pytest.raises(ValidationFailed) as err:
        records.create("catalog_tax_category", {"name": "Education", "kind": "exempt"}, user=None)
    assert "legal reason" in err.value.errors["legal_reason"][0]


def test_taxes_of_the_wrong_type_are_refused_at_the_field(spain):
    with pytest.raises(ValidationFailed) as err:
        records.create("catalog_product", {"code": "W", "name": "W", "withholding_tax_id": spain["tax"]["IVA21"]},
                       user=None)
    assert err.value.errors["withholding_tax_id"] == ["Choose a withholding tax."]
    general = spain["category"]["General"]
    with pytest.raises(ValidationFailed) as err:
        records.create("catalog_fiscal_position", {"name": "Odd", "regime": "domestic", "lines": [
            {"tax_category_id": general, "vat_tax_id": spain["tax"]["RE5.2"]},
            {"tax_category_id": general, "vat_tax_id": spain["tax"]["IVA21"], "surcharge_tax_id":
             spain["tax"]["IRPF15"]}]}, user=None)
    assert err.value.errors["lines"] == {0: {"vat_tax_id": ["Choose a VAT tax."]},
                                         1: {"surcharge_tax_id": ["Choose an equivalence surcharge."],
                                             "tax_category_id": [
                                                 "This tax category has a rule already in this fiscal position."]}}
